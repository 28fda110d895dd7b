import * as fs from 'fs';
import { App, Stack, Validations, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { EcsCluster, MonthlyCostReport } from '../../src';
import { estimateMonthlyCost, formatCostTable } from '../../src/cost/estimate';

/** The instances that services need for their minimum tasks, on hand-written templates. */

const BASIS = 'instances for minimum tasks';

/** A launch template of the given instance type. */
function launchTemplate(instanceType: unknown, userData?: unknown) {
  return { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { InstanceType: instanceType, UserData: userData } } };
}

/** An Auto Scaling group on a launch template of the template, with a capacity provider for it. */
function group(launchTemplateId: string, minSize: unknown = '0', extra: Record<string, unknown> = {}) {
  return { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: minSize, MaxSize: '10', LaunchTemplate: { LaunchTemplateId: { Ref: launchTemplateId } }, ...extra } };
}

function capacityProvider(groupId: string) {
  return { Type: 'AWS::ECS::CapacityProvider', Properties: { AutoScalingGroupProvider: { AutoScalingGroupArn: { Ref: groupId } } } };
}

/** A task definition in bridge mode with one container. */
function taskDefinition(container: Record<string, unknown>, taskLevel: Record<string, unknown> = {}) {
  return { Type: 'AWS::ECS::TaskDefinition', Properties: { NetworkMode: 'bridge', ContainerDefinitions: [{ Name: 'app', ...container }], ...taskLevel } };
}

/** A service on one capacity provider of the template. */
function service(taskDefinitionId: string, props: Record<string, unknown>, provider = 'Provider') {
  return {
    Type: 'AWS::ECS::Service',
    Properties: {
      CapacityProviderStrategy: [{ CapacityProvider: { Ref: provider }, Weight: 1 }],
      TaskDefinition: { Ref: taskDefinitionId },
      ...props,
    },
  };
}

