import { App, Stack, aws_ec2 as ec2, aws_ecs as ecs, aws_logs as logs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { ComposeApp, ComposeFile, ComposeWebServiceOptions, Ec2Capacity, EcsCluster, IEcsCluster, TaskCapacity } from '../../src';
import { EcsKitValidationError } from '../../src/core/errors';
import { VALIDATION_CONTEXT } from '../helpers/validators';

/*
 * Property: every Compose document and every set of props either synthesizes a
 * template whose values obey AWS's rules where they land, or fails with our
 * EcsKitValidationError — never another error type.
 *
 * Stacks are built without the validators (too slow for many runs); the
 * template's values are checked against the AWS rules directly.
 * COMPOSE_PROPERTY_RUNS=2000 runs a longer search.
 */
const RUNS = Number(process.env.COMPOSE_PROPERTY_RUNS ?? 10);

// ---- generators

/** Absent most of the time. */
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
/** Absent half of the time. */
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
/** Mostly a value AWS accepts, sometimes one it does not. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<T>) => fc.oneof({ weight: 40, arbitrary: good }, { weight: 1, arbitrary: bad });

/** Service, volume and secret names: mostly plausible, sometimes anything. */
const nameChars = fc.constantFrom('a', 'b', 'W', 'x', '1', '_', '-', '.', ' ', ':', 'é', '/', '*');
const anyName = mostly(
  fc.constantFrom('web', 'api', 'Web', 'API', 'db', 'my_api', 'cache-1', 'worker', 'a-80', 'a', 'x'.repeat(63), `${'Y'.repeat(40)}_${'z'.repeat(20)}`, 'data.v2'),
  fc.array(nameChars, { minLength: 0, maxLength: 12 }).map(cs => cs.join('')),
);

const port = mostly<unknown>(
  fc.oneof(
    fc.constantFrom(80, 8080, 3000, 6379, 5432, 53),
    fc.constantFrom('8080:80', '80', '9000-9002:9000-9002', '53:53/udp', '127.0.0.1:5432:5432', '[::1]:6001:6001', '5000'),
    fc.record({
      target: fc.constantFrom(80, 8080, 5000, '9000-9001'),
      published: maybe(fc.constantFrom('8080', 80, '9000-9001')),
      protocol: maybe(fc.constantFrom('tcp', 'udp', 'TCP')),
      app_protocol: maybe(fc.constantFrom('http', 'grpc')),
    }, { requiredKeys: ['target'] }),
  ),
  fc.constantFrom('80/sctp', '0', '70000', 'abc', '8000-8300', { target: 0 }, { target: 80, published: 'x' }),
);

const environment = fc.oneof(
  fc.dictionary(mostly(fc.constantFrom('A', 'B_2', 'lower', 'TAG'), fc.constantFrom('X-Y', '', 'é')),
    fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant('${TAG}')), { maxKeys: 3 }),
  fc.array(mostly(fc.constantFrom('A=1', 'B', 'C=a=b', 'TAG', 'D=${TAG}'), fc.constant('=x')), { maxLength: 3 }),
);

const duration = (good: string[], bad: unknown[]) => mostly(fc.constantFrom(...good), fc.constantFrom(...bad));
const healthcheck = fc.record({
  test: mostly<unknown>(fc.oneof(fc.constantFrom('curl -f http://localhost/health', 'true'), fc.constant(['CMD', 'pg_isready']), fc.constant(['NONE'])),
    fc.constantFrom(['CMD'], 5)),
  interval: maybe(duration(['10s', '1m', '30s'], ['2s', '1h', 'x'])),
  timeout: maybe(duration(['5s', '3s'], ['1s', '3m', '30s'])),
  retries: maybe(mostly(fc.constantFrom<unknown>(3, 1, '2'), fc.constantFrom(0, 11))),
  start_period: maybe(duration(['0s', '10s'], ['10m'])),
}, { requiredKeys: ['test'] });

const deploy = fc.record({
  replicas: maybe(mostly<unknown>(fc.constantFrom(0, 1, 3, '2'), fc.constantFrom(-1, 1.5, 2000))),
  resources: maybe(fc.record({
    limits: maybe(fc.record({
      cpus: maybe(mostly<unknown>(fc.constantFrom(0.25, '0.5', 2), fc.constantFrom(20, 0, 'x'))),
      memory: maybe(mostly<unknown>(fc.constantFrom('256m', '1g', '2gb'), fc.constantFrom('200g', '0', 'lots'))),
    })),
    reservations: maybe(fc.record({
      cpus: maybe(fc.constantFrom(0.25, 1)),
      memory: maybe(fc.constantFrom('128m', '1g')),
    })),
  })),
}, { requiredKeys: [] });

