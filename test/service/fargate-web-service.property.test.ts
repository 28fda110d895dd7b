/**
 * Property test over FargateWebService's props with rules: every generated
 * input either synthesizes a template whose values obey AWS's rules, or
 * throws EcsKitValidationError — never another error, never a template AWS
 * would refuse at deploy time.
 *
 * The stacks are synthesized without the validators (too slow for many runs);
 * the AWS rules are checked on the template's values directly.
 */
import { App, Duration, Stack, aws_ec2 as ec2, aws_ecs as ecs, aws_logs as logs, aws_servicediscovery as servicediscovery } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { IMAGE } from './cluster';
import { EcsKitValidationError, FargateWebService, FargateWebServiceProps, TaskCapacity } from '../../src';
import { FARGATE_CPU_VALUES, fargateMemoryValues, isValidFargateSize } from '../../src/service/fargate-sizes';

/** How the cluster is set up: which subnets its VPC has, whether it has the Fargate capacity providers. */
interface ClusterShape {
  readonly natGateways: boolean;
  readonly fargateCapacityProviders: boolean;
  readonly namespace: boolean;
}

/** A cheap cluster on an imported VPC (creating a VPC per run would take most of the time). */
function cluster(stack: Stack, shape: ClusterShape): ecs.Cluster {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
    vpcId: 'vpc-12345678',
    vpcCidrBlock: '10.0.0.0/16',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    publicSubnetIds: ['subnet-pub1', 'subnet-pub2'],
    ...shape.natGateways
      ? { privateSubnetIds: ['subnet-priv1', 'subnet-priv2'] }
      : { isolatedSubnetIds: ['subnet-iso1', 'subnet-iso2'] },
  });
  const result = new ecs.Cluster(stack, 'Cluster', { vpc, enableFargateCapacityProviders: shape.fargateCapacityProviders });
  if (shape.namespace) {
    result.addDefaultCloudMapNamespace({ name: 'internal', type: servicediscovery.NamespaceType.DNS_PRIVATE });
  }
  return result;
}

// ---- arbitraries: mostly valid values, with invalid ones mixed in

/** Mostly `valid` (or left out), sometimes `wild`: enough runs get past validation to check their templates. */
function mostly<T>(valid: fc.Arbitrary<T>, wild: fc.Arbitrary<T>, leftOut = 8): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { arbitrary: fc.constant(undefined), weight: leftOut },
    { arbitrary: valid, weight: 4 },
    { arbitrary: wild, weight: 1 },
  );
}

/** Construct ids with the characters users type and AWS names refuse (`:`, `*`, spaces, non-ASCII), up to 300 long. */
const constructId = fc.oneof(
  fc.constantFrom('Web', 'api:v2', 'shop*', 'Wéb—ü', 'my service', 'W'.repeat(300)),
  fc.string({ unit: fc.constantFrom('a', 'Z', '0', ':', '*', ' ', '-', '_', '.', 'é', '💥', '<', '"'), minLength: 1, maxLength: 40 }),
);

const containerName = mostly(
  fc.constantFrom('web', 'Web', 'web_api', 'API-v2', `A${'b'.repeat(254)}`),
  fc.string({ unit: fc.constantFrom('a', 'B', '0', '_', '-', ' ', ':', 'é'), minLength: 0, maxLength: 20 }),
);

/** A CPU/memory pair from the Fargate sizes table. */
const fargateSize = fc.constantFrom(...FARGATE_CPU_VALUES)
  .chain(cpu => fc.constantFrom(...fargateMemoryValues(cpu)!).map(memory => [cpu, memory] as const));

const cpuAndMemory = fc.oneof(
  { weight: 6, arbitrary: fargateSize },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...FARGATE_CPU_VALUES, 100, 300, 3072), fc.integer({ min: 256, max: 130_000 })) },
);

const count = (min: number, max: number) => mostly(fc.integer({ min, max }), fc.integer({ min: -2, max: 12 }));
const seconds = (min: number, max: number) => mostly(
  fc.integer({ min, max }).map(s => Duration.seconds(s)),
  fc.integer({ min: 0, max: 4_000_000 }).map(ms => Duration.millis(ms)),
);

const props = fc.record({
  id: constructId,
  containerName,
  containerPort: mostly(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: -5, max: 70_000 })),
  size: cpuAndMemory,
  cpuArchitecture: fc.constantFrom(undefined, ecs.CpuArchitecture.X86_64, ecs.CpuArchitecture.ARM64),
  desiredCount: count(2, 2),
  minCapacity: count(0, 2),
  maxCapacity: count(2, 10),
  spotWeight: mostly(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: -1, max: 1200 })),
  onDemandWeight: mostly(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: -1, max: 1001 }), 24),
  onDemandBase: mostly(fc.integer({ min: 0, max: 5 }), fc.integer({ min: -1, max: 100_001 }), 24),
  slowStart: seconds(30, 900),
  healthCheckInterval: seconds(5, 300),
  healthCheckTimeout: seconds(2, 4),
  deregistrationDelay: seconds(0, 3600),
  assignPublicIp: fc.option(fc.boolean(), { nil: undefined }),
  enableServiceConnect: fc.boolean(),
  serviceConnectDnsName: mostly(fc.constantFrom('api', 'orders-v2'), fc.oneof(fc.constantFrom('Api', 'a.b', '-x'), fc.string({ maxLength: 70 }))),
  serviceName: mostly(fc.constantFrom('shop-web', 'Shop_Web'), fc.oneof(fc.constantFrom('my service'), fc.string({ maxLength: 260 }))),
  logRetention: mostly(fc.constantFrom(logs.RetentionDays.ONE_WEEK, logs.RetentionDays.FIVE_DAYS),
    fc.constantFrom(logs.RetentionDays.INFINITE, 4 as logs.RetentionDays)),
  sharedLogGroup: fc.boolean(),
  sidecar: containerName,
  cluster: fc.record({
    natGateways: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    fargateCapacityProviders: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    namespace: fc.boolean(),
  }),
});

