/**
 * The reference app of the benchmark, built three ways with the same task
 * sizes and counts — N web services (256 CPU units / 512 MiB, 2–10 tasks on
 * 70% CPU) and one hourly batch job (256 CPU units / 512 MiB) on EC2 capacity
 * (up to 10 instances) in a 2-AZ VPC with an ECR repository:
 *
 * - `buildKitApp`: cdk-ecs-kit with its defaults (one NAT gateway, EC2
 *   capacity from 0 instances, services sharing load balancers);
 * - `buildKitApp` with `lowCost`: the README's low-cost profile (no NAT
 *   gateway, tasks and instances in public subnets reachable only through
 *   their security groups, ARM64, Fargate Spot and EC2 Spot);
 * - `buildCdkApp`: aws-cdk-lib only, with aws-cdk-lib's defaults (a NAT gateway
 *   per AZ, an Auto Scaling group of at least 1 instance, one load balancer per
 *   ApplicationLoadBalancedFargateService).
 */
import { App, Duration, Stack, cx_api as cxapi, aws_applicationautoscaling as appscaling, aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_ecr as ecr, aws_ecs as ecs, aws_ecs_patterns as patterns, aws_iam as iam } from 'aws-cdk-lib';
// The compiled library (npx projen compile), so that both sides run plain JavaScript.
import { Ec2BatchJob, EcrRepository, EcsCluster, FargateWebServiceGroup, JobSchedule } from '../lib';

/**
 * The context `cdk init` writes into a new project's cdk.json (today's
 * recommended feature flags): both sides are synthesized as a new app would be.
 */
export const NEW_PROJECT_CONTEXT = { ...cxapi.CURRENTLY_RECOMMENDED_FLAGS, ...cxapi.NEW_PROJECT_DEFAULT_CONTEXT };

const IMAGE = 'public.ecr.aws/nginx/nginx:stable';
const INSTANCE_TYPE = 't3.medium';

/** The reference app with cdk-ecs-kit: its defaults, or the low-cost profile. */
export function buildKitApp(app: App, services: number, lowCost = false): Stack {
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
  const web = new FargateWebServiceGroup(stack, 'Web', { cluster });
  const image = ecs.ContainerImage.fromRegistry(IMAGE);
  for (let i = 0; i < services; i++) {
    web.addService(`Web${i}`, {
      image,
      pathPatterns: i === 0 ? undefined : [`/svc${i}/*`],
      minCapacity: 2,
      maxCapacity: 10,
      ...lowCost ? { assignPublicIp: true, cpuArchitecture: ecs.CpuArchitecture.ARM64, spotWeight: 1 } : {},
    });
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

/** The same app with aws-cdk-lib only and its defaults: one load balancer per service (what ecs-patterns creates). */
export function buildCdkApp(app: App, services: number): Stack {
  const stack = new Stack(app, 'Bench');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  const cluster = new ecs.Cluster(stack, 'Cluster', { vpc, enableFargateCapacityProviders: true });
  const autoScalingGroup = new autoscaling.AutoScalingGroup(stack, 'Asg', {
    vpc,
    launchTemplate: new ec2.LaunchTemplate(stack, 'LaunchTemplate', {
      instanceType: new ec2.InstanceType(INSTANCE_TYPE),
      machineImage: ecs.EcsOptimizedImage.amazonLinux2023(),
      userData: ec2.UserData.forLinux(),
      role: new iam.Role(stack, 'InstanceRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') }),
      requireImdsv2: true,
    }),
    maxCapacity: 10,
  });
  cluster.addAsgCapacityProvider(new ecs.AsgCapacityProvider(stack, 'CapacityProvider', { autoScalingGroup }));
  new ecr.Repository(stack, 'Repository');
  const image = ecs.ContainerImage.fromRegistry(IMAGE);
  for (let i = 0; i < services; i++) {
    const web = new patterns.ApplicationLoadBalancedFargateService(stack, `Web${i}`, {
      cluster,
      taskImageOptions: { image },
      cpu: 256,
      memoryLimitMiB: 512,
      desiredCount: 2,
    });
    web.service.autoScaleTaskCount({ minCapacity: 2, maxCapacity: 10 }).scaleOnCpuUtilization('Cpu', { targetUtilizationPercent: 70 });
  }
  new patterns.ScheduledEc2Task(stack, 'Job', {
    cluster,
    scheduledEc2TaskImageOptions: { image: ecs.ContainerImage.fromRegistry(IMAGE), cpu: 256, memoryLimitMiB: 512 },
    schedule: appscaling.Schedule.rate(Duration.hours(1)),
  });
  return stack;
}
