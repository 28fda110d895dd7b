import { App, Stack, aws_autoscaling as autoscaling, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { WEB_AND_CACHE } from './compose-test-helpers';
import { ComposeApp, ComposeFile, Ec2Capacity, EcsCluster, EcsMachineImage, TaskCapacity } from '../../src';
import { EcsKitValidationError } from '../../src/core/errors';
import { acknowledgeUserFindings, userAutoScalingGroup } from '../cluster/user-auto-scaling-group';
import { createTestStack, errorOf, validTemplate } from '../helpers/validators';

// Where a ComposeApp's services run: `taskCapacity`, else the cluster's `defaultTaskCapacity`, else Fargate.

/** Only a non-web service. */
const CACHE_ONLY = [
  'services:',
  '  cache:',
  '    image: public.ecr.aws/docker/library/redis:7.4-alpine',
  '    expose: ["6379"]',
].join('\n');

const t = (name: string) => new ec2.InstanceType(name);

function newStack(): Stack {
  return new Stack(new App(), 'TestStack');
}

/** The properties of the ECS service of a Compose service, found by its Service Connect DNS name. */
function serviceNamed(template: Template, dnsName: string): { logicalId: string; properties: any; dependsOn: string[] } {
  const found = Object.entries(template.findResources('AWS::ECS::Service')).filter(([, r]: [string, any]) =>
    (r.Properties.ServiceConnectConfiguration?.Services ?? []).some((s: any) => s.ClientAliases?.some((a: any) => a.DnsName === dnsName)));
  expect(found).toHaveLength(1);
  const [logicalId, resource] = found[0] as [string, any];
  return { logicalId, properties: resource.Properties, dependsOn: resource.DependsOn ?? [] };
}

/** The logical ID of the cluster's capacity provider associations. */
function associationsId(template: Template): string {
  const ids = Object.keys(template.findResources('AWS::ECS::ClusterCapacityProviderAssociations'));
  expect(ids).toHaveLength(1);
  return ids[0];
}

describe('Fargate Spot', () => {
  test('the weights reach the non-web services, which wait for the cluster\'s capacity provider associations', () => {
    // GIVEN
    const stack = newStack();
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'app.internal' });
    // WHEN one task on on-demand Fargate, then three of four on Spot
    new ComposeApp(stack, 'App', {
      cluster,
      composeFile: ComposeFile.fromString(WEB_AND_CACHE),
      taskCapacity: TaskCapacity.fargate({ onDemandBase: 1, onDemandWeight: 1, spotWeight: 3 }),
    });
    // THEN
    const template = Template.fromStack(stack);
    const cache = serviceNamed(template, 'cache');
    expect(cache.properties.CapacityProviderStrategy).toEqual([
      { CapacityProvider: 'FARGATE', Base: 1, Weight: 1 },
      { CapacityProvider: 'FARGATE_SPOT', Weight: 3 },
    ]);
    expect(cache.properties.LaunchType).toBeUndefined();
    expect(cache.dependsOn).toContain(associationsId(template));
    // The tasks still run on Fargate.
    template.allResourcesProperties('AWS::ECS::TaskDefinition', { NetworkMode: 'awsvpc', RequiresCompatibilities: ['FARGATE'] });
  });

  test('TaskCapacity.fargateSpot() runs the non-web services on Fargate Spot only', () => {
    const stack = newStack();
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'app.internal' });
    new ComposeApp(stack, 'App', { cluster, composeFile: ComposeFile.fromString(CACHE_ONLY), taskCapacity: TaskCapacity.fargateSpot() });
    const template = Template.fromStack(stack);
    const cache = serviceNamed(template, 'cache');
    expect(cache.properties.CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }]);
    expect(cache.dependsOn).toContain(associationsId(template));
  });

  test('without Spot the services keep the FARGATE launch type and do not wait for the cluster', () => {
    // GIVEN no taskCapacity and no cluster default: Fargate
    const stack = newStack();
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'app.internal' });
    new ComposeApp(stack, 'App', { cluster, composeFile: ComposeFile.fromString(CACHE_ONLY) });
    // THEN
    const template = Template.fromStack(stack);
    const cache = serviceNamed(template, 'cache');
    expect(cache.properties.LaunchType).toBe('FARGATE');
    expect(cache.properties.CapacityProviderStrategy).toBeUndefined();
    expect(cache.dependsOn).not.toContain(associationsId(template));
  });

  test('the weights reach the web services (FargateWebService) too, which wait for the cluster\'s associations', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'app' });
    // WHEN
    new ComposeApp(stack, 'App', {
      cluster,
      composeFile: ComposeFile.fromString('services:\n  web:\n    image: public.ecr.aws/nginx/nginx:1.27\n    ports: ["80:80"]\n'),
      taskCapacity: TaskCapacity.fargate({ onDemandBase: 1, spotWeight: 3 }),
    });
    // THEN
    const services = Object.values(Template.fromStack(stack).findResources('AWS::ECS::Service')) as any[];
    expect(services).toHaveLength(1);
    expect(services[0].Properties.CapacityProviderStrategy).toEqual([
      { CapacityProvider: 'FARGATE', Base: 1, Weight: 1 },
      { CapacityProvider: 'FARGATE_SPOT', Weight: 3 },
    ]);
    expect(services[0].Properties.LaunchType).toBeUndefined();
    expect(services[0].DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^Cluster/)]));
  });

  test('fails when the cluster has no Fargate capacity providers', () => {
    const stack = newStack();
    const cluster = new EcsCluster(stack, 'Cluster', { enableFargateCapacityProviders: false });
    const error = errorOf(() => new ComposeApp(stack, 'App', { cluster, composeFile: ComposeFile.fromString(CACHE_ONLY), taskCapacity: TaskCapacity.fargateSpot() }));
    expect(error.problems).toEqual([expect.objectContaining({
      prop: 'taskCapacity[].capacityProvider',
      received: '"FARGATE_SPOT"',
      fix: expect.stringMatching(/TestStack\/Cluster has no capacity provider of this name .*enableFargateCapacityProviders: true/),
    })]);
  });
  test('fails when a cluster imported with EcsCluster.fromClusterAttributes says it has no Fargate capacity providers', () => {
    const stack = newStack();
    const cluster = EcsCluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'shared', vpc: new ec2.Vpc(stack, 'Vpc'), fargateCapacityProviders: false });
    const error = errorOf(() => new ComposeApp(stack, 'App', { cluster, composeFile: ComposeFile.fromString(CACHE_ONLY), taskCapacity: TaskCapacity.fargateSpot() }));
    expect(error.problems).toEqual([{
      prop: 'taskCapacity',
      received: '["FARGATE_SPOT"]',
      fix: expect.stringMatching(/^The cluster TestStack\/Cluster has no Fargate capacity providers: .*or use TaskCapacity.fargate\(\) without spotWeight/),
    }]);
  });

  test('fails when a weight or base is out of range, naming the option', () => {
    const stack = newStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    const error = errorOf(() => new ComposeApp(stack, 'App', {
      cluster, composeFile: ComposeFile.fromString(CACHE_ONLY), taskCapacity: TaskCapacity.fargate({ spotWeight: 1001, onDemandBase: -1 }),
    }));
    expect(error.problems.map(p => p.prop)).toEqual(expect.arrayContaining(['taskCapacity.spotWeight', 'taskCapacity.onDemandBase']));
  });

  // src bug (src/cluster/task-capacity-resolution.ts, fargate()): a bad option is reported twice, once on the option and
  // once on the strategy built from it (taskCapacity[].weight / [].base), whose shape the user never wrote.
  // Remove `.failing` once fargate() stops after reporting its options (see the report).
  test('reports a bad Fargate option once', () => {
    const stack = newStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    const error = errorOf(() => new ComposeApp(stack, 'App', {
      cluster, composeFile: ComposeFile.fromString(CACHE_ONLY), taskCapacity: TaskCapacity.fargate({ spotWeight: 1001 }),
    }));
    expect(error.problems).toEqual([{ prop: 'taskCapacity.spotWeight', received: '1001', fix: 'Use a whole number from 0 to 1000.' }]);
  });
});

