import { Lazy, Stack, aws_ec2 as ec2, aws_kms as kms, aws_logs as logs } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { userAutoScalingGroup } from './user-auto-scaling-group';
import { Ec2Capacity, EcsCluster } from '../../src';
import { createHardenedTestStack, createTestStack, errorOf, validTemplate } from '../helpers/validators';

const t = (name: string) => new ec2.InstanceType(name);

/** The logical id of a construct's L1 resource. */
function logicalIdOf(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as never);
}

/** The rule ids acknowledged on a construct (cdk-nag 3 / Validations acknowledgments). */
function acknowledgedOn(construct: { node: { metadata: Array<{ data: unknown }> } }): string {
  return JSON.stringify(construct.node.metadata.map(m => m.data));
}

describe('EcsCluster in the hardened profile', () => {
  function hardenedCluster(): { stack: Stack; cluster: EcsCluster; spot: Ec2Capacity } {
    const stack = createHardenedTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { enableExecuteCommand: true, ec2Capacity: { instanceTypes: [t('m7g.large')] } });
    const spot = cluster.addEc2Capacity('Spot', { spot: true, instanceTypes: [t('m7g.large'), t('m6g.large')] });
    return { stack, cluster, spot };
  }

  test('VPC, flow logs, on-demand and Spot capacity and ECS Exec logging pass the four packs with 0 findings', () => {
    // GIVEN
    const { stack } = hardenedCluster();
    // WHEN
    const template = validTemplate(stack);
    // THEN the log groups are encrypted with the profile's key and kept a year
    const kitKey = stack.getLogicalId(stack.node.findChild('EcsKitKey').node.defaultChild as never);
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [kitKey, 'Arn'] } }, 2);
    // and the instances have detailed monitoring
    template.allResourcesProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ Monitoring: { Enabled: true } }) });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('the cluster\'s own props win over the profile: flowLogRetention, encryptionKey, detailedMonitoring', () => {
    // GIVEN
    const stack = createHardenedTestStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    // WHEN
    new EcsCluster(stack, 'Cluster', {
      flowLogRetention: logs.RetentionDays.ONE_WEEK,
      encryptionKey: key,
      ec2Capacity: { detailedMonitoring: false },
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7, KmsKeyId: { 'Fn::GetAtt': [logicalIdOf(stack, key), 'Arn'] } });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ Monitoring: Match.absent() }) });
    expect(stack.node.tryFindChild('EcsKitKey')).toBeUndefined();
  });

  test('IMDSv2 is acknowledged only on groups with a mixed instances policy, whose launch template requires it', () => {
    // GIVEN
    const { cluster, spot } = hardenedCluster();
    const onDemand = cluster.ec2Capacities[0] as Ec2Capacity;
    // THEN cdk-nag's rule cannot follow a mixed instances policy's launch template (see its source): acknowledged there only
    expect(acknowledgedOn(spot.autoScalingGroup)).toContain('NIST.800.53.R5-EC2IMDSv2Enabled');
    expect(acknowledgedOn(spot.autoScalingGroup)).toContain('HIPAA.Security-EC2IMDSv2Enabled');
    expect(acknowledgedOn(onDemand.autoScalingGroup)).not.toContain('EC2IMDSv2Enabled');
    Template.fromStack(Stack.of(cluster)).allResourcesProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 } }),
    });
  });
});

