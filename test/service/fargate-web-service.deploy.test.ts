/**
 * Inputs that used to synthesize and then fail at deploy time (or hit an
 * aws-cdk-lib error naming neither the construct nor the prop): each is now
 * either accepted with a template AWS takes, or refused with our error.
 */
import {
  App,
  CfnParameter,
  Duration,
  RemovalPolicy,
  Stack,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_logs as logs,
  aws_servicediscovery as servicediscovery,
} from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { IMAGE, resourcesOfType, testCluster } from './cluster';
import { EcsCluster, FargateWebService, FargateWebServiceGroup, FargateWebServiceProps, SharedLoadBalancer, TaskCapacity } from '../../src';
import { createTestStack, errorOf, validTemplate } from '../helpers/validators';

/** A stack with a test cluster and one service with `props`. */
function serviceStack(props: Partial<FargateWebServiceProps> = {}, clusterProps: Partial<ecs.ClusterProps> = {}) {
  const stack = createTestStack();
  const cluster = testCluster(stack, clusterProps);
  const web = new FargateWebService(stack, 'Web', { cluster, image: IMAGE, ...props });
  return { stack, cluster, web };
}

function numberParameter(stack: Stack, id = 'P'): number {
  return new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
}

function stringParameter(stack: Stack, id = 'P'): string {
  return new CfnParameter(stack, id, { type: 'String' }).valueAsString;
}

function webContainer(template: Template): any {
  const [[, taskDefinition]] = resourcesOfType(template, 'AWS::ECS::TaskDefinition');
  return taskDefinition.Properties.ContainerDefinitions[0];
}

describe('FargateWebService capacity providers', () => {
  test('fails when spotWeight is given on an EcsCluster without the Fargate capacity providers', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { enableFargateCapacityProviders: false });
    // WHEN
    const error = errorOf(() => new FargateWebService(stack, 'Web', { cluster, image: IMAGE, taskCapacity: TaskCapacity.fargate({ spotWeight: 3 }) }));
    // THEN the strategy the service would write is refused, naming spotWeight and the fix
    expect(error.problems.map(p => [p.prop, p.received])).toEqual([
      ['taskCapacity[].capacityProvider', '"FARGATE"'],
      ['taskCapacity[].capacityProvider', '"FARGATE_SPOT"'],
    ]);
    expect(error.message).toContain('The cluster TestStack/Cluster has no capacity provider of this name (it has none)');
    expect(error.message).toContain('EcsCluster: enableFargateCapacityProviders: true');
  });

  test('fails when spotWeight is given on an ecs.Cluster without the Fargate capacity providers', () => {
    const error = errorOf(() => serviceStack({ taskCapacity: TaskCapacity.fargate({ spotWeight: 1 }) }, { enableFargateCapacityProviders: false }));
    expect(error.problems.map(p => p.prop)).toEqual(['taskCapacity[].capacityProvider', 'taskCapacity[].capacityProvider']);
    expect(error.message).toContain('ecs.Cluster: enableFargateCapacityProviders()');
  });

  test('without spotWeight, a cluster without Fargate capacity providers runs the service with the FARGATE launch type', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { enableFargateCapacityProviders: false });
    // WHEN
    new FargateWebService(stack, 'Web', { cluster, image: IMAGE });
    // THEN
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::Service', { LaunchType: 'FARGATE', CapacityProviderStrategy: Match.absent() });
    template.resourceCountIs('AWS::ECS::ClusterCapacityProviderAssociations', 0);
  });

  test('a service without taskCapacity runs on its cluster\'s Fargate default, written out and waiting for the association', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { defaultTaskCapacity: TaskCapacity.fargateSpot() });
    new FargateWebService(stack, 'Web', { cluster, image: IMAGE });
    new FargateWebService(stack, 'OnDemand', { cluster, image: IMAGE, taskCapacity: TaskCapacity.fargate() });
    const template = validTemplate(stack);
    const services = template.findResources('AWS::ECS::Service');
    const web = Object.entries(services).find(([id]) => id.startsWith('Web'))![1] as any;
    expect(web.Properties.CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }]);
    expect(web.Properties.LaunchType).toBeUndefined();
    expect(web.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^Cluster/)]));
    // An explicit taskCapacity wins over the cluster's default.
    const onDemand = Object.entries(services).find(([id]) => id.startsWith('OnDemand'))![1] as any;
    expect(onDemand.Properties.LaunchType).toBe('FARGATE');
  });

  test('a cluster whose default is EC2 leaves a service on on-demand Fargate', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { ec2Capacity: {}, defaultTaskCapacity: TaskCapacity.ec2() });
    new FargateWebService(stack, 'Web', { cluster, image: IMAGE });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', { LaunchType: 'FARGATE' });
  });

  test('an imported cluster may have any capacity provider: spotWeight is accepted', () => {
    const stack = createTestStack();
    const vpc = testCluster(stack).vpc;
    const cluster = ecs.Cluster.fromClusterAttributes(stack, 'Imported', { clusterName: 'shop', vpc });
    new FargateWebService(stack, 'Web', { cluster, image: IMAGE, taskCapacity: TaskCapacity.fargate({ spotWeight: 1 }) });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Base: 0, Weight: 1 }, { CapacityProvider: 'FARGATE_SPOT', Weight: 1 }],
    });
  });

  test('Fargate Spot runs ARM64 tasks too (platform version 1.4.0, the default LATEST)', () => {
    const { stack } = serviceStack({ taskCapacity: TaskCapacity.fargate({ spotWeight: 1 }), cpuArchitecture: ecs.CpuArchitecture.ARM64 });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', {
      CapacityProviderStrategy: Match.arrayWith([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }]),
      PlatformVersion: Match.absent(),
    });
  });

  test('a weight out of range is reported once, on its own prop', () => {
    const error = errorOf(() => serviceStack({ taskCapacity: TaskCapacity.fargate({ spotWeight: 1, onDemandWeight: 1001 }) }));
    expect(error.problems.map(p => p.prop)).toEqual(['taskCapacity.onDemandWeight']);
  });
});

