import * as fs from 'fs';
import * as path from 'path';
import { loadProject } from '../../src/compose/load';
import { lineOf, parseYaml } from '../../src/compose/parse';
import { WebRouting, planUnits } from '../../src/compose/plan';

const FIXTURES = path.join(__dirname, 'fixtures');

function plan(source: string, options: { fargate?: boolean; webServices?: Record<string, WebRouting>; profiles?: string[] } = {}) {
  const content = source.endsWith('.yaml') ? fs.readFileSync(path.join(FIXTURES, source), 'utf-8') : source;
  const fargate = options.fargate ?? true;
  const loaded = loadProject(content, {
    fileName: 'compose.yaml', directory: FIXTURES, fargate, variables: { REGION: 'x' }, profiles: options.profiles ?? [], imageOverrides: [],
  });
  expect(loaded.problems).toEqual([]);
  const tree = parseYaml(content).tree!;
  return planUnits(loaded.project!.services, { fargate, webServices: options.webServices ?? {}, lineOf: p => lineOf(tree, p), fileName: 'compose.yaml' });
}

const summary = (units: ReturnType<typeof plan>['units']) => units.map(u => ({ id: u.id, members: u.members.map(m => m.name), web: u.web?.port }));

describe('planUnits', () => {
  test('Fargate: one unit per service; a one-shot service runs as an init container of the services waiting for it', () => {
    const { units, problems } = plan('full.yaml');
    expect(problems).toEqual([]);
    expect(summary(units)).toEqual([
      { id: 'web', members: ['web'], web: 80 },
      { id: 'api', members: ['api', 'migrate'], web: 3000 },
      { id: 'worker', members: ['worker'], web: undefined },
      { id: 'db', members: ['db'], web: undefined },
    ]);
  });

  test('the first web service is the default target; the others get a listener on their Compose host port', () => {
    const { units } = plan('full.yaml');
    expect(units[0].web).toEqual({ port: 80, healthCheckPath: '/', pathPatterns: undefined, hostHeaders: undefined, priority: undefined, healthyHttpCodes: undefined });
    expect(units[1].web).toEqual(expect.objectContaining({ port: 3000, listenerPort: 3000, pathPatterns: undefined, healthCheckPath: '/healthz' }));
  });

  test('webServices: routing given in code, and a service made a web service on a port that does not look like HTTP', () => {
    const { units } = plan('full.yaml', {
      webServices: { web: { hostHeaders: ['www.example.com'] }, db: { containerPort: 5432, healthCheckPath: '/ready' }, api: { pathPatterns: ['/v1/*'] } },
    });
    expect(units.find(u => u.id === 'web')!.web).toEqual(expect.objectContaining({ hostHeaders: ['www.example.com'], pathPatterns: undefined }));
    expect(units.find(u => u.id === 'api')!.web).toEqual(expect.objectContaining({ pathPatterns: ['/v1/*'] }));
    // db has no routing of its own and web has host headers: db becomes the default target.
    expect(units.find(u => u.id === 'db')!.web).toEqual(expect.objectContaining({ port: 5432, pathPatterns: undefined, healthCheckPath: '/ready' }));
  });

  test('a one-shot service (others wait for it to complete) is never the web container, even when it publishes an HTTP port', () => {
    // GIVEN a worker that waits for a migration publishing port 80 (it once became the web container, non-essential,
    // so the load balancer sent requests to a container that exits)
    const source = 'services:\n  worker:\n    image: x\n    depends_on:\n      migrate:\n        condition: service_completed_successfully\n' +
      '  migrate:\n    image: y\n    ports: ["80:80"]\n';
    // THEN the unit is the worker's, without a web container
    const { units, problems } = plan(source);
    expect(problems).toEqual([]);
    expect(summary(units)).toEqual([{ id: 'worker', members: ['worker', 'migrate'], web: undefined }]);
  });

  test('fails when webServices names a one-shot service', () => {
    const source = 'services:\n  worker:\n    image: x\n    depends_on:\n      migrate:\n        condition: service_completed_successfully\n' +
      '  migrate:\n    image: y\n    expose: ["8080"]\n';
    const { units, problems } = plan(source, { webServices: { migrate: {} } });
    expect(problems).toEqual([{
      file: undefined,
      line: undefined,
      path: 'webServices.migrate',
      received: 'migrate',
      fix: 'Other services wait for this one to complete (service_completed_successfully): it runs once and exits, ' +
        'so it cannot serve behind the load balancer. Remove it from webServices, or wait for it with service_started.',
    }]);
    expect(units[0].web).toBeUndefined();
  });

  test('published ports that are not served through the load balancer are listed', () => {
    const { units } = plan('full.yaml');
    expect(units[1].internalPublishedPorts.map(p => `${p.service}:${p.port.containerPort}`)).toEqual(['api:9229']);
  });

  test('sizes: the smallest Fargate size for the sum of the containers of a task; replicas; stateful units', () => {
    const { units } = plan('full.yaml');
    expect(units.map(u => [u.id, u.size, u.replicas, u.stateful])).toEqual([
      ['web', { cpu: 256, memoryMiB: 512 }, undefined, false],
      ['api', { cpu: 1024, memoryMiB: 2048 }, 3, false],
      ['worker', { cpu: 256, memoryMiB: 1024 }, 2, true],
      ['db', { cpu: 256, memoryMiB: 512 }, undefined, true],
    ]);
  });

  test('EC2: links and volumes_from put services in one task, the web container first', () => {
    const { units } = plan('ec2.yaml', { fargate: false });
    expect(summary(units)).toEqual([
      { id: 'proxy', members: ['proxy', 'app', 'assets'], web: 80 },
      { id: 'queue', members: ['queue'], web: undefined },
    ]);
    expect(units[0].size).toBeUndefined();
  });

  test('Fargate: volumes_from shares a task, links do not', () => {
    const { units } = plan('services:\n  a:\n    image: x\n    volumes_from: [b]\n    links: [c]\n  b:\n    image: x\n  c:\n    image: x\n');
    expect(summary(units)).toEqual([
      { id: 'a', members: ['a', 'b'], web: undefined },
      { id: 'c', members: ['c'], web: undefined },
    ]);
  });

  test('fails when no Fargate size fits the resource limits', () => {
    const { problems } = plan('too-big.yaml');
    expect(problems).toEqual([{
      file: 'compose.yaml',
      line: 5,
      path: 'services.ml.deploy.resources',
      received: '16 vCPU, 204800 MiB',
      fix: expect.stringMatching(/No Fargate task size fits: the service needs 16 vCPU and 204800 MiB.*16 vCPU and 122880 MiB.*run on EC2 \(taskCapacity: TaskCapacity.ec2\(\)\)/),
    }]);
  });

  test('fails when services sharing a Fargate task listen on the same port', () => {
    const { problems } = plan('services:\n  a:\n    image: x\n    expose: ["80"]\n    volumes_from: [b]\n  b:\n    image: x\n    expose: ["80"]\n');
    expect(problems).toEqual([expect.objectContaining({ path: 'services.b.ports', fix: expect.stringMatching(/share one network interface/) })]);
  });

  test('fails when a service named in webServices has no port', () => {
    const { problems } = plan('services:\n  a:\n    image: x\n', { webServices: { a: {} } });
    expect(problems).toEqual([expect.objectContaining({ file: undefined, path: 'webServices.a', fix: expect.stringMatching(/containerPort/) })]);
  });
});
