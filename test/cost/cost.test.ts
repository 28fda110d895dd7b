import * as fs from 'fs';
import * as path from 'path';
import { App, CfnCondition, Fn, NestedStack, Stack, Validations, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { MonthlyCostReport } from '../../src';
import { StackCostEstimate, estimateMonthlyCost, formatCostTable, withNestedEstimates } from '../../src/cost/estimate';

describe('estimateMonthlyCost', () => {
  test('NAT gateway, Elastic IP, internet-facing ALB over 2 subnets, interface endpoint over 2 AZs', () => {
    // GIVEN a hand-built template
    const template = {
      Resources: {
        Nat: { Type: 'AWS::EC2::NatGateway' },
        NatIp: { Type: 'AWS::EC2::EIP' },
        Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internet-facing', Subnets: ['a', 'b'] } },
        Internal: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internal', Type: 'network', Subnets: ['a'] } },
        Endpoint: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', SubnetIds: ['a', 'b'] } },
        Gateway: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Gateway' } },
      },
    };
    // WHEN
    const estimate = estimateMonthlyCost(template, 'S', 'us-east-1');
    // THEN 0.045×730, 0.005×730, 0.0225×730 + 2×0.005×730, 0.0225×730, 2×0.01×730
    expect(estimate.items.map(i => [i.logicalId, i.monthlyUsd])).toEqual([
      ['Nat', 32.85], ['NatIp', 3.65], ['Alb', 16.43], ['Alb', 7.3], ['Internal', 16.43], ['Endpoint', 14.6],
    ]);
    expect(estimate.monthlyUsd).toBe(91.26);
    expect(estimate.notes).toEqual([]);
    expect(estimate.excluded.length).toBeGreaterThan(0);
  });

  test('EC2 minimum capacity × instance price; min 0 costs nothing; Spot noted, not discounted', () => {
    const template = {
      Resources: {
        Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { InstanceType: 't3.medium' } } },
        OnDemand: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '2', LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' } } } },
        Idle: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '0', LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' } } } },
        Spot: {
          Type: 'AWS::AutoScaling::AutoScalingGroup',
          Properties: {
            MinSize: '1',
            MixedInstancesPolicy: {
              InstancesDistribution: { OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 0 },
              LaunchTemplate: { Overrides: [{ InstanceType: 'm7g.large' }] },
            },
          },
        },
        Unknown: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '1', InstanceType: 'x9.huge' } },
      },
    };
    const estimate = estimateMonthlyCost(template, 'S', 'us-east-1');
    expect(estimate.items.map(i => [i.logicalId, i.monthlyUsd])).toEqual([['OnDemand', 60.74], ['Spot', 59.57]]);
    expect(estimate.notes).toEqual([
      'Spot runs on Spot: expect 50–70% less than the On-Demand price shown.',
      'Unknown: 1 instance(s) of x9.huge not priced (not in the price table).',
    ]);
  });

  test('Fargate tasks: desired count, or the scaling minimum; x86 and ARM64 prices; Spot share noted', () => {
    const template = {
      Resources: {
        Td: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '256', Memory: '512' } },
        TdArm: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '1024', Memory: '2048', RuntimePlatform: { CpuArchitecture: 'ARM64' } } },
        Web: { Type: 'AWS::ECS::Service', Properties: { LaunchType: 'FARGATE', TaskDefinition: { Ref: 'Td' }, DesiredCount: 3 } },
        Api: {
          Type: 'AWS::ECS::Service',
          Properties: { CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }, { CapacityProvider: 'FARGATE_SPOT', Weight: 3 }], TaskDefinition: { Ref: 'TdArm' } },
        },
        ApiScaling: {
          Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
          Properties: { MinCapacity: 2, ResourceId: { 'Fn::Join': ['', ['service/', { Ref: 'Cluster' }, '/', { 'Fn::GetAtt': ['Api', 'Name'] }]] } },
        },
        Ec2: { Type: 'AWS::ECS::Service', Properties: { LaunchType: 'EC2', TaskDefinition: { Ref: 'Td' }, DesiredCount: 1 } },
      },
    };
    const estimate = estimateMonthlyCost(template, 'S');
    // 3 × (0.25×0.04048 + 0.5×0.004445) × 730 = 27.03; 2 × (1×0.03238 + 2×0.00356) × 730 = 57.67
    expect(estimate.items.map(i => [i.logicalId, i.monthlyUsd])).toEqual([['Web', 27.03], ['Api', 57.67]]);
    expect(estimate.notes).toEqual([
      'Api runs partly on Fargate Spot: those tasks cost 50–70% less than shown.',
      'Ec2: its tasks run on the EC2 instances of its cluster, which no Auto Scaling group of this template provides: ' +
      'the instances its tasks need are not counted.',
      'The stack is environment-agnostic: priced with us-east-1 list prices.',
    ]);
    expect(formatCostTable(estimate)).toContain('Monthly fixed cost of S (unknown): $84.70');
  });

  test('Fargate tasks with public IP addresses pay for one public IPv4 address each', () => {
    const template = {
      Resources: {
        Td: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '256', Memory: '512', RuntimePlatform: { CpuArchitecture: 'ARM64' } } },
        Web: {
          Type: 'AWS::ECS::Service',
          Properties: {
            LaunchType: 'FARGATE',
            TaskDefinition: { Ref: 'Td' },
            DesiredCount: 2,
            NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'ENABLED' } },
          },
        },
      },
    };
    const estimate = estimateMonthlyCost(template, 'S');
    // 2 × (0.25×0.03238 + 0.5×0.00356) × 730 = 14.42; 2 × 0.005 × 730 = 7.30
    expect(estimate.items.map(i => [i.description, i.monthlyUsd])).toEqual([
      ['2 Fargate task(s) × 0.25 vCPU / 0.5 GB (ARM64)', 14.42],
      ['2 public IPv4 address(es) of the tasks', 7.3],
    ]);
  });

  test('a customer managed KMS key costs $1 a month; rotation is noted', () => {
    const estimate = estimateMonthlyCost({
      Resources: {
        Plain: { Type: 'AWS::KMS::Key', Properties: {} },
        Rotated: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
      },
    }, 'S');
    expect(estimate.items.map(i => [i.logicalId, i.description, i.monthlyUsd])).toEqual([
      ['Plain', 'KMS customer managed key', 1],
      ['Rotated', 'KMS customer managed key', 1],
    ]);
    expect(estimate.notes[0]).toBe('Rotated rotates yearly: its first two rotations add $1.00 a month each.');
  });

  test('nested stacks: their items under the nested stack\'s logical id, notes once, one total', () => {
    const parent = estimateMonthlyCost({ Resources: { Nat: { Type: 'AWS::EC2::NatGateway' } } }, 'Parent');
    const nested = estimateMonthlyCost({
      Resources: {
        Td: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '256', Memory: '512' } },
        Web: { Type: 'AWS::ECS::Service', Properties: { LaunchType: 'FARGATE', TaskDefinition: { Ref: 'Td' }, DesiredCount: 3 } },
      },
    }, 'Services1');
    const estimate = withNestedEstimates(parent, { Services1NestedStackResource: nested });
    expect(estimate.items.map(i => [i.logicalId, i.monthlyUsd])).toEqual([['Nat', 32.85], ['Services1NestedStackResource/Web', 27.03]]);
    expect(estimate.monthlyUsd).toBe(59.88);
    expect(estimate.notes).toEqual(['The stack is environment-agnostic: priced with us-east-1 list prices.']);
    expect(estimate.stack).toBe('Parent');
  });

  test('other Regions are priced as us-east-1 and say so', () => {
    expect(estimateMonthlyCost({ Resources: {} }, 'S', 'eu-west-1').notes).toEqual(['Priced with us-east-1 list prices: prices in eu-west-1 differ.']);
  });
});