describe('FargateWebService task subnets', () => {
  test('fails on a VPC without NAT gateways (no private subnets with egress), saying to set assignPublicIp or taskSubnets', () => {
    // GIVEN an EcsCluster whose VPC has public and isolated subnets only
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { natGateways: 0 });
    // WHEN
    const error = errorOf(() => new FargateWebService(stack, 'Web', { cluster, image: IMAGE }));
    // THEN
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].prop).toBe('taskSubnets');
    expect(error.problems[0].received).toBe('"SubnetType.PRIVATE_WITH_EGRESS (the default)"');
    expect(error.problems[0].fix).toMatch(/has no subnets of this type \(it has SubnetType\.PUBLIC, SubnetType\.PRIVATE_ISOLATED\): set assignPublicIp: true/);
    expect(error.problems[0].fix).toContain('set taskSubnets to subnets');
  });

  test('on a VPC without NAT gateways, assignPublicIp or isolated subnets are accepted', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { natGateways: 0 });
    new FargateWebService(stack, 'Public', { cluster, image: IMAGE, assignPublicIp: true });
    new FargateWebService(stack, 'Isolated', {
      cluster, image: IMAGE, taskSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, pathPatterns: ['/i/*'],
    });
    Template.fromStack(stack).resourceCountIs('AWS::ECS::Service', 2);
  });

  test('fails when assignPublicIp is set and the VPC has no public subnets', () => {
    const stack = createTestStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const cluster = new ecs.Cluster(stack, 'Cluster', { vpc });
    expect(() => new FargateWebService(stack, 'Web', { cluster, image: IMAGE, assignPublicIp: true, internetFacing: false }))
      .toThrow(/taskSubnets: received "SubnetType\.PUBLIC \(the default\)"\. The VPC TestStack\/Vpc has no subnets of this type \(it has SubnetType\.PRIVATE_ISOLATED\)/);
  });

  test('fails when taskSubnets names a subnet type or group the VPC does not have', () => {
    expect(() => serviceStack({ taskSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }))
      .toThrow(/taskSubnets: received "SubnetType\.PRIVATE_ISOLATED"\. The VPC TestStack\/Vpc has no subnets of this type .*choose a subnet type the VPC has/);
    expect(() => serviceStack({ taskSubnets: { subnetGroupName: 'App' } }))
      .toThrow(/taskSubnets: received "App"\. The VPC TestStack\/Vpc has no subnet group of this name \(it has "Public", "Private"\)/);
    expect(() => serviceStack({ taskSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, subnetGroupName: 'Private' } }))
      .toThrow(/taskSubnets: received "SubnetType\.PRIVATE_WITH_EGRESS and \\"Private\\""\. Give either subnetType or subnetGroupName/);
  });

  test('a subnet group the VPC has is accepted', () => {
    const { stack } = serviceStack({ taskSubnets: { subnetGroupName: 'Private' } });
    Template.fromStack(stack).resourceCountIs('AWS::ECS::Service', 1);
  });
});

