import { App, CfnElement, Duration, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { IMAGE, resourcesOfType, testCluster } from './cluster';
import {
  ContainerStartCondition, Ec2Capacity, Ec2WebService, Ec2WebServiceProps, EcsCluster, EcsMachineImage, SharedLoadBalancer, TaskCapacity,
} from '../../src';
import { createTestStack, errorOf, validTemplate } from '../helpers/validators';

const t = (name: string) => new ec2.InstanceType(name);

/** An EcsCluster with one on-demand capacity of t3.small instances. */
function ec2Cluster(stack: Stack, instanceTypes = [t('t3.small')]): EcsCluster {
  return new EcsCluster(stack, 'Cluster', { ec2Capacity: { instanceTypes } });
}

/** A stack with an EC2 cluster and one service with `props`. */
function serviceStack(props: Partial<Ec2WebServiceProps> = {}) {
  const stack = createTestStack();
  const cluster = ec2Cluster(stack);
  const web = new Ec2WebService(stack, 'Web', { cluster, image: IMAGE, ...props });
  return { stack, cluster, web };
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: any } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

describe('Ec2WebService defaults', () => {
  test('default service passes the validators and matches the snapshot', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = ec2Cluster(stack);
    // WHEN
    new Ec2WebService(stack, 'Web', { cluster, image: IMAGE });
    // THEN
    const template = validTemplate(stack);
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('Ec2WebService on the cluster\'s EC2 capacity', () => {
  test('the main child is the ecs.Ec2Service with id Resource, and the L2s are exposed', () => {
    const { web, cluster } = serviceStack();
    expect(web.node.defaultChild).toBe(web.service);
    expect(web.service.node.id).toBe('Resource');
    expect(web.taskDefinition).toBeInstanceOf(ecs.Ec2TaskDefinition);
    expect(web.container.containerName).toBe('web');
    expect(web.grantPrincipal).toBe(web.taskDefinition.taskRole);
    expect(web.securityGroup).toBeUndefined();
    expect(web.ec2Capacities).toEqual(cluster.ec2Capacities);
  });

  test('runs through the capacity providers, spread across AZs then binpacked on memory, and deploys safely', () => {
    const { stack, cluster } = serviceStack();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: Match.absent(),
      DesiredCount: Match.absent(),
      CapacityProviderStrategy: [{ CapacityProvider: stack.resolve(cluster.ec2Capacities[0].capacityProviderName), Weight: 1 }],
      PlacementStrategies: [{ Type: 'spread', Field: 'attribute:ecs.availability-zone' }, { Type: 'binpack', Field: 'MEMORY' }],
      HealthCheckGracePeriodSeconds: 60,
      DeploymentConfiguration: Match.objectLike({
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
      }),
      NetworkConfiguration: Match.absent(),
    });
  });

  test('the service DependsOn the cluster\'s capacity provider associations (the first deploy does not fail)', () => {
    // GIVEN an EcsCluster and an aws-cdk-lib ecs.Cluster with an Auto Scaling group capacity provider
    const { stack } = serviceStack();
    // THEN
    const template = Template.fromStack(stack);
    const associations = Object.keys(template.findResources('AWS::ECS::ClusterCapacityProviderAssociations'));
    expect(associations).toHaveLength(1);
    const [, service] = resourcesOfType(template, 'AWS::ECS::Service')[0];
    expect(service.DependsOn).toEqual(expect.arrayContaining(associations));
  });

  test('bridge mode: dynamic host ports, instance targets, and the instances open to the load balancer on 32768-65535 only', () => {
    const { stack, cluster, web } = serviceStack();
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      NetworkMode: 'bridge',
      RequiresCompatibilities: ['EC2'],
      ContainerDefinitions: [Match.objectLike({ Cpu: 256, Memory: 512, PortMappings: [{ ContainerPort: 80, HostPort: 0, Protocol: 'tcp' }] })],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'instance', Port: 80 });
    const instanceGroup = logicalId(stack, (cluster.ec2Capacities[0] as Ec2Capacity).securityGroup);
    const albGroup = logicalId(stack, (web.sharedLoadBalancer as SharedLoadBalancer).securityGroup);
    const ingress = resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties);
    expect(ingress).toEqual([expect.objectContaining({
      GroupId: { 'Fn::GetAtt': [instanceGroup, 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [albGroup, 'GroupId'] },
      FromPort: 32768,
      ToPort: 65535,
      IpProtocol: 'tcp',
    })]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [albGroup, 'GroupId'] },
      DestinationSecurityGroupId: { 'Fn::GetAtt': [instanceGroup, 'GroupId'] },
      FromPort: 32768,
      ToPort: 65535,
    });
    expect(web.connections.securityGroups).toEqual([(cluster.ec2Capacities[0] as Ec2Capacity).securityGroup]);
  });

  test('a fixed hostPort opens only that port on the instances', () => {
    const { stack } = serviceStack({ hostPort: 8080, containerPort: 80 });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ PortMappings: [{ ContainerPort: 80, HostPort: 8080, Protocol: 'tcp' }] })],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 8080, ToPort: 8080 });
  });

  test('only the capacities it runs on are opened: a GPU capacity of the cluster is neither used nor opened', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = ec2Cluster(stack, [t('m6i.large')]);
    const gpu = cluster.addEc2Capacity('Gpu', { instanceTypes: [t('g5.xlarge')], machineImage: EcsMachineImage.amazonLinux2023({ gpu: true }) });
    // WHEN
    const web = new Ec2WebService(stack, 'Web', { cluster, image: IMAGE });
    // THEN
    expect(web.ec2Capacities).toEqual([cluster.ec2Capacities[0]]);
    const template = Template.fromStack(stack);
    const gpuGroup = logicalId(stack, gpu.securityGroup);
    for (const [, rule] of resourcesOfType(template, 'AWS::EC2::SecurityGroupIngress')) {
      expect(rule.Properties.GroupId).not.toEqual({ 'Fn::GetAtt': [gpuGroup, 'GroupId'] });
    }
  });

  test('awsvpc mode: its own security group open to the load balancer on the container port, IP targets, private subnets', () => {
    const { stack, web } = serviceStack({ networkMode: ecs.NetworkMode.AWS_VPC, containerPort: 8080 });
    const template = validTemplate(stack);
    expect(web.securityGroup).toBeDefined();
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { NetworkMode: 'awsvpc' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'ip', Port: 8080 });
    template.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED', SecurityGroups: [{ 'Fn::GetAtt': [logicalId(stack, web.securityGroup as ec2.SecurityGroup), 'GroupId'] }] }) },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [logicalId(stack, web.securityGroup as ec2.SecurityGroup), 'GroupId'] },
      FromPort: 8080,
      ToPort: 8080,
    });
  });

  test('the same load balancer, health check, scaling and logging defaults as FargateWebService', () => {
    const { stack } = serviceStack();
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internet-facing' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/',
      HealthCheckIntervalSeconds: 15,
      Matcher: { HttpCode: '200-399' },
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '30' }]),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 10 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ TargetValue: 70 }),
    });
    template.hasResource('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Retain' });
  });

  test('container settings, sizes, volumes, volumesFrom and links reach the container definitions', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = ec2Cluster(stack);
    // WHEN
    const web = new Ec2WebService(stack, 'Web', {
      cluster,
      image: IMAGE,
      cpu: 512,
      memoryLimitMiB: 1024,
      memoryReservationMiB: 256,
      command: ['nginx', '-g', 'daemon off;'],
      workingDirectory: '/srv',
      stopTimeout: Duration.seconds(60),
      initProcessEnabled: true,
      volumes: [{ name: 'html', sourcePath: '/ecs/html' }, { name: 'scratch' }],
      mountPoints: [{ sourceVolume: 'html', containerPath: '/usr/share/nginx/html', readOnly: true }],
      volumesFrom: [{ sourceContainer: 'content', readOnly: true }],
      links: [{ containerName: 'content', alias: 'cms' }],
      dependsOn: [{ containerName: 'content', condition: ContainerStartCondition.START }],
    });
    web.addSidecar('content', { image: IMAGE, memoryLimitMiB: 128 });
    // THEN
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Volumes: [{ Name: 'html', Host: { SourcePath: '/ecs/html' } }, { Name: 'scratch' }],
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'web',
          Cpu: 512,
          Memory: 1024,
          MemoryReservation: 256,
          Command: ['nginx', '-g', 'daemon off;'],
          WorkingDirectory: '/srv',
          StopTimeout: 60,
          LinuxParameters: Match.objectLike({ InitProcessEnabled: true }),
          MountPoints: [{ SourceVolume: 'html', ContainerPath: '/usr/share/nginx/html', ReadOnly: true }],
          VolumesFrom: [{ SourceContainer: 'content', ReadOnly: true }],
          Links: ['content:cms'],
          DependsOn: [{ ContainerName: 'content', Condition: 'START' }],
        }),
        Match.objectLike({ Name: 'content', Essential: false, Memory: 128 }),
      ],
    });
  });

  test('on an aws-cdk-lib ecs.Cluster, a strategy naming its Auto Scaling group provider works, with a warning to open the instances', () => {
    // GIVEN (a plain stack: the Auto Scaling group is the test's own, with its own findings)
    const stack = new Stack(new App(), 'TestStack');
    const cluster = testCluster(stack);
    const provider = new ecs.AsgCapacityProvider(stack, 'Provider', {
      autoScalingGroup: new autoscaling.AutoScalingGroup(stack, 'Asg', {
        vpc: cluster.vpc, instanceType: t('t3.small'), machineImage: ecs.EcsOptimizedImage.amazonLinux2023(),
      }),
    });
    cluster.addAsgCapacityProvider(provider);
    // WHEN
    new Ec2WebService(stack, 'Web', {
      cluster,
      image: IMAGE,
      taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: provider.capacityProviderName, weight: 1 }]),
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECS::Service', { CapacityProviderStrategy: [Match.objectLike({ Weight: 1 })] });
    // aws-cdk-lib's addAsgCapacityProvider does not add the group's security group to the cluster's connections.
    Annotations.fromStack(stack).hasWarning('/TestStack/Web', Match.stringLikeRegexp('Ec2WebService.instancesNotOpened'));
  });
});

