import { App, Stack, StackProps, aws_ec2 as ec2, aws_ecs as ecs, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
// In your own app: import { Ec2WebService, EcsCluster } from 'cdk-ecs-kit';
import { Ec2WebService, EcsCluster } from '../../src';

/**
 * The walkthrough of the "Docker on AWS" whitepaper, as code:
 *
 * 1. create a cluster (`aws ecs create-cluster --cluster-name Walkthrough`);
 * 2. launch ECS-optimized instances that register to it;
 * 3. (the instances register to the cluster);
 * 4. register a task definition: one essential `nginx` container, 1000 CPU units,
 *    500 MiB, container port 80;
 * 5. run it as a service that keeps it running — then `curl` the service's URL.
 *
 * One difference from the whitepaper: it maps container port 80 to host port 80
 * and curls an instance. Here the load balancer is the entry point and each task
 * gets a dynamic host port (32768–65535) that the load balancer follows, so a
 * deployment can start the new task next to the old one on the same instance
 * (a fixed host port 80 fits once per instance: `hostPort: 80` would need a
 * second instance for every deployment), and the instances accept traffic from
 * the load balancer only, on those ports.
 */
export class NginxWalkthroughStack extends Stack {
  public readonly cluster: EcsCluster;
  public readonly service: Ec2WebService;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    // Steps 1–3. Instances in public subnets, so that the VPC needs no NAT gateway;
    // they accept no traffic but the load balancer's.
    this.cluster = new EcsCluster(this, 'Cluster', {
      clusterName: 'Walkthrough',
      natGateways: 0,
    });
    this.cluster.addEc2Capacity('Instances', {
      instanceTypes: [new ec2.InstanceType('t3.small')],
      maxCapacity: 2,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    });

    // Steps 4–5. The service depends on the cluster's capacity provider associations,
    // so the first deploy does not try to place the task before the capacity exists.
    this.service = new Ec2WebService(this, 'Nginx', {
      cluster: this.cluster,
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),
      containerName: 'nginx',
      cpu: 1000,
      memoryLimitMiB: 500,
      containerPort: 80,
      // One task, as in the walkthrough (two at most under load).
      minCapacity: 1,
      maxCapacity: 2,
      logRetention: logs.RetentionDays.TWO_WEEKS,
    });
  }
}

/** Adds the example's stacks to an app (used by main.ts and by the tests). */
export function createStacks(app: App): Stack[] {
  return [new NginxWalkthroughStack(app, 'NginxWalkthrough')];
}