describe('the cluster\'s defaultTaskCapacity', () => {
  test('is used when taskCapacity is absent: EC2', () => {
    // GIVEN a cluster whose tasks run on its EC2 capacity by default (named: see the failing test below for a generated name)
    const stack = newStack();
    const cluster = new EcsCluster(stack, 'Cluster', {
      cloudMapNamespaceName: 'app.internal',
      ec2Capacity: { instanceTypes: [t('m7g.large')], capacityProviderName: 'app-ec2' },
      defaultTaskCapacity: TaskCapacity.ec2(),
    });
    // WHEN
    const app = new ComposeApp(stack, 'App', { cluster, composeFile: ComposeFile.fromString(WEB_AND_CACHE) });
    // THEN the services are EC2 services in bridge mode, on the cluster's group
    const template = Template.fromStack(stack);
    expect(app.ec2Service('cache')).toBeInstanceOf(ecs.Ec2Service);
    expect(app.ec2Service('web')).toBeInstanceOf(ecs.Ec2Service);
    template.allResourcesProperties('AWS::ECS::TaskDefinition', { NetworkMode: 'bridge' });
    template.allResourcesProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [{ CapacityProvider: stack.resolve(cluster.ec2Capacities[0].capacityProviderName), Weight: 1 }],
    });
  });

  test('is used when taskCapacity is absent: Fargate Spot', () => {
    const stack = newStack();
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'app.internal', defaultTaskCapacity: TaskCapacity.fargateSpot() });
    new ComposeApp(stack, 'App', { cluster, composeFile: ComposeFile.fromString(CACHE_ONLY) });
    const template = Template.fromStack(stack);
    const cache = serviceNamed(template, 'cache');
    expect(cache.properties.CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }]);
    expect(cache.dependsOn).toContain(associationsId(template));
  });

  // src bug (src/cluster/ecs-cluster.ts, validateDefaultStrategy): EcsClusterProps.defaultTaskCapacity documents that
  // TaskCapacity.ec2() means the group of the ec2Capacity prop, but without a capacityProviderName that group's provider
  // name is a reference, which validateDefaultStrategy refuses ("received a token"). Remove `.failing` once it accepts the
  // references of the cluster's own capacities (see the report).
  test('is used when taskCapacity is absent: EC2, on a group with a generated capacity provider name', () => {
    const stack = newStack();
    const cluster = new EcsCluster(stack, 'Cluster', {
      cloudMapNamespaceName: 'app.internal',
      ec2Capacity: { instanceTypes: [t('m7g.large')] },
      defaultTaskCapacity: TaskCapacity.ec2(),
    });
    new ComposeApp(stack, 'App', { cluster, composeFile: ComposeFile.fromString(CACHE_ONLY) });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [{ CapacityProvider: stack.resolve(cluster.ec2Capacities[0].capacityProviderName), Weight: 1 }],
    });
  });

  test('is overridden by taskCapacity', () => {
    // GIVEN a cluster defaulting to EC2
    const stack = newStack();
    const cluster = new EcsCluster(stack, 'Cluster', {
      cloudMapNamespaceName: 'app.internal',
      ec2Capacity: { instanceTypes: [t('m7g.large')], capacityProviderName: 'app-ec2' },
      defaultTaskCapacity: TaskCapacity.ec2(),
    });
    // WHEN the app asks for Fargate
    const app = new ComposeApp(stack, 'App', { cluster, composeFile: ComposeFile.fromString(CACHE_ONLY), taskCapacity: TaskCapacity.fargate() });
    // THEN
    expect(app.fargateService('cache')).toBeInstanceOf(ecs.FargateService);
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', { LaunchType: 'FARGATE' });
  });
});

