import { Duration, Stack, aws_ec2 as ec2, aws_ecs as ecs, aws_logs as logs, aws_servicediscovery as servicediscovery } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { IMAGE } from './cluster';
import { BackendService, Ec2Capacity, EcsCluster, TaskCapacity } from '../../src';
import { createTestStack, errorOf, expectAcceptedOnlyWhen, validTemplate } from '../helpers/validators';

function kitCluster(stack: Stack, ec2Capacity = false): EcsCluster {
  return new EcsCluster(stack, 'Cluster', {
    cloudMapNamespaceName: 'internal',
    ec2Capacity: ec2Capacity ? { instanceTypes: [new ec2.InstanceType('m7i.large')] } : undefined,
  });
}

describe('BackendService on Fargate', () => {
  test('defaults: Service Connect name from the container, private subnets, no ingress, 2-10 tasks on 70% CPU, and 0 findings', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = kitCluster(stack);
    // WHEN
    const api = new BackendService(stack, 'Api', { cluster, image: IMAGE, containerPort: 8080 });
    // THEN
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      DesiredCount: Match.absent(),
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
      }),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
      ServiceConnectConfiguration: {
        Enabled: true,
        Namespace: 'internal',
        Services: [{ PortName: 'app', ClientAliases: [{ DnsName: 'app', Port: 8080 }] }],
      },
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '256',
      Memory: '512',
      ContainerDefinitions: [Match.objectLike({ Name: 'app', PortMappings: [{ ContainerPort: 8080, Name: 'app', Protocol: 'tcp' }] })],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.absent(), GroupDescription: Match.stringLikeRegexp('TestStack/Api') });
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: {
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        TargetValue: 70,
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
      },
    });
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Retain' });
    expect(api.serviceConnectDnsName).toBe('app');
  });

  test('allowFrom opens the container port to the peer only', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = kitCluster(stack);
    const api = new BackendService(stack, 'Api', { cluster, image: IMAGE, containerPort: 8080, serviceConnectDnsName: 'api' });
    const client = new BackendService(stack, 'Web', { cluster, image: IMAGE, containerPort: 80, serviceConnectDnsName: 'web' });
    // WHEN
    api.allowFrom(client);
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WebSecurityGroup'), 'GroupId'] },
    });
  });

  test('grants go to the task role; ECS Exec, memory scaling, a given namespace and Spot', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    const namespace = new servicediscovery.HttpNamespace(stack, 'Namespace', { name: 'shop' });
    // WHEN
    const api = new BackendService(stack, 'Api', {
      cluster,
      image: IMAGE,
      containerPort: 9000,
      serviceConnectNamespace: namespace,
      appProtocol: ecs.AppProtocol.http,
      taskCapacity: TaskCapacity.fargate({ onDemandBase: 1, spotWeight: 3 }),
      enableExecuteCommand: true,
      targetMemoryUtilizationPercent: 80,
      cpu: 512,
      memoryLimitMiB: 1024,
      logRetention: logs.RetentionDays.ONE_WEEK,
      initProcessEnabled: true,
      stopTimeout: Duration.seconds(60),
    });
    // THEN
    expect(api.grantPrincipal).toBe(api.taskDefinition.taskRole);
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::Service', {
      EnableExecuteCommand: true,
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Base: 1, Weight: 1 }, { CapacityProvider: 'FARGATE_SPOT', Weight: 3 }],
      ServiceConnectConfiguration: Match.objectLike({ Namespace: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } }),
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        PortMappings: [Match.objectLike({ AppProtocol: 'http' })],
        LinuxParameters: Match.objectLike({ InitProcessEnabled: true }),
        StopTimeout: 60,
      })],
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' },
        TargetValue: 80,
      }),
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });
});

