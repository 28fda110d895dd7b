import { Stack, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Ec2Capacity, EcsCluster, EcsKitValidationError, IEcsCluster, TaskCapacity } from '../../src';
import { errorOf } from '../helpers/validators';

function importedVpc(stack: Stack): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-0123456789abcdef0'],
  });
}

describe('EcsCluster.fromClusterAttributes', () => {
  test('returns an IEcsCluster with the capacities, Fargate providers and default it was given', () => {
    // GIVEN
    const stack = new Stack();
    const vpc = importedVpc(stack);
    const clusterGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'ClusterSg', 'sg-00000000000000001');
    const spotGroup = ec2.SecurityGroup.fromSecurityGroupId(stack, 'SpotSg', 'sg-00000000000000002');
    const onDemand = Ec2Capacity.fromCapacityProviderAttributes(stack, 'OnDemand', { capacityProviderName: 'shared-on-demand' });
    const spot = Ec2Capacity.fromCapacityProviderAttributes(stack, 'Spot', { capacityProviderName: 'shared-spot', spot: true, securityGroups: [spotGroup] });
    const defaultTaskCapacity = TaskCapacity.fargateSpot();
    // WHEN
    const cluster: IEcsCluster = EcsCluster.fromClusterAttributes(stack, 'Shared', {
      clusterName: 'shared', vpc, securityGroups: [clusterGroup], ec2Capacities: [onDemand, spot], fargateCapacityProviders: false, defaultTaskCapacity,
    });
    // THEN
    expect(cluster.clusterName).toBe('shared');
    expect(stack.resolve(cluster.clusterArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':cluster/shared']],
    });
    expect(cluster.vpc).toBe(vpc);
    expect(cluster.ec2Capacities).toEqual([onDemand, spot]);
    expect(cluster.hasEc2Capacity).toBe(true);
    expect(cluster.fargateCapacityProviders).toBe(false);
    expect(cluster.defaultTaskCapacity).toBe(defaultTaskCapacity);
    // connections: the cluster's own groups, then the capacities'
    expect(cluster.connections.securityGroups).toEqual([clusterGroup, spotGroup]);
  });

  test('defaults: no known capacities, Fargate providers associated, EC2 capacity assumed as in aws-cdk-lib', () => {
    const stack = new Stack();
    const cluster = EcsCluster.fromClusterAttributes(stack, 'Shared', { clusterName: 'shared', vpc: importedVpc(stack) });
    expect(cluster.ec2Capacities).toEqual([]);
    expect(cluster.fargateCapacityProviders).toBe(true);
    expect(cluster.hasEc2Capacity).toBe(true);
    expect(cluster.defaultTaskCapacity).toBeUndefined();
    expect(cluster.connections.securityGroups).toEqual([]);
  });

  test('the list of capacities is its own copy', () => {
    const stack = new Stack();
    const capacities = [Ec2Capacity.fromCapacityProviderAttributes(stack, 'OnDemand', { capacityProviderName: 'shared-on-demand' })];
    const cluster = EcsCluster.fromClusterAttributes(stack, 'Shared', { clusterName: 'shared', vpc: importedVpc(stack), ec2Capacities: capacities });
    capacities.pop();
    expect(cluster.ec2Capacities).toHaveLength(1);
  });

  test('known capacities settle hasEc2Capacity', () => {
    const stack = new Stack();
    const capacity = Ec2Capacity.fromCapacityProviderAttributes(stack, 'OnDemand', { capacityProviderName: 'shared-on-demand' });
    const cluster = EcsCluster.fromClusterAttributes(stack, 'Shared', { clusterName: 'shared', vpc: importedVpc(stack), hasEc2Capacity: false, ec2Capacities: [capacity] });
    expect(cluster.hasEc2Capacity).toBe(true);
  });

  test.each([
    ['the name is empty', ''],
    ['the name has a slash', 'a/b'],
  ])('fails when %s', (_, clusterName) => {
    const stack = new Stack();
    const error = errorOf(() => EcsCluster.fromClusterAttributes(stack, 'Shared', { clusterName, vpc: importedVpc(stack) }));
    expect(error.problems.map(p => `${p.prop}: ${p.received}`)).toEqual([`fromClusterAttributes(attrs).clusterName: ${JSON.stringify(clusterName)}`]);
  });

  test('fails when the VPC is missing', () => {
    const error = errorOf(() => EcsCluster.fromClusterAttributes(new Stack(), 'Shared', { clusterName: 'shared', vpc: undefined as unknown as ec2.IVpc }));
    expect(error.problems.map(p => p.prop)).toEqual(['fromClusterAttributes(attrs).vpc']);
  });
});

describe('EcsCluster.fromClusterArn', () => {
  test('knows the name and ARN; reading its VPC fails with our error', () => {
    // GIVEN
    const stack = new Stack();
    // WHEN
    const cluster = EcsCluster.fromClusterArn(stack, 'ByArn', 'arn:aws:ecs:eu-west-1:111122223333:cluster/batch');
    // THEN
    expect(cluster.clusterName).toBe('batch');
    expect(cluster.clusterArn).toBe('arn:aws:ecs:eu-west-1:111122223333:cluster/batch');
    expect(cluster.ec2Capacities).toEqual([]);
    let thrown: unknown;
    try {
      void cluster.vpc;
    } catch (e) {
      thrown = e;
    }
    expect(EcsKitValidationError.isEcsKitValidationError(thrown)).toBe(true);
    const error = thrown as EcsKitValidationError;
    expect(error.constructPath).toBe('Default/ByArn');
    expect(error.problems).toEqual([expect.objectContaining({ prop: 'vpc', received: 'undefined', fix: expect.stringMatching(/EcsCluster.fromClusterAttributes/) })]);
  });

  test('fails when the ARN names no cluster', () => {
    const error = errorOf(() => EcsCluster.fromClusterArn(new Stack(), 'ByArn', 'arn:aws:ecs:eu-west-1:111122223333:cluster/'));
    expect(error.problems.map(p => p.prop)).toEqual(['fromClusterArn(clusterArn)']);
  });
});
