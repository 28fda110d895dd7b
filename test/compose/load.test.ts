import * as fs from 'fs';
import * as path from 'path';
import { loadProject } from '../../src/compose/load';
import { LoadOptions, LoadResult } from '../../src/compose/model';

const FIXTURES = path.join(__dirname, 'fixtures');

/** Loads a fixture (a file name under fixtures/) or inline YAML. */
function load(source: string, options: Partial<LoadOptions> = {}): LoadResult {
  const isFile = source.endsWith('.yaml');
  return loadProject(isFile ? fs.readFileSync(path.join(FIXTURES, source), 'utf-8') : source, {
    fileName: isFile ? source : 'compose.yaml',
    directory: FIXTURES,
    fargate: true,
    variables: {},
    profiles: [],
    imageOverrides: [],
    ...options,
  });
}

function service(result: LoadResult, name: string) {
  const found = result.project!.services.find(s => s.name === name);
  if (!found) throw new Error(`no service ${name}`);
  return found;
}

describe('every mapped key of full.yaml', () => {
  // GIVEN the fixture with every mapped key, a variable and the "cache" profile
  const result = load('full.yaml', { variables: { REGION: 'us-east-1', NGINX_TAG: '1.27.3' }, profiles: ['cache'] });

  test('loads without problems; only the top-level x-* key warns', () => {
    expect(result.problems).toEqual([]);
    expect(result.warnings.map(w => w.context)).toEqual([{ key: 'x-logging' }]);
    expect(result.project!.name).toBe('fullapp');
  });

  test('image, with interpolation; environment map with a merge key', () => {
    const web = service(result, 'web');
    expect(web.image).toBe('public.ecr.aws/nginx/nginx:1.27.3');
    expect(web.environment).toEqual({ API_URL: 'http://api:3000', TZ: 'UTC' });
    expect(web.labels).toEqual({ 'com.example.tier': 'frontend' });
  });

  test('build: context, dockerfile, args, target', () => {
    expect(service(result, 'api').build).toEqual({
      context: path.join(FIXTURES, 'app'), dockerfile: 'Dockerfile', args: { NODE_ENV: 'production' }, target: 'production', exposedPorts: [],
    });
  });

  test('ports (long and short syntax) and expose, published first', () => {
    expect(service(result, 'api').ports.map(p => [p.containerPort, p.published, p.appProtocol])).toEqual([
      [3000, true, 'http'], [9229, true, undefined], [9100, false, undefined],
    ]);
    expect(service(result, 'cache').ports.map(p => p.containerPort)).toEqual([6379]);
  });

  test('env_file (optional missing file skipped), environment list overriding it, $$ escape, KEY from the variables', () => {
    expect(service(result, 'api').environment).toEqual({
      FEATURE_FLAGS: 'search,checkout',
      QUOTED: 'hello world',
      LITERAL: '$NOT_INTERPOLATED',
      FROM_VAR: 'us-east-1',
      NODE_ENV: 'production',
      REGION: 'us-east-1',
      PRICE: '$5',
    });
  });

  test('command and entrypoint, string and list forms; working_dir, user, labels list', () => {
    const api = service(result, 'api');
    expect(api.command).toEqual(['node', 'server.js', '--port', '3000']);
    expect(api.entrypoint).toEqual(['/usr/bin/dumb-init', '--']);
    expect(api.workingDir).toBe('/app');
    expect(api.user).toBe('1000:1000');
    expect(api.labels).toEqual({ 'com.example.tier': 'backend' });
    expect(service(result, 'worker').command).toEqual(['node', 'server.js', '--worker']);
  });

  test('healthcheck: list and string tests, Compose defaults, the HTTP path it requests', () => {
    expect(service(result, 'api').healthCheck).toEqual({
      command: ['CMD-SHELL', 'wget -qO- http://localhost:3000/healthz || exit 1'],
      intervalSeconds: 20,
      timeoutSeconds: 3,
      retries: 4,
      startPeriodSeconds: 60,
      httpPath: '/healthz',
    });
    expect(service(result, 'db').healthCheck).toEqual({
      command: ['CMD-SHELL', 'pg_isready -U postgres'], intervalSeconds: 10, timeoutSeconds: 9, retries: 3, startPeriodSeconds: undefined, httpPath: undefined,
    });
  });

  test('depends_on, short and long syntax; an optional dependency is kept when its profile is active', () => {
    expect(service(result, 'api').dependsOn).toEqual([
      { service: 'db', condition: 'healthy' },
      { service: 'migrate', condition: 'completed' },
      { service: 'cache', condition: 'started' },
    ]);
    expect(service(result, 'web').dependsOn).toEqual([{ service: 'api', condition: 'started' }]);
  });

  test('deploy.replicas / scale, deploy.resources / cpus / mem_limit', () => {
    const api = service(result, 'api');
    expect([api.replicas, api.cpuLimit, api.cpuReservation, api.memoryLimitMiB, api.memoryReservationMiB]).toEqual([3, 1024, 512, 2048, 1024]);
    const worker = service(result, 'worker');
    expect([worker.replicas, worker.cpuLimit, worker.memoryLimitMiB]).toEqual([2, 256, 768]);
  });

  test('secrets: a file in /run/secrets named by the target or the source, mode 0444; the variable is the target, or the upper-cased name', () => {
    expect(service(result, 'api').secrets).toEqual([
      { secret: 'api_key', variable: 'API_KEY', target: '/run/secrets/api_key', mode: 0o444, path: 'services.api.secrets[0]' },
      { secret: 'db_password', variable: 'DB_PASSWORD', target: '/run/secrets/DB_PASSWORD', mode: 0o444, path: 'services.api.secrets[1]' },
    ]);
    expect(result.project!.secrets).toEqual([
      { name: 'api_key', kind: 'external', externalName: 'prod/api-key', line: expect.any(Number) },
      { name: 'db_password', kind: 'file', line: expect.any(Number) },
    ]);
  });

  test('volumes: named (short and long syntax), anonymous, read-only; tmpfs', () => {
    expect(service(result, 'worker').mounts).toEqual([
      { kind: 'anonymous', target: '/cache', readOnly: false },
      { kind: 'volume', source: 'uploads', target: '/data/uploads', readOnly: true },
      { kind: 'tmpfs', target: '/tmp', readOnly: false, sizeMiB: undefined },
    ]);
    expect(service(result, 'db').mounts).toEqual([{ kind: 'volume', source: 'db-data', target: '/var/lib/postgresql/data', readOnly: false }]);
    expect(result.project!.volumes).toEqual(['db-data', 'uploads']);
  });

  test('read_only, stop_grace_period, init, platform', () => {
    const api = service(result, 'api');
    expect([api.readOnly, api.stopTimeoutSeconds, api.init, api.cpuArchitecture]).toEqual([true, 45, true, 'ARM64']);
  });

  test('profiles: services run when a profile is active or they have none', () => {
    expect(result.project!.services.filter(s => s.selected).map(s => s.name)).toEqual(['web', 'api', 'worker', 'migrate', 'db', 'cache']);
  });
});