describe('BackendService on EC2', () => {
  test('bridge mode on the cluster\'s on-demand capacity: Ec2Service, placement, dependency on the cluster, 0 findings', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = kitCluster(stack, true);
    cluster.addEc2Capacity('Spot', { spot: true, instanceTypes: [new ec2.InstanceType('m7i.large')] });
    // WHEN
    const api = new BackendService(stack, 'Api', { cluster, image: IMAGE, containerPort: 8080, taskCapacity: TaskCapacity.ec2() });
    const peer = new ec2.SecurityGroup(stack, 'Peer', { vpc: cluster.vpc });
    api.allowFrom(peer);
    // THEN
    const template = validTemplate(stack);
    const services = template.findResources('AWS::ECS::Service');
    const [, service] = Object.entries(services)[0];
    expect(service.Properties.LaunchType).toBeUndefined();
    expect(service.Properties.CapacityProviderStrategy).toEqual([{ CapacityProvider: { Ref: expect.stringMatching(/^ClusterEc2CapacityCapacityProvider/) }, Weight: 1 }]);
    expect(service.Properties.PlacementStrategies).toEqual([{ Type: 'spread', Field: 'attribute:ecs.availability-zone' }, { Type: 'binpack', Field: 'MEMORY' }]);
    expect(service.Properties.NetworkConfiguration).toBeUndefined();
    expect(service.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^Cluster/)]));
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      NetworkMode: 'bridge',
      RequiresCompatibilities: ['EC2'],
      ContainerDefinitions: [Match.objectLike({ Cpu: 256, Memory: 512, PortMappings: [{ ContainerPort: 8080, Name: 'app', Protocol: 'tcp' }] })],
    });
    // In bridge mode the tasks are reached on the instances' dynamic host ports.
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 32768, ToPort: 65535, IpProtocol: 'tcp' });
    expect(api.securityGroup).toBeUndefined();
  });

  test('awsvpc mode on EC2: its own security group, private subnets, no public IP', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = kitCluster(stack, true);
    // WHEN
    new BackendService(stack, 'Api', {
      cluster, image: IMAGE, containerPort: 8080, taskCapacity: TaskCapacity.ec2(), networkMode: ecs.NetworkMode.AWS_VPC,
    });
    // THEN
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { NetworkMode: 'awsvpc', RequiresCompatibilities: ['EC2'] });
    template.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
  });

  test('runs on an imported cluster\'s capacity (EcsCluster.fromClusterAttributes)', () => {
    // GIVEN
    const stack = createTestStack();
    const platform = kitCluster(stack);
    const capacity = Ec2Capacity.fromCapacityProviderAttributes(stack, 'Provider', { capacityProviderName: 'shared-ondemand' });
    const namespace = servicediscovery.HttpNamespace.fromHttpNamespaceAttributes(stack, 'Ns', {
      namespaceArn: 'arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-1', namespaceId: 'ns-1', namespaceName: 'internal',
    });
    const cluster = EcsCluster.fromClusterAttributes(stack, 'Shared', {
      clusterName: 'shared', vpc: platform.vpc, ec2Capacities: [capacity], defaultCloudMapNamespace: namespace,
    });
    // WHEN
    new BackendService(stack, 'Api', { cluster, image: IMAGE, containerPort: 8080, taskCapacity: TaskCapacity.ec2() });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', {
      Cluster: 'shared',
      CapacityProviderStrategy: [{ CapacityProvider: 'shared-ondemand', Weight: 1 }],
    });
  });

  test('uses the cluster\'s default task capacity', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', {
      cloudMapNamespaceName: 'internal',
      ec2Capacity: { instanceTypes: [new ec2.InstanceType('m7i.large')], capacityProviderName: 'ondemand' },
      defaultTaskCapacity: TaskCapacity.ec2(),
    });
    new BackendService(stack, 'Api', { cluster, image: IMAGE, containerPort: 8080 });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', { NetworkMode: 'bridge' });
  });
});