type Input = typeof props extends fc.Arbitrary<infer T> ? T : never;

function build(input: Input): Stack {
  // Without the built-in CloudFormation validation: too slow for many runs, and the rules below check the values.
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'Stack');
  const {
    id, size: [cpu, memoryLimitMiB], cluster: shape, sharedLogGroup, sidecar, spotWeight, onDemandWeight, onDemandBase, ...rest
  } = input as Input & {
    spotWeight?: number; onDemandWeight?: number; onDemandBase?: number;
  };
  const fargateOptions = { spotWeight, onDemandWeight, onDemandBase };
  const serviceProps: FargateWebServiceProps = {
    ...rest,
    taskCapacity: Object.values(fargateOptions).some(v => v !== undefined) ? TaskCapacity.fargate(fargateOptions) : undefined,
    cluster: cluster(stack, shape),
    image: IMAGE,
    cpu,
    memoryLimitMiB,
    logGroup: sharedLogGroup ? new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_WEEK }) : undefined,
    logRetention: sharedLogGroup ? undefined : rest.logRetention,
    // Only with Service Connect (otherwise refused), so that the runs that enable it reach the template.
    serviceConnectDnsName: rest.enableServiceConnect ? rest.serviceConnectDnsName : undefined,
  };
  const web = new FargateWebService(stack, id, serviceProps);
  if (sidecar !== undefined) web.addSidecar('Sidecar', { image: IMAGE, containerName: sidecar });
  return stack;
}

// ---- the AWS rules, checked on the template

const CONTAINER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/;
const PORT_NAME = /^[a-z0-9_][a-z0-9_-]{0,63}$/;
const SERVICE_CONNECT_DNS_NAME = /^[a-z0-9_][a-z0-9_.-]{0,126}$/;
const SECURITY_GROUP_DESCRIPTION = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/;
const SERVICE_NAME = /^[A-Za-z0-9_-]{1,255}$/;

function resources(template: any, type: string): any[] {
  return Object.values(template.Resources as Record<string, any>).filter(r => r.Type === type).map(r => r.Properties ?? {});
}

function attribute(targetGroup: any, key: string): number | undefined {
  const found = (targetGroup.TargetGroupAttributes ?? []).find((a: any) => a.Key === key);
  return found === undefined ? undefined : Number(found.Value);
}

