import { CfnParameter, RemovalPolicy, Size, Stack, aws_ec2 as ec2, aws_ecs as ecs, aws_logs as logs, aws_servicediscovery as cloudmap, aws_sns as sns } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { Ec2Capacity, EcsCluster, EcsKitValidationError, EcsMachineImage, TaskCapacity } from '../../src';
import { createTestStack, errorOf, expectAcceptedOnlyWhen, validTemplate } from '../helpers/validators';

const t = (name: string) => new ec2.InstanceType(name);

function userDataOf(template: Template, launchTemplateLogicalIdPrefix: string): string {
  const launchTemplates = template.findResources('AWS::EC2::LaunchTemplate');
  const [, lt] = Object.entries(launchTemplates).find(([id]) => id.startsWith(launchTemplateLogicalIdPrefix))!;
  const parts = (lt as any).Properties.LaunchTemplateData.UserData['Fn::Base64']['Fn::Join'][1];
  return parts.map((p: unknown) => (typeof p === 'string' ? p : '<ClusterName>')).join('');
}

describe('EcsCluster defaults', () => {
  test('default cluster (Fargate only) passes the validators and matches the snapshot', () => {
    // GIVEN
    const stack = createTestStack();
    // WHEN
    new EcsCluster(stack, 'Cluster');
    // THEN
    const template = validTemplate(stack);
    expect(template.toJSON()).toMatchSnapshot();
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 0);
  });

  test('Container Insights on, FARGATE and FARGATE_SPOT attached', () => {
    const stack = createTestStack();
    new EcsCluster(stack, 'Cluster');
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
    template.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      CapacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    });
  });

  test('the new VPC has 2 AZs, one NAT gateway, flow logs with finite retention (retained) and a closed default security group', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    const template = validTemplate(stack);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 30 },
      DeletionPolicy: 'Retain',
    });
    expect(cluster.flowLogGroup).toBeDefined();
    expect(cluster.vpc.availabilityZones).toHaveLength(2);
  });

  test('the cluster is the default child and keeps a stable logical id', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    expect(cluster.node.defaultChild).toBe(cluster.cluster);
    validTemplate(stack).templateMatches({
      Resources: { ClusterC2E21B66: Match.objectLike({ Type: 'AWS::ECS::Cluster' }) },
    });
  });
});

