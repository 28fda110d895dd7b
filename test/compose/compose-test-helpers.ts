/**
 * Helpers shared by the ComposeApp tests: building a test stack with a ComposeApp (of a corpus file
 * or any Compose file), and reading containers, task definitions and warnings from the result.
 */
import * as path from 'path';
import { App, Stack, Validations, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ComposeApp, ComposeAppProps, ComposeFile, EcsCluster, TaskCapacity } from '../../src';
import { createHardenedTestStack, createTestStack, validTemplate } from '../helpers/validators';

/** A web service (published HTTP port 8080 → 80) and a non-web one (Redis, exposing 6379). */
export const WEB_AND_CACHE = [
  'services:',
  '  web:',
  '    image: public.ecr.aws/nginx/nginx:1.27',
  '    ports: ["8080:80"]',
  '  cache:',
  '    image: public.ecr.aws/docker/library/redis:7.4-alpine',
  '    expose: ["6379"]',
].join('\n');

/** How `composeTestApp` and `importCorpus` build the stack. */
export interface ComposeTestOptions {
  /**
   * Run the app on EC2: the cluster gets EC2 capacity (m7g.large, what every caller uses) and the app `taskCapacity: TaskCapacity.ec2()`.
   * @default false - Fargate, and the cluster has no EC2 capacity
   */
  readonly ec2?: boolean;
  /**
   * More ComposeApp props; they win over the ones the helper sets (`cluster`, `composeFile`, `taskCapacity`).
   * @default - none
   */
  readonly props?: Partial<ComposeAppProps>;
  /**
   * Build the stack in the hardened test app (`createHardenedTestStack`: all four rule packs).
   * @default false
   */
  readonly hardened?: boolean;
  /**
   * `false`: a plain stack (`new Stack(new App(), 'TestStack')`) with no validators, for tests that
   * expect an error or build many stacks. Ignored with `hardened`.
   * @default true - `createTestStack()`, validated by `validTemplate`
   */
  readonly validated?: boolean;
  /**
   * Acknowledge `cdk-ecs-kit:ComposeApp.generatedSecret`: the Compose file's local secret values are
   * replaced by generated ones on purpose.
   * @default false
   */
  readonly acknowledgeGeneratedSecrets?: boolean;
}

/** What `composeTestApp` and `importCorpus` built. */
export interface ComposeTestApp {
  readonly stack: Stack;
  readonly cluster: EcsCluster;
  readonly app: ComposeApp;
}

/**
 * A test stack `TestStack` with an EcsCluster `Cluster` (Service Connect namespace `app.internal`,
 * EC2 capacity with `ec2`) and a ComposeApp `App` of `composeFile`.
 */
export function composeTestApp(composeFile: ComposeFile, options: ComposeTestOptions = {}): ComposeTestApp {
  const stack = options.hardened ? createHardenedTestStack()
    : options.validated === false ? new Stack(new App(), 'TestStack') : createTestStack();
  const cluster = new EcsCluster(stack, 'Cluster', {
    cloudMapNamespaceName: 'app.internal',
    ec2Capacity: options.ec2 ? { instanceTypes: [new ec2.InstanceType('m7g.large')] } : undefined,
  });
  const app = new ComposeApp(stack, 'App', {
    cluster,
    composeFile,
    taskCapacity: options.ec2 ? TaskCapacity.ec2() : undefined,
    ...options.props,
  });
  if (options.acknowledgeGeneratedSecrets) {
    Validations.of(app).acknowledge({ id: 'cdk-ecs-kit:ComposeApp.generatedSecret', reason: 'Test files: generated secrets on purpose.' });
  }
  return { stack, cluster, app };
}

/** The Compose file of the corpus (test/compose/corpus/<name>/compose.yaml), by its path relative to the repository root (what messages show). */
export function corpusPath(name: string): string {
  return path.relative(process.cwd(), path.join(__dirname, 'corpus', name, 'compose.yaml'));
}

/** `composeTestApp` of a corpus file. */
export function importCorpus(name: string, options: ComposeTestOptions = {}): ComposeTestApp {
  return composeTestApp(ComposeFile.fromFile(corpusPath(name)), options);
}

/** `importCorpus`, then the template, synthesized by `validTemplate` (which fails on any finding). */
export function importValidCorpus(name: string, options: ComposeTestOptions = {}): ComposeTestApp & { template: Template } {
  const built = importCorpus(name, options);
  return { ...built, template: validTemplate(built.stack) };
}

/**
 * The properties of the task definition that has a container named `containerName`
 * (the first one: a service's container names are unique in the template, `compose-secrets` is not).
 */
export function taskDefinitionOf(template: Template, containerName: string): any {
  const found = (Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[])
    .find(td => td.Properties.ContainerDefinitions.some((c: any) => c.Name === containerName));
  if (!found) throw new Error(`no task definition with a container ${containerName}`);
  return found.Properties;
}

/**
 * The container definition named `name`, in the first task definition that has one; with `taskOf`,
 * in the task definition that also has the container `taskOf` (for the `compose-secrets` init
 * container, which each task with file secrets has). Throws when there is none.
 */
export function containerOf(template: Template, name: string, taskOf?: string): any {
  for (const td of Object.values(template.findResources('AWS::ECS::TaskDefinition'))) {
    const containers = (td as any).Properties.ContainerDefinitions;
    if (taskOf && !containers.some((c: any) => c.Name === taskOf)) continue;
    const found = containers.find((c: any) => c.Name === name);
    if (found) return found;
  }
  throw new Error(`no container ${name}${taskOf ? ` in the task of ${taskOf}` : ''}`);
}

/** The messages of the warnings `cdk-ecs-kit:ComposeApp.<code>` on the ComposeApp `/TestStack/App`. */
export function warnings(stack: Stack, code: string): string[] {
  return Annotations.fromStack(stack).findWarning('/TestStack/App', Match.stringLikeRegexp(`cdk-ecs-kit:ComposeApp\\.${code}`))
    .map(w => String(w.entry.data));
}
