import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { containerOf, corpusPath, importCorpus, taskDefinitionOf, warnings } from './compose-test-helpers';
import { errorOf, validTemplate } from '../helpers/validators';

describe('corpus: redis-counter-fast-healthcheck (health checks tighter than ECS allows)', () => {
  test.each([['Fargate', false], ['EC2', true]])('imports on %s: every health check within ECS\'s ranges, one warning per adjusted service', (_, onEc2) => {
    // GIVEN health checks every 1–3 s with timeouts as long as the interval
    const { stack } = importCorpus('redis-counter-fast-healthcheck', { ec2: onEc2 });
    // WHEN
    const template = validTemplate(stack);
    // THEN
    expect(containerOf(template, 'web').HealthCheck).toMatchObject({ Interval: 5, Timeout: 3, Retries: 10 });
    expect(containerOf(template, 'counter').HealthCheck).toMatchObject({ Interval: 5, Timeout: 2, StartPeriod: 1 });
    expect(containerOf(template, 'redis').HealthCheck).toMatchObject({ Interval: 5, Timeout: 3, Retries: 10 });
    const adjusted = warnings(stack, 'healthCheckAdjusted');
    expect(adjusted).toHaveLength(3);
    expect(adjusted.find(w => w.includes('"counter"'))).toMatch(/interval 2s -> 5s .*timeout 1s -> 2s/);
    // The dependants still wait for health: the checks exist, so service_healthy stays meaningful.
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('ipv4IgnoreEgressRule'))).toEqual([]);
  });
});

describe('corpus: sized-api-with-postgres (mem_limit / cpus and deploy.resources)', () => {
  test('Fargate: each task is the smallest size that fits what it declares; the worker gets the default', () => {
    const { stack } = importCorpus('sized-api-with-postgres');
    const template = validTemplate(stack);
    expect(taskDefinitionOf(template, 'api')).toMatchObject({ Cpu: '512', Memory: '1024' });
    expect(taskDefinitionOf(template, 'db')).toMatchObject({ Cpu: '2048', Memory: '4096' });
    expect(taskDefinitionOf(template, 'worker')).toMatchObject({ Cpu: '256', Memory: '512' });
    expect(containerOf(template, 'db')).toMatchObject({ Cpu: 2048, Memory: 4096, MemoryReservation: 2048 });
  });

  test('Fargate: defaultCpu and defaultMemoryMiB size the worker, not the services that declare their own', () => {
    const { stack } = importCorpus('sized-api-with-postgres', { props: { defaultCpu: 1024, defaultMemoryMiB: 2048 } });
    const template = Template.fromStack(stack);
    expect(taskDefinitionOf(template, 'worker')).toMatchObject({ Cpu: '1024', Memory: '2048' });
    expect(taskDefinitionOf(template, 'api')).toMatchObject({ Cpu: '512', Memory: '1024' });
  });

  test('EC2: container limits and reservations; the worker reserves the default', () => {
    const { stack } = importCorpus('sized-api-with-postgres', { ec2: true, props: { defaultMemoryMiB: 256 } });
    const template = validTemplate(stack);
    expect(containerOf(template, 'api')).toMatchObject({ Cpu: 512, Memory: 1024, MemoryReservation: 512 });
    expect(containerOf(template, 'worker')).toMatchObject({ MemoryReservation: 256 });
    expect(containerOf(template, 'worker').Memory).toBeUndefined();
  });
});

describe('corpus: wireguard-gateway-ec2 (capabilities, sysctls, ulimits, host network)', () => {
  test('EC2: each is honoured', () => {
    // GIVEN a VPN gateway, a wiki that drops all capabilities, a host metrics exporter
    const { stack } = importCorpus('wireguard-gateway-ec2', { ec2: true });
    // WHEN
    const template = validTemplate(stack);
    // THEN
    expect(containerOf(template, 'wireguard')).toMatchObject({
      LinuxParameters: { Capabilities: { Add: ['NET_ADMIN', 'SYS_MODULE'] } },
      SystemControls: [{ Namespace: 'net.ipv4.conf.all.src_valid_mark', Value: '1' }, { Namespace: 'net.ipv4.ip_forward', Value: '1' }],
      Ulimits: [{ Name: 'nofile', SoftLimit: 65536, HardLimit: 65536 }],
    });
    expect(containerOf(template, 'wiki')).toMatchObject({
      LinuxParameters: { Capabilities: { Add: ['CHOWN', 'SETGID', 'SETUID', 'NET_BIND_SERVICE'], Drop: ['ALL'] } },
      Ulimits: [{ Name: 'nproc', SoftLimit: 4096, HardLimit: 4096 }],
    });
    expect(taskDefinitionOf(template, 'node-exporter').NetworkMode).toBe('host');
    expect(taskDefinitionOf(template, 'wiki').NetworkMode).toBe('bridge');
    expect(warnings(stack, 'hostNetwork')).toHaveLength(1);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('ipv4IgnoreEgressRule'))).toEqual([]);
  });

  test('fails on Fargate, naming each key Fargate cannot honour and the edit', () => {
    const error = errorOf(() => importCorpus('wireguard-gateway-ec2'));
    const file = corpusPath('wireguard-gateway-ec2');
    expect(error.problems.map(p => `${p.prop}: ${p.fix}`)).toEqual([
      expect.stringMatching(new RegExp(`^${file}:\\d+ services.wireguard.cap_add: Fargate can add only the SYS_PTRACE capability: remove NET_ADMIN, SYS_MODULE from cap_add, or run the app on EC2 \\(taskCapacity: TaskCapacity.ec2\\(\\)\\)`)),
      expect.stringMatching(/services.wiki.cap_add: .*remove CHOWN, SETGID, SETUID, NET_BIND_SERVICE from cap_add/),
      expect.stringMatching(/services.wiki.ulimits.nproc: Fargate can change only the nofile ulimit: remove ulimits.nproc/),
      expect.stringMatching(/services.node-exporter.network_mode: .*remove `network_mode: host`.*TaskCapacity.ec2\(\)/),
    ]);
  });
});