describe('profiles', () => {
  test('without the profile, an optional dependency on a service of that profile is dropped', () => {
    const result = load('full.yaml', { variables: { REGION: 'x' } });
    expect(result.problems).toEqual([]);
    expect(service(result, 'cache').selected).toBe(false);
    expect(service(result, 'api').dependsOn.map(d => d.service)).toEqual(['db', 'migrate']);
  });

  test('fails when a required dependency is not in the selected profiles', () => {
    const result = load('services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    profiles: [tools]\n');
    expect(result.problems).toEqual([expect.objectContaining({
      line: 4, path: 'services.a.depends_on', received: 'b', fix: expect.stringMatching(/not in the selected profiles.*`profiles` prop.*required: false/),
    })]);
  });
});

describe('unsupported keys', () => {
  test('each gives exactly one warning naming the service and the key, with its line', () => {
    // GIVEN a file with one of each unsupported key (a secret's mode, with secrets as variables)  WHEN it is loaded
    const result = load('unsupported.yaml', { imageOverrides: [], secretsAsEnvironment: true });
    // THEN
    expect(result.problems).toEqual([]);
    const byName = (a: object, b: object) => JSON.stringify(a).localeCompare(JSON.stringify(b));
    expect(result.warnings.map(w => w.context).sort(byName)).toEqual([
      { key: 'version' },
      { key: 'x-defaults' },
      { key: 'networks' },
      { key: 'configs' },
      { service: 'app', key: 'restart' },
      { service: 'app', key: 'container_name' },
      { service: 'app', key: 'networks' },
      { service: 'app', key: 'logging' },
      { service: 'app', key: 'stdin_open' },
      { service: 'app', key: 'x-team' },
      { service: 'app', key: 'build.cache_from' },
      { service: 'app', key: 'ports.mode' },
      { service: 'app', key: 'healthcheck.start_interval' },
      { service: 'app', key: 'deploy.placement' },
      { service: 'app', key: 'deploy.resources.limits.pids' },
      { service: 'app', key: 'secrets.mode' },
    ].sort(byName));
    expect(result.warnings.every(w => w.code === 'ignoredKey')).toBe(true);
    const byKey = Object.fromEntries(result.warnings.map(w => [w.context.key, w.message]));
    expect(byKey.container_name).toBe('Compose key `container_name` of service "app" (unsupported.yaml:11) is ignored: ECS names the container after its Compose service, which is also its Service Connect DNS name.');
    expect(byKey.restart).toMatch(/ECS service replaces stopped and failed tasks/);
    expect(byKey.networks).toMatch(/Service Connect/);
    expect(byKey['x-team']).toMatch(/extension fields \(x-\*\)/);
    expect(byKey['x-defaults']).toMatch(/extension fields/);
    expect(byKey.version).toMatch(/obsolete/);
  });

  test('services that do not run (profiles) give no warnings', () => {
    const result = load('services:\n  a:\n    image: x\n  b:\n    image: x\n    profiles: [debug]\n    restart: always\n');
    expect(result.warnings).toEqual([]);
  });

  test('an unset variable gives one warning and becomes ""', () => {
    const result = load('services:\n  a:\n    image: "x:${TAG}"\n    environment: { T: "$TAG" }\n');
    expect(service(result, 'a').image).toBe('x:');
    expect(result.warnings).toEqual([{
      code: 'unsetVariable', context: { variable: 'TAG' }, message: expect.stringMatching(/TAG is not set \(compose.yaml:3 services.a.image\)/),
    }]);
  });
});

