import type { ComposeService } from '../../src/compose/model';
import { environmentReferences, inferReachability, officialImageName } from '../../src/compose/private/reachability';
import { dockerfileExposedPorts } from '../../src/compose/readers/dockerfile-expose';

/** A selected service with nothing but a name (and what `extra` gives). */
function service(name: string, extra: Partial<ComposeService> = {}): ComposeService {
  return {
    name,
    selected: true,
    image: 'example/app:1',
    ports: [],
    environment: {},
    labels: {},
    dependsOn: [],
    links: [],
    volumesFrom: [],
    secrets: [],
    mounts: [],
    ...extra,
  };
}

const ports = (s: ComposeService | undefined) => (s?.ports ?? []).map(p => `${p.containerPort}/${p.protocol}${p.published ? ' published' : ''}`);
const FARGATE = { fargate: true, servicePorts: {}, imageOverrides: [] };

describe('Dockerfile EXPOSE', () => {
  test('reads ports, ranges, /udp, several per line, lowercase keywords and continuations', () => {
    // GIVEN
    const dockerfile = [
      '# syntax=docker/dockerfile:1',
      'FROM python:3.12-slim',
      'EXPOSE 8000',
      'expose 9000-9002/tcp 53/udp \\',
      '  7000',
    ].join('\n');
    // WHEN
    const result = dockerfileExposedPorts(dockerfile);
    // THEN
    expect(result.ports.map(p => `${p.containerPort}/${p.protocol}`)).toEqual(['8000/tcp', '9000/tcp', '9001/tcp', '9002/tcp', '53/udp', '7000/tcp']);
    expect(result.ports.every(p => !p.published)).toBe(true);
    expect(result.unreadable).toEqual([]);
  });

  test('reads the built stage: the target, else the last; a stage FROM an earlier one inherits its ports', () => {
    // GIVEN
    const dockerfile = [
      'FROM node:22 AS base',
      'EXPOSE 3000',
      'FROM base AS dev',
      'EXPOSE 9229',
      'FROM nginx:1.27 AS static',
      'EXPOSE 80',
    ].join('\n');
    // WHEN / THEN
    expect(dockerfileExposedPorts(dockerfile).ports.map(p => p.containerPort)).toEqual([80]);
    expect(dockerfileExposedPorts(dockerfile, {}, 'dev').ports.map(p => p.containerPort)).toEqual([3000, 9229]);
    expect(dockerfileExposedPorts(dockerfile, {}, 'BASE').ports.map(p => p.containerPort)).toEqual([3000]);
  });

  test('resolves variables from build args, ARG defaults and ENV; leaves out what it cannot read, with the line', () => {
    // GIVEN
    const dockerfile = [
      'ARG BASE=python:3.12',
      'FROM ${BASE}',
      'ARG PORT=8000',
      'ARG ADMIN_PORT',
      'ENV METRICS_PORT=9100 OTHER=x',
      'EXPOSE $PORT ${METRICS_PORT} ${DEBUG_PORT:-5678}',
      'EXPOSE $ADMIN_PORT http 70000',
    ].join('\n');
    // WHEN
    const defaults = dockerfileExposedPorts(dockerfile);
    const withArgs = dockerfileExposedPorts(dockerfile, { PORT: '8080', ADMIN_PORT: '8081' });
    // THEN
    expect(defaults.ports.map(p => p.containerPort)).toEqual([8000, 9100, 5678]);
    expect(defaults.unreadable).toEqual([{ line: 7, text: '$ADMIN_PORT' }, { line: 7, text: 'http' }, { line: 7, text: '70000' }]);
    expect(withArgs.ports.map(p => p.containerPort)).toEqual([8080, 9100, 5678, 8081]);
  });

  test('a Dockerfile without EXPOSE (or without FROM) gives no ports', () => {
    expect(dockerfileExposedPorts('FROM alpine\nCMD ["sleep", "1"]')).toEqual({ ports: [], unreadable: [] });
    expect(dockerfileExposedPorts('EXPOSE 80')).toEqual({ ports: [], unreadable: [] });
  });
});