describe('EcsCluster safer defaults (issue 18, Part 1)', () => {
  test('the public subnets of the new VPC do not assign public IPs; only their default routes acknowledge the internet route', () => {
    // GIVEN
    const stack = createTestStack();
    // WHEN
    const cluster = new EcsCluster(stack, 'Cluster');
    // THEN
    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false }, 4);
    template.resourcePropertiesCountIs('AWS::EC2::Subnet', { MapPublicIpOnLaunch: true }, 0);
    for (const subnet of cluster.vpc.publicSubnets) {
      expect(acknowledgedOn(subnet.node.findChild('DefaultRoute') as never)).toContain('VPCNoUnrestrictedRouteToIGW');
      expect(acknowledgedOn(subnet as never)).not.toContain('VPCNoUnrestrictedRouteToIGW');
    }
    for (const subnet of cluster.vpc.privateSubnets) {
      expect(acknowledgedOn(subnet.node.findChild('DefaultRoute') as never)).not.toContain('VPCNoUnrestrictedRouteToIGW');
    }
  });

  test('the flow logs deliver with the kit\'s role, whose statements are in a managed policy and whose trust is this account\'s flow logs', () => {
    // GIVEN
    const stack = createTestStack();
    // WHEN
    const cluster = new EcsCluster(stack, 'Cluster');
    // THEN
    const template = Template.fromStack(stack);
    const role = cluster.node.findChild('FlowLogRole');
    template.hasResourceProperties('AWS::EC2::FlowLog', { DeliverLogsPermissionArn: { 'Fn::GetAtt': [logicalIdOf(stack, role), 'Arn'] } });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({
          Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: { 'aws:SourceArn': Match.anyValue() } },
        })],
      },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: logicalIdOf(stack, role) }],
      PolicyDocument: Match.objectLike({
        Statement: [Match.objectLike({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'] })],
      }),
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { KmsKeyId: Match.anyValue() }, 0);
  });

  test('EC2 capacity in public subnets asks for public IPs; in private subnets it does not', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { natGateways: 0 });
    // WHEN
    const inPublic = cluster.addEc2Capacity('Public', {
      spot: true, instanceTypes: [t('t4g.medium'), t('m7g.medium')], vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    });
    const other = new EcsCluster(stack, 'Other');
    const inPrivate = other.addEc2Capacity('Private', {});
    // THEN
    const template = validTemplate(stack);
    const resources = template.toJSON().Resources;
    const launchTemplate = (capacity: Ec2Capacity) => resources[logicalIdOf(stack, capacity.launchTemplate)].Properties.LaunchTemplateData;
    expect(launchTemplate(inPublic).NetworkInterfaces).toEqual([{
      DeviceIndex: 0,
      AssociatePublicIpAddress: true,
      Groups: [{ 'Fn::GetAtt': [logicalIdOf(stack, inPublic.securityGroup), 'GroupId'] }],
    }]);
    expect(launchTemplate(inPrivate).NetworkInterfaces).toBeUndefined();
    expect(launchTemplate(inPrivate).SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [logicalIdOf(stack, inPrivate.securityGroup), 'GroupId'] }]);
  });

  test('EC2 capacity in the public subnets of a VPC of yours asks for public IPs too', () => {
    // GIVEN
    const stack = createTestStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
    vpc.addFlowLog('FlowLog');
    const cluster = new EcsCluster(stack, 'Cluster', { vpc });
    // WHEN
    cluster.addEc2Capacity('Capacity', { vpcSubnets: { subnets: vpc.publicSubnets } });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ NetworkInterfaces: [Match.objectLike({ AssociatePublicIpAddress: true })] }),
    });
  });

  test('the instance role holds no inline policy: the ECS agent\'s statements are the kit\'s EcsAgent managed policy', () => {
    // GIVEN
    const stack = createTestStack();
    // WHEN
    const capacity = new EcsCluster(stack, 'Cluster').addEc2Capacity('Capacity', {});
    // THEN
    const template = Template.fromStack(stack);
    const agentPolicy = capacity.instanceRole.node.findChild('EcsAgentPolicy');
    const resource = template.toJSON().Resources[logicalIdOf(stack, agentPolicy as never)];
    expect(resource.Type).toBe('AWS::IAM::ManagedPolicy');
    expect(resource.Properties.Roles).toEqual([{ Ref: logicalIdOf(stack, capacity.instanceRole) }]);
    expect(JSON.stringify(resource.Properties.PolicyDocument)).toContain('ecs:DiscoverPollEndpoint');
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('detailed monitoring is off by default and on when asked', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    // WHEN
    const plain = cluster.addEc2Capacity('Plain', {});
    const monitored = cluster.addEc2Capacity('Monitored', { detailedMonitoring: true });
    // THEN
    const resources = Template.fromStack(stack).toJSON().Resources;
    expect(resources[logicalIdOf(stack, plain.launchTemplate)].Properties.LaunchTemplateData.Monitoring).toBeUndefined();
    expect(resources[logicalIdOf(stack, monitored.launchTemplate)].Properties.LaunchTemplateData.Monitoring).toEqual({ Enabled: true });
  });

  test('encryptionKey encrypts the flow logs and the ECS Exec logs; ECS Exec sessions keep their own key', () => {
    // GIVEN
    const stack = createTestStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    // WHEN
    const cluster = new EcsCluster(stack, 'Cluster', { encryptionKey: key, enableExecuteCommand: true });
    // THEN
    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [logicalIdOf(stack, key), 'Arn'] } }, 2);
    template.hasResourceProperties('AWS::ECS::Cluster', {
      Configuration: { ExecuteCommandConfiguration: Match.objectLike({ KmsKeyId: { 'Fn::GetAtt': [logicalIdOf(stack, cluster.executeCommandKey!), 'Arn'] } }) },
    });
  });

  test('without encryptionKey, the ECS Exec logs stay encrypted with the ECS Exec key, for a year', () => {
    // GIVEN
    const stack = createTestStack();
    // WHEN
    const cluster = new EcsCluster(stack, 'Cluster', { enableExecuteCommand: true });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [logicalIdOf(stack, cluster.executeCommandKey!), 'Arn'] },
    });
  });

  test('fails when encryptionKey is not a KMS key', () => {
    // GIVEN
    const stack = createTestStack();
    // WHEN
    const error = errorOf(() => new EcsCluster(stack, 'Cluster', { encryptionKey: 'alias/logs' as unknown as kms.IKey }));
    // THEN
    expect(error.problems).toEqual([expect.objectContaining({ prop: 'encryptionKey' })]);
    expect(error.message).toMatch(/kms\.IKey/);
  });

  test.each([
    ['a string', 'yes'],
    ['a token', Lazy.any({ produce: () => false })],
  ])('fails when detailedMonitoring is %s', (_what, value) => {
    // GIVEN
    const stack = createTestStack();
    // WHEN
    const error = errorOf(() => new EcsCluster(stack, 'Cluster', { ec2Capacity: { detailedMonitoring: value as unknown as boolean } }));
    // THEN
    expect(error.problems).toEqual([expect.objectContaining({ prop: 'ec2Capacity.detailedMonitoring' })]);
    expect(error.message).toMatch(/literal true or false/);
  });

  test('warns that encryptionKey is ignored when the cluster creates no log group', () => {
    // GIVEN
    const stack = createTestStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0 });
    // WHEN
    const cluster = new EcsCluster(stack, 'Cluster', { vpc, encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }) });
    // THEN
    expect(JSON.stringify(cluster.node.metadata)).toContain('cdk-ecs-kit:EcsCluster.encryptionKeyIgnored');
  });

  test('an adopted Auto Scaling group keeps its role as it is: the ECS agent\'s statements go to its default policy', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    const group = userAutoScalingGroup(stack, cluster.vpc);
    // WHEN
    cluster.addAutoScalingGroupCapacity('Adopted', { autoScalingGroup: group });
    // THEN
    expect(group.role.node.tryFindChild('DefaultPolicy')).toBeDefined();
    expect(group.role.node.tryFindChild('Policy')).toBeUndefined();
  });
});
