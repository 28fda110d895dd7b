/**
 * The reference app written with aws-cdk-lib only, with aws-cdk-lib's defaults
 * (a NAT gateway per AZ, an Auto Scaling group of at least 1 instance, one load
 * balancer per ApplicationLoadBalancedFargateService), and the same task sizes
 * and counts as `buildKitApp`. This file never imports cdk-ecs-kit: loading the
 * kit would be counted against aws-cdk-lib's time.
 */
import { Duration, Stack, type App, aws_applicationautoscaling as appscaling, aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_ecr as ecr, aws_ecs as ecs, aws_ecs_patterns as patterns, aws_iam as iam } from 'aws-cdk-lib';
import { IMAGE, INSTANCE_TYPE } from './context';

/** N web services (one load balancer each, as ecs-patterns creates), one hourly batch job, an ECR repository. */
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