describe('Ec2WebService refuses bad input', () => {
  test('fails when given a Fargate TaskCapacity', () => {
    const error = errorOf(() => serviceStack({ taskCapacity: TaskCapacity.fargateSpot() }));
    expect(error.problems).toEqual([expect.objectContaining({ prop: 'taskCapacity', fix: expect.stringMatching(/Fargate cannot run/) })]);
  });

  test('fails when the cluster has no EC2 capacity', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    const error = errorOf(() => new Ec2WebService(stack, 'Web', { cluster, image: IMAGE }));
    expect(error.message).toMatch(/no EC2 capacity/);
  });

  test('fails when Fargate-only props come along (a FargateWebService\'s options spread in)', () => {
    const fargateOptions = { assignPublicIp: true, ephemeralStorageGiB: 30 };
    const error = errorOf(() => serviceStack(fargateOptions as unknown as Partial<Ec2WebServiceProps>));
    expect(error.problems.map(p => p.prop)).toEqual(['assignPublicIp', 'ephemeralStorageGiB']);
  });

  test('fails when the network options do not match the network mode', () => {
    const stack = createTestStack();
    const cluster = ec2Cluster(stack);
    const securityGroup = new ec2.SecurityGroup(stack, 'Sg', { vpc: cluster.vpc });
    expect(errorOf(() => new Ec2WebService(stack, 'Bridge', { cluster, image: IMAGE, securityGroup })).problems[0].prop).toBe('securityGroup');
    expect(errorOf(() => new Ec2WebService(stack, 'AwsVpc', { cluster, image: IMAGE, networkMode: ecs.NetworkMode.AWS_VPC, hostPort: 80 }))
      .problems[0].prop).toBe('hostPort');
    expect(errorOf(() => new Ec2WebService(stack, 'Host', { cluster, image: IMAGE, networkMode: ecs.NetworkMode.HOST })).problems[0].prop)
      .toBe('networkMode');
    expect(errorOf(() => new Ec2WebService(stack, 'Links', {
      cluster, image: IMAGE, networkMode: ecs.NetworkMode.AWS_VPC, links: [{ containerName: 'other' }],
    })).problems[0].prop).toBe('links');
  });

  test('fails when the host port is one the ECS agent reserves, or out of range', () => {
    expect(errorOf(() => serviceStack({ hostPort: 51678 })).problems[0].fix).toMatch(/reserves ports/);
    expect(errorOf(() => serviceStack({ hostPort: 70000 })).problems[0].prop).toBe('hostPort');
  });

  test('fails when a sidecar takes the web container\'s host port, or has no memory', () => {
    const { web } = serviceStack({ hostPort: 8080 });
    expect(errorOf(() => web.addSidecar('proxy', { image: IMAGE, memoryLimitMiB: 64, portMappings: [{ containerPort: 80, hostPort: 8080 }] }))
      .message).toMatch(/already takes port 8080/);
    expect(errorOf(() => web.addSidecar('agent', { image: IMAGE })).problems[0].prop).toBe('options.memoryLimitMiB');
  });

  test('fails when the memory reservation is above the limit, or the size is not a whole number', () => {
    const error = errorOf(() => serviceStack({ memoryLimitMiB: 256, memoryReservationMiB: 512, cpu: 0.5 }));
    expect(error.problems.map(p => p.prop).sort()).toEqual(['cpu', 'memoryReservationMiB']);
  });

  test('fails when the container fits on none of the capacity\'s instances', () => {
    const error = errorOf(() => serviceStack({ memoryLimitMiB: 4096 }));
    expect(error.problems).toEqual([expect.objectContaining({ prop: 'memoryLimitMiB', fix: expect.stringMatching(/t3\.small \(2048 CPU units, 2048 MiB\)/) })]);
    expect(errorOf(() => serviceStack({ cpu: 4096 })).problems[0].prop).toBe('cpu');
  });

  test('warns when the container takes nearly all of an instance\'s memory', () => {
    const { stack } = serviceStack({ memoryLimitMiB: 2000 });
    Annotations.fromStack(stack).hasWarning('/TestStack/Web', Match.stringLikeRegexp('Ec2WebService.tightFit'));
  });

  test('fails when volumes, mount points, volumesFrom and links are inconsistent', () => {
    const error = errorOf(() => serviceStack({
      volumes: [{ name: 'a' }, { name: 'a', sourcePath: 'relative' }],
      mountPoints: [{ sourceVolume: 'missing', containerPath: 'no-slash' }],
      volumesFrom: [{ sourceContainer: 'web' }],
      links: [{ containerName: 'web' }],
    }));
    expect(error.problems.map(p => p.prop)).toEqual([
      'volumes[].name', 'volumes[].sourcePath', 'mountPoints[].sourceVolume', 'mountPoints[].containerPath',
      'volumesFrom[].sourceContainer', 'links[].containerName',
    ]);
  });

  test('fails at synthesis when links or volumesFrom name a container the task never got', () => {
    const { stack } = serviceStack({ links: [{ containerName: 'db' }] });
    expect(() => Template.fromStack(stack)).toThrow(/links received "db"/);
  });

  test('fails when shared checks fail (health check, scaling, deployment), naming the Ec2WebService', () => {
    const error = errorOf(() => serviceStack({ healthCheckPath: 'x', minCapacity: 5, maxCapacity: 2, maxHealthyPercent: 100 }));
    expect(error.message).toMatch(/Ec2WebService/);
    expect(error.problems.map(p => p.prop)).toEqual(['healthCheckPath', 'minCapacity', 'maxHealthyPercent']);
  });
});
