import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ComposeApp, ComposeAppProps, ComposeFile, ComposePortEndpoint, EcsCluster, SharedLoadBalancer } from '../../src';
import { EndpointKind, defaultEndpointKind } from '../../src/compose/endpoints';
import { loadProject } from '../../src/compose/load';
import { lineOf, parseYaml } from '../../src/compose/parse';
import { planUnits } from '../../src/compose/plan';
import { parsePortString } from '../../src/compose/ports';
import { createHardenedTestStack, errorOf, validTemplate } from '../helpers/validators';

function plan(source: string, options: { fargate?: boolean; publishedPorts?: Record<string, EndpointKind>; ownListeners?: boolean } = {}) {
  const fargate = options.fargate ?? true;
  const loaded = loadProject(source, { fileName: 'compose.yaml', directory: __dirname, fargate, variables: {}, profiles: [], imageOverrides: [] });
  expect(loaded.problems).toEqual([]);
  const tree = parseYaml(source).tree!;
  return planUnits(loaded.project!.services, {
    fargate, webServices: {}, lineOf: p => lineOf(tree, p), fileName: 'compose.yaml', publishedPorts: options.publishedPorts, ownListeners: options.ownListeners,
  });
}

function appStack(source: string, props: Partial<ComposeAppProps> = {}) {
  const stack = new Stack();
  const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'app.internal' });
  const app = new ComposeApp(stack, 'App', { cluster, composeFile: ComposeFile.fromString(source), ...props });
  return { stack, app, template: Template.fromStack(stack) };
}

describe('defaultEndpointKind', () => {
  test.each([
    ['8080:80', 'http'], ['3000', 'http'], ['443:8080', 'http'], ['127.0.0.1:8080:80', 'internal'],
    ['53:53/udp', 'network'], ['5044:5044', 'network'], ['25565:25565', 'network'], ['443:443', 'network'],
    ['5432:5432', 'internal'], ['6379:6379', 'internal'], ['9229:9229', 'internal'], ['[::1]:9000:9000', 'internal'],
  ])('%s is %s', (spec, kind) => {
    expect(defaultEndpointKind(parsePortString(spec)[0])).toBe(kind);
  });
});

describe('public endpoints', () => {
  test('the web service published on host port 80 is the default route, even when it comes after another web service', () => {
    const { units } = plan('services:\n  app:\n    image: x\n    ports: ["8080:8080"]\n  proxy:\n    image: y\n    ports: ["80:80"]\n');
    expect(units.map(u => [u.id, u.web?.listenerPort, u.web?.pathPatterns])).toEqual([['app', 8080, undefined], ['proxy', undefined, undefined]]);
  });

  test('with a load balancer given (shared with others) no listener is added: other web services are routed by path', () => {
    const { units } = plan('services:\n  proxy:\n    image: y\n    ports: ["80:80"]\n  app:\n    image: x\n    ports: ["8080:8080"]\n', { ownListeners: false });
    expect(units[1].web!.pathPatterns).toEqual(['/app', '/app/*']);
    expect(units[1].web!.listenerPort).toBeUndefined();
  });

  test('a second published HTTP port of a web service gets a listener of its own', () => {
    const { units } = plan('services:\n  traefik:\n    image: x\n    ports: ["80:80", "8080:8080"]\n');
    expect(units[0].web!.port).toBe(80);
    expect(units[0].endpoints).toEqual([expect.objectContaining({ kind: 'http', listenerPort: 8080, containerPort: 8080, protocol: 'tcp' })]);
  });

  test('publishedPorts overrides the guess: a database on the Network Load Balancer, a debugger port kept inside', () => {
    const { units, problems } = plan('services:\n  db:\n    image: x\n    ports: ["5432:5432"]\n  api:\n    image: y\n    ports: ["8000:8000", "6000:6000"]\n',
      { publishedPorts: { 'db:5432': 'network', 'api:6000/tcp': 'internal' } });
    expect(problems).toEqual([]);
    expect(units[0].endpoints).toEqual([expect.objectContaining({ kind: 'network', listenerPort: 5432, protocol: 'tcp' })]);
    expect(units[1].endpoints).toEqual([]);
    expect(units[1].internalPublishedPorts.map(p => p.port.containerPort)).toEqual([6000]);
  });

  test('fails when publishedPorts names no published port, or puts UDP behind the Application Load Balancer', () => {
    const { problems } = plan('services:\n  dns:\n    image: x\n    ports: ["53:53/udp", "53:53/tcp"]\n',
      { publishedPorts: { 'dns:54': 'network', 'dns': 'internal', 'dns:53/udp': 'http' } });
    expect(problems.map(p => [p.path, p.fix])).toEqual([
      ['publishedPorts.dns:54', expect.stringContaining('No running service publishes this port (ports): use one of "dns:53/udp", "dns:53/tcp"')],
      ['publishedPorts.dns', expect.stringContaining('Name a published port as "<service>:<host port>"')],
      ['publishedPorts.dns:53/udp', expect.stringContaining('An Application Load Balancer serves HTTP over TCP only')],
    ]);
  });

  test('fails when a UDP port has no TCP port to health-check', () => {
    const { problems } = plan('services:\n  game:\n    image: x\n    ports: ["7777:7777/udp"]\n');
    expect(problems).toEqual([expect.objectContaining({
      path: 'services.game.ports',
      line: 4,
      received: '7777:7777/udp',
      fix: expect.stringMatching(/health-checks UDP targets over TCP.*add a TCP port.*`expose`.*publishedPorts: \{ "game:7777\/udp": ComposePortEndpoint.NONE \}/),
    })]);
  });

  test('fails when two services publish one port on the Network Load Balancer', () => {
    const { problems } = plan('services:\n  a:\n    image: x\n    ports: ["0.0.0.0:7000:7000"]\n  b:\n    image: y\n    ports: ["10.0.0.1:7000:7001"]\n');
    expect(problems).toEqual([expect.objectContaining({ path: 'services.b.ports', fix: expect.stringContaining('Service "a" also publishes host port 7000') })]);
  });

  test('fails when a task would have more than 5 target groups (the ECS limit)', () => {
    const { problems } = plan('services:\n  many:\n    image: x\n    ports: ["7001-7006:7001-7006"]\n');
    expect(problems).toEqual([expect.objectContaining({ received: '6 published ports', fix: expect.stringContaining('at most 5 load balancer target groups') })]);
  });

  test('fails at synthesis with the kit\'s error for a bad publishedPorts key', () => {
    const error = errorOf(() => appStack('services:\n  web:\n    image: x\n    ports: ["80:80"]\n', { publishedPorts: { 'api:80': ComposePortEndpoint.NONE } }));
    expect(error.problems).toEqual([expect.objectContaining({ prop: 'publishedPorts.api:80' })]);
  });
});