describe('MonthlyCostReport', () => {
  test('writes <stack>.cost.json at synthesis and never fails it', () => {
    // GIVEN an app that opts in with one line
    const outdir = fs.mkdtempSync('/tmp/cost-');
    const app = new App({ outdir });
    Validations.of(app).addPlugins(new MonthlyCostReport({ print: false }));
    const stack = new Stack(app, 'Network');
    new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    // WHEN
    app.synth();
    // THEN one NAT gateway and its Elastic IP
    const report = JSON.parse(fs.readFileSync(`${outdir}/Network.cost.json`, 'utf-8'));
    expect(report.monthlyUsd).toBe(36.5);
    expect(report.pricesAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test('counts what nested stacks create, found with or without asset metadata', () => {
    for (const assetMetadata of [false, true]) {
      // GIVEN a NAT gateway in the stack and Fargate tasks in a nested stack
      const outdir = fs.mkdtempSync('/tmp/cost-');
      const app = new App({ outdir, context: { 'aws:cdk:enable-asset-metadata': assetMetadata } });
      Validations.of(app).addPlugins(new MonthlyCostReport({ print: false }));
      const stack = new Stack(app, 'Parent');
      new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
      const nested = new NestedStack(stack, 'Services');
      const taskDefinition = new ecs.CfnTaskDefinition(nested, 'Td', { cpu: '256', memory: '512', requiresCompatibilities: ['FARGATE'] });
      new ecs.CfnService(nested, 'Web', { launchType: 'FARGATE', taskDefinition: taskDefinition.ref, desiredCount: 3 });
      // WHEN
      app.synth();
      // THEN NAT gateway and Elastic IP (36.50) + 3 tasks (27.03)
      const report = JSON.parse(fs.readFileSync(`${outdir}/Parent.cost.json`, 'utf-8'));
      expect(report.monthlyUsd).toBe(63.53);
      expect(report.items.map((i: any) => i.logicalId)).toContainEqual(expect.stringMatching(/^ServicesNestedStack.*\/Web$/));
    }
  });
});

describe('values that are not literals', () => {
  const td = { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '256', Memory: '512' } };
  const fargateIf = { 'Fn::If': ['UseSpot', [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }], [{ CapacityProvider: 'FARGATE', Weight: 1 }]] };

  test('a CapacityProviderStrategy given as Fn::If is unknown: noted, not priced, never a throw (regression)', () => {
    // GIVEN the strategy of a service as Fn::If (it threw "strategy.some is not a function")
    const template = { Resources: { Td: td, Web: { Type: 'AWS::ECS::Service', Properties: { CapacityProviderStrategy: fargateIf, TaskDefinition: { Ref: 'Td' }, DesiredCount: 2 } } } };
    // WHEN
    const estimate = estimateMonthlyCost(template, 'S', 'us-east-1');
    // THEN
    expect(estimate.items).toEqual([]);
    expect(estimate.notes).toEqual([
      'Web: CapacityProviderStrategy not known at synthesis ({"Fn::If":["UseSpot",[{"CapacityProvider":"FARGATE_SPOT","Weight":1}],[{"Capaci…): ' +
      'whether its tasks run on Fargate is unknown, so they are not priced.',
    ]);
  });

  test('a strategy entry that is Fn::If, or names its provider with Fn::If, is unknown; a Ref to an EC2 capacity provider is not Fargate', () => {
    const service = (strategy: unknown) => ({ Type: 'AWS::ECS::Service', Properties: { CapacityProviderStrategy: strategy, TaskDefinition: { Ref: 'Td' }, DesiredCount: 1 } });
    const estimate = estimateMonthlyCost({
      Resources: {
        Td: td,
        Ec2Provider: { Type: 'AWS::ECS::CapacityProvider', Properties: {} },
        EntryIf: service([{ 'Fn::If': ['C', { CapacityProvider: 'FARGATE' }, { Ref: 'AWS::NoValue' }] }]),
        NameIf: service([{ CapacityProvider: { 'Fn::If': ['C', 'FARGATE', 'FARGATE_SPOT'] }, Weight: 1 }]),
        OnEc2: service([{ CapacityProvider: { Ref: 'Ec2Provider' }, Weight: 1 }]),
        Mixed: service([{ CapacityProvider: { Ref: 'Ec2Provider' } }, { CapacityProvider: 'FARGATE_SPOT', Weight: { Ref: 'SpotWeight' } }]),
      },
    }, 'S', 'us-east-1');
    expect(estimate.items.map(i => i.logicalId)).toEqual(['Mixed']);
    expect(estimate.notes).toEqual([
      'EntryIf: CapacityProviderStrategy not known at synthesis ({"Fn::If":["C",{"CapacityProvider":"FARGATE"},{"Ref":"AWS::NoValue"}]}): whether its tasks run on Fargate is unknown, so they are not priced.',
      'NameIf: CapacityProviderStrategy not known at synthesis ({"CapacityProvider":{"Fn::If":["C","FARGATE","FARGATE_SPOT"]},"Weight":1}): whether its tasks run on Fargate is unknown, so they are not priced.',
      'OnEc2: 1 of its tasks placed by capacity provider {"Ref":"Ec2Provider"} run on an Auto Scaling group that is not in this template: ' +
      'the instances they need are not counted.',
      'Mixed runs partly on Fargate Spot: those tasks cost 50–70% less than shown.',
    ]);
  });

  test('counts, sizes and instance types that are not literals are noted, and those resources not priced', () => {
    const estimate = estimateMonthlyCost({
      Resources: {
        Td: td,
        TdIf: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: { 'Fn::If': ['Big', '1024', '256'] }, Memory: '2048' } },
        ByParam: { Type: 'AWS::ECS::Service', Properties: { LaunchType: 'FARGATE', TaskDefinition: { Ref: 'Td' }, DesiredCount: { Ref: 'Count' } } },
        SizeIf: { Type: 'AWS::ECS::Service', Properties: { LaunchType: 'FARGATE', TaskDefinition: { Ref: 'TdIf' }, DesiredCount: 1 } },
        Imported: { Type: 'AWS::ECS::Service', Properties: { LaunchType: 'FARGATE', TaskDefinition: 'arn:aws:ecs:us-east-1:123456789012:task-definition/x:1' } },
        LaunchIf: { Type: 'AWS::ECS::Service', Properties: { LaunchType: { 'Fn::If': ['C', 'FARGATE', 'EC2'] }, TaskDefinition: { Ref: 'Td' } } },
        Default: { Type: 'AWS::ECS::Service', Properties: { TaskDefinition: { Ref: 'Td' } } },
        MinIf: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: { 'Fn::If': ['C', '1', '0'] }, InstanceType: 't3.micro' } },
        TypeByMap: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '1', InstanceType: { 'Fn::FindInMap': ['Types', 'prod', 'ec2'] } } },
        Inherited: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '1', InstanceType: 'toString' } },
        WholeIf: { Type: 'AWS::EC2::VPCEndpoint', Properties: { 'Fn::If': ['C', { VpcEndpointType: 'Interface' }, {}] } },
      },
    }, 'S', 'us-east-1');
    expect(estimate.items).toEqual([]);
    expect(estimate.notes).toEqual([
      'ByParam: DesiredCount not known at synthesis ({"Ref":"Count"}): its tasks are not priced.',
      'SizeIf: the Cpu of its task definition not known at synthesis ({"Fn::If":["Big","1024","256"]}): its 1 task(s) are not priced.',
      'Imported: its task definition not known at synthesis ("arn:aws:ecs:us-east-1:123456789012:task-definition/x:1"): not in this template, so its tasks are not priced.',
      'LaunchIf: LaunchType not known at synthesis ({"Fn::If":["C","FARGATE","EC2"]}): whether its tasks run on Fargate is unknown, so they are not priced.',
      'Default: neither LaunchType nor CapacityProviderStrategy is set, so its tasks run on its cluster\'s default capacity provider strategy, ' +
      'which this template does not set: they are not priced.',
      'MinIf: MinSize not known at synthesis ({"Fn::If":["C","1","0"]}): its instances are not priced.',
      'TypeByMap: the instance type not known at synthesis ({"Fn::FindInMap":["Types","prod","ec2"]}): its 1 instance(s) are not priced.',
      'Inherited: 1 instance(s) of toString not priced (not in the price table).',
      'WholeIf: its Properties not known at synthesis ({"Fn::If":["C",{"VpcEndpointType":"Interface"},{}]}): the AWS::EC2::VPCEndpoint is not priced.',
    ]);
  });

  test('values priced on an assumption say so on their line', () => {
    const estimate = estimateMonthlyCost({
      Resources: {
        Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: { 'Fn::If': ['Public', 'internet-facing', 'internal'] }, Subnets: { Ref: 'SubnetIds' } } },
        Endpoint: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', SubnetIds: { 'Fn::Split': [',', { Ref: 'Subnets' }] } } },
        TdArm: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '1 vCPU', Memory: '2 GB', RuntimePlatform: { CpuArchitecture: { Ref: 'Arch' } } } },
        Web: { Type: 'AWS::ECS::Service', Condition: 'Deploy', Properties: { LaunchType: 'FARGATE', TaskDefinition: { Ref: 'TdArm' }, DesiredCount: '1' } },
      },
    }, 'S', 'us-east-1');
    expect(estimate.items.map(i => i.description)).toEqual([
      'Application Load Balancer',
      '2 public IPv4 addresses of the internet-facing load balancer (Scheme not known at synthesis, {"Fn::If":["Public","internet-facing","internal"]}: ' +
      'priced as internet-facing) (its subnets not known at synthesis, {"Ref":"SubnetIds"}: 2 assumed)',
      'interface VPC endpoint in 1 AZ(s) (its subnets not known at synthesis, {"Fn::Split":[",",{"Ref":"Subnets"}]}: 1 assumed)',
      '1 Fargate task(s) × 1 vCPU / 2 GB (X86_64) (its CPU architecture not known at synthesis, {"Ref":"Arch"}: priced as X86_64)',
    ]);
    expect(estimate.notes).toEqual(['Web exists only when the condition "Deploy" holds: priced as if it does.']);
  });

  test('MonthlyCostReport writes its report for a service whose strategy is overridden with Fn::If (regression)', () => {
    // GIVEN a service whose CapacityProviderStrategy an escape hatch sets to Fn::If
    const outdir = fs.mkdtempSync('/tmp/cost-');
    const app = new App({ outdir });
    Validations.of(app).addPlugins(new MonthlyCostReport({ print: false }));
    const stack = new Stack(app, 'Services');
    const useSpot = new CfnCondition(stack, 'UseSpot', { expression: Fn.conditionEquals('a', 'b') });
    const taskDefinition = new ecs.CfnTaskDefinition(stack, 'Td', { cpu: '256', memory: '512', requiresCompatibilities: ['FARGATE'] });
    const service = new ecs.CfnService(stack, 'Web', { taskDefinition: taskDefinition.ref, desiredCount: 1 });
    service.addPropertyOverride('CapacityProviderStrategy', Fn.conditionIf(useSpot.logicalId,
      [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }], [{ CapacityProvider: 'FARGATE', Weight: 1 }]));
    // WHEN
    app.synth();
    // THEN the report is written, and says what it could not price
    const report = JSON.parse(fs.readFileSync(`${outdir}/Services.cost.json`, 'utf-8'));
    expect(report.monthlyUsd).toBe(0);
    expect(report.notes[0]).toMatch(/^Web: CapacityProviderStrategy not known at synthesis \({"Fn::If":\["UseSpot",.*not priced\.$/);
  });
});

