import * as fs from 'fs';
import { App, NestedStack, Stack, Validations, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { MonthlyCostReport } from '../../src';
import { estimateMonthlyCost, formatCostTable, withNestedEstimates } from '../../src/core/cost/estimate';

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
