/**
 * Issue 19 Part 3 corpus: services that declare no `ports` or `expose` are
 * reached by name, as under `docker compose up`.
 */
import { Stack, aws_ecs as ecs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { importValidCorpus, warnings } from './compose-test-helpers';
import { ComposeApp } from '../../src';

/** The Service Connect names a Compose service's ECS service registers: `dnsName:port` (port name in brackets). */
function serviceConnectNames(stack: Stack, app: ComposeApp, name: string): string[] {
  const cfn = stack.resolve((app.service(name).node.defaultChild as ecs.CfnService).serviceConnectConfiguration);
  return (cfn?.services ?? []).map((s: any) => `${s.clientAliases[0].dnsName}:${s.clientAliases[0].port} (${s.portName})`);
}

function portMappingsOf(app: ComposeApp, name: string): string[] {
  const container = app.container(name);
  return container.portMappings.map(p => `${p.containerPort}/${p.protocol} ${p.name}`);
}

/** Descriptions of the ingress rules of a service's security group (Fargate). */
function ingressOf(stack: Stack, template: Template, app: ComposeApp, name: string): string[] {
  const groupId = JSON.stringify(stack.resolve(app.service(name).connections.securityGroups[0].securityGroupId));
  return Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'))
    .map((r: any) => r.Properties)
    .filter(p => JSON.stringify(p.GroupId) === groupId)
    .map(p => p.Description)
    .sort();
}

describe('flask-worker-redis: a web app, a worker and Redis, the last two without ports', () => {
  test('on Fargate, Redis is reached by name on 6379 from the web app and the worker; the worker registers no name', () => {
    // GIVEN REDIS_URL=redis://redis:6379/0 in the web app and the worker, and `redis` without ports
    // WHEN
    const { stack, app, template } = importValidCorpus('flask-worker-redis');
    // THEN Redis gets a port mapping, a Service Connect name and ingress from the other two services
    expect(portMappingsOf(app, 'redis')).toEqual(['6379/tcp redis-6379']);
    expect(serviceConnectNames(stack, app, 'redis')).toEqual(['redis:6379 (redis-6379)']);
    expect(ingressOf(stack, template, app, 'redis')).toEqual(['6379/tcp from Compose service web', '6379/tcp from Compose service worker']);
    // AND the worker is a client only: no port, no name, no ingress
    expect(portMappingsOf(app, 'worker')).toEqual([]);
    expect(serviceConnectNames(stack, app, 'worker')).toEqual([]);
    expect(ingressOf(stack, template, app, 'worker')).toEqual([]);
    // AND the web app is public on the load balancer's default route
    expect(app.webService('web')).toBeDefined();
    // AND the guess is said, with the edit that makes it explicit; nothing is left unreachable
    expect(warnings(stack, 'inferredPorts')).toEqual([expect.stringContaining(
      'Service "redis" declares no ports (ports or expose): other services reach it by name on 6379, from the usual port of the official "redis" image.')]);
    expect(warnings(stack, 'inferredPorts')[0]).toContain('add `expose: ["6379"]` to services.redis');
    expect(warnings(stack, 'unreachableService')).toEqual([]);
  });

  test('on EC2, Redis is registered by name on 6379 too (bridge mode, dynamic host port)', () => {
    // WHEN
    const { stack, app } = importValidCorpus('flask-worker-redis', { ec2: true });
    // THEN
    expect(app.ec2Service('redis')).toBeDefined();
    expect(portMappingsOf(app, 'redis')).toEqual(['6379/tcp redis-6379']);
    expect(serviceConnectNames(stack, app, 'redis')).toEqual(['redis:6379 (redis-6379)']);
    expect(serviceConnectNames(stack, app, 'worker')).toEqual([]);
  });
});

describe('django-postgres: the database declares no expose', () => {
  test('Postgres is reached by name on 5432 by the web app; the migration job runs in the web task', () => {
    // GIVEN POSTGRES_HOST=db and `db` (image postgres:16) without ports or expose
    // WHEN
    const { stack, app, template } = importValidCorpus('django-postgres');
    // THEN
    expect(serviceConnectNames(stack, app, 'db')).toEqual(['db:5432 (db-5432)']);
    expect(ingressOf(stack, template, app, 'db')).toEqual(['5432/tcp from Compose service web']);
    // AND the one-shot migration (service_completed_successfully) is a container of the web task, with no port of its own
    // (its Dockerfile's EXPOSE 8000 is the web app's port: it is not reached by name)
    expect(app.taskDefinition('migrate')).toBe(app.taskDefinition('web'));
    expect(portMappingsOf(app, 'migrate')).toEqual([]);
    expect(app.webService('web')).toBeDefined();
    expect(app.container('web').containerPort).toBe(8000);
    expect(warnings(stack, 'inferredPorts')).toEqual([expect.stringContaining('Service "db" declares no ports')]);
    expect(warnings(stack, 'unreachableService')).toEqual([]);
  });
});

describe('go-api-dockerfile-expose: the API\'s port comes from its Dockerfile', () => {
  test('the API is reached by name on the EXPOSE port of its target stage (a build argument), without a warning', () => {
    // GIVEN api built with target runtime and args PORT=8080; its Dockerfile says ARG PORT=9000, EXPOSE ${PORT} (and 2345 in another stage)
    // WHEN
    const { stack, app, template } = importValidCorpus('go-api-dockerfile-expose');
    // THEN
    expect(portMappingsOf(app, 'api')).toEqual(['8080/tcp api-8080']);
    expect(serviceConnectNames(stack, app, 'api')).toEqual(['api:8080 (api-8080)']);
    expect(ingressOf(stack, template, app, 'api')).toEqual(['8080/tcp from Compose service frontend']);
    expect(warnings(stack, 'inferredPorts')).toEqual([]);
    expect(warnings(stack, 'unreachableService')).toEqual([]);
    expect(warnings(stack, 'dockerfileExpose')).toEqual([]);
    // AND the front end is the load balancer's default target on port 80
    expect(app.webService('frontend')).toBeDefined();
    expect(app.container('frontend').containerPort).toBe(80);
  });
});