interface GeneratedService {
  readonly name: string;
  readonly spec: Record<string, unknown>;
}

const serviceSpec = (volumeNames: string[], secretNames: string[], otherNames: string[]) => fc.record({
  'image': mostly(
    fc.constantFrom('nginx:1.27', 'public.ecr.aws/docker/library/redis:7', '111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/web:v1', 'nginx:${TAG}'),
    fc.constantFrom('', 'bad image', '${TAG}'),
  ),
  'ports': maybe(fc.array(port, { maxLength: 3 })),
  'expose': maybe(fc.array(mostly<unknown>(fc.constantFrom('3000', 6379, '8000-8002', '53/udp'), fc.constant('x')), { maxLength: 2 })),
  'environment': maybe(environment),
  'depends_on': maybe(fc.oneof(
    fc.subarray(otherNames),
    fc.subarray(otherNames).chain(names => fc.tuple(...names.map(() => mostly(
      fc.constantFrom('service_started', 'service_healthy', 'service_completed_successfully'), fc.constant('bogus'))))
      .map(conditions => Object.fromEntries(names.map((n, i) => [n, { condition: conditions[i] }])))),
  )),
  'volumes': maybe(fc.array(mostly<unknown>(
    fc.oneof(
      ...volumeNames.map(v => fc.constantFrom(`${v}:/data/${v.length}`, `${v}:/ro:ro`)),
      fc.constantFrom('/anon', '/var/log:/logs'),
      fc.constant({ type: 'tmpfs', target: '/tmp', tmpfs: { size: '64m' } }),
    ),
    fc.constantFrom('./local:/local', 'relative', 'undeclared:/u'),
  ), { maxLength: 2 })),
  'secrets': maybe(fc.subarray(secretNames)),
  'healthcheck': maybe(healthcheck),
  'deploy': maybe(deploy),
  'stop_grace_period': maybe(duration(['10s', '1m'], ['5m', 'x'])),
  'platform': maybe(mostly(fc.constantFrom('linux/arm64', 'linux/amd64'), fc.constant('windows/amd64'))),
  'command': maybe(mostly<unknown>(fc.oneof(fc.constantFrom('npm start', 'sh -c "echo ${TAG}"'), fc.constant(['a', 'b'])), fc.constant('echo "unclosed'))),
  'init': maybe(fc.boolean()),
  'read_only': maybe(fc.boolean()),
  'x-aws-spot': maybe(fc.boolean()),
}, { requiredKeys: ['image'] }).map(spec => Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined)));

const composeDocument = fc.record({
  serviceNames: fc.uniqueArray(anyName, { minLength: 1, maxLength: 4 }),
  volumeNames: fc.uniqueArray(anyName, { maxLength: 2 }),
  secretNames: fc.uniqueArray(anyName, { maxLength: 2 }),
  projectName: maybe(mostly(fc.constantFrom('shop', 'My Shop', 'café', 'my_shop.v2', 'Shop'), fc.constantFrom('a'.repeat(1100), '', '${TAG}'))),
}).chain(({ serviceNames, volumeNames, secretNames, projectName }) => fc.tuple(
  ...serviceNames.map(name => serviceSpec(volumeNames, secretNames, serviceNames.filter(n => n !== name))
    .map((spec): GeneratedService => ({ name, spec }))),
).map(services => ({
  ...projectName !== undefined ? { name: projectName } : {},
  services: Object.fromEntries(services.map(s => [s.name, s.spec])),
  ...volumeNames.length > 0 ? { volumes: Object.fromEntries(volumeNames.map(v => [v, {}])) } : {},
  ...secretNames.length > 0 ? {
    secrets: Object.fromEntries(secretNames.map((s, i) => [s, i % 2 === 0 ? { external: true, name: i === 0 && s.length % 3 === 0 ? 'prod/db password' : `prod/${s}` } : { environment: 'X' }])),
  } : {},
})));

type ClusterKind = 'ecsCluster' | 'ecsClusterWithEc2' | 'ecsClusterNoNamespace' | 'ecsClusterNoFargate' | 'plainCluster' | 'importedWithEc2' | 'cdkImported';

const strategies = fc.array(fc.record({
  capacityProvider: fc.constantFrom('EC2', 'EC2', 'FARGATE', 'FARGATE_SPOT', 'Missing'),
  weight: maybe(mostly(fc.constantFrom(1, 2), fc.constantFrom(0, 1001))),
  base: maybe(fc.constantFrom(0, 1, 5)),
}, { requiredKeys: ['capacityProvider'] }), { maxLength: 2 });