describe('EcsCluster EC2 capacity', () => {
  function onDemandAndSpot(): { stack: Stack; cluster: EcsCluster } {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { ec2Capacity: { maxCapacity: 4 } });
    cluster.addEc2Capacity('Spot', { spot: true, instanceTypes: [t('m7g.large'), t('m6g.large'), t('c7g.xlarge')] });
    return { stack, cluster };
  }

  test('on-demand + Spot capacity passes the validators and matches the snapshot', () => {
    const { stack } = onDemandAndSpot();
    const template = validTemplate(stack);
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('launch template: AL2023 SSM parameter, IMDSv2 with hop limit 1, encrypted gp3, no SSH key', () => {
    const { stack } = onDemandAndSpot();
    const template = validTemplate(stack);
    template.hasParameter('*', {
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Default: '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id',
    });
    template.hasParameter('*', { Default: '/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id' });
    template.allResourcesProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 30, DeleteOnTermination: true } }],
        KeyName: Match.absent(),
      }),
    });
    template.resourceCountIs('AWS::AutoScaling::LaunchConfiguration', 0);
  });

  test('Auto Scaling groups start at 0 and capacity providers have managed scaling (100%) and draining', () => {
    const { stack, cluster } = onDemandAndSpot();
    const template = validTemplate(stack);
    template.allResourcesProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '0' });
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MaxSize: '4', LaunchTemplate: Match.anyValue() });
    template.allResourcesProperties('AWS::ECS::CapacityProvider', {
      AutoScalingGroupProvider: Match.objectLike({
        ManagedScaling: { Status: 'ENABLED', TargetCapacity: 100 },
        ManagedDraining: 'ENABLED',
      }),
    });
    expect(cluster.ec2Capacities).toHaveLength(2);
    expect(cluster.hasEc2Capacity).toBe(true);
    expect(cluster.autoscalingGroup).toBe((cluster.ec2Capacities[0] as Ec2Capacity).autoScalingGroup);
  });

  test('cdk destroy cannot hang: no managed termination protection, no scale-in protection, no drain-hook Lambda', () => {
    const { stack } = onDemandAndSpot();
    const template = validTemplate(stack);
    template.allResourcesProperties('AWS::ECS::CapacityProvider', {
      AutoScalingGroupProvider: Match.objectLike({ ManagedTerminationProtection: 'DISABLED' }),
    });
    template.allResourcesProperties('AWS::AutoScaling::AutoScalingGroup', { NewInstancesProtectedFromScaleIn: false });
    template.resourceCountIs('AWS::AutoScaling::LifecycleHook', 0);
    template.resourcePropertiesCountIs('AWS::Lambda::Function', { Handler: Match.stringLikeRegexp('drain') }, 0);
  });

  test('Spot uses a capacity-optimized mixed instances policy and enables Spot draining in the agent', () => {
    const { stack } = onDemandAndSpot();
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MixedInstancesPolicy: {
        InstancesDistribution: { OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 0, SpotAllocationStrategy: 'capacity-optimized' },
        LaunchTemplate: {
          LaunchTemplateSpecification: Match.anyValue(),
          Overrides: [{ InstanceType: 'm7g.large' }, { InstanceType: 'm6g.large' }, { InstanceType: 'c7g.xlarge' }],
        },
      },
    });
    expect(userDataOf(template, 'ClusterSpot')).toBe([
      '#!/bin/bash',
      'echo ECS_CLUSTER=<ClusterName> >> /etc/ecs/ecs.config',
      "cat >> /etc/ecs/ecs.config <<'CDK_ECS_KIT_AGENT_CONFIG'",
      'ECS_AWSVPC_BLOCK_IMDS=true',
      'ECS_ENABLE_SPOT_INSTANCE_DRAINING=true',
      'CDK_ECS_KIT_AGENT_CONFIG',
    ].join('\n'));
  });

  test('user data registers the instances to the cluster and adds extra agent settings', () => {
    const stack = createTestStack();
    new EcsCluster(stack, 'Cluster', {
      clusterName: 'walkthrough',
      ec2Capacity: { agentSettings: { ECS_CONTAINER_STOP_TIMEOUT: '2m', ECS_IMAGE_PULL_BEHAVIOR: 'prefer-cached' } },
    });
    const template = validTemplate(stack);
    expect(userDataOf(template, 'ClusterEc2Capacity')).toBe([
      '#!/bin/bash',
      'echo ECS_CLUSTER=<ClusterName> >> /etc/ecs/ecs.config',
      "cat >> /etc/ecs/ecs.config <<'CDK_ECS_KIT_AGENT_CONFIG'",
      'ECS_AWSVPC_BLOCK_IMDS=true',
      'ECS_CONTAINER_STOP_TIMEOUT=2m',
      'ECS_IMAGE_PULL_BEHAVIOR=prefer-cached',
      'CDK_ECS_KIT_AGENT_CONFIG',
    ].join('\n'));
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterName: 'walkthrough' });
  });

  test('instance role: SSM Session Manager plus the ECS agent actions scoped to the cluster', () => {
    const stack = createTestStack();
    new EcsCluster(stack, 'Cluster', { ec2Capacity: {} });
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] },
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] }],
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: ['ecs:DeregisterContainerInstance', 'ecs:RegisterContainerInstance', 'ecs:Submit*'],
            Resource: { 'Fn::GetAtt': ['ClusterC2E21B66', 'Arn'] },
          }),
        ]),
      },
    });
  });

  test('ARM64 instance types get the ARM64 image; GPU and Bottlerocket images on request', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    const arm = cluster.addEc2Capacity('Graviton', { instanceTypes: [t('m7g.large')] });
    const gpu = cluster.addEc2Capacity('Gpu', { instanceTypes: [t('g5.xlarge')], machineImage: EcsMachineImage.amazonLinux2023({ gpu: true }) });
    cluster.addEc2Capacity('Bottlerocket', { instanceTypes: [t('c7g.large')], machineImage: EcsMachineImage.bottlerocket(), spot: false });
    const template = validTemplate(stack);
    expect(arm.architecture).toBe(ec2.InstanceArchitecture.ARM_64);
    expect(gpu.gpu).toBe(true);
    template.hasParameter('*', { Default: '/aws/service/ecs/optimized-ami/amazon-linux-2023/gpu/recommended/image_id' });
    template.hasParameter('*', { Default: '/aws/service/bottlerocket/aws-ecs-2/arm64/latest/image_id' });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        BlockDeviceMappings: [
          { DeviceName: '/dev/xvda', Ebs: Match.objectLike({ Encrypted: true, VolumeType: 'gp3' }) },
          { DeviceName: '/dev/xvdb', Ebs: Match.objectLike({ Encrypted: true, VolumeType: 'gp3', VolumeSize: 30 }) },
        ],
        UserData: { 'Fn::Base64': { 'Fn::Join': ['', ['\n[settings.ecs]\ncluster = "', { Ref: 'ClusterC2E21B66' }, '"']] } },
      }),
    });
  });

  test('capacity options: sizes, desired capacity, target, volume size, subnets, notifications', () => {
    const stack = new Stack();
    const topic = new sns.Topic(stack, 'Topic');
    const cluster = new EcsCluster(stack, 'Cluster');
    cluster.addEc2Capacity('Web', {
      minCapacity: 1,
      maxCapacity: 3,
      desiredCapacity: 2,
      targetCapacityPercent: 80,
      volumeSize: Size.gibibytes(50),
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
      notificationsTopic: topic,
      capacityProviderName: 'web-capacity',
      instanceTypes: [t('m6i.large'), t('m5.large')],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      MinSize: '1',
      MaxSize: '3',
      DesiredCapacity: '2',
      NotificationConfigurations: [Match.objectLike({ TopicARN: { Ref: Match.stringLikeRegexp('^Topic') } })],
      VPCZoneIdentifier: [{ Ref: Match.stringLikeRegexp('PublicSubnet1') }, { Ref: Match.stringLikeRegexp('PublicSubnet2') }],
      MixedInstancesPolicy: Match.objectLike({
        InstancesDistribution: { OnDemandAllocationStrategy: 'prioritized', OnDemandPercentageAboveBaseCapacity: 100 },
      }),
    });
    template.hasResourceProperties('AWS::ECS::CapacityProvider', {
      Name: 'web-capacity',
      AutoScalingGroupProvider: Match.objectLike({ ManagedScaling: { Status: 'ENABLED', TargetCapacity: 80 } }),
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ VolumeSize: 50 }) })] }),
    });
  });

  test('instances join cluster.connections, so services can open ports to them', () => {
    // (a plain stack: opening port 80 to the world is the finding a real app acknowledges)
    const stack = new Stack();
    const cluster = new EcsCluster(stack, 'Cluster', { ec2Capacity: {} });
    cluster.connections.allowFromAnyIpv4(ec2.Port.tcp(80), 'HTTP');
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [{ CidrIp: '0.0.0.0/0', FromPort: 80, ToPort: 80, IpProtocol: 'tcp', Description: 'HTTP' }],
    });
  });
});