describe('official images', () => {
  test.each([
    ['redis', 'redis'],
    ['redis:7.4-alpine', 'redis'],
    ['docker.io/library/postgres:16', 'postgres'],
    ['library/mysql', 'mysql'],
    ['public.ecr.aws/docker/library/mongo:7@sha256:' + 'a'.repeat(64), 'mongo'],
    ['bitnami/redis:7', undefined],
    ['ghcr.io/example/postgres:16', undefined],
    ['localhost:5000/redis', undefined],
  ])('%s is the official image %s', (image, name) => {
    expect(officialImageName(image)).toBe(name);
  });
});

describe('environment references', () => {
  const names = new Set(['db', 'cache', 'rabbit', 'api', 'search']);

  test('finds host:port in URLs, broker lists and plain values; hosts without a port; HOST and PORT pairs; a bare name only in a host variable', () => {
    // GIVEN
    const environment = {
      DATABASE_URL: 'postgres://app:s3cret@db:5432/app',
      REDIS_URL: 'redis://cache:6379/0',
      BROKER: 'amqp://guest:guest@rabbit/',
      API: 'api:8000',
      ES_HOSTS: 'http://search,http://other:9200',
      DB_HOST: 'db',
      DB_PORT: '5433',
      GREETING: 'hello db:x',
      APP_NAME: 'api',
      REDIS_HOST: 'cache',
      TIME: '12:30',
    };
    // WHEN
    const refs = environmentReferences(environment, names);
    // THEN
    expect(refs).toEqual([
      { service: 'db', port: 5432, variable: 'DATABASE_URL' },
      { service: 'cache', port: 6379, variable: 'REDIS_URL' },
      { service: 'rabbit', port: undefined, variable: 'BROKER' },
      { service: 'api', port: 8000, variable: 'API' },
      { service: 'search', port: undefined, variable: 'ES_HOSTS' },
      { service: 'db', port: 5433, variable: 'DB_HOST' },
      { service: 'cache', port: undefined, variable: 'REDIS_HOST' },
    ]);
  });
});