function expectObeysAwsRules(template: any, shape: ClusterShape): void {
  const [taskDefinition] = resources(template, 'AWS::ECS::TaskDefinition');
  expect(isValidFargateSize(Number(taskDefinition.Cpu), Number(taskDefinition.Memory))).toBe(true);
  const containers: any[] = taskDefinition.ContainerDefinitions;
  const names = containers.map(c => c.Name);
  expect(new Set(names).size).toBe(names.length);
  for (const container of containers) {
    expect(container.Name).toMatch(CONTAINER_NAME);
    const prefix: string = container.LogConfiguration.Options['awslogs-stream-prefix'];
    // Log stream names: no ":" or "*", and prefix/container/task id within 512 characters.
    expect(prefix).not.toMatch(/[:*]/);
    expect(prefix.length + container.Name.length + 32 + 2).toBeLessThanOrEqual(512);
    for (const mapping of container.PortMappings ?? []) {
      expect(mapping.ContainerPort).toBeGreaterThanOrEqual(1);
      expect(mapping.ContainerPort).toBeLessThanOrEqual(65535);
      if (mapping.Name !== undefined) expect(mapping.Name).toMatch(PORT_NAME);
    }
  }

  const [service] = resources(template, 'AWS::ECS::Service');
  if (service.ServiceName !== undefined) expect(service.ServiceName).toMatch(SERVICE_NAME);
  const strategy: any[] | undefined = service.CapacityProviderStrategy;
  if (strategy === undefined) {
    expect(service.LaunchType).toBe('FARGATE');
  } else {
    expect(service.LaunchType).toBeUndefined();
    expect(shape.fargateCapacityProviders).toBe(true);
    expect(strategy.some(s => s.Weight > 0)).toBe(true);
    expect(strategy.filter(s => (s.Base ?? 0) > 0).length).toBeLessThanOrEqual(1);
    for (const s of strategy) {
      expect(['FARGATE', 'FARGATE_SPOT']).toContain(s.CapacityProvider);
      expect(s.Weight).toBeGreaterThanOrEqual(0);
      expect(s.Weight).toBeLessThanOrEqual(1000);
      expect(s.Base ?? 0).toBeGreaterThanOrEqual(0);
    }
  }
  for (const scService of service.ServiceConnectConfiguration?.Services ?? []) {
    expect(scService.PortName).toMatch(PORT_NAME);
    expect(containers[0].PortMappings.map((m: any) => m.Name)).toContain(scService.PortName);
    for (const alias of scService.ClientAliases) expect(alias.DnsName).toMatch(SERVICE_CONNECT_DNS_NAME);
  }

  const [targetGroup] = resources(template, 'AWS::ElasticLoadBalancingV2::TargetGroup');
  const interval = targetGroup.HealthCheckIntervalSeconds;
  const timeout = targetGroup.HealthCheckTimeoutSeconds;
  expect(Number.isInteger(interval) && interval >= 5 && interval <= 300).toBe(true);
  expect(Number.isInteger(timeout) && timeout >= 2 && timeout <= 120 && timeout < interval).toBe(true);
  const slowStart = attribute(targetGroup, 'slow_start.duration_seconds');
  if (slowStart !== undefined) expect(slowStart >= 30 && slowStart <= 900).toBe(true);
  const delay = attribute(targetGroup, 'deregistration_delay.timeout_seconds')!;
  expect(Number.isInteger(delay) && delay >= 0 && delay <= 3600).toBe(true);

  const [scalableTarget] = resources(template, 'AWS::ApplicationAutoScaling::ScalableTarget');
  expect(scalableTarget.MinCapacity).toBeGreaterThanOrEqual(0);
  expect(scalableTarget.MinCapacity).toBeLessThanOrEqual(scalableTarget.MaxCapacity);
  if (service.DesiredCount !== undefined) {
    expect(service.DesiredCount).toBeGreaterThanOrEqual(scalableTarget.MinCapacity);
    expect(service.DesiredCount).toBeLessThanOrEqual(scalableTarget.MaxCapacity);
  }

  // The task security group (the load balancer's own belongs to SharedLoadBalancer).
  const taskGroups = resources(template, 'AWS::EC2::SecurityGroup').filter(group => /^Tasks of /.test(group.GroupDescription));
  expect(taskGroups).toHaveLength(1);
  expect(taskGroups[0].GroupDescription).toMatch(SECURITY_GROUP_DESCRIPTION);
  for (const logGroup of resources(template, 'AWS::Logs::LogGroup')) {
    if (logGroup.RetentionInDays !== undefined) {
      expect(Object.values(logs.RetentionDays)).toContain(logGroup.RetentionInDays);
    }
  }
  for (const alarm of resources(template, 'AWS::CloudWatch::Alarm')) {
    expect(alarm.AlarmDescription.length).toBeLessThanOrEqual(1024);
  }
}

describe('FargateWebService property-based: AWS rules or EcsKitValidationError', () => {
  test('every prop set synthesizes a template within AWS\'s rules, or fails with our error', () => {
    let accepted = 0;
    fc.assert(fc.property(props, (input) => {
      let stack: Stack;
      try {
        stack = build(input);
      } catch (e) {
        if (!EcsKitValidationError.isEcsKitValidationError(e)) throw e;
        return;
      }
      const template = (stack.node.root as App).synth().getStackByName(stack.stackName).template;
      expectObeysAwsRules(template, input.cluster);
      accepted++;
    }), { numRuns: Number(process.env.PROPERTY_RUNS ?? 40) });
    // Not vacuous: a good share of the generated inputs are accepted.
    expect(accepted).toBeGreaterThan(3);
  });

  test('valid prop sets are accepted', () => {
    // GIVEN only values the props document as valid, on a cluster that has what they need
    const valid = fc.record({
      id: constructId,
      containerName: fc.constantFrom('web', 'Web', 'web_api', 'API-v2'),
      size: cpuAndMemory.filter(([cpu, memory]) => isValidFargateSize(cpu, memory)),
      containerPort: fc.integer({ min: 1, max: 65535 }),
      spotWeight: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
      minCapacity: fc.integer({ min: 0, max: 5 }),
      extra: fc.integer({ min: 1, max: 5 }),
      enableServiceConnect: fc.boolean(),
      sharedLogGroup: fc.boolean(),
    });
    fc.assert(fc.property(valid, ({ id, size: [cpu, memoryLimitMiB], minCapacity, extra, ...rest }) => {
      // WHEN
      const stack = build({
        ...rest,
        id,
        size: [cpu, memoryLimitMiB],
        minCapacity,
        maxCapacity: minCapacity + extra,
        cluster: { natGateways: true, fargateCapacityProviders: true, namespace: true },
      } as Input);
      // THEN
      expectObeysAwsRules((stack.node.root as App).synth().getStackByName(stack.stackName).template,
        { natGateways: true, fargateCapacityProviders: true, namespace: true });
    }), { numRuns: 10 });
  });
});
