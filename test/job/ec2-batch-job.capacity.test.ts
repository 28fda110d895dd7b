import { Stack, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { BUSYBOX, definitionOf, statesOf } from './helpers';
import { Ec2BatchJob, Ec2BatchJobProps, Ec2Capacity, EcsCluster, EcsKitValidationError, IEc2Capacity, IEcsCluster, TaskCapacity } from '../../src';
import { acknowledgeUserFindings, userAutoScalingGroup } from '../cluster/user-auto-scaling-group';
import { createTestStack, errorOf, validTemplate } from '../helpers/validators';

type JobOptions = Omit<Ec2BatchJobProps, 'cluster' | 'image'>;

function jobOn(stack: Stack, cluster: ecs.ICluster, options: JobOptions = {}, id = 'Job'): Ec2BatchJob {
  return new Ec2BatchJob(stack, id, { cluster, image: BUSYBOX, memoryLimitMiB: 256, ...options });
}

/** The RunTask state's capacity provider strategy, as synthesized. */
function runTaskStrategyOf(template: Parameters<typeof definitionOf>[0]): unknown {
  return statesOf(definitionOf(template)).RunTask.Arguments.CapacityProviderStrategy;
}

interface SharedPlatform {
  readonly cluster: IEcsCluster;
  readonly onDemand: IEc2Capacity;
  readonly spot: IEc2Capacity;
  readonly gpu: IEc2Capacity;
  readonly securityGroups: Record<'onDemand' | 'spot' | 'gpu', ec2.ISecurityGroup>;
}

/** A cluster of another team's stack, imported with the three capacity providers it has. */
function sharedPlatform(stack: Stack, capacities: Array<'onDemand' | 'spot' | 'gpu'> = ['onDemand', 'spot', 'gpu']): SharedPlatform {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-0123456789abcdef0'],
  });
  const securityGroups = {
    onDemand: ec2.SecurityGroup.fromSecurityGroupId(stack, 'OnDemandSg', 'sg-00000000000000001'),
    spot: ec2.SecurityGroup.fromSecurityGroupId(stack, 'SpotSg', 'sg-00000000000000002'),
    gpu: ec2.SecurityGroup.fromSecurityGroupId(stack, 'GpuSg', 'sg-00000000000000003'),
  };
  const onDemand = Ec2Capacity.fromCapacityProviderAttributes(stack, 'OnDemand', { capacityProviderName: 'shared-on-demand', securityGroups: [securityGroups.onDemand] });
  const spot = Ec2Capacity.fromCapacityProviderAttributes(stack, 'Spot', { capacityProviderName: 'shared-spot', spot: true, securityGroups: [securityGroups.spot] });
  const gpu = Ec2Capacity.fromCapacityProviderAttributes(stack, 'Gpu', { capacityProviderName: 'shared-gpu', gpu: true, securityGroups: [securityGroups.gpu] });
  const all = { onDemand, spot, gpu };
  const cluster = EcsCluster.fromClusterAttributes(stack, 'Shared', { clusterName: 'shared', vpc, ec2Capacities: capacities.map(c => all[c]) });
  return { cluster, onDemand, spot, gpu, securityGroups };
}

