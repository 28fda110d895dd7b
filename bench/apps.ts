/**
 * The reference app of the benchmark, twice: once with cdk-ecs-kit and once
 * with aws-cdk-lib only. Same VPC shape, capacity, task sizes and counts:
 * a VPC (2 AZs, 1 NAT gateway), a cluster with AL2023 EC2 capacity (t3.medium,
 * min 0, max 10), an ECR repository, N web services (256 CPU / 512 MiB, 2–10
 * tasks on 70% CPU) and one hourly batch job (256 CPU units / 512 MiB) on the
 * EC2 capacity.
 */
import { App, Duration, Stack, aws_applicationautoscaling as appscaling, aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_ecr as ecr, aws_ecs as ecs, aws_ecs_patterns as patterns, aws_iam as iam } from 'aws-cdk-lib';
// The compiled library (npx projen compile), so that both sides run plain JavaScript.
import { Ec2BatchJob, EcrRepository, EcsCluster, FargateWebServiceGroup, JobSchedule } from '../lib';

const IMAGE = 'public.ecr.aws/nginx/nginx:stable';
const INSTANCE_TYPE = 't3.medium';

/** The reference app with cdk-ecs-kit: N services share one load balancer. */
export function buildKitApp(app: App, services: number): Stack {
  const stack = new Stack(app, 'Bench');
  const cluster = new EcsCluster(stack, 'Cluster', {
    ec2Capacity: { instanceTypes: [new ec2.InstanceType(INSTANCE_TYPE)], minCapacity: 0, maxCapacity: 10 },
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

/** The same app with aws-cdk-lib only: one ALB per service (what ecs-patterns creates). */
export function buildCdkApp(app: App, services: number): Stack {
  const stack = new Stack(app, 'Bench');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
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
    minCapacity: 0,
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
