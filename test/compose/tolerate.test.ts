import { Stack, Token, Validations, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { composeTestApp, containerOf, taskDefinitionOf, warnings as warningsOf } from './compose-test-helpers';
import { ComposeAppProps, ComposeFile } from '../../src';
import { loadProject } from '../../src/compose/load';
import { LoadOptions } from '../../src/compose/model';
import { allowBetweenInstances } from '../../src/compose/private/connections';
import { HEALTH_CHECK_LIMITS } from '../../src/compose/readers/healthcheck';
import { errorOf } from '../helpers/validators';

/** A stack with an EcsCluster (with EC2 capacity for `ec2`) and a ComposeApp of `yaml`; no validators. */
function composeStack(yaml: string, props: Partial<ComposeAppProps> = {}, options: { ec2?: boolean } = {}) {
  const built = composeTestApp(ComposeFile.fromString(yaml), { ...options, props, validated: false });
  return { ...built, template: Template.fromStack(built.stack) };
}

function load(yaml: string, options: Partial<LoadOptions> = {}) {
  return loadProject(yaml, { fileName: 'compose.yaml', directory: __dirname, fargate: true, variables: {}, profiles: [], imageOverrides: [], ...options });
}

const service = (lines: string[]) => ['services:', '  app:', '    image: public.ecr.aws/docker/library/redis:7', ...lines.map(l => `    ${l}`)].join('\n');

describe('health checks Compose accepts and ECS does not are moved into ECS\'s ranges', () => {
  test('interval: 3s and a timeout as long as the interval: interval 5 s, timeout 3 s, with a warning naming the change', () => {
    // GIVEN a health check every 3 seconds (Compose accepts it; ECS wants 5 to 300)
    const { stack, template } = composeStack(service(['healthcheck: { test: "redis-cli ping", interval: 3s, timeout: 3s, retries: 20 }']));
    // THEN
    expect(containerOf(template, 'app').HealthCheck).toEqual({
      Command: ['CMD-SHELL', 'redis-cli ping'], Interval: 5, Timeout: 3, Retries: 10,
    });
    const warnings = warningsOf(stack, 'healthCheckAdjusted');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^The healthcheck of service "app" \(compose.yaml:4\) is moved into ECS's ranges: interval 3s -> 5s \(ECS accepts 5 to 300\); retries 20 -> 10/);
  });

  test('a timeout equal to the interval becomes one second shorter', () => {
    const result = load(service(['healthcheck: { test: "true", interval: 10s, timeout: 10s }']));
    expect(result.problems).toEqual([]);
    expect(result.project!.services[0].healthCheck).toMatchObject({ intervalSeconds: 10, timeoutSeconds: 9 });
    expect(result.warnings.map(w => w.message)).toEqual([expect.stringMatching(/timeout 10s -> 9s \(ECS wants it shorter than the interval, 10s\)/)]);
  });

  test('sub-second and very long values; start_period above 300 s', () => {
    const result = load(service(['healthcheck: { test: "true", interval: 10m, timeout: 500ms, start_period: 10m }']));
    expect(result.project!.services[0].healthCheck).toMatchObject({ intervalSeconds: 300, timeoutSeconds: 2, startPeriodSeconds: 300 });
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0].context).toEqual({ service: 'app' });
  });

  test('values ECS accepts, Compose defaults, 0s and retries: 0 (Docker\'s defaults) give no warning', () => {
    for (const hc of ['{ test: "true" }', '{ test: "true", interval: 0s, timeout: 0s, retries: 0 }', '{ test: "true", interval: 5s, timeout: 4s, start_period: 0s }']) {
      const result = load(service([`healthcheck: ${hc}`]));
      expect(result.problems).toEqual([]);
      expect(result.warnings).toEqual([]);
    }
    expect(load(service(['healthcheck: { test: "true", retries: 0 }'])).project!.services[0].healthCheck!.retries).toBe(3);
  });

  test('the warning can be acknowledged per service', () => {
    const { stack, app } = composeStack(service(['healthcheck: { test: "true", interval: 1s }']));
    Validations.of(app).acknowledge({ id: 'cdk-ecs-kit:ComposeApp.healthCheckAdjusted', reason: 'fine', where: { service: 'app' } });
    expect(warningsOf(stack, 'healthCheckAdjusted')).toEqual([]);
  });

  test('property: any Compose durations give a health check within ECS\'s ranges, or a problem for a value that does not parse', () => {
    const duration = fc.oneof(fc.integer({ min: 0, max: 4000 }).map(s => `${s}s`), fc.integer({ min: 1, max: 2000 }).map(ms => `${ms}ms`),
      fc.constantFrom('1m30s', '1h', '0', 'soon'));
    fc.assert(fc.property(duration, duration, fc.integer({ min: -2, max: 30 }), duration, (interval, timeout, retries, start) => {
      const result = load(service([`healthcheck: { test: "true", interval: "${interval}", timeout: "${timeout}", retries: ${retries}, start_period: "${start}" }`]));
      const unparsable = [interval, timeout, start].includes('soon') || retries < 0;
      expect(result.problems.length > 0).toBe(unparsable);
      if (unparsable) return;
      const hc = result.project!.services[0].healthCheck!;
      expect(hc.intervalSeconds).toBeGreaterThanOrEqual(HEALTH_CHECK_LIMITS.interval.min);
      expect(hc.intervalSeconds).toBeLessThanOrEqual(HEALTH_CHECK_LIMITS.interval.max);
      expect(hc.timeoutSeconds).toBeGreaterThanOrEqual(HEALTH_CHECK_LIMITS.timeout.min);
      expect(hc.timeoutSeconds).toBeLessThan(hc.intervalSeconds);
      expect(hc.retries).toBeGreaterThanOrEqual(1);
      expect(hc.retries).toBeLessThanOrEqual(10);
      expect(hc.startPeriodSeconds ?? 0).toBeLessThanOrEqual(HEALTH_CHECK_LIMITS.startPeriod.max);
    }), { numRuns: 60 });
  });
});