describe('TaskCapacity.ec2() without capacities', () => {
  test('picks the on-demand capacity without GPUs over a GPU and a Spot one', () => {
    // GIVEN a Spot group first (the old default took the first group), then a GPU one, then an on-demand one
    const stack = newStack();
    const cluster = new EcsCluster(stack, 'Cluster', {
      cloudMapNamespaceName: 'app.internal',
      ec2Capacity: { spot: true, instanceTypes: [t('m6i.large'), t('m5.large')] },
    });
    cluster.addEc2Capacity('Gpu', { instanceTypes: [t('g5.xlarge')], machineImage: EcsMachineImage.amazonLinux2023({ gpu: true }) });
    const onDemand = cluster.addEc2Capacity('OnDemand', { instanceTypes: [t('m6i.large')] });
    // WHEN
    new ComposeApp(stack, 'App', { cluster, composeFile: ComposeFile.fromString(WEB_AND_CACHE), taskCapacity: TaskCapacity.ec2() });
    // THEN only the on-demand, non-GPU provider
    Template.fromStack(stack).allResourcesProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [{ CapacityProvider: stack.resolve(onDemand.capacityProviderName), Weight: 1 }],
    });
  });

  test('uses every capacity when none is on-demand without GPUs', () => {
    const stack = newStack();
    const cluster = new EcsCluster(stack, 'Cluster', {
      cloudMapNamespaceName: 'app.internal',
      ec2Capacity: { spot: true, instanceTypes: [t('m6i.large'), t('m5.large')] },
    });
    const gpu = cluster.addEc2Capacity('Gpu', { instanceTypes: [t('g5.xlarge')], machineImage: EcsMachineImage.amazonLinux2023({ gpu: true }) });
    new ComposeApp(stack, 'App', { cluster, composeFile: ComposeFile.fromString(CACHE_ONLY), taskCapacity: TaskCapacity.ec2() });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [
        { CapacityProvider: stack.resolve(cluster.ec2Capacities[0].capacityProviderName), Weight: 1 },
        { CapacityProvider: stack.resolve(gpu.capacityProviderName), Weight: 1 },
      ],
    });
  });

  test('TaskCapacity.ec2(capacity) uses the capacity given, even a Spot one', () => {
    const stack = newStack();
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'app.internal', ec2Capacity: { instanceTypes: [t('m6i.large')] } });
    const spot = cluster.addEc2Capacity('Spot', { spot: true, instanceTypes: [t('m6i.large'), t('m5.large')] });
    new ComposeApp(stack, 'App', { cluster, composeFile: ComposeFile.fromString(CACHE_ONLY), taskCapacity: TaskCapacity.ec2(spot) });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [{ CapacityProvider: stack.resolve(spot.capacityProviderName), Weight: 1 }],
    });
  });
});