describe('instances for minimum tasks', () => {
  test('one task of the nginx walkthrough (1000 CPU units, 500 MiB, host port 80) needs one t3.small', () => {
    // GIVEN the walkthrough's template: MinSize 0, one task on the group's capacity provider
    const template = {
      Resources: {
        Lt: launchTemplate('t3.small'),
        Asg: group('Lt'),
        Provider: capacityProvider('Asg'),
        Td: taskDefinition({ Cpu: 1000, Memory: 500, PortMappings: [{ ContainerPort: 80, HostPort: 80, Protocol: 'tcp' }] }),
        Service: service('Td', { DesiredCount: 1 }),
      },
    };
    // WHEN
    const estimate = estimateMonthlyCost(template, 'S', 'us-east-1');
    // THEN 1 × 0.0208 × 730
    expect(estimate.items).toEqual([{
      logicalId: 'Asg',
      resourceType: 'AWS::AutoScaling::AutoScalingGroup',
      description: '1 × t3.small (instances for minimum tasks: 1 task(s) of Service × 1000 CPU units / 500 MiB on 2048 CPU units / 1945 MiB ' +
        'per instance, bound by CPU, memory, host port 80/tcp; MinSize 0)',
      monthlyUsd: 15.18,
      basis: BASIS,
    }]);
    expect(estimate.monthlyUsd).toBe(15.18);
    expect(estimate.notes).toEqual([]);
  });

  test('the table marks estimated lines and explains them in a footnote', () => {
    const estimate = estimateMonthlyCost({
      Resources: {
        Nat: { Type: 'AWS::EC2::NatGateway' },
        Lt: launchTemplate('t3.small'),
        Asg: group('Lt'),
        Provider: capacityProvider('Asg'),
        Td: taskDefinition({ Memory: 512 }),
        Service: service('Td', { DesiredCount: 1 }),
      },
    }, 'S', 'us-east-1');
    const table = formatCostTable(estimate).split('\n');
    expect(table.find(line => line.includes('NAT gateway'))).not.toMatch(/\*$/);
    expect(table.find(line => line.includes('t3.small'))).toMatch(/\[Asg\] \*$/);
    expect(table).toContainEqual(expect.stringMatching(/^ {2}\* estimate \(instances for minimum tasks\): the fewest instances/));
  });

  test('tasks of two services that need three t3.medium by memory; the scaling minimum counts, not DesiredCount', () => {
    // GIVEN 4 + 2 tasks reserving 1792 MiB each (MemoryReservation below Memory; task-level Memory) on t3.medium (4096 MiB, 3891 offered)
    const template = {
      Resources: {
        Lt: launchTemplate('t3.medium'),
        Asg: group('Lt'),
        Provider: capacityProvider('Asg'),
        TdA: taskDefinition({ Cpu: 256, Memory: 2048, MemoryReservation: 1792 }),
        TdB: taskDefinition({ Memory: 4096 }, { Cpu: '256', Memory: '1792' }),
        A: service('TdA', { DesiredCount: 4 }),
        B: service('TdB', { DesiredCount: 5 }),
        BScaling: {
          Type: 'AWS::ApplicationAutoScaling::ScalableTarget',
          Properties: { MinCapacity: 2, ResourceId: { 'Fn::Join': ['', ['service/', { Ref: 'Cluster' }, '/', { 'Fn::GetAtt': ['B', 'Name'] }]] } },
        },
      },
    };
    // WHEN
    const estimate = estimateMonthlyCost(template, 'S', 'us-east-1');
    // THEN 6 × 1792 = 10752 MiB over 3891 → 3 instances (CPU: 1536 units → 1); 3 × 0.0416 × 730
    expect(estimate.items.map(i => [i.description, i.monthlyUsd, i.basis])).toEqual([[
      '3 × t3.medium (instances for minimum tasks: 6 task(s) of 2 services, 1536 CPU units / 10752 MiB in all on 2048 CPU units / 3891 MiB ' +
      'per instance, bound by memory; MinSize 0)', 91.1, BASIS,
    ]]);
  });

  test('CPU-bound tasks with LaunchType EC2 go to the group of their cluster', () => {
    // GIVEN 5 tasks of 1 vCPU / 512 MiB on c7g.large (2 vCPU), through the cluster's capacity provider association
    const template = {
      Resources: {
        Cluster: { Type: 'AWS::ECS::Cluster' },
        Associations: { Type: 'AWS::ECS::ClusterCapacityProviderAssociations', Properties: { Cluster: { Ref: 'Cluster' }, CapacityProviders: ['FARGATE', { Ref: 'Provider' }] } },
        Lt: launchTemplate('c7g.large'),
        Asg: group('Lt', 1),
        Provider: capacityProvider('Asg'),
        Td: taskDefinition({ Memory: 256 }, { Cpu: '1 vCPU', Memory: '512' }),
        Service: { Type: 'AWS::ECS::Service', Properties: { LaunchType: 'EC2', Cluster: { Ref: 'Cluster' }, TaskDefinition: { Ref: 'Td' }, DesiredCount: 5 } },
      },
    };
    // WHEN
    const estimate = estimateMonthlyCost(template, 'S', 'us-east-1');
    // THEN 5120 CPU units over 2048 → 3 instances; 3 × 0.0725 × 730
    expect(estimate.items.map(i => [i.description, i.monthlyUsd])).toEqual([[
      '3 × c7g.large (instances for minimum tasks: 5 task(s) of Service × 1024 CPU units / 512 MiB on 2048 CPU units / 3891 MiB ' +
      'per instance, bound by CPU; MinSize 1)', 158.77,
    ]]);
  });

  test('an Auto Scaling group added without a capacity provider is found through the cluster its user data names', () => {
    const template = {
      Resources: {
        Cluster: { Type: 'AWS::ECS::Cluster' },
        Lt: launchTemplate('t3.small', { 'Fn::Base64': { 'Fn::Join': ['', ['#!/bin/bash\necho ECS_CLUSTER=', { Ref: 'Cluster' }, ' >> /etc/ecs/ecs.config']] } }),
        Asg: group('Lt'),
        Td: taskDefinition({ Memory: 512 }),
        Service: { Type: 'AWS::ECS::Service', Properties: { LaunchType: 'EC2', Cluster: { Ref: 'Cluster' }, TaskDefinition: { Ref: 'Td' }, DesiredCount: 2 } },
      },
    };
    const estimate = estimateMonthlyCost(template, 'S', 'us-east-1');
    expect(estimate.items.map(i => [i.logicalId, i.monthlyUsd, i.basis])).toEqual([['Asg', 15.18, BASIS]]);
  });

  test('a service without LaunchType or strategy uses its cluster\'s default strategy from the template: EC2 or Fargate', () => {
    // GIVEN a cluster whose default strategy is its EC2 capacity provider, another whose default is FARGATE
    const template = {
      Resources: {
        Ec2Cluster: { Type: 'AWS::ECS::Cluster' },
        FargateCluster: { Type: 'AWS::ECS::Cluster' },
        Ec2Associations: {
          Type: 'AWS::ECS::ClusterCapacityProviderAssociations',
          Properties: { Cluster: { Ref: 'Ec2Cluster' }, CapacityProviders: [{ Ref: 'Provider' }], DefaultCapacityProviderStrategy: [{ CapacityProvider: { Ref: 'Provider' }, Weight: 1 }] },
        },
        FargateAssociations: {
          Type: 'AWS::ECS::ClusterCapacityProviderAssociations',
          Properties: { Cluster: { Ref: 'FargateCluster' }, CapacityProviders: ['FARGATE'], DefaultCapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Weight: 1 }] },
        },
        Lt: launchTemplate('t3.small'),
        Asg: group('Lt'),
        Provider: capacityProvider('Asg'),
        Td: taskDefinition({ Memory: 512 }, { Cpu: '256', Memory: '512' }),
        OnEc2: { Type: 'AWS::ECS::Service', Properties: { Cluster: { Ref: 'Ec2Cluster' }, TaskDefinition: { Ref: 'Td' }, DesiredCount: 1 } },
        OnFargate: { Type: 'AWS::ECS::Service', Properties: { Cluster: { Ref: 'FargateCluster' }, TaskDefinition: { Ref: 'Td' }, DesiredCount: 1 } },
      },
    };
    // WHEN
    const estimate = estimateMonthlyCost(template, 'S', 'us-east-1');
    // THEN one t3.small for OnEc2; one Fargate task for OnFargate
    expect(estimate.items.map(i => [i.logicalId, i.description.split(' (')[0], i.monthlyUsd])).toEqual([
      ['Asg', '1 × t3.small', 15.18],
      ['OnFargate', '1 Fargate task(s) × 0.25 vCPU / 0.5 GB', 9.01],
    ]);
    expect(estimate.notes).toEqual([]);
  });

  test('a MinSize above what the tasks need is the count, and the line is not marked as an estimate', () => {
    const template = {
      Resources: {
        Lt: launchTemplate('t3.small'),
        Asg: group('Lt', '3'),
        Provider: capacityProvider('Asg'),
        Td: taskDefinition({ Cpu: 256, Memory: 512 }),
        Service: service('Td', { DesiredCount: 1 }),
      },
    };
    const estimate = estimateMonthlyCost(template, 'S', 'us-east-1');
    expect(estimate.items).toEqual([{
      logicalId: 'Asg', resourceType: 'AWS::AutoScaling::AutoScalingGroup', description: '3 × t3.small (minimum capacity)', monthlyUsd: 45.55,
    }]);
    expect(formatCostTable(estimate)).not.toContain('* estimate');
  });

  test('a mixed instances policy is priced on its first type, and says so', () => {
    // GIVEN 3 tasks of 1024 CPU units / 2048 MiB on m7g.large first (2 vCPU, 8 GiB), On-Demand
    const template = {
      Resources: {
        Lt: launchTemplate(undefined),
        Asg: {
          Type: 'AWS::AutoScaling::AutoScalingGroup',
          Properties: {
            MinSize: '0',
            MixedInstancesPolicy: {
              InstancesDistribution: { OnDemandPercentageAboveBaseCapacity: 100 },
              LaunchTemplate: {
                LaunchTemplateSpecification: { LaunchTemplateId: { Ref: 'Lt' } },
                Overrides: [{ InstanceType: 'm7g.large' }, { InstanceType: 'c7g.large' }, { InstanceType: 't4g.medium' }],
              },
            },
          },
        },
        Provider: capacityProvider('Asg'),
        Td: taskDefinition({ Cpu: 1024, Memory: 2048 }),
        Service: service('Td', { DesiredCount: 3 }),
      },
    };
    const estimate = estimateMonthlyCost(template, 'S', 'us-east-1');
    // THEN 3072 CPU units over 2048 → 2; 2 × 0.0816 × 730
    expect(estimate.items.map(i => [i.description, i.monthlyUsd])).toEqual([[
      '2 × m7g.large (instances for minimum tasks: 3 task(s) of Service × 1024 CPU units / 2048 MiB on 2048 CPU units / 7782 MiB ' +
      'per instance, bound by CPU; MinSize 0, the first of 3 types of its mixed instances policy)', 119.14,
    ]]);
  });

  test('a Spot group is priced On-Demand, with the Spot note; distinctInstance puts one task per instance', () => {
    const template = {
      Resources: {
        Lt: launchTemplate('t3.medium'),
        Asg: {
          Type: 'AWS::AutoScaling::AutoScalingGroup',
          Properties: {
            MinSize: 0,
            MixedInstancesPolicy: {
              InstancesDistribution: { OnDemandBaseCapacity: 0, OnDemandPercentageAboveBaseCapacity: 0 },
              LaunchTemplate: { LaunchTemplateSpecification: { LaunchTemplateId: { Ref: 'Lt' } } },
            },
          },
        },
        Provider: capacityProvider('Asg'),
        Td: taskDefinition({ Cpu: 128, Memory: 256 }),
        Service: service('Td', { DesiredCount: 2, PlacementConstraints: [{ Type: 'distinctInstance' }] }),
      },
    };
    const estimate = estimateMonthlyCost(template, 'S', 'us-east-1');
    expect(estimate.items.map(i => [i.description, i.monthlyUsd, i.basis])).toEqual([[
      '2 × t3.medium (instances for minimum tasks: 2 task(s) of Service × 128 CPU units / 256 MiB on 2048 CPU units / 3891 MiB ' +
      'per instance, bound by distinctInstance (Service); MinSize 0, On-Demand price)', 60.74, BASIS,
    ]]);
    expect(estimate.notes).toEqual(['Asg runs on Spot: expect 50–70% less than the On-Demand price shown.']);
  });

  test('an instance type missing from the price table is noted, never a throw', () => {
    const template = {
      Resources: {
        Lt: launchTemplate('x9.huge'),
        Asg: group('Lt'),
        Provider: capacityProvider('Asg'),
        Td: taskDefinition({ Memory: 512 }),
        Service: service('Td', { DesiredCount: 1 }),
      },
    };
    const estimate = estimateMonthlyCost(template, 'S', 'us-east-1');
    expect(estimate.items).toEqual([]);
    expect(estimate.notes).toEqual([
      'Asg: x9.huge is not in the price table: its MinSize of 0 and the instances the minimum tasks of Service need are not priced.',
    ]);
  });

  test('base and weights apportion the tasks among the groups of a strategy', () => {
    // GIVEN 9 tasks, Base 1 and Weight 1 on A, Weight 3 on B, one task per instance
    const template = {
      Resources: {
        Lt: launchTemplate('t3.small'),
        AsgA: group('Lt'),
        AsgB: group('Lt'),
        ProviderA: capacityProvider('AsgA'),
        ProviderB: capacityProvider('AsgB'),
        Td: taskDefinition({ Memory: 128 }),
        Service: {
          Type: 'AWS::ECS::Service',
          Properties: {
            CapacityProviderStrategy: [{ CapacityProvider: { Ref: 'ProviderA' }, Base: 1, Weight: 1 }, { CapacityProvider: { Ref: 'ProviderB' }, Weight: 3 }],
            PlacementConstraints: [{ Type: 'distinctInstance' }],
            TaskDefinition: { Ref: 'Td' },
            DesiredCount: 9,
          },
        },
      },
    };
    const estimate = estimateMonthlyCost(template, 'S', 'us-east-1');
    // THEN 1 + 2 on A, 6 on B
    expect(estimate.items.map(i => [i.logicalId, i.description.split(' (')[0]])).toEqual([['AsgA', '3 × t3.small'], ['AsgB', '6 × t3.small']]);
  });

  test('a daemon service leaves less on each instance for the others', () => {
    // GIVEN a daemon reserving 1024 MiB on each t3.small (1945 offered) and 2 tasks of 512 MiB
    const template = {
      Resources: {
        Cluster: { Type: 'AWS::ECS::Cluster' },
        Associations: { Type: 'AWS::ECS::ClusterCapacityProviderAssociations', Properties: { Cluster: { Ref: 'Cluster' }, CapacityProviders: [{ Ref: 'Provider' }] } },
        Lt: launchTemplate('t3.small'),
        Asg: group('Lt'),
        Provider: capacityProvider('Asg'),
        DaemonTd: taskDefinition({ Memory: 1024 }),
        Daemon: { Type: 'AWS::ECS::Service', Properties: { LaunchType: 'EC2', SchedulingStrategy: 'DAEMON', Cluster: { Ref: 'Cluster' }, TaskDefinition: { Ref: 'DaemonTd' } } },
        Td: taskDefinition({ Memory: 512 }),
        Service: service('Td', { DesiredCount: 2 }),
      },
    };
    const estimate = estimateMonthlyCost(template, 'S', 'us-east-1');
    // THEN 1024 MiB over 921 → 2 instances
    expect(estimate.items.map(i => i.description)).toEqual([
      '2 × t3.small (instances for minimum tasks: 2 task(s) of Service × 0 CPU units / 512 MiB on 2048 CPU units / 921 MiB per instance ' +
      'beside the daemon tasks, bound by memory; MinSize 0)',
    ]);
  });

  test('a task larger than the instance type is noted and not counted', () => {
    const template = {
      Resources: {
        Lt: launchTemplate('t3.small'),
        Asg: group('Lt'),
        Provider: capacityProvider('Asg'),
        Td: taskDefinition({ Memory: 4096 }),
        Service: service('Td', { DesiredCount: 1 }),
      },
    };
    const estimate = estimateMonthlyCost(template, 'S', 'us-east-1');
    expect(estimate.items).toEqual([]);
    expect(estimate.notes).toEqual([
      'Asg: a task of Service reserves 0 CPU units / 4096 MiB, more than one t3.small offers it (2048 CPU units / 1945 MiB): ' +
      'ECS cannot place it, so the instances its tasks need are not counted.',
    ]);
  });

  test('values that are not literals are noted, and what they affect not counted; never a throw', () => {
    const template = {
      Resources: {
        Lt: launchTemplate('t3.small'),
        LtByParam: launchTemplate({ Ref: 'InstanceType' }),
        Asg: group('Lt', '1'),
        AsgByParam: group('LtByParam'),
        AsgMinIf: group('Lt', { 'Fn::If': ['C', '1', '0'] }),
        Provider: capacityProvider('Asg'),
        ProviderByParam: capacityProvider('AsgByParam'),
        ProviderMinIf: capacityProvider('AsgMinIf'),
        Td: taskDefinition({ Memory: 512 }),
        TdIf: taskDefinition({ Memory: { 'Fn::If': ['Big', 2048, 512] } }),
        TdCpuParam: taskDefinition({ Memory: 512 }, { Cpu: { Ref: 'Cpu' } }),
        CountByParam: service('Td', { DesiredCount: { Ref: 'Count' } }),
        MemoryIf: service('TdIf', { DesiredCount: 1 }),
        CpuByParam: service('TdCpuParam', { DesiredCount: 1 }),
        WeightByParam: {
          Type: 'AWS::ECS::Service',
          Properties: { CapacityProviderStrategy: [{ CapacityProvider: { Ref: 'Provider' }, Weight: { Ref: 'Weight' } }], TaskDefinition: { Ref: 'Td' } },
        },
        OnTypeByParam: service('Td', { DesiredCount: 1 }, 'ProviderByParam'),
        OnMinIf: service('Td', { DesiredCount: 1 }, 'ProviderMinIf'),
        OtherStack: { Type: 'AWS::ECS::Service', Properties: { CapacityProviderStrategy: [{ CapacityProvider: 'their-provider', Weight: 1 }], TaskDefinition: { Ref: 'Td' } } },
      },
    };
    const estimate = estimateMonthlyCost(template, 'S', 'us-east-1');
    expect(estimate.items.map(i => [i.logicalId, i.description])).toEqual([['Asg', '1 × t3.small (minimum capacity)']]);
    expect(estimate.notes).toEqual([
      'AsgByParam: the instance type not known at synthesis ({"Ref":"InstanceType"}): its 0 instance(s) are not priced, ' +
      'nor the instances the minimum tasks of OnTypeByParam need.',
      'AsgMinIf: MinSize not known at synthesis ({"Fn::If":["C","1","0"]}): its instances are not priced (nor the instances the minimum tasks of OnMinIf need).',
      'CountByParam: DesiredCount not known at synthesis ({"Ref":"Count"}): the instances its tasks need are not counted.',
      'MemoryIf: the Memory of its container "app" not known at synthesis ({"Fn::If":["Big",2048,512]}): the instances its tasks need are not counted.',
      'CpuByParam: the Cpu of its task definition not known at synthesis ({"Ref":"Cpu"}): the instances its tasks need are not counted.',
      'WeightByParam: the Weight of its capacity provider {"Ref":"Provider"} not known at synthesis ({"Ref":"Weight"}): ' +
      'the instances its tasks need are not counted.',
      'OtherStack: 1 of its tasks placed by capacity provider "their-provider" run on an Auto Scaling group that is not in this template: ' +
      'the instances they need are not counted.',
    ]);
  });
});