describe('bad input', () => {
  const problemsOf = (source: string, options: Partial<LoadOptions> = {}) => load(source, options).problems;

  test('fails when the YAML is invalid, with the line', () => {
    expect(problemsOf('invalid-yaml.yaml')).toEqual([expect.objectContaining({ file: 'invalid-yaml.yaml', line: 5, path: '(YAML)' })]);
  });

  test('fails when the file is not a Compose file', () => {
    expect(problemsOf('not-compose.yaml')).toEqual([expect.objectContaining({ path: 'services', fix: expect.stringMatching(/not a Compose file/) })]);
    expect(problemsOf('- just\n- a list\n')).toEqual([expect.objectContaining({ path: '(document)' })]);
    expect(problemsOf('services: {}\n')).toEqual([expect.objectContaining({ path: 'services', line: 1 })]);
  });

  test('fails when depends_on names an unknown service', () => {
    expect(problemsOf('unknown-dependency.yaml')).toEqual([expect.objectContaining({
      file: 'unknown-dependency.yaml', line: 4, path: 'services.web.depends_on', received: 'api', fix: expect.stringMatching(/use one of "web"/),
    })]);
  });

  test('fails when depends_on forms a cycle', () => {
    expect(problemsOf('cycle.yaml')).toEqual([expect.objectContaining({ line: 2, path: 'services.a', received: 'a -> b -> c -> a' })]);
  });

  test('fails when a port string does not parse', () => {
    expect(problemsOf('bad-port.yaml')).toEqual([expect.objectContaining({
      line: 6, path: 'services.web.ports[1]', received: '8o8o:80', fix: expect.stringMatching(/short syntax/),
    })]);
  });

  test('fails when a required variable is unset', () => {
    expect(problemsOf('required-variable.yaml')).toEqual([expect.objectContaining({
      line: 5, path: 'services.api.environment.DATABASE_URL', fix: expect.stringMatching(/Required variable DATABASE_URL is not set: the API needs a database. Set DATABASE_URL in the ComposeApp's `environment` prop/),
    })]);
  });

  test('fails when a relatively bind-mounted path does not exist, on Fargate and EC2 (more in mounts.test.ts)', () => {
    expect(problemsOf('bind-fargate.yaml')).toEqual([expect.objectContaining({ line: 5, path: 'services.web.volumes[0]', fix: expect.stringMatching(/^\.\/html does not exist/) })]);
    expect(problemsOf('bind-fargate.yaml', { fargate: false })).toEqual([expect.objectContaining({ fix: expect.stringMatching(/^\.\/html does not exist/) })]);
  });

  test.each([
    ['a service without image or build', 'services:\n  a:\n    command: x\n', 'services.a', /image.*build.*images/],
    ['a service is not a mapping', 'services:\n  a: nginx\n', 'services.a', /mapping of Compose keys/],
    ['a service name is not a DNS label', 'services:\n  my.app:\n    image: x\n', 'services.my.app', /1 to 63 letters/],
    ['a named volume is not declared', 'services:\n  a:\n    image: x\n    volumes: ["data:/data"]\n', 'services.a.volumes[0]', /not declared/],
    ['a secret is not declared', 'services:\n  a:\n    image: x\n    secrets: [token]\n', 'services.a.secrets[0]', /top-level `secrets`/],
    ['a top-level secret has no source', 'services:\n  a:\n    image: x\nsecrets:\n  token: {}\n', 'secrets.token', /external: true/],
    ['service_healthy without a healthcheck', 'services:\n  a:\n    image: x\n    depends_on: { b: { condition: service_healthy } }\n  b:\n    image: x\n', 'services.a.depends_on.b.condition', /no healthcheck/],
    ['an unknown depends_on condition', 'services:\n  a:\n    image: x\n    depends_on: { b: { condition: up } }\n  b:\n    image: x\n', 'services.a.depends_on.b.condition', /service_started/],
    ['a health check interval that is not a duration', 'services:\n  a:\n    image: x\n    healthcheck: { test: "true", interval: soon }\n', 'services.a.healthcheck.interval', /Compose duration/],
    ['a health check test that is not a command', 'services:\n  a:\n    image: x\n    healthcheck: { test: ["RUN", "x"] }\n', 'services.a.healthcheck.test', /CMD-SHELL/],
    ['links name an unknown service', 'services:\n  a:\n    image: x\n    links: [b]\n', 'services.a.links[0]', /does not define/],
    ['volumes_from names a container', 'services:\n  a:\n    image: x\n    volumes_from: ["container:b"]\n', 'services.a.volumes_from[0]', /Only services/],
    ['a build context is a Git URL', 'services:\n  a:\n    build: https://github.com/x/y.git\n', 'services.a.build', /clone it/],
    ['a build context does not exist', 'services:\n  a:\n    build: ./nowhere\n', 'services.a.build', /not a directory/],
    ['a Dockerfile does not exist', 'services:\n  a:\n    build: { context: ./app, dockerfile: Nope }\n', 'services.a.build.dockerfile', /no Dockerfile/],
    ['an env_file does not exist', 'services:\n  a:\n    image: x\n    env_file: missing.env\n', 'services.a.env_file', /does not exist/],
    ['a stop_grace_period longer than Fargate allows', 'services:\n  a:\n    image: x\n    stop_grace_period: 5m\n', 'services.a.stop_grace_period', /120 seconds/],
    ['a platform ECS does not run', 'services:\n  a:\n    image: x\n    platform: windows/amd64\n', 'services.a.platform', /linux\/arm64/],
    ['replicas that are not a count', 'services:\n  a:\n    image: x\n    deploy: { replicas: -1 }\n', 'services.a.deploy.replicas', /whole number/],
    ['a memory size that does not parse', 'services:\n  a:\n    image: x\n    deploy: { resources: { limits: { memory: lots } } }\n', 'services.a.deploy.resources.limits.memory', /"512m"/],
    ['a memory limit below the 6 MiB Docker gives a container', 'services:\n  a:\n    image: x\n    mem_limit: 4m\n', 'services.a.mem_limit', /at least 6m/],
    ['a memory reservation above the memory limit', 'services:\n  a:\n    image: x\n    deploy: { resources: { limits: { memory: 256m }, reservations: { memory: 1g } } }\n',
      'services.a.deploy.resources.reservations.memory', /must not exceed the memory limit \(256m\)/],
    ['a command with an unclosed quote', 'services:\n  a:\n    image: x\n    command: echo "hi\n', 'services.a.command', /Close the quote/],
  ])('fails when %s', (_, source, problemPath, fix) => {
    expect(problemsOf(source)).toEqual([expect.objectContaining({ file: 'compose.yaml', path: problemPath, line: expect.any(Number), fix: expect.stringMatching(fix) })]);
  });

  test.each([
    ['top-level volumes', 'volumes: [data]\n', 'volumes', /mapping of volume names/],
    ['a named volume', 'volumes:\n  data: big\n', 'volumes.data', /empty mapping/],
    ['top-level secrets', 'secrets: [token]\n', 'secrets', /mapping of secret names/],
    ['a top-level secret', 'secrets:\n  token: file.txt\n', 'secrets.token', /external: true/],
    ['image', '    image: [nginx]\n', 'services.a.image', /Name an image/],
    ['build', '    build: 42\n', 'services.a.build', /context directory/],
    ['ports', '    ports: "80:80"\n', 'services.a.ports', /is a list/],
    ['env_file', '    env_file: [{ required: true }]\n', 'services.a.env_file[0]', /`path` and `required`/],
    ['environment entries', '    environment: [{ A: 1 }]\n', 'services.a.environment[0]', /KEY=value/],
    ['environment', '    environment: 42\n', 'services.a.environment', /mapping \(KEY: value\)/],
    ['environment values', '    environment: { A: [1] }\n', 'services.a.environment.A', /string, a number or a boolean/],
    ['command arguments', '    command: [echo, [1]]\n', 'services.a.command', /Every argument/],
    ['command', '    command: { run: x }\n', 'services.a.command', /Give a string/],
    ['read_only', '    read_only: maybe\n', 'services.a.read_only', /true or false/],
    ['profiles', '    profiles: debug\n', 'services.a.profiles', /list of strings/],
    ['healthcheck', '    healthcheck: curl\n', 'services.a.healthcheck', /as a mapping/],
    ['healthcheck retries', '    healthcheck: { test: "true", retries: many }\n', 'services.a.healthcheck.retries', /1 to 10 retries/],
    ['depends_on', '    depends_on: b\n', 'services.a.depends_on', /list of services/],
    ['deploy', '    deploy: 3\n', 'services.a.deploy', /as a mapping/],
    ['secrets', '    secrets: token\n', 'services.a.secrets', /list of secret names/],
  ])('fails when %s has the wrong shape', (_, yaml, problemPath, fix) => {
    const source = yaml.startsWith('    ') ? `services:\n  a:\n    image: x\n${yaml}`.replace('    image: x\n    image:', '    image:') : `services:\n  a:\n    image: x\n${yaml}`;
    expect(problemsOf(source)).toEqual([expect.objectContaining({ path: problemPath, fix: expect.stringMatching(fix) })]);
  });

  test('top-level volume and secret options are ignored with a warning; environment secrets are local values', () => {
    const result = load('services:\n  a:\n    image: x\nvolumes:\n  data:\n    driver: local\nsecrets:\n  token:\n    environment: TOKEN\n    labels: {}\n');
    expect(result.problems).toEqual([]);
    expect(result.warnings.map(w => w.context)).toEqual([{ key: 'volumes.data.driver' }, { key: 'secrets.token.labels' }]);
    expect(result.project!.secrets).toEqual([{ name: 'token', kind: 'environment', line: 8 }]);
  });

  test('a map environment entry without a value comes from the variables, or is left out', () => {
    const result = load('services:\n  a:\n    image: x\n    environment: { SET: null, UNSET: null }\n    labels: [flag]\n', { variables: { SET: 'v' } });
    expect(service(result, 'a').environment).toEqual({ SET: 'v' });
    expect(service(result, 'a').labels).toEqual({ flag: '' });
  });

  test('long-syntax bind and tmpfs volumes on EC2; other volume types fail', () => {
    const result = load([
      'services:',
      '  a:',
      '    image: x',
      '    volumes:',
      '      - { type: bind, source: /var/log, target: /logs, read_only: true, bind: { create_host_path: true, propagation: rshared } }',
      '      - { type: tmpfs, target: /run, tmpfs: { size: 64m, mode: 1777 } }',
      '      - { type: volume, target: /scratch, consistency: cached }',
      '      - { type: npipe, source: x, target: /pipe }',
      '      - { type: bind, target: /nowhere }',
      '      - { source: data }',
    ].join('\n'), { fargate: false });
    expect(service(result, 'a').mounts).toEqual([
      { kind: 'bind', source: '/var/log', target: '/logs', readOnly: true },
      { kind: 'tmpfs', target: '/run', readOnly: false, sizeMiB: 64 },
      { kind: 'anonymous', target: '/scratch', readOnly: false },
    ]);
    expect(result.problems.map(p => [p.path, p.fix])).toEqual([
      ['services.a.volumes[3].type', 'ECS mounts volume, bind and tmpfs volumes.'],
      ['services.a.volumes[4]', 'A bind mount needs `source`, the host path.'],
      ['services.a.volumes[5]', 'A volume needs `target`, the path in the container.'],
    ]);
    expect(result.warnings.map(w => w.context.key)).toEqual(['volumes.bind.propagation', 'volumes.tmpfs.mode', 'volumes.consistency']);
  });

  test('collects every problem of the file at once', () => {
    const problems = problemsOf('services:\n  a:\n    image: x\n    ports: ["x"]\n    depends_on: [nope]\n    platform: plan9\n');
    expect(problems.map(p => p.path)).toEqual(['services.a.ports[0]', 'services.a.platform', 'services.a.depends_on']);
  });
});