/** `taskCapacity`, as data (the strategy's 'EC2' stands for the cluster's EC2 capacity provider). */
type CapacitySpec =
  | { kind: 'fargate'; spotWeight?: number; onDemandWeight?: number; onDemandBase?: number }
  | { kind: 'fargateSpot' }
  | { kind: 'ec2' }
  | { kind: 'strategies'; strategies: ecs.CapacityProviderStrategy[] };

const fargateCapacity: fc.Arbitrary<CapacitySpec> = fc.record({
  kind: fc.constant<'fargate'>('fargate'),
  spotWeight: maybe(mostly(fc.constantFrom(0, 1, 3), fc.constantFrom(-1, 1.5, 1001))),
  onDemandWeight: rarely(mostly(fc.constantFrom(0, 1), fc.constant(1001))),
  onDemandBase: rarely(mostly(fc.constantFrom(0, 1, 2), fc.constant(100_001))),
}, { requiredKeys: ['kind'] });
const fargateCapacities = fc.oneof(fargateCapacity, fc.constant<CapacitySpec>({ kind: 'fargateSpot' }));
const ec2Capacities = fc.oneof({ weight: 3, arbitrary: fc.constant<CapacitySpec>({ kind: 'ec2' }) },
  { weight: 1, arbitrary: strategies.map((list): CapacitySpec => ({ kind: 'strategies', strategies: list })) });

const webOptions: fc.Arbitrary<ComposeWebServiceOptions> = fc.record({
  containerPort: maybe(mostly(fc.constantFrom(80, 8080), fc.constantFrom(0, 70000))),
  pathPatterns: maybe(fc.constantFrom(['/api/*'], [], ['/x'])),
  healthyHttpCodes: maybe(mostly(fc.constantFrom('200', '200-299'), fc.constant('x'))),
}, { requiredKeys: [] });

const otherClusters: ClusterKind[] = ['ecsCluster', 'ecsClusterNoNamespace', 'ecsClusterNoFargate', 'plainCluster'];
const ec2Clusters: ClusterKind[] = ['ecsClusterWithEc2', 'importedWithEc2'];
const props = fc.boolean().chain(onEc2 => fc.record({
  // Absent: the cluster's default (none here), else Fargate.
  capacity: (onEc2 ? ec2Capacities : maybe(fargateCapacities)) as fc.Arbitrary<CapacitySpec | undefined>,
  // EC2 mostly on a cluster with EC2 capacity, sometimes on one without; now and then a cluster the kit refuses.
  clusterKind: onEc2
    ? mostly<ClusterKind>(fc.constantFrom(...ec2Clusters), fc.constantFrom<ClusterKind>(...otherClusters, 'cdkImported'))
    : mostly<ClusterKind>(fc.constantFrom(...ec2Clusters, ...otherClusters), fc.constant('cdkImported')),
  logRetention: maybe(mostly(fc.constantFrom(logs.RetentionDays.ONE_WEEK, 5 as logs.RetentionDays), fc.constantFrom(4, logs.RetentionDays.INFINITE))),
  environment: maybe(fc.constantFrom({ TAG: 'v1' }, { TAG: '' })),
  webService: rarely(webOptions),
  assignPublicIp: maybe(fc.boolean()),
}));

// ---- building

function buildCluster(stack: Stack, kind: ClusterKind): ecs.ICluster {
  switch (kind) {
    case 'plainCluster':
      return new ecs.Cluster(stack, 'Cluster', { vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }) });
    case 'cdkImported':
      return ecs.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'shared', vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }) });
    case 'importedWithEc2':
      return EcsCluster.fromClusterAttributes(stack, 'Cluster', {
        clusterName: 'shared',
        vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }),
        ec2Capacities: [Ec2Capacity.fromCapacityProviderAttributes(stack, 'Capacity', { capacityProviderName: 'shared-asg' })],
      });
    default:
      return new EcsCluster(stack, 'Cluster', {
        cloudMapNamespaceName: kind === 'ecsClusterNoNamespace' ? undefined : 'app.internal',
        enableFargateCapacityProviders: kind !== 'ecsClusterNoFargate',
        ec2Capacity: kind === 'ecsClusterWithEc2' ? { instanceTypes: [new ec2.InstanceType('t3.small')] } : undefined,
      });
  }
}