describe('EcsCluster options', () => {
  test('an existing VPC is used as given', () => {
    const stack = createTestStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 3, natGateways: 1, restrictDefaultSecurityGroup: true, flowLogs: { All: {} } });
    const cluster = new EcsCluster(stack, 'Cluster', { vpc });
    expect(cluster.vpc).toBe(vpc);
    expect(cluster.flowLogGroup).toBeUndefined();
    validTemplate(stack).resourceCountIs('AWS::EC2::VPC', 1);
  });

  test('zero NAT gateways makes the private subnets isolated; EC2 capacity goes to public subnets', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { natGateways: 0 });
    cluster.addEc2Capacity('Public', { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
    const template = validTemplate(stack);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::Route', 2); // the public subnets' internet routes only
  });

  test('Fargate providers can be turned off and a default strategy set', () => {
    const stack = createTestStack();
    new EcsCluster(stack, 'Cluster', {
      defaultTaskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'FARGATE_SPOT', weight: 3 }, { capacityProvider: 'FARGATE', base: 1, weight: 1 }]),
    });
    validTemplate(stack).hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      DefaultCapacityProviderStrategy: [
        { CapacityProvider: 'FARGATE_SPOT', Weight: 3 },
        { CapacityProvider: 'FARGATE', Base: 1, Weight: 1 },
      ],
    });
    const other = createTestStack();
    new EcsCluster(other, 'Cluster', { enableFargateCapacityProviders: false });
    validTemplate(other).resourceCountIs('AWS::ECS::ClusterCapacityProviderAssociations', 0);
  });

  test('enhanced Container Insights', () => {
    const stack = createTestStack();
    new EcsCluster(stack, 'Cluster', { containerInsights: ecs.ContainerInsights.ENHANCED });
    validTemplate(stack).hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enhanced' }],
    });
  });

  test('ECS Exec: sessions encrypted with a rotating KMS key and logged to an encrypted log group with finite retention', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { enableExecuteCommand: true, executeCommandLogRetention: logs.RetentionDays.THREE_MONTHS });
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 90, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ExecuteCommandKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::ECS::Cluster', {
      Configuration: {
        ExecuteCommandConfiguration: {
          KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('ExecuteCommandKey'), 'Arn'] },
          Logging: 'OVERRIDE',
          LogConfiguration: { CloudWatchEncryptionEnabled: true, CloudWatchLogGroupName: { Ref: Match.stringLikeRegexp('ExecuteCommandLogs') } },
        },
      },
    });
    expect(cluster.executeCommandConfiguration?.kmsKey).toBe(cluster.executeCommandKey);
  });

  test('a default Cloud Map namespace for Service Connect (HTTP by default)', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'internal' });
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ServiceDiscovery::HttpNamespace', { Name: 'internal' });
    template.hasResourceProperties('AWS::ECS::Cluster', { ServiceConnectDefaults: { Namespace: Match.anyValue() } });
    expect(cluster.defaultCloudMapNamespace?.namespaceName).toBe('internal');
    const other = createTestStack();
    new EcsCluster(other, 'Cluster', { cloudMapNamespaceName: 'internal.local', cloudMapNamespaceType: cloudmap.NamespaceType.DNS_PRIVATE });
    Template.fromStack(other).resourceCountIs('AWS::ServiceDiscovery::PrivateDnsNamespace', 1);
  });

  test('usable as an ecs.ICluster by aws-cdk-lib services; metric helpers name the cluster', () => {
    const stack = new Stack();
    const cluster = new EcsCluster(stack, 'Cluster');
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    taskDefinition.addContainer('app', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'app', logRetention: logs.RetentionDays.ONE_WEEK }),
    });
    new ecs.FargateService(stack, 'Service', { cluster, taskDefinition, capacityProviderStrategies: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECS::Service', { Cluster: { Ref: 'ClusterC2E21B66' } });
    const metric = cluster.metricCpuReservation();
    expect(metric.namespace).toBe('AWS/ECS');
    expect(stack.resolve(metric.dimensions)).toEqual({ ClusterName: { Ref: 'ClusterC2E21B66' } });
    expect(cluster.metricMemoryUtilization().metricName).toBe('MemoryUtilization');
    expect(cluster.metricCpuUtilization().metricName).toBe('CPUUtilization');
    expect(cluster.metricMemoryReservation().metricName).toBe('MemoryReservation');
  });

  test('imports by attributes and ARN', () => {
    const stack = createTestStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['a', 'b'], privateSubnetIds: ['s-1', 's-2'] });
    const imported = EcsCluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'prod', vpc });
    expect(imported.clusterName).toBe('prod');
    const byArn = EcsCluster.fromClusterArn(stack, 'ByArn', 'arn:aws:ecs:us-east-1:111122223333:cluster/batch');
    expect(byArn.clusterName).toBe('batch');
  });

  test('applyRemovalPolicy reaches the cluster resource', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    cluster.applyRemovalPolicy(RemovalPolicy.RETAIN);
    Template.fromStack(stack).hasResource('AWS::ECS::Cluster', { DeletionPolicy: 'Retain' });
  });
});