describe('Ec2BatchJob on an imported cluster with its capacities', () => {
  test('without taskCapacity, runs on the Spot capacity and passes the validators', () => {
    // GIVEN
    const stack = createTestStack();
    const platform = sharedPlatform(stack);
    // WHEN
    const job = jobOn(stack, platform.cluster);
    // THEN
    expect(job.capacityProviderStrategies).toEqual([{ capacityProvider: 'shared-spot', weight: 1 }]);
    expect(runTaskStrategyOf(validTemplate(stack))).toEqual([{ CapacityProvider: 'shared-spot', Weight: 1 }]);
  });

  test('connections are the security groups of the capacities it runs on', () => {
    // GIVEN
    const stack = new Stack();
    const platform = sharedPlatform(stack);
    const job = jobOn(stack, platform.cluster);
    const db = new ec2.SecurityGroup(stack, 'Db', { vpc: platform.cluster.vpc });
    // WHEN
    job.connections.allowTo(db, ec2.Port.tcp(5432));
    // THEN
    expect(job.connections.securityGroups).toEqual([platform.securityGroups.spot]);
    const ingresses = db.node.findAll().filter((c): c is ec2.CfnSecurityGroupIngress => c instanceof ec2.CfnSecurityGroupIngress);
    expect(stack.resolve(ingresses.map(i => i.sourceSecurityGroupId))).toEqual(['sg-00000000000000002']);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('connectionsUnknown'));
  });

  test('a GPU job runs on the GPU capacity', () => {
    const stack = createTestStack();
    const platform = sharedPlatform(stack);
    const job = jobOn(stack, platform.cluster, { gpuCount: 1 });
    expect(job.capacityProviderStrategies).toEqual([{ capacityProvider: 'shared-gpu', weight: 1 }]);
    expect(job.connections.securityGroups).toEqual([platform.securityGroups.gpu]);
    expect(runTaskStrategyOf(validTemplate(stack))).toEqual([{ CapacityProvider: 'shared-gpu', Weight: 1 }]);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('gpuCapacityUnknown'));
  });

  test('without Spot capacity, runs on the on-demand capacity without GPUs', () => {
    const stack = new Stack();
    const platform = sharedPlatform(stack, ['onDemand', 'gpu']);
    expect(jobOn(stack, platform.cluster).capacityProviderStrategies).toEqual([{ capacityProvider: 'shared-on-demand', weight: 1 }]);
  });

  test('TaskCapacity.ec2(capacity) names the capacities given', () => {
    const stack = new Stack();
    const platform = sharedPlatform(stack);
    const job = jobOn(stack, platform.cluster, { taskCapacity: TaskCapacity.ec2(platform.onDemand, platform.gpu) });
    expect(job.capacityProviderStrategies).toEqual([{ capacityProvider: 'shared-on-demand', weight: 1 }, { capacityProvider: 'shared-gpu', weight: 1 }]);
    expect(job.connections.securityGroups).toEqual([platform.securityGroups.onDemand, platform.securityGroups.gpu]);
  });

  test('a strategy naming the imported providers knows their GPUs and security groups', () => {
    const stack = new Stack();
    const platform = sharedPlatform(stack);
    const job = jobOn(stack, platform.cluster, {
      gpuCount: 1, taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'shared-gpu', weight: 1, base: 1 }]),
    });
    expect(job.connections.securityGroups).toEqual([platform.securityGroups.gpu]);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('gpuCapacityUnknown'));
    expect(() => jobOn(stack, platform.cluster, {
      gpuCount: 1, taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'shared-spot', weight: 1 }]),
    }, 'NoGpu')).toThrow(EcsKitValidationError);
  });

  test('uses the cluster\'s EC2 defaultTaskCapacity, and ignores a Fargate one', () => {
    // GIVEN
    const stack = new Stack();
    const platform = sharedPlatform(stack);
    const vpc = platform.cluster.vpc;
    const withEc2Default = EcsCluster.fromClusterAttributes(stack, 'Ec2Default', {
      clusterName: 'ec2-default', vpc, ec2Capacities: [platform.onDemand, platform.spot], defaultTaskCapacity: TaskCapacity.ec2(platform.onDemand),
    });
    const withFargateDefault = EcsCluster.fromClusterAttributes(stack, 'FargateDefault', {
      clusterName: 'fargate-default', vpc, ec2Capacities: [platform.onDemand, platform.spot], defaultTaskCapacity: TaskCapacity.fargateSpot(),
    });
    // WHEN / THEN
    expect(jobOn(stack, withEc2Default, {}, 'A').capacityProviderStrategies).toEqual([{ capacityProvider: 'shared-on-demand', weight: 1 }]);
    expect(jobOn(stack, withFargateDefault, {}, 'B').capacityProviderStrategies).toEqual([{ capacityProvider: 'shared-spot', weight: 1 }]);
  });

  test('fails when the cluster was imported without capacities and the job names none', () => {
    const stack = new Stack();
    const platform = sharedPlatform(stack, []);
    for (const [id, taskCapacity] of [['Default', undefined], ['Ec2', TaskCapacity.ec2()]] as const) {
      const error = errorOf(() => jobOn(stack, platform.cluster, { taskCapacity }, id));
      expect(error.problems).toEqual([expect.objectContaining({ prop: 'taskCapacity', fix: expect.stringMatching(/import it with EcsCluster.fromClusterAttributes\(scope, id, \{ \.\.\., ec2Capacities/) })]);
    }
  });

  test('fails when given Fargate capacity', () => {
    const stack = new Stack();
    const platform = sharedPlatform(stack);
    for (const taskCapacity of [TaskCapacity.fargate(), TaskCapacity.fargateSpot(), TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'FARGATE', weight: 1 }])]) {
      const error = errorOf(() => jobOn(stack, platform.cluster, { taskCapacity }, `Job${taskCapacity.description.length}`));
      expect(error.problems).toEqual([expect.objectContaining({ prop: 'taskCapacity', received: JSON.stringify(taskCapacity.description) })]);
      expect(error.problems[0].fix).toMatch(/An Ec2BatchJob runs an EC2 task definition, which Fargate cannot run/);
    }
  });
});