describe('inferReachability', () => {
  test('a service without ports gets the EXPOSE ports of its Dockerfile, silently', () => {
    // GIVEN
    const api = service('api', { image: undefined, build: { context: '/x', args: {}, exposedPorts: [{ containerPort: 8000, protocol: 'tcp', published: false }] } });
    const web = service('web', { environment: { API_URL: 'http://api:8000' } });
    // WHEN
    const result = inferReachability([web, api], FARGATE);
    // THEN
    expect(ports(result.services.find(s => s.name === 'api'))).toEqual(['8000/tcp']);
    expect(result.warnings).toEqual([]);
  });

  test('an official image gets its usual port, and the environment adds the ports dependants name, with a warning', () => {
    // GIVEN
    const cache = service('cache', { image: 'redis:7' });
    const db = service('db', { image: 'example/db:1' });
    const web = service('web', { environment: { REDIS_URL: 'redis://cache:6379', DB: 'db:7000' }, dependsOn: [{ service: 'db', condition: 'started' }] });
    // WHEN
    const result = inferReachability([web, cache, db], FARGATE);
    // THEN
    expect(ports(result.services.find(s => s.name === 'cache'))).toEqual(['6379/tcp']);
    expect(ports(result.services.find(s => s.name === 'db'))).toEqual(['7000/tcp']);
    expect(result.warnings.map(w => [w.code, w.context])).toEqual([
      ['inferredPorts', { service: 'cache' }],
      ['inferredPorts', { service: 'db' }],
    ]);
    expect(result.warnings[0].message).toContain('the usual port of the official "redis" image');
    expect(result.warnings[1].message).toContain('`expose: ["7000"]` to services.db');
    expect(result.warnings[1].message).toContain('servicePorts: { \'db\': [7000] }');
  });

  test('servicePorts are added to any service, declared ports or not; the file\'s own ports come first', () => {
    // GIVEN
    const api = service('api', { ports: [{ containerPort: 80, hostPort: 8080, protocol: 'tcp', published: true }] });
    const cache = service('cache', { image: 'redis:7' });
    // WHEN
    const result = inferReachability([api, cache], { ...FARGATE, servicePorts: { api: [80, 9090], cache: [6380] } });
    // THEN
    expect(ports(result.services[0])).toEqual(['80/tcp published', '9090/tcp']);
    expect(ports(result.services[1])).toEqual(['6380/tcp']);
    expect(result.warnings).toEqual([]);
  });

  test('a service named by another that stays without a port gives a warning with the edit to make', () => {
    // GIVEN
    const worker = service('worker', { dependsOn: [{ service: 'queue', condition: 'started' }], environment: { QUEUE_HOST: 'queue' } });
    const queue = service('queue', { image: 'example/queue:1' });
    // WHEN
    const result = inferReachability([worker, queue], FARGATE);
    // THEN
    expect(result.warnings).toEqual([{
      code: 'unreachableService',
      context: { service: 'queue' },
      message: expect.stringContaining('Service "queue" declares no TCP port'),
    }]);
    expect(result.warnings[0].message).toContain('"worker" (depends_on), "worker" (environment QUEUE_HOST) name it');
    expect(result.warnings[0].message).toContain('Add the ports it listens on to services.queue: `expose: ["8080"]`');
  });

  test('a port a dependant names that a service with declared ports does not declare gives a warning', () => {
    // GIVEN
    const api = service('api', { ports: [{ containerPort: 8000, protocol: 'tcp', published: false }] });
    const web = service('web', { environment: { METRICS: 'http://api:9100/metrics', API: 'http://api:8000' } });
    // WHEN
    const result = inferReachability([web, api], FARGATE);
    // THEN
    expect(ports(result.services[1])).toEqual(['8000/tcp']);
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0].message).toMatch(/Service "api" is reached by name on 8000 only, but "web" \(environment METRICS port 9100\) names it: port 9100 is not reachable/);
    expect(result.warnings[0].message).toContain('`expose: ["9100"]`');
  });

  test('a worker nobody names, one-shot jobs and services of other profiles get no ports and no warnings', () => {
    // GIVEN
    const build = { context: '/x', args: {}, exposedPorts: [{ containerPort: 8000, protocol: 'tcp' as const, published: false }] };
    const web = service('web', {
      build,
      image: undefined,
      ports: [{ containerPort: 8000, hostPort: 8000, protocol: 'tcp', published: true }],
      dependsOn: [{ service: 'migrate', condition: 'completed' }],
    });
    const migrate = service('migrate', { build, image: undefined });
    const worker = service('worker', { image: 'example/worker:1' });
    const off = service('admin', { image: 'redis:7', selected: false });
    // WHEN
    const result = inferReachability([web, migrate, worker, off], FARGATE);
    // THEN
    expect(result.services.map(ports)).toEqual([['8000/tcp published'], [], [], []]);
    expect(result.warnings).toEqual([]);
  });

  test('on Fargate a found port another container of the task has is left out', () => {
    // GIVEN app and its sidecar share a task (volumes_from), both built from Dockerfiles with EXPOSE 8000
    const build = { context: '/x', args: {}, exposedPorts: [{ containerPort: 8000, protocol: 'tcp' as const, published: false }] };
    const app = service('app', { build, image: undefined });
    const sidecar = service('sidecar', { build, image: undefined, volumesFrom: [{ service: 'app', readOnly: true }] });
    // WHEN
    const fargate = inferReachability([app, sidecar], FARGATE);
    const ec2 = inferReachability([app, sidecar], { ...FARGATE, fargate: false });
    // THEN
    expect(fargate.services.map(ports)).toEqual([['8000/tcp'], []]);
    expect(ec2.services.map(ports)).toEqual([['8000/tcp'], ['8000/tcp']]);
  });

  test('an image given in code is not taken for its Compose image or Dockerfile', () => {
    const cache = service('cache', { image: 'redis:7' });
    const result = inferReachability([cache], { ...FARGATE, imageOverrides: ['cache'] });
    expect(ports(result.services[0])).toEqual([]);
  });
});