describe('FargateWebService derived names', () => {
  test('a shared log group gets log stream prefixes without ":" and "*" from ids such as "api:v2"', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const logGroup = new logs.LogGroup(stack, 'Shared', { retention: logs.RetentionDays.ONE_WEEK });
    // WHEN
    const web = new FargateWebService(stack, 'api:v2*', { cluster, image: IMAGE, logGroup });
    web.addSidecar('agent', { image: IMAGE });
    // THEN
    const [[, taskDefinition]] = resourcesOfType(Template.fromStack(stack), 'AWS::ECS::TaskDefinition');
    const prefixes = taskDefinition.Properties.ContainerDefinitions.map((c: any) => c.LogConfiguration.Options['awslogs-stream-prefix']);
    expect(prefixes).toEqual(['api-v2-', 'api-v2-']);
  });

  test('a 255-character container name keeps its log stream names within 512 characters', () => {
    // GIVEN / WHEN
    const { stack } = serviceStack({ containerName: `A${'b'.repeat(254)}` });
    // THEN <prefix>/<container name>/<32-character task id> fits
    const container = webContainer(Template.fromStack(stack));
    const prefix: string = container.LogConfiguration.Options['awslogs-stream-prefix'];
    expect(prefix.length + 1 + container.Name.length + 1 + 32).toBeLessThanOrEqual(512);
    expect(prefix).toMatch(/^Ab+\.\.b+$/);
  });

  test('a FargateWebServiceGroup service added as "api:v2" writes a valid log stream prefix', () => {
    const stack = createTestStack();
    const group = new FargateWebServiceGroup(stack, 'Services', { cluster: testCluster(stack) });
    group.addService('api:v2', { image: IMAGE, pathPatterns: ['/v2/*'] });
    const [[, taskDefinition]] = resourcesOfType(Template.fromStack(group.stacks[0]), 'AWS::ECS::TaskDefinition');
    expect(taskDefinition.Properties.ContainerDefinitions[0].LogConfiguration.Options['awslogs-stream-prefix']).toBe('api-v2');
  });

  test('Service Connect names derived from a capitalized container name are lowercase', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'internal' });
    // WHEN
    new FargateWebService(stack, 'Web', { cluster, image: IMAGE, containerName: 'Web_Front', enableServiceConnect: true });
    // THEN the container keeps its name; the port mapping (and Cloud Map discovery) name and the DNS name are lowercase
    const template = validTemplate(stack);
    expect(webContainer(template).Name).toBe('Web_Front');
    expect(webContainer(template).PortMappings[0].Name).toBe('web_front');
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceConnectConfiguration: Match.objectLike({
        Services: [Match.objectLike({ PortName: 'web_front', ClientAliases: [{ DnsName: 'web_front', Port: 80 }] })],
      }),
    });
  });

  test('Service Connect names from a 255-character container name fit in 64 characters', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'internal' });
    new FargateWebService(stack, 'Web', { cluster, image: IMAGE, containerName: `A${'b'.repeat(254)}`, enableServiceConnect: true });
    const portName = webContainer(Template.fromStack(stack)).PortMappings[0].Name;
    expect(portName).toBe(`a${'b'.repeat(63)}`);
  });

  test('fails when two services of one namespace would get the same Service Connect name', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'internal' });
    new FargateWebService(stack, 'Web', { cluster, image: IMAGE, enableServiceConnect: true });
    // WHEN / THEN a second service with the default container name "web"
    expect(() => new FargateWebService(stack, 'Admin', { cluster, image: IMAGE, enableServiceConnect: true, pathPatterns: ['/admin/*'] }))
      .toThrow(/containerName: received "web"\. The service TestStack\/Web already uses the Service Connect name "web" in this namespace/);
    expect(() => new FargateWebService(stack, 'Api', { cluster, image: IMAGE, enableServiceConnect: true, serviceConnectDnsName: 'web', pathPatterns: ['/api/*'] }))
      .toThrow(/serviceConnectDnsName: received "web"\. The service TestStack\/Web already uses/);
    // AND its own name, or another namespace, is accepted
    new FargateWebService(stack, 'Api2', { cluster, image: IMAGE, enableServiceConnect: true, serviceConnectDnsName: 'api', pathPatterns: ['/api2/*'] });
    const other = new servicediscovery.PrivateDnsNamespace(stack, 'Other', { name: 'other', vpc: cluster.vpc });
    new FargateWebService(stack, 'Web2', { cluster, image: IMAGE, enableServiceConnect: true, serviceConnectNamespace: other, pathPatterns: ['/w/*'] });
  });

  test('task security group descriptions from non-ASCII and 300-character ids obey EC2\'s rules', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = testCluster(stack);
    const loadBalancer = new SharedLoadBalancer(stack, 'Alb', { vpc: cluster.vpc });
    // WHEN
    new FargateWebService(stack, 'Wéb—ü', { cluster, image: IMAGE, loadBalancer });
    new FargateWebService(stack, 'W'.repeat(300), { cluster, image: IMAGE, loadBalancer, pathPatterns: ['/w/*'], enableAlarms: true });
    // THEN
    const template = Template.fromStack(stack);
    const descriptions = resourcesOfType(template, 'AWS::EC2::SecurityGroup')
      .map(([, sg]) => sg.Properties.GroupDescription)
      .filter((d): d is string => typeof d === 'string' && d.startsWith('Tasks of'));
    expect(descriptions).toHaveLength(2);
    for (const description of descriptions) {
      expect(description).toMatch(/^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{1,255}$/);
    }
    expect(descriptions[0]).toBe('Tasks of TestStack/W_b__: HTTP from the load balancer on port 80 only');
    for (const [, alarm] of resourcesOfType(template, 'AWS::CloudWatch::Alarm')) {
      expect(alarm.Properties.AlarmDescription.length).toBeLessThanOrEqual(1024);
    }
  });

  test('fails when a sidecar has the name of another container (ECS refuses repeated container names)', () => {
    const { web } = serviceStack();
    expect(() => web.addSidecar('proxy', { image: IMAGE, containerName: 'web' }))
      .toThrow(/options\.containerName: received "web"\. ECS refuses a task definition with two containers of the same name/);
    web.addSidecar('agent', { image: IMAGE });
    expect(() => web.addSidecar('agent2', { image: IMAGE, containerName: 'agent' })).toThrow(/options\.containerName: received "agent"/);
  });

  test('fails when a sidecar\'s container name is not a valid ECS container name, naming the prop that gave it', () => {
    const { web } = serviceStack();
    expect(() => web.addSidecar('log router', { image: IMAGE })).toThrow(/id: received "log router"\. Use 1 to 255 letters, digits/);
    expect(() => web.addSidecar('router', { image: IMAGE, containerName: 'log router' }))
      .toThrow(/options\.containerName: received "log router"\. Use 1 to 255 letters, digits/);
  });

  test.each(['my service', 'a'.repeat(256), '', 'web.v2'])('fails when serviceName is %p', (serviceName) => {
    expect(() => serviceStack({ serviceName })).toThrow(/serviceName: received ".*"\. Use 1 to 255 letters, digits, "_" and "-"/);
  });
});

