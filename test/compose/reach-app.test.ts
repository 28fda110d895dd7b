import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack, Token, aws_ecs as ecs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { composeTestApp, warnings } from './compose-test-helpers';
import { ComposeApp, ComposeAppProps, ComposeFile } from '../../src';
import { errorOf, expectAcceptedOnlyWhen } from '../helpers/validators';

const WEB_AND_QUEUE = [
  'services:',
  '  web:',
  '    image: public.ecr.aws/nginx/nginx:1.27',
  '    ports: ["8080:80"]',
  '    environment:',
  '      QUEUE_HOST: queue',
  '    depends_on: [queue]',
  '  queue:',
  '    image: example/queue:1',
].join('\n');

function composeStack(props: Partial<ComposeAppProps> & { composeFile: ComposeFile }) {
  return composeTestApp(props.composeFile, { props, validated: false });
}

function serviceConnectPorts(stack: Stack, app: ComposeApp, name: string): number[] {
  const cfn = stack.resolve((app.service(name).node.defaultChild as ecs.CfnService).serviceConnectConfiguration);
  return (cfn?.services ?? []).map((s: any) => s.clientAliases[0].port);
}

/** A directory with a Compose file and a Dockerfile, removed after the test. */
function project(dockerfile: string, compose: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reach-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
  fs.writeFileSync(path.join(dir, 'compose.yaml'), compose);
  return dir;
}

describe('ComposeApp: services reached by name', () => {
  test('a service named by another that has no port known gets no name, and a warning with the exact edit', () => {
    // GIVEN web names "queue" (depends_on, QUEUE_HOST) and "queue" declares no ports
    // WHEN
    const { stack, app } = composeStack({ composeFile: ComposeFile.fromString(WEB_AND_QUEUE) });
    // THEN
    expect(serviceConnectPorts(stack, app, 'queue')).toEqual([]);
    const found = warnings(stack, 'unreachableService');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/Service "queue" declares no TCP port .* but "web" \(depends_on\), "web" \(environment QUEUE_HOST\) name it: it is not reachable by name through Service Connect\. Add the ports it listens on to services.queue: `expose: \["8080"\]`, or give `servicePorts: \{ 'queue': \[8080\] \}` to the ComposeApp\./);
  });

  test('servicePorts makes it reachable: a port mapping, a Service Connect name and ingress from the other services', () => {
    // WHEN
    const { stack, app } = composeStack({ composeFile: ComposeFile.fromString(WEB_AND_QUEUE), servicePorts: { queue: [5672, 15672] } });
    // THEN
    expect(serviceConnectPorts(stack, app, 'queue')).toEqual([5672, 15672]);
    expect(app.container('queue').portMappings.map(p => p.name)).toEqual(['queue-5672', 'queue-15672']);
    const template = Template.fromStack(stack);
    const groupId = stack.resolve(app.service('queue').connections.securityGroups[0].securityGroupId);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: groupId, FromPort: 15672, ToPort: 15672, Description: '15672/tcp from Compose service web' });
    expect(warnings(stack, 'unreachableService')).toEqual([]);
    expect(warnings(stack, 'inferredPorts')).toEqual([]);
  });

  test('a service named in webServices without ports serves on its Dockerfile\'s EXPOSE port', () => {
    // GIVEN
    const dir = project('FROM node:22\nEXPOSE 3000\n', 'services:\n  app:\n    build: .\n');
    try {
      // WHEN
      const { app } = composeStack({ composeFile: ComposeFile.fromFile(path.join(dir, 'compose.yaml')), webServices: { app: {} } });
      // THEN
      expect(app.webService('app')).toBeDefined();
      expect(app.container('app').containerPort).toBe(3000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('EXPOSE entries that cannot be read are left out with one warning naming them and the edit', () => {
    // GIVEN
    const dir = project('FROM node:22\nEXPOSE $PORT 3000\n', 'services:\n  app:\n    build: .\n  web:\n    image: nginx\n    ports: ["80:80"]\n    environment:\n      API: http://app:3000\n');
    try {
      // WHEN
      const { stack, app } = composeStack({ composeFile: ComposeFile.fromFile(path.join(dir, 'compose.yaml')) });
      // THEN
      expect(serviceConnectPorts(stack, app, 'app')).toEqual([3000]);
      const found = warnings(stack, 'dockerfileExpose');
      expect(found).toHaveLength(1);
      expect(found[0]).toContain('"$PORT" (line 2)');
      expect(found[0]).toContain('add the ports to `expose` of services.app');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('fails when servicePorts gives ports that are not TCP ports', () => {
    // WHEN
    const error = errorOf(() => composeStack({
      composeFile: ComposeFile.fromString(WEB_AND_QUEUE),
      servicePorts: { queue: [0, 5672.5, 70000, Token.asNumber({ Ref: 'Port' })] },
    }));
    // THEN
    expect(error.problems.map(p => p.prop)).toEqual(['servicePorts.queue[0]', 'servicePorts.queue[1]', 'servicePorts.queue[2]', 'servicePorts.queue[3]']);
    expect(error.problems[0].fix).toBe('Give a TCP port the container listens on, from 1 to 65535.');
    expect(error.problems[3].fix).toContain('cannot be an unresolved token');
  });

  test('fails when servicePorts names a service that does not run', () => {
    // WHEN
    const error = errorOf(() => composeStack({ composeFile: ComposeFile.fromString(WEB_AND_QUEUE), servicePorts: { cache: [6379] } }));
    // THEN
    expect(error.problems).toEqual([{ prop: 'servicePorts.cache', received: '"cache"', fix: 'The Compose file has no running service "cache": use one of "web", "queue".' }]);
  });

  test('property: servicePorts synthesize when every port is a whole number from 1 to 65535, else fail with the kit\'s error', () => {
    const port = fc.oneof(fc.integer({ min: -5, max: 70000 }), fc.double({ noNaN: true }));
    fc.assert(fc.property(fc.array(port, { minLength: 1, maxLength: 3 }), ports => {
      const valid = ports.every(p => Number.isInteger(p) && p >= 1 && p <= 65535);
      expectAcceptedOnlyWhen(valid, () => {
        const { stack, app } = composeStack({ composeFile: ComposeFile.fromString(WEB_AND_QUEUE), servicePorts: { queue: ports } });
        const mapped = app.container('queue').portMappings.map(p => p.containerPort);
        expect(mapped).toEqual([...new Set(ports)]);
        expect(mapped.every(p => Number.isInteger(p) && p >= 1 && p <= 65535)).toBe(true);
        return stack;
      });
    }), { numRuns: 25 });
  });
});
