/**
 * Integration test: EcsCluster with EC2 capacity, from zero instances to a running
 * task, and a clean delete.
 *
 * Deploys a cluster with one on-demand capacity group (min 0, max 1) and a task
 * definition that sleeps. Then:
 * - the group's Auto Scaling group is at 0 instances;
 * - `RunTask` on the group's capacity provider places a task, managed scaling starts
 *   an instance, the instance joins the cluster (user data writes `ECS_CLUSTER`), and
 *   the task reaches `RUNNING` on that capacity provider;
 * - the task is stopped, and integ-runner (or `cdk destroy`) deletes the stack: no
 *   managed termination protection or scale-in protection may hold the capacity
 *   provider or the Auto Scaling group (aws/aws-cdk#18179).
 *
 * `npm test` only compares the synthesized templates with the committed snapshot
 * (`integ.ecs-cluster.ts.snapshot/`); README's "Testing" section says how to deploy it.
 */
import { AwsApiCall, ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack, aws_ecs as ecs } from 'aws-cdk-lib';
import { Ec2Capacity, EcsCluster } from '../src';

const app = new App();
// Environment-agnostic: the stack synthesizes without credentials or lookups.
const stack = new Stack(app, 'EcsKitIntegEcsCluster');

const cluster = new EcsCluster(stack, 'Cluster', {
  ec2Capacity: { maxCapacity: 1 },
});
const capacity = cluster.ec2Capacities[0] as Ec2Capacity;
// Integration test only: leave nothing behind (the kit retains the flow logs).
cluster.flowLogGroup?.applyRemovalPolicy(RemovalPolicy.DESTROY);

// A task that would run for 10 minutes; the test stops it once it has seen it run.
const taskDefinition = new ecs.Ec2TaskDefinition(stack, 'Sleeper');
taskDefinition.addContainer('sleep', {
  image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.36'),
  command: ['sleep', '600'],
  memoryLimitMiB: 64,
});

const integ = new IntegTest(app, 'EcsCluster', {
  testCases: [stack],
});

// GIVEN the capacity group at zero instances
const atZero = integ.assertions.awsApiCall('AutoScaling', 'describeAutoScalingGroups', {
  AutoScalingGroupNames: [capacity.autoScalingGroup.autoScalingGroupName],
}).assertAtPath('AutoScalingGroups.0.DesiredCapacity', ExpectedResult.exact(0));

// WHEN a task is started on the group's capacity provider
const runTask = integ.assertions.awsApiCall('ECS', 'runTask', {
  cluster: cluster.clusterArn,
  taskDefinition: taskDefinition.taskDefinitionArn,
  count: 1,
  capacityProviderStrategy: [{ capacityProvider: capacity.capacityProvider.capacityProviderName, weight: 1 }],
  startedBy: 'cdk-ecs-kit-integ',
}) as AwsApiCall;
// RunTask passes the task role to ECS.
runTask.provider.addToRolePolicy({
  Effect: 'Allow',
  Action: ['iam:PassRole'],
  Resource: [taskDefinition.taskRole.roleArn],
});
atZero.next(runTask);
const taskArn = runTask.getAttString('tasks.0.taskArn');

// THEN the task reaches RUNNING (an instance is started for it, then joins the cluster)
const running = integ.assertions.awsApiCall('ECS', 'describeTasks', {
  cluster: cluster.clusterArn,
  tasks: [taskArn],
}).assertAtPath('tasks.0.lastStatus', ExpectedResult.exact('RUNNING'))
  .waitForAssertions({ totalTimeout: Duration.minutes(15), interval: Duration.seconds(20), backoffRate: 1 });
runTask.next(running);

// THEN it runs on the capacity provider it was started on
const onProvider = integ.assertions.awsApiCall('ECS', 'describeTasks', {
  cluster: cluster.clusterArn,
  tasks: [taskArn],
}).assertAtPath('tasks.0.capacityProviderName', ExpectedResult.exact(capacity.capacityProvider.capacityProviderName));
running.next(onProvider);

// Stop it, so that deleting the stack starts from an idle cluster (as after a real job).
const stop = integ.assertions.awsApiCall('ECS', 'stopTask', {
  cluster: cluster.clusterArn,
  task: taskArn,
  reason: 'cdk-ecs-kit integration test: the task ran',
});
onProvider.next(stop);
