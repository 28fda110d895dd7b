import { App, CfnParameter, RemovalPolicy, Size, Stack, aws_ec2 as ec2, aws_ecs as ecs, aws_logs as logs, aws_servicediscovery as cloudmap } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EcsCluster, EcsClusterProps, TaskCapacity } from '../../src';
import { createTestApp, createTestStack, errorOf, validTemplate } from '../helpers/validators';

const t = (name: string) => new ec2.InstanceType(name);

/** The problems of the EcsKitValidationError that creating a cluster with `props` throws, as "prop: received". */
function problemsOf(props: EcsClusterProps, more?: (cluster: EcsCluster) => void): string[] {
  const error = errorOf(() => {
    const cluster = new EcsCluster(new Stack(), 'Cluster', props);
    more?.(cluster);
  });
  return error.problems.map(p => `${p.prop}: ${p.received}`);
}

describe('EcsCluster capacity provider names', () => {
  test.each([
    ['a space', 'batch spot'],
    ['a dot', 'batch.spot'],
    ['an "ecs" prefix in capitals', 'EcsSpot'],
    ['an "aws" prefix', 'aws-spot'],
    ['a "FARGATE" prefix', 'FARGATE_X'],
    ['no characters', ''],
    ['256 characters', 'c'.repeat(256)],
  ])('fails when a capacity provider name has %s', (_, capacityProviderName) => {
    const error = errorOf(() => new EcsCluster(new Stack(), 'Cluster', { ec2Capacity: { capacityProviderName } }));
    expect(error.problems).toEqual([expect.objectContaining({
      prop: 'ec2Capacity.capacityProviderName',
      received: JSON.stringify(capacityProviderName),
      fix: expect.stringMatching(/1 to 255 letters, digits, hyphens and underscores, not starting with "aws", "ecs" or "fargate"/),
    })]);
  });

  test('fails when two groups of a cluster get the same capacity provider name', () => {
    expect(problemsOf({ ec2Capacity: { capacityProviderName: 'batch' } }, c => c.addEc2Capacity('Two', { capacityProviderName: 'batch' })))
      .toEqual(['addEc2Capacity(Two).capacityProviderName: "batch"']);
  });

  test.each(['EcsStack', 'AWSServices', 'Fargate-Prod'])(
    'a stack named %s (which starts CloudFormation\'s generated names) gets a derived capacity provider name ECS accepts', stackName => {
      // GIVEN
      const stack = new Stack(createTestApp(), stackName);
      // WHEN
      const cluster = new EcsCluster(stack, 'Cluster', { ec2Capacity: {} });
      cluster.addEc2Capacity('Spot', { spot: true, instanceTypes: [t('m7g.large'), t('m6g.large')] });
      // THEN
      const names = Object.values(validTemplate(stack).findResources('AWS::ECS::CapacityProvider')).map((r: any) => r.Properties.Name);
      expect(names).toHaveLength(2);
      for (const name of names) {
        expect(name).toMatch(/^cp-[A-Za-z0-9_-]{1,252}$/);
        expect(name).not.toMatch(/^(aws|ecs|fargate)/i);
      }
      expect(new Set(names).size).toBe(2);
    });

  test('other stacks keep CloudFormation\'s generated names (no replacement of existing capacity providers)', () => {
    const stack = new Stack();
    new EcsCluster(stack, 'Cluster', { ec2Capacity: {} });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::CapacityProvider', { Name: Match.absent() });
  });
});