describe('FargateWebService log group', () => {
  test('fails when logRemovalPolicy is SNAPSHOT (a log group cannot be snapshotted)', () => {
    expect(() => serviceStack({ logRemovalPolicy: RemovalPolicy.SNAPSHOT }))
      .toThrow(/logRemovalPolicy: received "RemovalPolicy\.SNAPSHOT"\. A log group cannot be snapshotted/);
  });

  test('fails when logRetention is not a CloudWatch Logs retention', () => {
    expect(() => serviceStack({ logRetention: 4 as logs.RetentionDays }))
      .toThrow(/logRetention: received 4\. CloudWatch Logs accepts only the retentions of logs\.RetentionDays/);
  });

  test('renders enum values by name when refusing them', () => {
    const stack = createTestStack();
    const logGroup = new logs.LogGroup(stack, 'Shared');
    const error = errorOf(() => new FargateWebService(stack, 'Web', {
      cluster: testCluster(stack), image: IMAGE, logGroup, logRetention: logs.RetentionDays.FIVE_DAYS, logRemovalPolicy: RemovalPolicy.DESTROY,
    }));
    expect(error.problems.map(p => p.received)).toEqual(['"RetentionDays.FIVE_DAYS"', '"RemovalPolicy.DESTROY"']);
  });
});