/**
 * Property tests: the estimator reads templates that hold anything anywhere
 * (intrinsics, parameters, escape-hatch overrides of any shape) and never throws.
 */
describe('never throws, whatever the template holds', () => {
  /** A template with every resource and property the estimator reads, each well-formed. */
  const WELL_FORMED = {
    Resources: {
      Nat: { Type: 'AWS::EC2::NatGateway', Properties: {} },
      Ip: { Type: 'AWS::EC2::EIP', Condition: 'Public' },
      Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'application', Scheme: 'internet-facing', Subnets: ['a', 'b'] } },
      Nlb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'network', SubnetMappings: [{ SubnetId: 'a' }] } },
      Endpoint: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', SubnetIds: ['a', 'b'] } },
      Key: { Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } },
      Lt: {
        Type: 'AWS::EC2::LaunchTemplate',
        Properties: {
          LaunchTemplateData: {
            InstanceType: 't3.medium',
            Monitoring: { Enabled: true },
            UserData: { 'Fn::Base64': { 'Fn::Join': ['', ['echo ECS_CLUSTER=', { Ref: 'Cluster' }, '\nECS_RESERVED_MEMORY=128\n']] } },
          },
        },
      },
      Asg: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '1', LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' } } } },
      Mixed: {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: {
          MinSize: 2,
          MixedInstancesPolicy: {
            InstancesDistribution: { OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 0 },
            LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: { Ref: 'Lt' } }, Overrides: [{ InstanceType: 'm7g.large' }] },
          },
        },
      },
      Provider: { Type: 'AWS::ECS::CapacityProvider', Properties: { AutoScalingGroupProvider: { AutoScalingGroupArn: { Ref: 'Asg' } } } },
      Cluster: { Type: 'AWS::ECS::Cluster', Properties: {} },
      Associations: { Type: 'AWS::ECS::ClusterCapacityProviderAssociations', Properties: { Cluster: { Ref: 'Cluster' }, CapacityProviders: ['FARGATE', { Ref: 'Provider' }] } },
      Ec2Td: {
        Type: 'AWS::ECS::TaskDefinition',
        Properties: {
          NetworkMode: 'bridge',
          ContainerDefinitions: [
            { Name: 'web', Cpu: 512, Memory: 1024, MemoryReservation: 768, PortMappings: [{ ContainerPort: 80, HostPort: 80, Protocol: 'tcp' }] },
            { Name: 'sidecar', Memory: 128 },
          ],
        },
      },
      Ec2Web: {
        Type: 'AWS::ECS::Service',
        Properties: {
          CapacityProviderStrategy: [{ CapacityProvider: { Ref: 'Provider' }, Base: 1, Weight: 2 }],
          PlacementConstraints: [{ Type: 'distinctInstance' }],
          TaskDefinition: { Ref: 'Ec2Td' },
          DesiredCount: 3,
        },
      },
      Daemon: { Type: 'AWS::ECS::Service', Properties: { LaunchType: 'EC2', SchedulingStrategy: 'DAEMON', Cluster: { Ref: 'Cluster' }, TaskDefinition: { Ref: 'Ec2Td' } } },
      Td: { Type: 'AWS::ECS::TaskDefinition', Properties: { Cpu: '256', Memory: '512', RuntimePlatform: { CpuArchitecture: 'ARM64' } } },
      Web: {
        Type: 'AWS::ECS::Service',
        Properties: {
          LaunchType: 'FARGATE',
          TaskDefinition: { Ref: 'Td' },
          DesiredCount: 2,
          NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'ENABLED' } },
        },
      },
      Api: {
        Type: 'AWS::ECS::Service',
        Properties: {
          CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }, { CapacityProvider: 'FARGATE_SPOT', Weight: 3 }, { CapacityProvider: { Ref: 'Provider' } }],
          TaskDefinition: { 'Fn::GetAtt': ['Td', 'TaskDefinitionArn'] },
        },
      },
      ApiScaling: {
        Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
        Properties: { MinCapacity: 1, ResourceId: { 'Fn::Join': ['', ['service/', { Ref: 'Cluster' }, '/', { 'Fn::GetAtt': ['Api', 'Name'] }]] } },
      },
      Acl: {
        Type: 'AWS::WAFv2::WebACL',
        Properties: { Rules: [{ Name: 'bots', Statement: { ManagedRuleGroupStatement: { VendorName: 'AWS', Name: 'AWSManagedRulesBotControlRuleSet' } } }] },
      },
      AclAssociation: { Type: 'AWS::WAFv2::WebACLAssociation', Properties: { ResourceArn: { Ref: 'Alb' }, WebACLArn: { 'Fn::GetAtt': ['Acl', 'Arn'] } } },
      SharedAcl: { Type: 'AWS::WAFv2::WebACLAssociation', Properties: { ResourceArn: { Ref: 'Nlb' }, WebACLArn: 'arn:aws:wafv2:us-east-1:1:regional/webacl/x/y' } },
      Logs: { Type: 'AWS::Logs::LogGroup', Properties: { RetentionInDays: 365 } },
      AccessLogs: { Type: 'AWS::S3::Bucket', Properties: { LoggingConfiguration: { DestinationBucketName: { Ref: 'ServerAccessLogs' } } } },
      ServerAccessLogs: { Type: 'AWS::S3::Bucket', Properties: {} },
      Nested: {
        Type: 'AWS::CloudFormation::Stack',
        Properties: { TemplateURL: { 'Fn::Join': ['', ['https://s3/', 'abc.json']] } },
        Metadata: { 'aws:asset:path': 'Nested.nested.template.json' },
      },
    },
  };

  /** Every path (of object keys and array indexes) to a value of a template, the template's root excluded. */
  function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
    if (typeof value !== 'object' || value === null) return [];
    return Object.entries(value).flatMap(([key, child]) => {
      const at = [...prefix, Array.isArray(value) ? Number(key) : key];
      return [at, ...pathsOf(child, at)];
    });
  }

  /** The template with the value at `at` replaced (deleted when undefined); unchanged when an earlier replacement removed its parent. */
  function replaceAt(template: unknown, at: (string | number)[], value: unknown): void {
    let parent: any = template;
    for (const key of at.slice(0, -1)) {
      parent = typeof parent === 'object' && parent !== null ? parent[key] : undefined;
    }
    if (typeof parent !== 'object' || parent === null) return;
    if (value === undefined) delete parent[at[at.length - 1]];
    else parent[at[at.length - 1]] = value;
  }

  const ids = fc.constantFrom('Td', 'Lt', 'Asg', 'Provider', 'Cluster', 'Ec2Td', 'Api', 'Acl', 'ServerAccessLogs', 'Missing', 'toString', 'constructor', '__proto__');
  /** Values a template may hold where a literal is expected: intrinsics, parameters, literals of any type, nothing. */
  const anything: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>(tie => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constantFrom<unknown>(undefined, null, true, 'true', 0, -1, 1.5, '2', ' 3 ', '', 'FARGATE', 'FARGATE_SPOT', 'ENABLED', 'ARM64',
        'Interface', 'internal', 'network', 't3.micro', 'toString', '1 vCPU', '2 GB', '0 GB', 'NaN', 'Infinity', 1e308, [], {}),
      fc.jsonValue({ maxDepth: 2 }),
      ids.map(id => ({ Ref: id })),
      fc.tuple(ids, fc.string()).map(([id, attribute]) => ({ 'Fn::GetAtt': [id, attribute] })),
      fc.tuple(ids, fc.string()).map(([id, attribute]) => ({ 'Fn::GetAtt': `${id}.${attribute}` })),
      fc.tuple(fc.string(), tie('value'), tie('value')).map(([condition, a, b]) => ({ 'Fn::If': [condition, a ?? null, b ?? null] })),
      fc.array(tie('value'), { maxLength: 3 }).map(parts => ({ 'Fn::Join': ['', parts.map(part => part ?? null)] })),
      fc.constant({ Ref: 'AWS::NoValue' }),
      fc.array(tie('value'), { maxLength: 3 }).map(values => values.map(value => value ?? null)),
    ),
  })).value;

  const PATHS = pathsOf(WELL_FORMED);
  /** The well-formed template with 1 to 6 of its values (any, at any depth) replaced by anything. */
  const mangled = fc.array(fc.tuple(fc.constantFrom(...PATHS), anything), { minLength: 1, maxLength: 6 }).map(replacements => {
    const template = structuredClone(WELL_FORMED);
    // Copies: a constant of `anything` ([] or {}) is one object, which a later replacement could put inside itself.
    for (const [at, value] of replacements) replaceAt(template, at, structuredClone(value));
    return template;
  });
  /** Also whole templates, resource maps and resources of any shape. */
  const anyTemplate = fc.oneof(
    mangled,
    anything,
    fc.record({ Resources: anything }),
    fc.dictionary(ids, anything, { maxKeys: 4 }).map(resources => ({ Resources: resources })),
  );

  /**
   * What every estimate must be: a finite, non-negative total of finite, non-negative
   * lines, and text without `NaN`, `undefined` or `[object Object]` (unless the templates hold those words).
   */
  function expectSound(estimate: StackCostEstimate, ...templates: unknown[]): void {
    expect(Number.isFinite(estimate.monthlyUsd) && estimate.monthlyUsd >= 0).toBe(true);
    for (const item of estimate.items) {
      expect(Number.isFinite(item.monthlyUsd) && item.monthlyUsd >= 0).toBe(true);
    }
    const unreadable = /\bNaN\b|\bundefined\b|\[object Object\]|Infinity/;
    if (!unreadable.test(JSON.stringify(templates))) {
      for (const text of [...estimate.items.map(i => i.description), ...estimate.notes]) expect(text).not.toMatch(unreadable);
    }
    expect(typeof formatCostTable(estimate)).toBe('string');
  }

  test('estimateMonthlyCost, with nested estimates and the table', () => {
    fc.assert(fc.property(anyTemplate, anyTemplate, (template, nested) => {
      const estimate = withNestedEstimates(estimateMonthlyCost(template as any, 'S', 'eu-west-1'),
        { Nested: estimateMonthlyCost(nested as any, 'Nested') });
      expectSound(estimate, template, nested);
    }), { numRuns: 300 });
  });

  test('MonthlyCostReport at synthesis: nested templates found or not, missing or cyclic', () => {
    const outdir = fs.mkdtempSync('/tmp/cost-');
    const plugin = new MonthlyCostReport({ print: false });
    const nestedPath = fc.constantFrom<unknown>('Nested.nested.template.json', 'Top.template.json', 'missing.json', '../x.json', 42, { Ref: 'X' });
    fc.assert(fc.property(anyTemplate, anyTemplate, nestedPath, (top, nested, assetPath) => {
      // GIVEN a top-level template whose nested stack resource points to a nested template, itself, or nothing
      const child = { Type: 'AWS::CloudFormation::Stack', Metadata: { 'aws:asset:path': assetPath } };
      const topObject = typeof top === 'object' && top !== null && !Array.isArray(top) ? top : {};
      const withNested = { ...topObject, Resources: { ...(top as any)?.Resources, Child: child } };
      fs.writeFileSync(path.join(outdir, 'Top.template.json'), JSON.stringify(withNested));
      fs.writeFileSync(path.join(outdir, 'Nested.nested.template.json'), JSON.stringify(nested ?? null));
      // WHEN
      const report = plugin.validate({ templatePaths: [], stackTemplates: [{ templatePath: path.join(outdir, 'Top.template.json') }] } as any);
      // THEN
      expect(report.success).toBe(true);
      expectSound(JSON.parse(fs.readFileSync(path.join(outdir, 'Top.cost.json'), 'utf-8')), top, nested);
    }), { numRuns: 40 });
  });
});