function taskCapacityOf(spec: CapacitySpec | undefined, cluster: ecs.ICluster): TaskCapacity | undefined {
  if (spec === undefined) return undefined;
  switch (spec.kind) {
    case 'fargate': return TaskCapacity.fargate({ spotWeight: spec.spotWeight, onDemandWeight: spec.onDemandWeight, onDemandBase: spec.onDemandBase });
    case 'fargateSpot': return TaskCapacity.fargateSpot();
    case 'ec2': return TaskCapacity.ec2();
    case 'strategies': {
      // 'EC2' stands for the cluster's EC2 capacity provider (a token for an EcsCluster's own), when it has one.
      const ec2Provider = (cluster as Partial<IEcsCluster>).ec2Capacities?.[0]?.capacityProviderName;
      return TaskCapacity.fromCapacityProviderStrategies(spec.strategies.map(s => s.capacityProvider === 'EC2' ? { ...s, capacityProvider: ec2Provider ?? 'EC2' } : s));
    }
  }
}

function build(document: unknown, p: typeof props extends fc.Arbitrary<infer T> ? T : never): Stack {
  // aws-cdk-lib's CloudFormation validation (as errors) checks the rest of the template at synthesis.
  const stack = new Stack(new App({ context: VALIDATION_CONTEXT }), 'TestStack');
  const cluster = buildCluster(stack, p.clusterKind);
  const services = Object.keys((document as { services: object }).services);
  new ComposeApp(stack, 'App', {
    cluster,
    composeFile: ComposeFile.fromString(JSON.stringify(document, undefined, 1)),
    taskCapacity: taskCapacityOf(p.capacity, cluster),
    logRetention: p.logRetention,
    environment: p.environment,
    webServices: p.webService ? { [services[0]]: p.webService } : undefined,
    assignPublicIp: p.assignPublicIp,
  });
  return stack;
}

// ---- the AWS rules the template must obey