describe('EcsCluster bad input', () => {
  test('fails when minCapacity is larger than maxCapacity', () => {
    const stack = createTestStack();
    expect(() => new EcsCluster(stack, 'Cluster', { ec2Capacity: { minCapacity: 5, maxCapacity: 2 } }))
      .toThrow(/ec2Capacity.minCapacity: received 5\. It is larger than maxCapacity \(2\)/);
  });

  test('fails when desiredCapacity is outside [min, max]', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    expect(() => cluster.addEc2Capacity('Web', { minCapacity: 1, maxCapacity: 3, desiredCapacity: 4 }))
      .toThrow(/addEc2Capacity\(Web\).desiredCapacity: received 4\. Use a value between minCapacity \(1\) and maxCapacity \(3\)/);
  });

  test('fails when counts are negative', () => {
    const stack = createTestStack();
    expect(() => new EcsCluster(stack, 'Cluster', { natGateways: -1, ec2Capacity: { minCapacity: -1, desiredCapacity: -2 } }))
      .toThrow(/natGateways: received -1[\s\S]*ec2Capacity.minCapacity: received -1[\s\S]*ec2Capacity.desiredCapacity: received -2/);
  });

  test.each([['empty', ''], ['a space', 'my cluster'], ['a dot', 'my.cluster'], ['too long', 'c'.repeat(256)]])(
    'fails when the cluster name has %s', (_, clusterName) => {
      const stack = createTestStack();
      expect(() => new EcsCluster(stack, 'Cluster', { clusterName }))
        .toThrow(new RegExp(`EcsCluster at 'TestStack/Cluster' has an invalid prop:\\n  - clusterName: received "${clusterName}"\\. Use 1 to 255 letters`));
    });

  test('fails when there are more NAT gateways than Availability Zones', () => {
    const stack = createTestStack();
    expect(() => new EcsCluster(stack, 'Cluster', { natGateways: 3 }))
      .toThrow(/natGateways: received 3\. There is at most one NAT gateway per Availability Zone, and the VPC has 2/);
  });

  test('fails when EC2 capacity would sit in private subnets without a NAT gateway', () => {
    const stack = createTestStack();
    expect(() => new EcsCluster(stack, 'Cluster', { natGateways: 0, ec2Capacity: {} }))
      .toThrow(/ec2Capacity.vpcSubnets: received "private subnets \(default\)"\. The cluster's VPC has no NAT gateway/);
  });

  test('fails when VPC props are given together with a vpc', () => {
    const stack = createTestStack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const error = errorOf(() => new EcsCluster(stack, 'Cluster', { vpc, natGateways: 0, flowLogRetention: logs.RetentionDays.FIVE_DAYS }));
    // each prop with its own value (not "natGateways: received [0]"), enums by name
    expect(error.problems.map(p => `${p.prop}: ${p.received}`)).toEqual(['natGateways: 0', 'flowLogRetention: RetentionDays.FIVE_DAYS']);
    expect(error.message).toMatch(/natGateways: received 0\. It configures the VPC the cluster creates, but a vpc was given/);
  });

  test('fails when the image architecture does not match the instance type', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    expect(() => cluster.addEc2Capacity('Arm', {
      instanceTypes: [t('m7g.large')],
      machineImage: EcsMachineImage.amazonLinux2023({ architecture: ec2.InstanceArchitecture.X86_64 }),
    })).toThrow(/addEc2Capacity\(Arm\).machineImage: received "AMAZON_LINUX_2023 x86_64"\. The instance types \(m7g.large\) are arm64/);
  });

  test('fails when instance types mix architectures', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    expect(() => cluster.addEc2Capacity('Mixed', { spot: true, instanceTypes: [t('m7g.large'), t('m6i.large')] }))
      .toThrow(/instanceTypes: received \["m7g.large","m6i.large"\]\. Instances of one group share one image/);
  });

  test('fails when a GPU image is used on a non-GPU family, or a GPU family without the GPU image', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    expect(() => cluster.addEc2Capacity('Gpu', { instanceTypes: [t('m6i.large')], machineImage: EcsMachineImage.amazonLinux2023({ gpu: true }) }))
      .toThrow(/machineImage: received "AMAZON_LINUX_2023 gpu"\. The GPU image needs NVIDIA GPU instances, but m6i.large has none/);
    expect(() => cluster.addEc2Capacity('NoGpuImage', { instanceTypes: [t('g5.xlarge')] }))
      .toThrow(/g5.xlarge has NVIDIA GPUs that tasks can only use with the GPU image/);
    expect(() => cluster.addEc2Capacity('ArmGpu', { instanceTypes: [t('g5g.xlarge')], machineImage: EcsMachineImage.amazonLinux2023({ gpu: true }) }))
      .toThrow(/Amazon Linux 2023 GPU image is x86_64 only/);
  });

  test('fails when Spot is requested with no instance types', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    expect(() => cluster.addEc2Capacity('Spot', { spot: true }))
      .toThrow(/addEc2Capacity\(Spot\).instanceTypes: received \[\]\. Spot capacity needs a list of instance types/);
    expect(() => cluster.addEc2Capacity('Spot2', { spot: true, instanceTypes: [] })).toThrow(/Spot capacity needs a list/);
  });

  test.each([
    ['a key without ECS_', { DOCKER_HOST: 'x' }, /agentSettings: received "DOCKER_HOST"\. Agent setting keys are ECS_/],
    ['a lowercase key', { ecs_loglevel: 'debug' }, /agentSettings: received "ecs_loglevel"/],
    ['a newline in a value', { ECS_LOGLEVEL: 'debug\nrm -rf /' }, /agentSettings.ECS_LOGLEVEL: received "debug\\nrm -rf \/"\. Values are written as one line/],
    ['a carriage return in a value', { ECS_LOGLEVEL: 'debug\r' }, /agentSettings.ECS_LOGLEVEL: received "debug\\r"\. Values are written as one line/],
    ['a NUL in a value', { ECS_LOGLEVEL: 'debug\u0000' }, /agentSettings.ECS_LOGLEVEL: received "debug\\u0000"/],
    ['the heredoc terminator on a line of its own', { ECS_LOGLEVEL: 'x\nCDK_ECS_KIT_AGENT_CONFIG\nreboot' }, /agentSettings.ECS_LOGLEVEL: .*Values are written as one line/],
    ['ECS_CLUSTER', { ECS_CLUSTER: 'other' }, /agentSettings.ECS_CLUSTER: received "other"\. The kit registers the instances with this cluster itself/],
  ])('fails when agent settings have %s', (_, agentSettings, message) => {
    const stack = createTestStack();
    expect(() => new EcsCluster(stack, 'Cluster', { ec2Capacity: { agentSettings } })).toThrow(message);
  });

  test('fails when agent settings are given for Bottlerocket', () => {
    const stack = createTestStack();
    expect(() => new EcsCluster(stack, 'Cluster', {
      ec2Capacity: { machineImage: EcsMachineImage.bottlerocket(), agentSettings: { ECS_LOGLEVEL: 'debug' } },
    })).toThrow(/Bottlerocket has no \/etc\/ecs\/ecs.config/);
  });

  test('fails with every problem at once, as an EcsKitValidationError', () => {
    const stack = createTestStack();
    try {
      new EcsCluster(stack, 'Cluster', { clusterName: 'a b', maxAzs: 0, ec2Capacity: { targetCapacityPercent: 0 } });
      throw new Error('expected an error');
    } catch (e) {
      expect(EcsKitValidationError.isEcsKitValidationError(e)).toBe(true);
      expect((e as EcsKitValidationError).problems.map(p => p.prop)).toEqual(['clusterName', 'maxAzs', 'ec2Capacity.targetCapacityPercent']);
    }
  });

  test('does not validate unresolved tokens', () => {
    const stack = createTestStack();
    const max = new CfnParameter(stack, 'Max', { type: 'Number' }).valueAsNumber;
    const name = new CfnParameter(stack, 'Name').valueAsString;
    expect(() => new EcsCluster(stack, 'Cluster', { clusterName: name, ec2Capacity: { minCapacity: 0, maxCapacity: max } })).not.toThrow();
  });
});

