import { App, Stack, StackProps, aws_route53 as route53 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
// In your own app: import { EcrRepository, EcsCluster, FargateWebService, SharedLoadBalancer } from 'cdk-ecs-kit';
import { EcrRepository, EcsCluster, FargateWebService, SharedLoadBalancer, TaskCapacity } from '../../src';

/** Where the app is served: HTTPS at a domain of a Route 53 zone, or plain HTTP at the load balancer's name. */
export interface FargateWebAppStackProps extends StackProps {
  /** e.g. `shop.example.com`; with `hostedZoneId` and `zoneName`, the app is served over HTTPS. */
  readonly domainName?: string;
  /** Id of the Route 53 hosted zone of `domainName`, e.g. `Z0123456789ABCDEFGHIJ`. */
  readonly hostedZoneId?: string;
  /** Name of that hosted zone, e.g. `example.com`. */
  readonly zoneName?: string;
}

/**
 * A shop: a web front end and an API, two Fargate services behind one
 * load balancer, split by path. Images come from one private ECR repository
 * that CI pushes to (`web-v1`, `api-v1`).
 */
export class FargateWebAppStack extends Stack {
  public readonly web: FargateWebService;
  public readonly api: FargateWebService;

  constructor(scope: Construct, id: string, props: FargateWebAppStackProps = {}) {
    super(scope, id, props);

    // A Fargate-only cluster in its own VPC (2 AZs, one NAT gateway, flow logs).
    const cluster = new EcsCluster(this, 'Cluster');
    const vpc = cluster.vpc;

    const images = new EcrRepository(this, 'Images', { repositoryName: 'shop/app' });

    const hostedZone = props.hostedZoneId && props.zoneName
      ? route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: props.hostedZoneId, zoneName: props.zoneName })
      : undefined;
    // HTTPS (with a DNS-validated certificate and an HTTP redirect) when a domain is given, plain HTTP otherwise.
    const alb = new SharedLoadBalancer(this, 'Alb', {
      vpc,
      domainName: hostedZone ? props.domainName : undefined,
      hostedZone,
    });

    // No host or path condition: the front end serves `/` and every path no other service claims.
    this.web = new FargateWebService(this, 'Web', {
      cluster,
      image: images.containerImage('web-v1'),
      containerPort: 8080,
      loadBalancer: alb,
      environment: { API_BASE_PATH: '/api' },
    });

    this.api = new FargateWebService(this, 'Api', {
      cluster,
      image: images.containerImage('api-v1'),
      containerPort: 8080,
      loadBalancer: alb,
      pathPatterns: ['/api/*'],
      healthCheckPath: '/api/health',
      cpu: 512,
      memoryLimitMiB: 1024,
      maxCapacity: 20,
      targetRequestsPerTarget: 1000,
      taskCapacity: TaskCapacity.fargate({ spotWeight: 1, onDemandBase: 1 }),
    });
  }
}

/** Adds the example's stacks to an app (used by main.ts and by the tests). */
export function createStacks(app: App): Stack[] {
  return [
    new FargateWebAppStack(app, 'FargateWebApp', {
      domainName: app.node.tryGetContext('domainName'),
      hostedZoneId: app.node.tryGetContext('hostedZoneId'),
      zoneName: app.node.tryGetContext('zoneName'),
    }),
  ];
}
