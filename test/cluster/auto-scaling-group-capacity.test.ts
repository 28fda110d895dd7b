import { Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_ecs as ecs, aws_iam as iam } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { acknowledgeUserFindings, userAutoScalingGroup } from './user-auto-scaling-group';
import { EcsCluster } from '../../src';
import { createTestStack, errorOf, validTemplate } from '../helpers/validators';

describe('EcsCluster.addAutoScalingGroupCapacity', () => {
  test('adopts an Auto Scaling group of the app: a managed capacity provider over it, associated with the cluster', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    const asg = userAutoScalingGroup(stack, cluster.vpc);
    // WHEN
    const capacity = cluster.addAutoScalingGroupCapacity('Adopted', { autoScalingGroup: asg, targetCapacityPercent: 80 });
    acknowledgeUserFindings(asg);
    // THEN
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::CapacityProvider', {
      AutoScalingGroupProvider: {
        AutoScalingGroupArn: { Ref: stack.getLogicalId(asg.node.defaultChild as autoscaling.CfnAutoScalingGroup) },
        ManagedScaling: Match.objectLike({ Status: 'ENABLED', TargetCapacity: 80 }),
        ManagedTerminationProtection: 'DISABLED',
        ManagedDraining: 'ENABLED',
      },
    });
    template.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      CapacityProviders: ['FARGATE', 'FARGATE_SPOT', stack.resolve(capacity.capacityProviderName)],
    });
    expect(capacity.node.path).toBe('TestStack/Cluster/Adopted');
    expect(cluster.ec2Capacities).toEqual([capacity]);
    expect(cluster.hasEc2Capacity).toBe(true);
    expect([capacity.spot, capacity.gpu, capacity.architecture]).toEqual([false, false, ec2.InstanceArchitecture.X86_64]);
    // connections: the group's own security group
    expect(capacity.connections.securityGroups).toEqual(asg.connections.securityGroups);
  });

  test('aws-cdk-lib writes the cluster into the user\'s user data and the agent\'s permissions into the user\'s role', () => {
    const stack = new Stack();
    const cluster = new EcsCluster(stack, 'Cluster');
    const asg = userAutoScalingGroup(stack, cluster.vpc);
    cluster.addAutoScalingGroupCapacity('Adopted', { autoScalingGroup: asg });
    const template = Template.fromStack(stack);
    const [launchTemplate] = Object.values<any>(template.findResources('AWS::EC2::LaunchTemplate', {
      Properties: { LaunchTemplateData: { SecurityGroupIds: Match.anyValue() } },
    }));
    expect(JSON.stringify(launchTemplate.Properties.LaunchTemplateData.UserData)).toMatch(/ECS_CLUSTER=/);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['ecs:RegisterContainerInstance']) })]) },
      Roles: [{ Ref: stack.getLogicalId(asg.role.node.defaultChild as iam.CfnRole) }],
    });
  });

  test('Spot, GPU, architecture, name and security groups as given', () => {
    const stack = new Stack();
    const cluster = new EcsCluster(stack, 'Cluster');
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Given', 'sg-0123456789abcdef0');
    const capacity = cluster.addAutoScalingGroupCapacity('Adopted', {
      autoScalingGroup: userAutoScalingGroup(stack, cluster.vpc),
      spot: true,
      gpu: true,
      architecture: ec2.InstanceArchitecture.ARM_64,
      capacityProviderName: 'adopted',
      securityGroups: [sg],
    });
    expect([capacity.spot, capacity.gpu, capacity.architecture]).toEqual([true, true, ec2.InstanceArchitecture.ARM_64]);
    expect(capacity.connections.securityGroups).toEqual([sg]);
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::CapacityProvider', { Name: 'adopted' });
  });

  // BUG: the kit reads the group's `connections` even when securityGroups is given, and aws-cdk-lib throws for a
  // group on a launch template without a security group.
  test('a group on a launch template without a security group is adopted when securityGroups is given', () => {
    const stack = new Stack();
    const cluster = new EcsCluster(stack, 'Cluster');
    const sg = new ec2.SecurityGroup(stack, 'Given', { vpc: cluster.vpc });
    const capacity = cluster.addAutoScalingGroupCapacity('Adopted', {
      autoScalingGroup: userAutoScalingGroup(stack, cluster.vpc, { securityGroup: false }), securityGroups: [sg],
    });
    expect(capacity.connections.securityGroups).toEqual([sg]);
  });

  test('on a cluster without Fargate providers, the adopted group is the one provider associated', () => {
    const stack = new Stack();
    const cluster = new EcsCluster(stack, 'Cluster', { enableFargateCapacityProviders: false });
    const capacity = cluster.addAutoScalingGroupCapacity('Adopted', { autoScalingGroup: userAutoScalingGroup(stack, cluster.vpc), capacityProviderName: 'adopted' });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      CapacityProviders: [stack.resolve(capacity.capacityProviderName)],
    });
  });

  test('fails when the Auto Scaling group is imported, naming the import of its capacity provider instead', () => {
    // GIVEN (aws-cdk-lib associates a provider only by configuring its group, which an import cannot be)
    const stack = new Stack();
    const cluster = new EcsCluster(stack, 'Cluster');
    const asg = autoscaling.AutoScalingGroup.fromAutoScalingGroupName(stack, 'Asg', 'platform-ecs');
    // WHEN
    const error = errorOf(() => cluster.addAutoScalingGroupCapacity('Platform', { autoScalingGroup: asg }));
    // THEN
    expect(error.problems.map(p => p.prop)).toEqual(['addAutoScalingGroupCapacity(Platform).autoScalingGroup']);
    expect(error.problems[0].fix).toMatch(/Ec2Capacity\.fromCapacityProviderAttributes/);
  });

  test('fails when the options are bad, naming them under the method', () => {
    // GIVEN
    const stack = new Stack();
    const cluster = new EcsCluster(stack, 'Cluster', { ec2Capacity: { capacityProviderName: 'taken' } });
    const autoScalingGroup = userAutoScalingGroup(stack, cluster.vpc);
    // WHEN
    const error = errorOf(() => cluster.addAutoScalingGroupCapacity('Adopted', { autoScalingGroup, targetCapacityPercent: 0, capacityProviderName: 'ecs-adopted' }));
    // THEN
    expect(error.message).toMatch(/^EcsCluster at 'Default\/Cluster'/);
    expect(error.problems.map(p => `${p.prop}: ${p.received}`)).toEqual([
      'addAutoScalingGroupCapacity(Adopted).targetCapacityPercent: 0',
      'addAutoScalingGroupCapacity(Adopted).capacityProviderName: "ecs-adopted"',
    ]);
    expect(errorOf(() => cluster.addAutoScalingGroupCapacity('Adopted', { autoScalingGroup, targetCapacityPercent: 101 })).problems.map(p => p.prop))
      .toEqual(['addAutoScalingGroupCapacity(Adopted).targetCapacityPercent']);
    expect(errorOf(() => cluster.addAutoScalingGroupCapacity('Adopted', { autoScalingGroup, capacityProviderName: 'taken' })).problems)
      .toEqual([expect.objectContaining({ prop: 'addAutoScalingGroupCapacity(Adopted).capacityProviderName', received: '"taken"' })]);
    expect(cluster.ec2Capacities).toHaveLength(1);
  });

  test('fails when the id is taken', () => {
    const stack = new Stack();
    const cluster = new EcsCluster(stack, 'Cluster', { ec2Capacity: {} });
    const autoScalingGroup = userAutoScalingGroup(stack, cluster.vpc);
    for (const id of ['Ec2Capacity', 'Cluster']) {
      expect(errorOf(() => cluster.addAutoScalingGroupCapacity(id, { autoScalingGroup })).problems.map(p => `${p.prop}: ${p.received}`))
        .toEqual([`addAutoScalingGroupCapacity(id): "${id}"`]);
    }
    cluster.addAutoScalingGroupCapacity('Adopted', { autoScalingGroup });
    expect(errorOf(() => cluster.addAutoScalingGroupCapacity('Adopted', { autoScalingGroup })).problems[0].fix).toMatch(/an EC2 capacity group with this id already/);
    expect(errorOf(() => cluster.addAutoScalingGroupCapacity('', { autoScalingGroup })).problems.map(p => p.prop)).toEqual(['addAutoScalingGroupCapacity(id)']);
  });

  test('fails when the group, the image type or the architecture is missing or wrong', () => {
    const cluster = new EcsCluster(new Stack(), 'Cluster');
    const error = errorOf(() => cluster.addAutoScalingGroupCapacity('Adopted', {
      autoScalingGroup: undefined as unknown as autoscaling.IAutoScalingGroup,
      machineImageType: 'WINDOWS' as unknown as ecs.MachineImageType,
      architecture: 'sparc' as unknown as ec2.InstanceArchitecture,
    }));
    expect(error.problems.map(p => p.prop)).toEqual([
      'addAutoScalingGroupCapacity(Adopted).autoScalingGroup',
      'addAutoScalingGroupCapacity(Adopted).machineImageType',
      'addAutoScalingGroupCapacity(Adopted).architecture',
    ]);
  });
});
