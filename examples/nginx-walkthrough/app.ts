import { App, RemovalPolicy, Stack, StackProps, Validations, aws_ec2 as ec2, aws_ecs as ecs, aws_logs as logs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
// In your own app: import { EcsCluster } from 'cdk-ecs-kit';
import { EcsCluster } from '../../src';

/**
 * The walkthrough of the "Docker on AWS" whitepaper, as code:
 *
 * 1. create a cluster (`aws ecs create-cluster --cluster-name Walkthrough`);
 * 2. launch ECS-optimized instances whose user data writes `ECS_CLUSTER=Walkthrough`
 *    to /etc/ecs/ecs.config, in a security group open on port 80;
 * 3. (the instances register to the cluster);
 * 4. register a task definition: one essential `nginx` container, 1000 CPU units,
 *    500 MiB, container port 80 mapped to host port 80;
 * 5. run it — here as a service that keeps one task running — then
 *    `curl http://<instance public address>/`.
 */
export class NginxWalkthroughStack extends Stack {
  public readonly cluster: EcsCluster;
  public readonly service: ecs.Ec2Service;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    // Steps 1–3. The instances sit in public subnets so that curl can reach them,
    // which also means the VPC needs no NAT gateway.
    this.cluster = new EcsCluster(this, 'Cluster', {
      clusterName: 'Walkthrough',
      natGateways: 0,
    });
    const capacity = this.cluster.addEc2Capacity('Instances', {
      instanceTypes: [new ec2.InstanceType('t3.small')],
      maxCapacity: 2,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    });
    capacity.securityGroup.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'HTTP to nginx (walkthrough step 2)');
    Validations.of(capacity.securityGroup).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'The walkthrough serves nginx on the instances\' public addresses: port 80 is the one public ingress, ' +
        'and nothing else is open.',
    });

    // Step 4.
    const taskDefinition = new ecs.Ec2TaskDefinition(this, 'TaskDefinition', {
      family: 'nginx-walkthrough',
      networkMode: ecs.NetworkMode.BRIDGE,
    });
    taskDefinition.addContainer('nginx', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),
      cpu: 1000,
      memoryLimitMiB: 500,
      essential: true,
      portMappings: [{ containerPort: 80, hostPort: 80, protocol: ecs.Protocol.TCP }],
      logging: ecs.LogDrivers.awsLogs({
        streamPrefix: 'nginx',
        logGroup: new logs.LogGroup(this, 'Logs', {
          retention: logs.RetentionDays.TWO_WEEKS,
          removalPolicy: RemovalPolicy.RETAIN,
        }),
      }),
    });

    // Step 5: a service keeps one task running (and replaces it if it stops).
    this.service = new ecs.Ec2Service(this, 'Service', {
      cluster: this.cluster,
      taskDefinition,
      desiredCount: 1,
      // Host port 80 fits once per instance: replace the task in place.
      minHealthyPercent: 0,
      maxHealthyPercent: 100,
      circuitBreaker: { enable: true, rollback: true },
      capacityProviderStrategies: [{ capacityProvider: capacity.capacityProviderName, weight: 1 }],
    });
  }
}

/** Adds the example's stacks to an app (used by main.ts and by the tests). */
export function createStacks(app: App): Stack[] {
  return [new NginxWalkthroughStack(app, 'NginxWalkthrough')];
}