describe('task size', () => {
  test('mem_limit and cpus choose the smallest Fargate size that fits', () => {
    const { template } = composeStack(service(['mem_limit: 1g', 'cpus: 0.5']));
    expect(taskDefinitionOf(template, 'app')).toMatchObject({ Cpu: '512', Memory: '1024' });
  });

  test('without declarations, a task gets 256 CPU units and 512 MiB', () => {
    const { template } = composeStack(service([]));
    expect(taskDefinitionOf(template, 'app')).toMatchObject({ Cpu: '256', Memory: '512' });
  });

  test('defaultCpu and defaultMemoryMiB change it once for the app, mapped to a valid Fargate size', () => {
    // GIVEN a service that declares nothing, and one that declares its memory only
    const yaml = [service([]), '  small:', '    image: public.ecr.aws/docker/library/busybox:1.37', '    mem_limit: 256m'].join('\n');
    // WHEN
    const { template } = composeStack(yaml, { defaultCpu: 1024, defaultMemoryMiB: 3000 });
    // THEN the undeclared dimensions get the default (3000 MiB needs 3072 with 1 vCPU), the declared memory is kept
    expect(taskDefinitionOf(template, 'app')).toMatchObject({ Cpu: '1024', Memory: '3072' });
    expect(taskDefinitionOf(template, 'small')).toMatchObject({ Cpu: '1024', Memory: '2048' });
  });

  test('on EC2, containers that declare nothing reserve the defaults', () => {
    const { template } = composeStack(service([]), { defaultCpu: 512, defaultMemoryMiB: 768 }, { ec2: true });
    expect(containerOf(template, 'app')).toMatchObject({ Cpu: 512, MemoryReservation: 768 });
    const { template: defaults } = composeStack(service(['cpus: 2']), {}, { ec2: true });
    expect(containerOf(defaults, 'app')).toMatchObject({ Cpu: 2048, MemoryReservation: 512 });
  });

  test('fails when the defaults are out of range or tokens', () => {
    const error = errorOf(() => composeStack(service([]), { defaultCpu: 0, defaultMemoryMiB: 200_000 }));
    expect(error.problems.map(p => p.prop)).toEqual(['defaultCpu', 'defaultMemoryMiB']);
    const tokens = errorOf(() => composeStack(service([]), { defaultCpu: Token.asNumber({ Ref: 'Cpu' }) }));
    expect(tokens.problems).toEqual([expect.objectContaining({ prop: 'defaultCpu', fix: expect.stringMatching(/unresolved token/) })]);
  });
});