describe('EcsCluster properties', () => {
  test('every min/max/desired combination either synthesizes or fails with our error', () => {
    const count = fc.option(fc.integer({ min: -2, max: 12 }), { nil: undefined });
    fc.assert(fc.property(count, count, count, (minCapacity, maxCapacity, desiredCapacity) => {
      const stack = new Stack();
      try {
        new EcsCluster(stack, 'Cluster', { ec2Capacity: { minCapacity, maxCapacity, desiredCapacity } });
      } catch (e) {
        expect(EcsKitValidationError.isEcsKitValidationError(e)).toBe(true);
        return;
      }
      const min = minCapacity ?? 0;
      const max = maxCapacity ?? 10;
      expect(min).toBeLessThanOrEqual(max);
      expect(min).toBeGreaterThanOrEqual(0);
      if (desiredCapacity !== undefined) expect(desiredCapacity >= min && desiredCapacity <= max).toBe(true);
    }), { numRuns: 60 });
  });

  test('every cluster name either works or fails with our error', () => {
    fc.assert(fc.property(fc.string({ maxLength: 30 }), clusterName => {
      expectAcceptedOnlyWhen(/^[A-Za-z0-9_-]{1,255}$/.test(clusterName), () => new EcsCluster(new Stack(), 'Cluster', { clusterName }));
    }), { numRuns: 60 });
  });
});
