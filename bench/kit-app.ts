/**
 * The reference app with cdk-ecs-kit, with the same task sizes and counts as
 * `buildCdkApp` (bench/cdk-app.ts): N web services (256 CPU units / 512 MiB,
 * 2–10 tasks on 70% CPU) and one hourly batch job (256 CPU units / 512 MiB) on
 * EC2 capacity (up to 10 instances) in a 2-AZ VPC with an ECR repository.
 *
 * - One web service is issue 7's reference app: a `FargateWebService` with its
 *   own load balancer. More services go into a `FargateWebServiceGroup`
 *   (shared load balancers, nested stacks), the kit's way to declare many.
 * - With `lowCost`: the README's low-cost profile (no NAT gateway, tasks and
 *   instances in public subnets reachable only through their security groups,
 *   ARM64, Fargate Spot and EC2 Spot).
 */
import { Duration, Stack, type App, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { IMAGE, INSTANCE_TYPE } from './context';
// The compiled library (npx projen compile), so that both sides run plain JavaScript.
import { Ec2BatchJob, EcrRepository, EcsCluster, FargateWebService, FargateWebServiceGroup, FargateWebServiceOptions, JobSchedule, TaskCapacity } from '../lib';

/** How the kit's side is built. */
export interface KitAppOptions {
  /** The README's low-cost profile instead of the kit's defaults. */
  readonly lowCost?: boolean;
  /** Services in a FargateWebServiceGroup even when there is only one. Default: from 2 services. */
  readonly group?: boolean;
}

/** The reference app with cdk-ecs-kit: its defaults, or the low-cost profile. */
export function buildKitApp(app: App, services: number, options: KitAppOptions = {}): Stack {
  const lowCost = options.lowCost ?? false;
  const stack = new Stack(app, 'Bench');
  const cluster = new EcsCluster(stack, 'Cluster', lowCost ? {
    natGateways: 0,
    ec2Capacity: {
      instanceTypes: [new ec2.InstanceType('t4g.medium'), new ec2.InstanceType('m7g.medium'), new ec2.InstanceType('c7g.large')],
      spot: true,
      maxCapacity: 10,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    },
  } : {
    ec2Capacity: { instanceTypes: [new ec2.InstanceType(INSTANCE_TYPE)], maxCapacity: 10 },
  });
  new EcrRepository(stack, 'Repository');
  const web: FargateWebServiceOptions = {
    image: ecs.ContainerImage.fromRegistry(IMAGE),
    minCapacity: 2,
    maxCapacity: 10,
    ...lowCost ? { assignPublicIp: true, cpuArchitecture: ecs.CpuArchitecture.ARM64, taskCapacity: TaskCapacity.fargate({ spotWeight: 1 }) } : {},
  };
  if (services === 1 && !options.group) {
    new FargateWebService(stack, 'Web', { cluster, ...web });
  } else {
    const group = new FargateWebServiceGroup(stack, 'Web', { cluster });
    for (let i = 0; i < services; i++) {
      group.addService(`Web${i}`, { ...web, pathPatterns: i === 0 ? undefined : [`/svc${i}/*`] });
    }
  }
  new Ec2BatchJob(stack, 'Job', {
    cluster,
    image: ecs.ContainerImage.fromRegistry(IMAGE),
    cpu: 256,
    memoryLimitMiB: 512,
    schedule: JobSchedule.rate(Duration.hours(1)),
  });
  return stack;
}