describe('EcsCluster defaultTaskCapacity', () => {
  test.each<[string, ecs.CapacityProviderStrategy[], RegExp]>([
    ['all weights are 0', [{ capacityProvider: 'FARGATE', weight: 0 }, { capacityProvider: 'FARGATE_SPOT' }], /weight: \[0,0\]/],
    ['a provider is listed twice', [{ capacityProvider: 'FARGATE', weight: 1 }, { capacityProvider: 'FARGATE', weight: 2 }], /capacityProvider: \["FARGATE"\]/],
    ['two providers have a base', [{ capacityProvider: 'FARGATE', base: 1, weight: 1 }, { capacityProvider: 'FARGATE_SPOT', base: 2, weight: 1 }], /base: \["FARGATE: 1","FARGATE_SPOT: 2"\]/],
    ['it is empty', [], /defaultTaskCapacity: \[\]/],
    ['a weight is above 1000', [{ capacityProvider: 'FARGATE', weight: 1001 }], /weight: 1001/],
  ])('fails when %s', (_, defaultCapacityProviderStrategy, problem) => {
    expect(problemsOf({ defaultTaskCapacity: TaskCapacity.fromCapacityProviderStrategies(defaultCapacityProviderStrategy) }).join('\n')).toMatch(problem);
  });

  test('fails when it names Fargate providers the cluster does not have', () => {
    const error = errorOf(() => new EcsCluster(new Stack(), 'Cluster', {
      enableFargateCapacityProviders: false,
      defaultTaskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]),
    }));
    expect(error.problems).toEqual([expect.objectContaining({ prop: 'defaultTaskCapacity[].capacityProvider', received: '"FARGATE_SPOT"' })]);
    expect(error.problems[0].fix).toMatch(/has no capacity provider of this name \(it has none\)/);
  });

  test('fails when it mixes Fargate and EC2 providers, or names an EC2 provider the cluster does not have', () => {
    expect(problemsOf({
      ec2Capacity: { capacityProviderName: 'on-demand' },
      defaultTaskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'on-demand', weight: 1 }, { capacityProvider: 'FARGATE', weight: 1 }]),
    })).toEqual(['defaultTaskCapacity[].capacityProvider: ["on-demand","FARGATE"]']);
    expect(problemsOf({ defaultTaskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'spot', weight: 1 }]) }))
      .toEqual(['defaultTaskCapacity[].capacityProvider: "spot"']);
  });

  test('an EC2 provider whose name contains FARGATE is not taken for a Fargate one', () => {
    // (aws-cdk-lib takes any name containing FARGATE for a Fargate provider; the kit passes the provider's reference)
    const stack = new Stack();
    new EcsCluster(stack, 'Cluster', {
      ec2Capacity: { capacityProviderName: 'cheap-FARGATE-like' },
      enableFargateCapacityProviders: false,
      defaultTaskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'cheap-FARGATE-like', weight: 1 }]),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::CapacityProvider', { Name: 'cheap-FARGATE-like' });
  });

  test('fails when a provider is a token the cluster does not know', () => {
    const stack = new Stack();
    const name = new CfnParameter(stack, 'Provider').valueAsString;
    const error = errorOf(() => new EcsCluster(stack, 'Cluster', { defaultTaskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: name, weight: 1 }]) }));
    expect(error.message).toMatch(/defaultTaskCapacity\[\]\.capacityProvider: received a token\. The default can only name/);
  });

  test('may name the EC2 group of the ec2Capacity prop', () => {
    // GIVEN
    const stack = createTestStack();
    // WHEN
    new EcsCluster(stack, 'Cluster', {
      ec2Capacity: { capacityProviderName: 'on-demand' },
      defaultTaskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'on-demand', weight: 1, base: 1 }]),
    });
    // THEN
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::CapacityProvider', { Name: 'on-demand' });
    // by reference, so the association waits for the provider
    template.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      DefaultCapacityProviderStrategy: [{ CapacityProvider: { Ref: Match.stringLikeRegexp('ClusterEc2CapacityCapacityProvider') }, Weight: 1, Base: 1 }],
    });
  });
});