describe('BackendService refusals', () => {
  test('fails when neither the props nor the cluster give a Service Connect namespace', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    const error = errorOf(() => new BackendService(stack, 'Api', { cluster, image: IMAGE, containerPort: 8080 }));
    expect(error.problems.map(p => p.prop)).toEqual(['serviceConnectNamespace']);
    expect(error.problems[0].fix).toMatch(/cloudMapNamespaceName/);
  });

  test('fails when two services take the same Service Connect name in a namespace', () => {
    const stack = createTestStack();
    const cluster = kitCluster(stack);
    new BackendService(stack, 'Api', { cluster, image: IMAGE, containerPort: 8080 });
    const error = errorOf(() => new BackendService(stack, 'Api2', { cluster, image: IMAGE, containerPort: 8081 }));
    expect(error.problems[0].fix).toMatch(/already uses the Service Connect name "app"/);
  });

  test('fails when the props are wrong, and names each prop', () => {
    const stack = createTestStack();
    const cluster = kitCluster(stack);
    const error = errorOf(() => new BackendService(stack, 'Api', {
      cluster,
      image: IMAGE,
      containerPort: 70000,
      serviceConnectDnsName: 'Api_Name',
      cpu: 256,
      memoryLimitMiB: 4096,
      minCapacity: 5,
      maxCapacity: 3,
      logRetention: logs.RetentionDays.INFINITE,
      targetCpuUtilizationPercent: 0,
      networkMode: ecs.NetworkMode.BRIDGE,
      user: 'root user',
    }));
    expect(error.problems.map(p => p.prop).sort()).toEqual([
      'containerPort', 'logRetention', 'memoryLimitMiB', 'minCapacity', 'networkMode', 'serviceConnectDnsName',
      'targetCpuUtilizationPercent', 'user',
    ]);
  });

  test('fails when EC2 is asked of a cluster without EC2 capacity', () => {
    const stack = createTestStack();
    const cluster = kitCluster(stack);
    const error = errorOf(() => new BackendService(stack, 'Api', { cluster, image: IMAGE, containerPort: 80, taskCapacity: TaskCapacity.ec2() }));
    expect(error.problems.map(p => p.prop)).toEqual(['taskCapacity']);
    expect(error.problems[0].fix).toMatch(/no EC2 capacity/);
  });

  test('fails when Fargate-only options are given on EC2 in bridge mode', () => {
    const stack = createTestStack();
    const cluster = kitCluster(stack, true);
    const error = errorOf(() => new BackendService(stack, 'Api', {
      cluster,
      image: IMAGE,
      containerPort: 80,
      taskCapacity: TaskCapacity.ec2(),
      assignPublicIp: true,
      cpuArchitecture: ecs.CpuArchitecture.ARM64,
    }));
    expect(error.problems.map(p => p.prop).sort()).toEqual(['assignPublicIp', 'cpuArchitecture']);
  });

  test('fails when dependsOn names a container the task does not have (at synthesis)', () => {
    const stack = createTestStack();
    const cluster = kitCluster(stack);
    new BackendService(stack, 'Api', { cluster, image: IMAGE, containerPort: 80, dependsOn: [{ containerName: 'migrations' }] });
    expect(() => Template.fromStack(stack)).toThrow(/dependsOn: the task has no container named "migrations"/);
  });

  test('dependsOn waits for a container added to the task definition', () => {
    const stack = createTestStack();
    const cluster = kitCluster(stack);
    const api = new BackendService(stack, 'Api', { cluster, image: IMAGE, containerPort: 80, dependsOn: [{ containerName: 'migrations' }] });
    api.taskDefinition.addContainer('migrations', { image: IMAGE, essential: false, logging: ecs.LogDrivers.awsLogs({ logGroup: api.logGroup, streamPrefix: 'migrations' }) });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: 'app', DependsOn: [{ ContainerName: 'migrations', Condition: 'START' }] })]),
    });
  });
});

test('snapshot: Fargate and EC2 backends', () => {
  const stack = createTestStack();
  const cluster = kitCluster(stack, true);
  const api = new BackendService(stack, 'Api', { cluster, image: IMAGE, containerPort: 8080, serviceConnectDnsName: 'api' });
  const cache = new BackendService(stack, 'Cache', {
    cluster, image: IMAGE, containerPort: 6379, serviceConnectDnsName: 'cache', taskCapacity: TaskCapacity.ec2(), minCapacity: 1,
  });
  cache.allowFrom(api);
  expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
});

describe('BackendService property test', () => {
  test('every size and port either synthesizes within the limits or fails with EcsKitValidationError', () => {
    fc.assert(fc.property(
      fc.constantFrom(128, 256, 512, 1024, 4096, 3000),
      fc.constantFrom(256, 512, 1024, 2048, 8192, 1000),
      fc.integer({ min: -5, max: 70000 }),
      fc.integer({ min: -1, max: 12 }),
      fc.integer({ min: 0, max: 12 }),
      fc.boolean(),
      (cpu, memory, port, min, max, onEc2) => {
        const stack = createTestStack();
        const cluster = kitCluster(stack, onEc2);
        const fargateSizes: Record<number, number[]> = { 256: [512, 1024, 2048], 512: [1024, 2048], 1024: [2048, 8192], 4096: [8192] };
        const sizeOk = onEc2 ? true : (fargateSizes[cpu] ?? []).includes(memory);
        const valid = sizeOk && port >= 1 && port <= 65535 && min >= 0 && max >= 1 && min <= max;
        expectAcceptedOnlyWhen(valid, () => {
          new BackendService(stack, 'Api', {
            cluster,
            image: IMAGE,
            containerPort: port,
            cpu,
            memoryLimitMiB: memory,
            minCapacity: min,
            maxCapacity: max,
            taskCapacity: onEc2 ? TaskCapacity.ec2() : undefined,
          });
          const template = Template.fromStack(stack);
          template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: min, MaxCapacity: max });
          template.hasResourceProperties('AWS::ECS::TaskDefinition', {
            ContainerDefinitions: [Match.objectLike({ PortMappings: [Match.objectLike({ ContainerPort: port })] })],
          });
        });
      },
    ), { numRuns: 40 });
  });
});