describe('named volumes', () => {
  test('a Fargate web service with a named volume runs one task and is replaced stop-first (it ran 2-10 tasks on one EFS directory)', () => {
    // GIVEN a web app publishing port 80 that writes to a named volume
    const { template } = appStack('services:\n  wiki:\n    image: x\n    ports: ["80:80"]\n    volumes: ["data:/var/www/data"]\nvolumes:\n  data:\n');
    // THEN auto scaling keeps exactly one task, and deployments stop the old task first
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 1 });
    template.hasResourceProperties('AWS::ECS::Service', {
      DeploymentConfiguration: Match.objectLike({ MinimumHealthyPercent: 0, MaximumPercent: 100 }),
    });
  });

  test('deploy.replicas of a web service with a named volume is kept, without scaling beyond it', () => {
    const { template } = appStack('services:\n  wiki:\n    image: x\n    ports: ["80:80"]\n    volumes: ["data:/data"]\n    deploy:\n      replicas: 2\nvolumes:\n  data:\n');
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 2, MaxCapacity: 2 });
  });
});

describe('load balancers', () => {
  test('the port listeners follow the load balancer options: HTTPS with the certificate, open to ingressCidrs only', () => {
    const { stack, app, template } = appStack('services:\n  proxy:\n    image: y\n    ports: ["80:80"]\n  admin:\n    image: x\n    ports: ["8080:8080"]\n  mqtt:\n    image: z\n    ports: ["1883:1883"]\n', {
      certificate: { certificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc' } as any,
      ingressCidrs: ['203.0.113.0/24'],
    });
    expect(app.loadBalancer).toBeInstanceOf(SharedLoadBalancer);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 8080, Protocol: 'HTTPS', Certificates: [{ CertificateArn: 'arn:aws:acm:us-east-1:111122223333:certificate/abc' }] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 1883, Protocol: 'TCP' });
    const nlbGroup = stack.getLogicalId(app.networkLoadBalancer!.connections.securityGroups[0].node.defaultChild as any);
    expect(template.toJSON().Resources[nlbGroup].Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({ CidrIp: '203.0.113.0/24', FromPort: 1883, ToPort: 1883, IpProtocol: 'tcp' }),
    ]);
  });
});

describe('hardened profile', () => {
  test('the Network Load Balancer passes every pack of the hardened profile (no TLS listener: no access logs, no certificate)', () => {
    const stack = createHardenedTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'app.internal' });
    const app = new ComposeApp(stack, 'App', {
      cluster, composeFile: ComposeFile.fromString('services:\n  dns:\n    image: x\n    ports: ["53:53/udp", "53:53/tcp"]\n'),
    });
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'network', LoadBalancerAttributes: Match.arrayWith([{ Key: 'deletion_protection.enabled', Value: 'true' }]),
    });
    expect(app.networkLoadBalancer).toBeDefined();
  });
});