describe('capabilities, sysctls, ulimits, privileged and network_mode', () => {
  const KERNEL = [
    'cap_add: [NET_ADMIN, CAP_SYS_TIME]',
    'cap_drop: [mknod]',
    'sysctls: { net.core.somaxconn: 1024, kernel.shmmax: 68719476736 }',
    'ulimits: { nproc: 65535, nofile: { soft: 20000, hard: 40000 }, memlock: -1 }',
    'privileged: true',
  ];

  test('on EC2 they are honoured: Linux capabilities, system controls, ulimits, privileged', () => {
    const { template } = composeStack(service(KERNEL), {}, { ec2: true });
    expect(containerOf(template, 'app')).toMatchObject({
      LinuxParameters: { Capabilities: { Add: ['NET_ADMIN', 'SYS_TIME'], Drop: ['MKNOD'] } },
      SystemControls: [{ Namespace: 'net.core.somaxconn', Value: '1024' }, { Namespace: 'kernel.shmmax', Value: '68719476736' }],
      Ulimits: [
        { Name: 'nproc', SoftLimit: 65535, HardLimit: 65535 },
        { Name: 'nofile', SoftLimit: 20000, HardLimit: 40000 },
        { Name: 'memlock', SoftLimit: -1, HardLimit: -1 },
      ],
      Privileged: true,
    });
  });

  test('fails on Fargate with the reason and the edit for each', () => {
    const error = errorOf(() => composeStack(service(KERNEL)));
    expect(error.problems.map(p => [p.prop, p.fix])).toEqual([
      ['compose.yaml:4 services.app.cap_add', 'Fargate can add only the SYS_PTRACE capability: remove NET_ADMIN, SYS_TIME from cap_add, or run the app on EC2 (taskCapacity: TaskCapacity.ec2()).'],
      ['compose.yaml:8 services.app.privileged', 'Fargate does not run privileged containers: remove `privileged: true`, or run the app on EC2 (taskCapacity: TaskCapacity.ec2()).'],
      ['compose.yaml:7 services.app.ulimits.nproc', 'Fargate can change only the nofile ulimit: remove ulimits.nproc, or run the app on EC2 (taskCapacity: TaskCapacity.ec2()).'],
      ['compose.yaml:7 services.app.ulimits.memlock', 'Fargate can change only the nofile ulimit: remove ulimits.memlock, or run the app on EC2 (taskCapacity: TaskCapacity.ec2()).'],
    ]);
  });

  test('Fargate accepts SYS_PTRACE, cap_drop, namespaced sysctls and nofile, on web services too', () => {
    // GIVEN a web service (a FargateWebService) and a plain service with what Fargate supports
    const fargateKernel = ['cap_add: [SYS_PTRACE]', 'cap_drop: [ALL]', 'sysctls: [net.ipv4.tcp_keepalive_time=200]', 'ulimits: { nofile: 65536 }'];
    const yaml = ['services:', '  web:', '    image: public.ecr.aws/nginx/nginx:1.27', '    ports: ["80:80"]', ...fargateKernel.map(l => `    ${l}`),
      '  worker:', '    image: public.ecr.aws/docker/library/busybox:1.37', ...fargateKernel.map(l => `    ${l}`)].join('\n');
    // WHEN
    const { template } = composeStack(yaml);
    // THEN
    for (const name of ['web', 'worker']) {
      expect(containerOf(template, name)).toMatchObject({
        LinuxParameters: { Capabilities: { Add: ['SYS_PTRACE'], Drop: ['ALL'] } },
        SystemControls: [{ Namespace: 'net.ipv4.tcp_keepalive_time', Value: '200' }],
        Ulimits: [{ Name: 'nofile', SoftLimit: 65536, HardLimit: 65536 }],
      });
    }
  });

  test.each([
    ['a sysctl that is not namespaced', 'sysctls: { vm.max_map_count: 262144 }', 'services.app.sysctls.vm.max_map_count', /set it on the host/],
    ['a capability ECS does not know', 'cap_add: [BPF]', 'services.app.cap_add', /ECS does not set these capabilities/],
    ['a ulimit Docker does not know', 'ulimits: { files: 10 }', 'services.app.ulimits.files', /nofile/],
    ['a soft limit above the hard limit', 'ulimits: { nofile: { soft: 10, hard: 5 } }', 'services.app.ulimits.nofile', /must not exceed/],
    ['a nofile limit above Fargate\'s', 'ulimits: { nofile: 2000000 }', 'services.app.ulimits.nofile', /at most 1048576/],
    ['network_mode: host on Fargate', 'network_mode: host', 'services.app.network_mode', /remove `network_mode: host`.*TaskCapacity.ec2\(\)/],
  ])('fails when %s', (_, line, problemPath, fix) => {
    expect(load(service([line])).problems).toEqual([expect.objectContaining({ path: problemPath, fix: expect.stringMatching(fix) })]);
  });

  test('a service that does not run (inactive profile) is not refused for what Fargate cannot do', () => {
    expect(load(service(['profiles: [debug]', 'cap_add: [NET_ADMIN]', 'privileged: true', 'network_mode: host'])).problems).toEqual([]);
  });

  test('network_mode: host on EC2: host network mode, no Service Connect, its ports open between instances, a warning', () => {
    // GIVEN a node exporter on the host's network, and a web service
    const yaml = ['services:', '  exporter:', '    image: quay.io/prometheus/node-exporter:v1.8.2', '    network_mode: host', '    expose: ["9100"]',
      '  web:', '    image: public.ecr.aws/nginx/nginx:1.27', '    ports: ["80:80"]'].join('\n');
    // WHEN
    const { stack, template } = composeStack(yaml, {}, { ec2: true });
    // THEN
    expect(taskDefinitionOf(template, 'exporter').NetworkMode).toBe('host');
    expect(taskDefinitionOf(template, 'web').NetworkMode).toBe('bridge');
    const services = Object.values(template.findResources('AWS::ECS::Service')) as any[];
    expect(services.filter(s => s.Properties.ServiceConnectConfiguration === undefined)).toHaveLength(1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: 'tcp', FromPort: 9100, ToPort: 9100 });
    expect(warningsOf(stack, 'hostNetwork')).toEqual([expect.stringMatching(/^Service "exporter" uses its instance's network .* on 9100\/tcp/)]);
    expect(load(yaml, { fargate: false }).warnings).toEqual([]);
  });

  test('network_mode: bridge on EC2 is what tasks use: no warning; other modes are ignored with one', () => {
    expect(load(service(['network_mode: bridge']), { fargate: false }).warnings).toEqual([]);
    expect(load(service(['network_mode: "service:db"']), { fargate: false }).warnings.map(w => w.context)).toEqual([{ service: 'app', key: 'network_mode' }]);
  });

  test('fails when a host-network service shares a task with a bridge one', () => {
    const yaml = ['services:', '  app:', '    image: x', '    network_mode: host', '    links: [db]', '  db:', '    image: y'].join('\n');
    const error = errorOf(() => composeStack(yaml, {}, { ec2: true }));
    expect(error.problems.map(p => p.prop)).toEqual(['compose.yaml:5 services.app.links', 'compose.yaml:6 services.db']);
  });
});

describe('the EC2 import adds no egress rule the instances\' security group ignores', () => {
  test('no @aws-cdk/aws-ec2:ipv4IgnoreEgressRule warning; the instances still reach each other on the dynamic ports', () => {
    // GIVEN two services on EC2 (Service Connect between bridge-mode tasks)
    const yaml = ['services:', '  web:', '    image: public.ecr.aws/nginx/nginx:1.27', '    ports: ["80:80"]', '  cache:', '    image: public.ecr.aws/docker/library/redis:7', '    expose: ["6379"]'].join('\n');
    // WHEN
    const { stack, template } = composeStack(yaml, {}, { ec2: true });
    // THEN
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('ipv4IgnoreEgressRule'))).toEqual([]);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: 'tcp', FromPort: 32768, ToPort: 65535 });
  });

  test('a security group that restricts outbound traffic still gets the egress rule', () => {
    const stack = new Stack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const open = new ec2.SecurityGroup(stack, 'Open', { vpc });
    const closed = new ec2.SecurityGroup(stack, 'Closed', { vpc, allowAllOutbound: false });
    allowBetweenInstances(new ec2.Connections({ securityGroups: [open, closed] }), ec2.Port.tcp(9100), 'test');
    const template = Template.fromStack(stack);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('ipv4IgnoreEgressRule'))).toEqual([]);
    // Ingress into both from both; egress only from the closed one, to both.
    template.resourceCountIs('AWS::EC2::SecurityGroupIngress', 4);
    const egress = Object.values(template.findResources('AWS::EC2::SecurityGroupEgress')) as any[];
    expect(egress.map(e => [e.Properties.GroupId, e.Properties.FromPort])).toEqual([
      [{ 'Fn::GetAtt': [stack.getLogicalId(closed.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] }, 9100],
      [{ 'Fn::GetAtt': [stack.getLogicalId(closed.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] }, 9100],
    ]);
  });
});