const PORT_NAME = /^[a-z0-9_][a-z0-9_-]{0,63}$/;
const DNS_NAME = /^[a-z0-9_][a-z0-9_.-]{0,126}$/;
const CONTAINER_NAME = /^[a-zA-Z0-9_-]{1,255}$/;
const VOLUME_NAME = /^[a-zA-Z0-9_-]{1,255}$/;
const HTTP_NAMESPACE = /^[!-~]{1,1024}$/;
const SG_DESCRIPTION = /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]{0,255}$/;
const EFS_PATH = /^(\/|(\/(?!\.)+[^$#<>;`|&?{}^*/\n]+){1,4})$/;
const SECRET_NAME = /^[a-zA-Z0-9/_+=.@-]{1,512}$/;

function resources(template: Template, type: string): any[] {
  return Object.values(template.findResources(type)).map((r: any) => r.Properties ?? {});
}

function expectUnique(values: unknown[], what: string): void {
  const seen = values.map(v => JSON.stringify(v));
  const duplicates = seen.filter((v, i) => seen.indexOf(v) !== i);
  if (duplicates.length > 0) throw new Error(`duplicate ${what}: ${duplicates.join(', ')}`);
}

function expectMatch(value: unknown, pattern: RegExp, what: string): void {
  if (typeof value !== 'string') return; // intrinsic functions are resolved at deploy time
  if (!pattern.test(value)) throw new Error(`${what} ${JSON.stringify(value)} does not match ${pattern}`);
}

function checkTemplate(template: Template): void {
  const portNamesByTask: string[][] = [];
  for (const td of resources(template, 'AWS::ECS::TaskDefinition')) {
    const containers: any[] = td.ContainerDefinitions ?? [];
    expectUnique(containers.map(c => c.Name), 'container names in a task');
    const portNames: string[] = [];
    for (const c of containers) {
      expectMatch(c.Name, CONTAINER_NAME, 'container name');
      for (const pm of c.PortMappings ?? []) {
        if (pm.Name !== undefined) {
          expectMatch(pm.Name, PORT_NAME, 'port mapping name');
          portNames.push(pm.Name);
        }
      }
      const prefix = c.LogConfiguration?.Options?.['awslogs-stream-prefix'];
      if (typeof prefix === 'string' && /[:*]/.test(prefix)) throw new Error(`log stream prefix ${prefix}`);
      if (c.HealthCheck) {
        const hc = c.HealthCheck;
        if (hc.Interval < 5 || hc.Interval > 300 || hc.Timeout < 2 || hc.Timeout > 120 || hc.Retries < 1 || hc.Retries > 10) {
          throw new Error(`health check out of range: ${JSON.stringify(hc)}`);
        }
      }
    }
    expectUnique(portNames, 'port mapping names in a task');
    expectUnique(containers.flatMap(c => (c.PortMappings ?? []).map((pm: any) => `${pm.ContainerPort}/${pm.Protocol ?? 'tcp'}`))
      .filter(() => td.NetworkMode === 'awsvpc'), 'container ports in an awsvpc task');
    for (const v of td.Volumes ?? []) expectMatch(v.Name, VOLUME_NAME, 'volume name');
    expectUnique((td.Volumes ?? []).map((v: any) => v.Name), 'volume names in a task');
    portNamesByTask.push(portNames);
  }
  const allPortNames = portNamesByTask.flat();
  const discoveryNames: string[] = [];
  const aliases: string[] = [];
  for (const service of resources(template, 'AWS::ECS::Service')) {
    for (const sc of service.ServiceConnectConfiguration?.Services ?? []) {
      if (!allPortNames.includes(sc.PortName)) throw new Error(`Service Connect port name ${sc.PortName} is no port mapping`);
      discoveryNames.push(sc.DiscoveryName ?? sc.PortName);
      for (const alias of sc.ClientAliases ?? []) {
        expectMatch(alias.DnsName, DNS_NAME, 'Service Connect DNS name');
        aliases.push(`${alias.DnsName}:${alias.Port}`);
      }
    }
    const cps = service.CapacityProviderStrategy;
    if (Array.isArray(cps)) {
      const providers = cps.map((s: any) => s.CapacityProvider);
      expectUnique(providers, 'capacity providers in a strategy');
      // ECS refuses a strategy that mixes Fargate and Auto Scaling group providers, or a launch type with a strategy.
      const fargate = providers.filter((name: unknown) => name === 'FARGATE' || name === 'FARGATE_SPOT');
      if (fargate.length > 0 && fargate.length < providers.length) throw new Error(`strategy mixes Fargate and EC2 providers: ${JSON.stringify(providers)}`);
      if (service.LaunchType !== undefined) throw new Error(`launch type ${service.LaunchType} with a capacity provider strategy`);
      for (const s of cps) {
        if ((s.Weight ?? 0) < 0 || (s.Weight ?? 0) > 1000 || (s.Base ?? 0) < 0 || (s.Base ?? 0) > 100_000) throw new Error(`strategy out of range: ${JSON.stringify(s)}`);
      }
      if (cps.every((s: any) => (s.Weight ?? 0) === 0)) throw new Error(`strategy with no weight above 0: ${JSON.stringify(cps)}`);
    }
  }
  expectUnique(discoveryNames, 'Service Connect discovery names in the namespace');
  expectUnique(aliases, 'Service Connect DNS names and ports in the namespace');
  for (const ns of resources(template, 'AWS::ServiceDiscovery::HttpNamespace')) expectMatch(ns.Name, HTTP_NAMESPACE, 'HTTP namespace name');
  for (const sg of resources(template, 'AWS::EC2::SecurityGroup')) {
    expectMatch(sg.GroupDescription, SG_DESCRIPTION, 'security group description');
    for (const rule of [...sg.SecurityGroupIngress ?? [], ...sg.SecurityGroupEgress ?? []]) expectMatch(rule.Description ?? '', SG_DESCRIPTION, 'rule description');
  }
  for (const rule of resources(template, 'AWS::EC2::SecurityGroupIngress')) expectMatch(rule.Description ?? '', SG_DESCRIPTION, 'rule description');
  for (const ap of resources(template, 'AWS::EFS::AccessPoint')) expectMatch(ap.RootDirectory?.Path, EFS_PATH, 'EFS access point path');
  for (const secret of resources(template, 'AWS::SecretsManager::Secret')) {
    if (typeof secret.Description === 'string' && (secret.Description.length > 2048 || /[^\x20-\x7e]/.test(secret.Description))) {
      throw new Error(`secret description ${secret.Description}`);
    }
  }
  const iamStrings = JSON.stringify(template.toJSON());
  for (const match of iamStrings.matchAll(/:secret:([^"]*?)-\?\?\?\?\?\?/g)) expectMatch(match[1], SECRET_NAME, 'secret name');
}

describe('ComposeApp properties', () => {
  test('every Compose document and props either synthesize a template AWS accepts or fail with our error', () => {
    fc.assert(fc.property(composeDocument, props, (document, p) => {
      let stack: Stack;
      try {
        stack = build(document, p);
      } catch (e) {
        if (EcsKitValidationError.isEcsKitValidationError(e)) return;
        throw e;
      }
      checkTemplate(Template.fromStack(stack));
    }), { numRuns: RUNS });
  });
});