describe('MonthlyCostReport counts the instances of a kit cluster', () => {
  test('an aws-cdk-lib Ec2Service keeping 1 task on the kit\'s t3.small capacity (the nginx walkthrough) costs one instance', () => {
    // GIVEN an EcsCluster with EC2 capacity (minimum 0) and a service keeping one task on it
    const outdir = fs.mkdtempSync('/tmp/cost-');
    const app = new App({ outdir });
    Validations.of(app).addPlugins(new MonthlyCostReport({ print: false }));
    const stack = new Stack(app, 'Walkthrough');
    const cluster = new EcsCluster(stack, 'Cluster', { natGateways: 0 });
    const capacity = cluster.addEc2Capacity('Instances', {
      instanceTypes: [new ec2.InstanceType('t3.small')],
      maxCapacity: 2,
      vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC },
    });
    const nginx = new ecs.Ec2TaskDefinition(stack, 'TaskDefinition', { networkMode: ecs.NetworkMode.BRIDGE });
    nginx.addContainer('nginx', {
      image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),
      cpu: 1000,
      memoryLimitMiB: 500,
      portMappings: [{ containerPort: 80, hostPort: 80 }],
    });
    new ecs.Ec2Service(stack, 'Service', {
      cluster,
      taskDefinition: nginx,
      desiredCount: 1,
      minHealthyPercent: 0,
      capacityProviderStrategies: [{ capacityProvider: capacity.capacityProviderName, weight: 1 }],
    });
    // WHEN
    app.synth();
    // THEN one t3.small, marked as an estimate in the JSON report
    const report = JSON.parse(fs.readFileSync(`${outdir}/Walkthrough.cost.json`, 'utf-8'));
    const instances = report.items.filter((i: any) => i.resourceType === 'AWS::AutoScaling::AutoScalingGroup');
    expect(instances).toEqual([expect.objectContaining({ monthlyUsd: 15.18, basis: BASIS, description: expect.stringMatching(/^1 × t3\.small \(instances for minimum tasks: /) })]);
    expect(report.monthlyUsd).toBeGreaterThanOrEqual(15.18);
  });
});