describe('a cluster imported with EcsCluster.fromClusterAttributes', () => {
  test('runs the app on its EC2 capacities and passes the validators', () => {
    // GIVEN a cluster of another stack, with its capacity provider and its instances' security group
    const stack = createTestStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-12345678',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      publicSubnetIds: ['subnet-0a1b2c3d4e5f60001', 'subnet-0a1b2c3d4e5f60002'],
      privateSubnetIds: ['subnet-0a1b2c3d4e5f60003', 'subnet-0a1b2c3d4e5f60004'],
    });
    const instances = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Instances', 'sg-0123456789abcdef0');
    const capacity = Ec2Capacity.fromCapacityProviderAttributes(stack, 'SharedAsg', { capacityProviderName: 'shared-asg', securityGroups: [instances] });
    const cluster = EcsCluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'shared', vpc, ec2Capacities: [capacity] });
    // WHEN
    const app = new ComposeApp(stack, 'App', { cluster, composeFile: ComposeFile.fromString(WEB_AND_CACHE), taskCapacity: TaskCapacity.ec2() });
    // THEN EC2 services on the imported provider, in a template AWS accepts
    const template = validTemplate(stack);
    expect(app.ec2Service('cache')).toBeInstanceOf(ecs.Ec2Service);
    template.allResourcesProperties('AWS::ECS::Service', {
      Cluster: 'shared',
      CapacityProviderStrategy: [{ CapacityProvider: 'shared-asg', Weight: 1 }],
    });
    template.allResourcesProperties('AWS::ECS::TaskDefinition', { NetworkMode: 'bridge' });
    // Bridge mode: the load balancer reaches the tasks through the instances' security group.
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: 'sg-0123456789abcdef0', FromPort: 32768, ToPort: 65535 });
  });

  test('its defaultTaskCapacity is used when taskCapacity is absent', () => {
    const stack = newStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const capacity = Ec2Capacity.fromCapacityProviderAttributes(stack, 'SharedAsg', { capacityProviderName: 'shared-asg' });
    const cluster = EcsCluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'shared', vpc, ec2Capacities: [capacity], defaultTaskCapacity: TaskCapacity.ec2() });
    new ComposeApp(stack, 'App', { cluster, composeFile: ComposeFile.fromString(CACHE_ONLY) });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [{ CapacityProvider: 'shared-asg', Weight: 1 }],
      LaunchType: Match.absent(),
    });
  });
});