describe('FargateWebService tokens', () => {
  test.each([
    ['slowStart', 'TargetGroupAttributes', { Key: 'slow_start.duration_seconds', Value: { Ref: 'P' } }],
    ['stickinessCookieDuration', 'TargetGroupAttributes', { Key: 'stickiness.lb_cookie.duration_seconds', Value: { Ref: 'P' } }],
    ['deregistrationDelay', 'TargetGroupAttributes', { Key: 'deregistration_delay.timeout_seconds', Value: { Ref: 'P' } }],
  ] as const)('%s from a parameter (in seconds) is written to the target group', (prop, property, attribute) => {
    const stack = createTestStack();
    new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, [prop]: Duration.seconds(numberParameter(stack)) });
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { [property]: Match.arrayWith([attribute]) });
  });

  test('health check interval and timeout from parameters are written to the target group', () => {
    const stack = createTestStack();
    new FargateWebService(stack, 'Web', {
      cluster: testCluster(stack),
      image: IMAGE,
      healthCheckInterval: Duration.seconds(numberParameter(stack)),
      healthCheckTimeout: Duration.seconds(numberParameter(stack, 'Q')),
    });
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckIntervalSeconds: { Ref: 'P' }, HealthCheckTimeoutSeconds: { Ref: 'Q' },
    });
  });

  test('a parameter health check interval with the default timeout keeps the timeout', () => {
    const stack = createTestStack();
    new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, healthCheckInterval: Duration.seconds(numberParameter(stack)) });
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckIntervalSeconds: { Ref: 'P' }, HealthCheckTimeoutSeconds: 5,
    });
  });

  test.each(['slowStart', 'healthCheckGracePeriod', 'scaleInCooldown', 'deregistrationDelay'] as const)(
    'fails when %s is a token in minutes (it cannot be converted to seconds before deployment)', (prop) => {
      const stack = createTestStack();
      expect(() => new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, [prop]: Duration.minutes(numberParameter(stack)) }))
        .toThrow(new RegExp(`${prop}: received "a token in minutes"\\. A duration from a token \\(e\\.g\\. a parameter\\) must be given in seconds`));
    });

  test('numbers from parameters reach the template: sizes, port, counts, weights, percentages, retention', () => {
    // GIVEN
    const stack = createTestStack();
    const p = (id: string) => numberParameter(stack, id);
    // WHEN
    new FargateWebService(stack, 'Web', {
      cluster: testCluster(stack),
      image: IMAGE,
      cpu: p('Cpu'),
      memoryLimitMiB: p('Memory'),
      ephemeralStorageGiB: p('Storage'),
      containerPort: p('Port'),
      desiredCount: p('Desired'),
      minCapacity: p('Min'),
      maxCapacity: p('Max'),
      taskCapacity: TaskCapacity.fargate({ spotWeight: p('Spot'), onDemandWeight: p('OnDemand'), onDemandBase: p('Base') }),
      minHealthyPercent: p('MinHealthy'),
      maxHealthyPercent: p('MaxHealthy'),
      targetCpuUtilizationPercent: p('TargetCpu'),
      healthyThresholdCount: p('Healthy'),
      logRetention: p('Retention'),
    });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: { Ref: 'Cpu' }, Memory: { Ref: 'Memory' }, EphemeralStorage: { SizeInGiB: { Ref: 'Storage' } },
    });
    template.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: { Ref: 'Desired' },
      CapacityProviderStrategy: [
        { CapacityProvider: 'FARGATE', Base: { Ref: 'Base' }, Weight: { Ref: 'OnDemand' } },
        { CapacityProvider: 'FARGATE_SPOT', Weight: { Ref: 'Spot' } },
      ],
      DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: { Ref: 'MinHealthy' }, MaximumPercent: { Ref: 'MaxHealthy' } }),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: { Ref: 'Min' }, MaxCapacity: { Ref: 'Max' } });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: { Ref: 'Port' }, HealthyThresholdCount: { Ref: 'Healthy' } });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: { Ref: 'Retention' } });
  });

  test.each(['desiredCount', 'minCapacity', 'maxCapacity'] as const)(
    'fails when %s is a token and minCapacity or maxCapacity is left to its default', (prop) => {
      const stack = createTestStack();
      const error = errorOf(() => new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, [prop]: numberParameter(stack) }));
      expect(error.message).toMatch(new RegExp(`${prop} comes from a token, and the default task counts are computed from the other counts.*give both minCapacity and maxCapacity`));
    });

  test('fails when containerName is a token', () => {
    const stack = createTestStack();
    expect(() => new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, containerName: stringParameter(stack) }))
      .toThrow(/containerName: received "\$\{Token\[TOKEN\.\d+\]\}"\. A container name cannot come from a token/);
  });

  test('a Service Connect DNS name from a parameter is written as is; the port name comes from the container name', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'internal' });
    new FargateWebService(stack, 'Web', { cluster, image: IMAGE, enableServiceConnect: true, serviceConnectDnsName: stringParameter(stack) });
    const template = Template.fromStack(stack);
    expect(webContainer(template).PortMappings[0].Name).toBe('web');
    template.hasResourceProperties('AWS::ECS::Service', {
      ServiceConnectConfiguration: Match.objectLike({ Services: [Match.objectLike({ PortName: 'web', ClientAliases: [{ DnsName: { Ref: 'P' }, Port: 80 }] })] }),
    });
  });

  test('strings from parameters reach the template: service name, health check path and codes, environment', () => {
    const stack = createTestStack();
    const s = (id: string) => stringParameter(stack, id);
    new FargateWebService(stack, 'Web', {
      cluster: testCluster(stack),
      image: IMAGE,
      serviceName: s('Name'),
      healthCheckPath: s('Path'),
      healthyHttpCodes: s('Codes'),
      environment: { STAGE: s('Stage') },
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECS::Service', { ServiceName: { Ref: 'Name' } });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: { Ref: 'Path' }, Matcher: { HttpCode: { Ref: 'Codes' } } });
    expect(webContainer(template).Environment).toEqual([{ Name: 'STAGE', Value: { Ref: 'Stage' } }]);
  });

  test('a token container port keeps the security group description valid', () => {
    const stack = createTestStack();
    new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, containerPort: numberParameter(stack) });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Tasks of TestStack/Web: HTTP from the load balancer on the container port only',
    });
  });
});