describe('Ec2BatchJob on a cluster imported by ARN', () => {
  test('runs with an explicit strategy and passes the validators', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = EcsCluster.fromClusterArn(stack, 'ByArn', 'arn:aws:ecs:eu-west-1:111122223333:cluster/shared');
    // WHEN
    const job = jobOn(stack, cluster, { taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'shared-spot', weight: 1 }]) });
    // THEN
    expect(runTaskStrategyOf(validTemplate(stack))).toEqual([{ CapacityProvider: 'shared-spot', Weight: 1 }]);
    expect(job.capacityProviderStrategies).toEqual([{ capacityProvider: 'shared-spot', weight: 1 }]);
  });

  test('runs on capacities imported by name', () => {
    const stack = createTestStack();
    const cluster = EcsCluster.fromClusterArn(stack, 'ByArn', 'arn:aws:ecs:eu-west-1:111122223333:cluster/shared');
    const spot = Ec2Capacity.fromCapacityProviderAttributes(stack, 'Spot', { capacityProviderName: 'shared-spot', spot: true });
    jobOn(stack, cluster, { taskCapacity: TaskCapacity.ec2(spot) });
    expect(runTaskStrategyOf(validTemplate(stack))).toEqual([{ CapacityProvider: 'shared-spot', Weight: 1 }]);
  });

  test('fails with our error when the job needs the VPC it does not know (awsvpc)', () => {
    const stack = new Stack();
    const cluster = EcsCluster.fromClusterArn(stack, 'ByArn', 'arn:aws:ecs:eu-west-1:111122223333:cluster/shared');
    const error = errorOf(() => jobOn(stack, cluster, {
      networkMode: ecs.NetworkMode.AWS_VPC, taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'shared-spot', weight: 1 }]),
    }));
    expect(error.problems.map(p => p.prop)).toEqual(['vpc']);
  });

  test('fails when the job names no capacity', () => {
    const stack = new Stack();
    const cluster = EcsCluster.fromClusterArn(stack, 'ByArn', 'arn:aws:ecs:eu-west-1:111122223333:cluster/shared');
    expect(errorOf(() => jobOn(stack, cluster)).problems.map(p => p.prop)).toEqual(['taskCapacity']);
  });
});

describe('Ec2BatchJob on an adopted Auto Scaling group', () => {
  test('runs on it through TaskCapacity.ec2(adopted) and passes the validators', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { ec2Capacity: { instanceTypes: [new ec2.InstanceType('m6i.large')] } });
    const asg = userAutoScalingGroup(stack, cluster.vpc);
    const adopted = cluster.addAutoScalingGroupCapacity('Adopted', { autoScalingGroup: asg });
    acknowledgeUserFindings(asg);
    // WHEN
    const job = jobOn(stack, cluster, { taskCapacity: TaskCapacity.ec2(adopted) });
    // THEN
    const template = validTemplate(stack);
    expect(runTaskStrategyOf(template)).toEqual([{ CapacityProvider: `\${${stack.resolve(adopted.capacityProviderName).Ref}}`, Weight: 1 }]);
    expect(job.connections.securityGroups).toEqual(asg.connections.securityGroups);
  });

  test('runs on it by default when it is the cluster\'s EC2 capacity, and prefers it when it is the Spot one', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    const asg = userAutoScalingGroup(stack, cluster.vpc);
    const adopted = cluster.addAutoScalingGroupCapacity('Adopted', { autoScalingGroup: asg, spot: true });
    acknowledgeUserFindings(asg);
    // WHEN
    const job = jobOn(stack, cluster);
    // THEN
    expect(job.capacityProviderStrategies).toEqual([{ capacityProvider: adopted.capacityProviderName, weight: 1 }]);
    expect(job.connections.securityGroups).toEqual(asg.connections.securityGroups);
    validTemplate(stack);
  });

  test('a strategy may name it by its capacityProviderName', () => {
    const stack = new Stack();
    const cluster = new EcsCluster(stack, 'Cluster');
    const asg = userAutoScalingGroup(stack, cluster.vpc);
    cluster.addAutoScalingGroupCapacity('Adopted', { autoScalingGroup: asg, capacityProviderName: 'adopted' });
    const job = jobOn(stack, cluster, { taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'adopted', weight: 1 }]) });
    expect(job.connections.securityGroups).toEqual(asg.connections.securityGroups);
  });
});