describe('EcsCluster instance types, subnets and ids', () => {
  test.each(['m7g', 'm7g.', 'foo', '.large', 'M7g.large', 'm7g.large '])('fails when an instance type is malformed: %j', name => {
    expect(problemsOf({ ec2Capacity: { instanceTypes: [t(name)] } })).toEqual([`ec2Capacity.instanceTypes: ${JSON.stringify(name)}`]);
    expect(problemsOf({}, c => c.addEc2Capacity('Spot', { spot: true, instanceTypes: [t('m7g.large'), t(name)] })))
      .toEqual([`addEc2Capacity(Spot).instanceTypes: ${JSON.stringify(name)}`]);
  });

  test('fails when an instance type is listed twice, or is a token', () => {
    expect(problemsOf({ ec2Capacity: { spot: true, instanceTypes: [t('m7g.large'), t('m7g.large')] } }))
      .toEqual(['ec2Capacity.instanceTypes: ["m7g.large"]']);
    const stack = new Stack();
    const type = new CfnParameter(stack, 'Type').valueAsString;
    const error = errorOf(() => new EcsCluster(stack, 'Cluster', { ec2Capacity: { instanceTypes: [t(type)] } }));
    expect(error.message).toMatch(/ec2Capacity.instanceTypes: received a token\. Instance types cannot be tokens/);
  });

  test.each<[string, ec2.SubnetSelection]>([
    ['private subnets with egress', { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }],
    ['isolated subnets', { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    ['the "Private" subnet group', { subnetGroupName: 'Private' }],
    ['the first private subnets (an empty selection)', {}],
  ])('fails when EC2 capacity of a cluster without NAT gateways asks for %s', (_, vpcSubnets) => {
    const error = errorOf(() => new EcsCluster(new Stack(), 'Cluster', { natGateways: 0 }).addEc2Capacity('Web', { vpcSubnets }));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].prop).toBe('addEc2Capacity(Web).vpcSubnets');
    expect(error.message).toMatch(/set natGateways to 1 or more, or place the instances in public subnets with vpcSubnets: \{ subnetType: ec2.SubnetType.PUBLIC \}/);
    expect(error.message).not.toMatch(/There are no/);
  });

  test('fails when a given VPC has no private subnets and vpcSubnets is left out', () => {
    const stack = new Stack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Public', subnetType: ec2.SubnetType.PUBLIC }] });
    const error = errorOf(() => new EcsCluster(stack, 'Cluster', { vpc, ec2Capacity: {} }));
    expect(error.message).toMatch(/ec2Capacity.vpcSubnets: received "private subnets \(default\)"\. The VPC Default\/Vpc has no subnets of this type \(it has public\): place the instances in public subnets/);
    // and with the public subnets selected, it synthesizes
    new EcsCluster(stack, 'Public', { vpc, ec2Capacity: { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } } });
  });

  test('fails when a subnet group of the cluster\'s own VPC does not exist', () => {
    expect(problemsOf({}, c => c.addEc2Capacity('Web', { vpcSubnets: { subnetGroupName: 'App' } })))
      .toEqual(['addEc2Capacity(Web).vpcSubnets: "subnetGroupName App"']);
  });

  test('warns when the volume is smaller than the image\'s snapshot (EC2 would refuse to launch instances)', () => {
    const stack = new Stack();
    const cluster = new EcsCluster(stack, 'Cluster');
    cluster.addEc2Capacity('Small', { volumeSize: Size.gibibytes(20) });
    cluster.addEc2Capacity('Enough', { volumeSize: Size.gibibytes(30) });
    const warnings = stack.node.findAll().flatMap(c => c.node.metadata.filter(m => m.type === 'aws:cdk:warning').map(m => `${c.node.path}: ${m.data}`));
    expect(warnings).toEqual([expect.stringMatching(/^Default\/Cluster\/Small: volumeSize is 20 GiB, but the AMAZON_LINUX_2023 image's root volume snapshot is 30 GiB/)]);
  });

  test('fails when an addEc2Capacity id is taken or empty', () => {
    expect(problemsOf({ ec2Capacity: {} }, c => c.addEc2Capacity('Ec2Capacity'))).toEqual(['addEc2Capacity(id): "Ec2Capacity"']);
    expect(problemsOf({}, c => { c.addEc2Capacity('Spot'); c.addEc2Capacity('Spot'); })).toEqual(['addEc2Capacity(id): "Spot"']);
    expect(problemsOf({}, c => c.addEc2Capacity('Vpc'))).toEqual(['addEc2Capacity(id): "Vpc"']);
    expect(problemsOf({}, c => c.addEc2Capacity(''))).toEqual(['addEc2Capacity(id): ""']);
  });
});

describe('EcsCluster enum props, VPC props and removal policy', () => {
  test('fails when retentions are not RetentionDays values, with the number shown', () => {
    expect(problemsOf({ flowLogRetention: 0 as logs.RetentionDays, enableExecuteCommand: true, executeCommandLogRetention: 2 as logs.RetentionDays }))
      .toEqual(['flowLogRetention: 0', 'executeCommandLogRetention: 2']);
  });

  test('fails when string enums get other strings', () => {
    expect(problemsOf({
      containerInsights: 'on' as ecs.ContainerInsights,
      cloudMapNamespaceName: 'internal',
      cloudMapNamespaceType: 'CLOUD' as cloudmap.NamespaceType,
    })).toEqual(['containerInsights: "on"', 'cloudMapNamespaceType: "CLOUD"']);
  });

  test('VPC props given with a vpc: each prop with its own value, enums by name', () => {
    const stack = new Stack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const error = errorOf(() => new EcsCluster(stack, 'Cluster', { vpc, maxAzs: 3, natGateways: 0, flowLogRetention: logs.RetentionDays.FIVE_DAYS }));
    expect(error.message).toContain('  - natGateways: received 0. It configures the VPC the cluster creates');
    expect(error.message).toContain('  - flowLogRetention: received RetentionDays.FIVE_DAYS. It configures');
    expect(error.problems.map(p => p.prop)).toEqual(['maxAzs', 'natGateways', 'flowLogRetention']);
  });

  test('fails when maxAzs or natGateways are tokens (the VPC is laid out at synth time)', () => {
    const stack = new Stack();
    const n = new CfnParameter(stack, 'N', { type: 'Number' }).valueAsNumber;
    const error = errorOf(() => new EcsCluster(stack, 'Cluster', { maxAzs: n, natGateways: n }));
    expect(error.message).toMatch(/maxAzs: received a token\. It cannot be a token[\s\S]*natGateways: received a token\./);
  });

  test.each<[string, string, cloudmap.NamespaceType | undefined]>([
    ['an HTTP namespace name with a space', 'my services', undefined],
    ['an HTTP namespace name with non-ASCII characters', 'dienste-ü', cloudmap.NamespaceType.HTTP],
    ['a DNS namespace name with an underscore', 'my_services.local', cloudmap.NamespaceType.DNS_PRIVATE],
    ['a DNS namespace name with an empty label', 'services..local', cloudmap.NamespaceType.DNS_PRIVATE],
  ])('fails when given %s', (_, cloudMapNamespaceName, cloudMapNamespaceType) => {
    expect(problemsOf({ cloudMapNamespaceName, cloudMapNamespaceType })).toEqual([`cloudMapNamespaceName: ${JSON.stringify(cloudMapNamespaceName)}`]);
  });

  test('fails when the cluster is asked to snapshot on removal', () => {
    const cluster = new EcsCluster(new Stack(), 'Cluster');
    const error = errorOf(() => cluster.applyRemovalPolicy(RemovalPolicy.SNAPSHOT));
    expect(error.message).toMatch(/applyRemovalPolicy\(policy\): received RemovalPolicy.SNAPSHOT\. An ECS cluster cannot be snapshotted/);
  });

  test('warns when a prop is ignored because the prop it depends on is missing', () => {
    const stack = new Stack();
    new EcsCluster(stack, 'Cluster', { executeCommandLogRetention: logs.RetentionDays.ONE_WEEK, cloudMapNamespaceType: cloudmap.NamespaceType.HTTP });
    const warnings = stack.node.findAll().flatMap(c => c.node.metadata).filter(m => m.type === 'aws:cdk:warning').map(m => String(m.data));
    expect(warnings).toEqual([
      expect.stringMatching(/executeCommandLogRetention is ignored because enableExecuteCommand is not true/),
      expect.stringMatching(/cloudMapNamespaceType is ignored because no cloudMapNamespaceName is given/),
    ]);
  });
});

describe('EcsCluster names derived from construct ids', () => {
  test('ids with any characters and any length give Name tags, names and descriptions AWS accepts', () => {
    // GIVEN
    const stack = createTestStack();
    const id = `Clüster "prod" <eu> ${'x'.repeat(300)}`;
    // WHEN
    const cluster = new EcsCluster(stack, id, { ec2Capacity: {}, enableExecuteCommand: true });
    cluster.addEc2Capacity('Spöt & <more>', { spot: true, instanceTypes: [t('m7g.large'), t('m6g.large')] });
    // THEN: the built-in CloudFormation validation (tag patterns and lengths) finds nothing
    const template = validTemplate(stack);
    const nameTags: string[] = [];
    const collect = (o: unknown): void => {
      if (o === null || typeof o !== 'object') return;
      const tag = o as { Key?: unknown; Value?: unknown };
      if (tag.Key === 'Name' && typeof tag.Value === 'string') nameTags.push(tag.Value);
      Object.values(o).forEach(collect);
    };
    collect(template.toJSON().Resources);
    expect(nameTags.length).toBeGreaterThan(10);
    for (const value of nameTags) {
      expect(value.length).toBeLessThanOrEqual(256);
      expect(value).toMatch(/^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u);
    }
    for (const sg of Object.values(template.findResources('AWS::EC2::SecurityGroup'))) {
      expect((sg as any).Properties.GroupDescription).toMatch(/^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/);
    }
  });

  test('valid Name tags are left as aws-cdk-lib writes them', () => {
    const stack = new Stack();
    new EcsCluster(stack, 'Cluster');
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPC', { Tags: [{ Key: 'Name', Value: 'Default/Cluster/Vpc' }] });
  });
});

describe('EcsCluster tokens', () => {
  test('props that accept tokens synthesize a valid template with them', () => {
    // GIVEN
    const stack = createTestStack();
    const num = (id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
    const str = (id: string) => new CfnParameter(stack, id).valueAsString;
    // WHEN
    const cluster = new EcsCluster(stack, 'Cluster', {
      clusterName: str('ClusterName'),
      flowLogRetention: num('FlowLogRetention'),
      enableExecuteCommand: true,
      executeCommandLogRetention: num('ExecLogRetention'),
      cloudMapNamespaceName: str('Namespace'),
      defaultTaskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'FARGATE', weight: num('Weight'), base: num('Base') }]),
      ec2Capacity: {
        minCapacity: num('Min'),
        maxCapacity: num('Max'),
        desiredCapacity: num('Desired'),
        targetCapacityPercent: num('Target'),
        volumeSize: Size.gibibytes(num('Volume')),
        capacityProviderName: str('ProviderName'),
      },
    });
    // THEN: every token lands where its value belongs
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::Cluster', { ClusterName: { Ref: 'ClusterName' } });
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: { Ref: 'Min' }, MaxSize: { Ref: 'Max' }, DesiredCapacity: { Ref: 'Desired' } });
    template.hasResourceProperties('AWS::ECS::CapacityProvider', {
      Name: { Ref: 'ProviderName' },
      AutoScalingGroupProvider: Match.objectLike({ ManagedScaling: Match.objectLike({ TargetCapacity: { Ref: 'Target' } }) }),
    });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({ BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ VolumeSize: { Ref: 'Volume' } }) })] }),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: { Ref: 'FlowLogRetention' } });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: { Ref: 'ExecLogRetention' } });
    template.hasResourceProperties('AWS::ServiceDiscovery::HttpNamespace', { Name: { Ref: 'Namespace' } });
    template.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      DefaultCapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: { Ref: 'Weight' }, Base: { Ref: 'Base' } }],
    });
    expect(cluster.capacityProviderNames).toContain(cluster.ec2Capacities[0].capacityProviderName);
  });

  test('containerInsights accepts a token (cdk-nag cannot tell whether it is on)', () => {
    const stack = new Stack(new App());
    const insights = new CfnParameter(stack, 'Insights').valueAsString;
    new EcsCluster(stack, 'Cluster', { containerInsights: insights as ecs.ContainerInsights });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: { Ref: 'Insights' } }] });
  });

  test('the default strategy may name an EC2 provider whose name is a token', () => {
    const stack = new Stack(new App());
    const name = new CfnParameter(stack, 'ProviderName').valueAsString;
    new EcsCluster(stack, 'Cluster', {
      ec2Capacity: { capacityProviderName: name },
      enableFargateCapacityProviders: false,
      defaultTaskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: name, weight: 1 }]),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      DefaultCapacityProviderStrategy: [{ CapacityProvider: { Ref: Match.stringLikeRegexp('ClusterEc2CapacityCapacityProvider') }, Weight: 1 }],
    });
  });
});