describe('FargateWebService load balancer tokens', () => {
  test('fails when ingressCidrs is a list token (one ingress rule is written per block)', () => {
    const stack = createTestStack();
    const cidrs = new CfnParameter(stack, 'Cidrs', { type: 'CommaDelimitedList' }).valueAsList;
    expect(() => new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, ingressCidrs: cidrs }))
      .toThrow(/ingressCidrs: received "\(a list token\)"\. A list from a token .* cannot be used/);
  });

  test('an ingress CIDR block from a parameter is written to the load balancer security group', () => {
    // (in an app without cdk-nag: its rule AwsSolutions-EC23 cannot evaluate a CIDR block from a parameter)
    const stack = new Stack(new App(), 'TestStack');
    new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, ingressCidrs: [stringParameter(stack)] });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: { Ref: 'P' } })]),
    });
  });
});

describe('FargateWebService containers', () => {
  test.each([
    [{ interval: Duration.seconds(1) }, /containerHealthCheck\.interval: received "1 second"\. Use a whole number of seconds from 5 to 300/],
    [{ timeout: Duration.seconds(200) }, /containerHealthCheck\.timeout: received "3 minutes 20 seconds"\. Use a whole number of seconds from 2 to 120/],
    [{ retries: 20 }, /containerHealthCheck\.retries: received 20\. Use a whole number from 1 to 10/],
    [{ startPeriod: Duration.seconds(400) }, /containerHealthCheck\.startPeriod: received "6 minutes 40 seconds"\. Use a whole number of seconds from 0 to 300/],
    [{ command: [] }, /containerHealthCheck\.command: received \[\]\. Give the command to run/],
  ])('fails when the container health check has %p (outside ECS\'s limits)', (override, message) => {
    expect(() => serviceStack({ containerHealthCheck: { command: ['CMD', 'true'], ...override } })).toThrow(message);
  });

  test('fails when a sidecar\'s health check is outside ECS\'s limits', () => {
    const { web } = serviceStack();
    expect(() => web.addSidecar('agent', { image: IMAGE, healthCheck: { command: ['CMD', 'true'], retries: 0 } }))
      .toThrow(/options\.healthCheck\.retries: received 0/);
  });

  test('fails when cpuArchitecture is not one Fargate runs', () => {
    expect(() => serviceStack({ cpuArchitecture: ecs.CpuArchitecture.of('MIPS') }))
      .toThrow(/cpuArchitecture: received "MIPS"\. Fargate runs Linux tasks on CpuArchitecture\.X86_64 or CpuArchitecture\.ARM64 only/);
  });

  test('fails when an 11th container is added (ECS: at most 10 per task definition)', () => {
    const { web } = serviceStack();
    for (let i = 1; i < 10; i++) web.addSidecar(`sidecar${i}`, { image: IMAGE });
    expect(() => web.addSidecar('sidecar10', { image: IMAGE })).toThrow(/id: received "sidecar10"\. A task definition holds at most 10 containers/);
  });
});