describe('refusals', () => {
  const build = (cluster: ecs.ICluster, taskCapacity?: TaskCapacity) =>
    () => new ComposeApp(Stack.of(cluster), 'App', { cluster, composeFile: ComposeFile.fromString(WEB_AND_CACHE), taskCapacity });

  test('fails when TaskCapacity.ec2() is used on a Fargate-only EcsCluster', () => {
    const stack = newStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    const error = errorOf(build(cluster, TaskCapacity.ec2()));
    expect(error.problems).toEqual([{
      prop: 'taskCapacity',
      received: '"TaskCapacity.ec2()"',
      fix: expect.stringMatching(/^The cluster TestStack\/Cluster has no EC2 capacity \(Fargate only\): create it with ec2Capacity: \{ \.\.\. \} or call cluster.addEc2Capacity.*or run on Fargate \(TaskCapacity.fargate\(\)\)/),
    }]);
  });

  test('fails when TaskCapacity.ec2() is used on an ecs.Cluster, whose capacities the kit does not know', () => {
    const stack = newStack();
    const cluster = new ecs.Cluster(stack, 'Cluster');
    cluster.addCapacity('Instances', { instanceType: t('t3.small') });
    const error = errorOf(build(cluster, TaskCapacity.ec2()));
    expect(error.problems).toEqual([{
      prop: 'taskCapacity',
      received: '"TaskCapacity.ec2()"',
      fix: expect.stringMatching(/^The EC2 capacity of the cluster TestStack\/Cluster is unknown to the kit \(an ecs.Cluster\): name its capacity providers with TaskCapacity.fromCapacityProviderStrategies/),
    }]);
  });

  test('an ecs.Cluster runs the app on EC2 with a strategy naming its provider', () => {
    // GIVEN the way out the refusal above names: an ecs.Cluster with an Auto Scaling group capacity provider
    const stack = newStack();
    const cluster = new ecs.Cluster(stack, 'Cluster');
    const provider = new ecs.AsgCapacityProvider(stack, 'Provider', {
      autoScalingGroup: new autoscaling.AutoScalingGroup(stack, 'Instances', {
        vpc: cluster.vpc, instanceType: t('t3.small'), machineImage: ecs.EcsOptimizedImage.amazonLinux2023(), minCapacity: 0,
      }),
    });
    cluster.addAsgCapacityProvider(provider);
    // WHEN
    const app = new ComposeApp(stack, 'App', {
      cluster,
      composeFile: ComposeFile.fromString(CACHE_ONLY),
      taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: provider.capacityProviderName, weight: 1 }]),
    });
    // THEN
    expect(app.ec2Service('cache')).toBeInstanceOf(ecs.Ec2Service);
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [{ CapacityProvider: stack.resolve(provider.capacityProviderName), Weight: 1 }],
    });
  });

  test.each([
    ['fromClusterAttributes', (stack: Stack) => ecs.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'shared', vpc: new ec2.Vpc(stack, 'Vpc') })],
    ['fromClusterArn', (stack: Stack) => ecs.Cluster.fromClusterArn(stack, 'Imported', 'arn:aws:ecs:eu-west-1:111122223333:cluster/shared')],
  ])('fails when the cluster was imported with aws-cdk-lib\'s ecs.Cluster.%s, naming EcsCluster.fromClusterAttributes', (_, importCluster) => {
    // Whatever taskCapacity says (even Fargate, which needs no capacity provider), the cluster is refused.
    for (const taskCapacity of [undefined, TaskCapacity.fargate(), TaskCapacity.ec2()]) {
      const error = errorOf(build(importCluster(newStack()), taskCapacity));
      expect(error.problems).toEqual([{
        prop: 'cluster',
        received: '"TestStack/Imported"',
        fix: expect.stringMatching(/^The kit cannot know the capacity of a cluster imported with aws-cdk-lib's ecs.Cluster.fromClusterAttributes or fromClusterArn: import it with EcsCluster.fromClusterAttributes/),
      }]);
    }
  });

  test('fails when a strategy mixes FARGATE with an EC2 capacity provider', () => {
    const stack = newStack();
    const cluster = new EcsCluster(stack, 'Cluster', { ec2Capacity: { instanceTypes: [t('t3.small')] } });
    const error = errorOf(build(cluster, TaskCapacity.fromCapacityProviderStrategies([
      { capacityProvider: 'FARGATE', weight: 1 },
      { capacityProvider: cluster.ec2Capacities[0].capacityProviderName, weight: 1 },
    ])));
    expect(error.problems).toEqual([{
      prop: 'taskCapacity[].capacityProvider',
      received: '["FARGATE","the capacity provider TestStack/Cluster/Ec2Capacity/CapacityProvider/CapacityProvider"]',
      fix: expect.stringMatching(/^A strategy cannot mix Fargate capacity providers with EC2 \(Auto Scaling group\) ones/),
    }]);
  });

  test('fails with the kit\'s error, never another, when the cluster was imported by its ARN (no VPC)', () => {
    const stack = newStack();
    const cluster = EcsCluster.fromClusterArn(stack, 'Imported', 'arn:aws:ecs:eu-west-1:111122223333:cluster/shared');
    const error = errorOf(build(cluster));
    expect(error).toBeInstanceOf(EcsKitValidationError);
    expect(error.message).toMatch(/imported with EcsCluster.fromClusterArn, which does not know its VPC/);
  });
});

describe('ComposeApp on an adopted Auto Scaling group', () => {
  test('TaskCapacity.ec2() places the services on the adopted group, and the template passes the validators', () => {
    // GIVEN the user's own Auto Scaling group, adopted as the cluster's EC2 capacity
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'app' });
    const asg = userAutoScalingGroup(stack, cluster.vpc);
    const adopted = cluster.addAutoScalingGroupCapacity('Platform', { autoScalingGroup: asg });
    acknowledgeUserFindings(asg);
    // WHEN
    new ComposeApp(stack, 'App', {
      cluster,
      composeFile: ComposeFile.fromString('services:\n  worker:\n    image: public.ecr.aws/docker/library/busybox:stable\n    command: ["sleep", "3600"]\n'),
      taskCapacity: TaskCapacity.ec2(),
    });
    // THEN
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [{ CapacityProvider: stack.resolve(adopted.capacityProviderName), Weight: 1 }],
    });
  });
});
