import { App, Duration, Stack, StackProps, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
// In your own app: import { Ec2BatchJob, EcrRepository, EcsCluster, FargateWebService, JobSchedule } from 'cdk-ecs-kit';
import { Ec2BatchJob, EcrRepository, EcsCluster, FargateWebService, JobSchedule, TaskCapacity } from '../../src';

/**
 * The README's low-cost profile: a web service and an hourly batch job with no
 * NAT gateway. The Fargate tasks and the EC2 instances sit in public subnets
 * with public IPv4 addresses, reachable only through their security groups
 * (the tasks from the load balancer, the instances from nowhere); ARM64
 * (Graviton) everywhere; Fargate Spot for half the web tasks, Spot for every instance.
 */
export class LowCostStack extends Stack {
  public readonly web: FargateWebService;
  public readonly job: Ec2BatchJob;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);

    const cluster = new EcsCluster(this, 'Cluster', {
      natGateways: 0,
      ec2Capacity: {
        spot: true,
        maxCapacity: 2,
        instanceTypes: ['t4g.medium', 'm7g.medium', 'c7g.large'].map(t => new ec2.InstanceType(t)),
        vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      },
    });
    const images = new EcrRepository(this, 'Images', { repositoryName: 'low-cost/app' });

    this.web = new FargateWebService(this, 'Web', {
      cluster,
      image: images.containerImage('web-v1'),
      containerPort: 8080,
      cpuArchitecture: ecs.CpuArchitecture.ARM64,
      assignPublicIp: true,
      taskCapacity: TaskCapacity.fargate({ spotWeight: 1, onDemandBase: 1 }),
    });

    this.job = new Ec2BatchJob(this, 'Report', {
      cluster,
      image: images.containerImage('report-v1'),
      cpu: 256,
      memoryLimitMiB: 512,
      schedule: JobSchedule.rate(Duration.hours(1)),
    });
  }
}

/** Adds the example's stacks to an app (used by main.ts and by the tests). */
export function createStacks(app: App): Stack[] {
  return [new LowCostStack(app, 'LowCost')];
}
