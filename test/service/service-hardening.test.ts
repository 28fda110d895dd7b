import { App, Stack, aws_ec2 as ec2, aws_kms as kms, aws_logs as logs } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { IMAGE, testCluster } from './cluster';
import {
  BackendService, Ec2WebService, EcsCluster, FargateWebService, FargateWebServiceGroup, QueueWorkerService,
} from '../../src';
import { createHardenedTestStack, createTestStack, errorOf, synthesizeWithValidators } from '../helpers/validators';

/** The stack's template, whatever the validators found (the test cluster's findings are judged elsewhere). */
function templateOf(stack: Stack): Template {
  return synthesizeWithValidators(stack.node.root as App).templates[stack.artifactId];
}

/** The container definitions of the only task definition of `template`, by name. */
function containers(template: Template): Record<string, any> {
  const [definition] = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[];
  return Object.fromEntries(definition.Properties.ContainerDefinitions.map((c: any) => [c.Name, c]));
}

function volumes(template: Template): any[] {
  const [definition] = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[];
  return definition.Properties.Volumes ?? [];
}

const KIT_KEY = { 'Fn::GetAtt': [Match.stringLikeRegexp('^EcsKitKey'), 'Arn'] };

describe('log groups: encryptionKey and the hardened profile', () => {
  test('encryptionKey encrypts the log group a FargateWebService creates', () => {
    // GIVEN
    const stack = createTestStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    // WHEN
    new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, encryptionKey: key });
    // THEN
    templateOf(stack).hasResourceProperties('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] }, RetentionInDays: 30,
    });
  });

  test('fails when encryptionKey is given with a logGroup', () => {
    const stack = createTestStack();
    const key = new kms.Key(stack, 'Key');
    const logGroup = new logs.LogGroup(stack, 'Logs');
    const error = errorOf(() => new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, logGroup, encryptionKey: key }));
    expect(error.problems.map(p => p.prop)).toEqual(['encryptionKey']);
  });

  test('hardened: every service kind encrypts its log group with the kit key and keeps it a year; logRetention still wins', () => {
    // GIVEN
    const stack = createHardenedTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'internal' });
    // WHEN
    new FargateWebService(stack, 'Web', { cluster, image: IMAGE });
    new BackendService(stack, 'Api', { cluster, image: IMAGE, containerPort: 8080 });
    new QueueWorkerService(stack, 'Worker', { cluster, image: IMAGE, logRetention: logs.RetentionDays.TWO_YEARS });
    // THEN
    const template = templateOf(stack);
    for (const id of ['WebLogGroup', 'ApiLogGroup']) {
      const [[, logGroup]] = Object.entries(template.findResources('AWS::Logs::LogGroup')).filter(([logicalId]) => logicalId.startsWith(id));
      expect(logGroup.Properties).toEqual(expect.objectContaining({ RetentionInDays: 365, KmsKeyId: expect.anything() }));
    }
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 731, KmsKeyId: KIT_KEY });
  });

  test('a FargateWebServiceGroup: encryptionKey, or the kit key when hardened, for its log group; its execution role has a managed policy', () => {
    const stack = createHardenedTestStack();
    const group = new FargateWebServiceGroup(stack, 'Group', { cluster: testCluster(stack) });
    group.addService('a', { image: IMAGE });
    const template = templateOf(stack);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: KIT_KEY });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { Roles: [{ Ref: Match.stringLikeRegexp('^GroupExecutionRole') }] });
    template.resourceCountIs('AWS::IAM::Policy', 1); // the test VPC's flow log role only

    const plain = createTestStack();
    const key = new kms.Key(plain, 'Key');
    new FargateWebServiceGroup(plain, 'Group', { cluster: testCluster(plain), encryptionKey: key });
    templateOf(plain).hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } });
  });
});

describe('container settings reach every main container', () => {
  test('readonlyRootFilesystem and scratchVolumes on a FargateWebService, an Ec2WebService and a BackendService', () => {
    const settings = { readonlyRootFilesystem: true, scratchVolumes: ['/tmp', '/var/cache/nginx'] };
    const stacks: [Stack, string][] = [];
    let stack = createTestStack();
    new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, ...settings });
    stacks.push([stack, 'web']);
    stack = createTestStack();
    new Ec2WebService(stack, 'Web', {
      cluster: new EcsCluster(stack, 'Cluster', { ec2Capacity: { instanceTypes: [new ec2.InstanceType('m7i.large')] } }), image: IMAGE, ...settings,
    });
    stacks.push([stack, 'web']);
    stack = createTestStack();
    new BackendService(stack, 'Api', { cluster: new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'internal' }), image: IMAGE, containerPort: 80, ...settings });
    stacks.push([stack, 'app']);
    for (const [s, name] of stacks) {
      const template = templateOf(s);
      const container = containers(template)[name];
      expect(container.ReadonlyRootFilesystem).toBe(true);
      expect(container.MountPoints).toEqual([
        { SourceVolume: `${name}-scratch-1`, ContainerPath: '/tmp', ReadOnly: false },
        { SourceVolume: `${name}-scratch-2`, ContainerPath: '/var/cache/nginx', ReadOnly: false },
      ]);
      expect(volumes(template).map(v => v.Name)).toEqual([`${name}-scratch-1`, `${name}-scratch-2`]);
    }
  });

  test('hardened: the web container and its sidecars run as 1000:1000 with a read-only root and a writable /tmp; a sidecar\'s own user wins', () => {
    // GIVEN
    const stack = createHardenedTestStack();
    const web = new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE });
    // WHEN
    web.addSidecar('Agent', { image: IMAGE });
    web.addSidecar('Root', { image: IMAGE, user: '0', readonlyRootFilesystem: false });
    // THEN
    const c = containers(templateOf(stack));
    for (const name of ['web', 'Agent']) {
      expect(c[name]).toEqual(expect.objectContaining({
        User: '1000:1000',
        ReadonlyRootFilesystem: true,
        MountPoints: [{ SourceVolume: `${name}-scratch-1`, ContainerPath: '/tmp', ReadOnly: false }],
      }));
    }
    expect(c.Root.User).toBe('0');
    expect(c.Root.ReadonlyRootFilesystem).toBe(false);
    expect(c.Root.MountPoints).toBeUndefined();
  });

  test('default profile: a sidecar keeps its image\'s user and a writable root file system', () => {
    const stack = createTestStack();
    const web = new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE });
    web.addSidecar('Agent', { image: IMAGE });
    const agent = containers(templateOf(stack)).Agent;
    expect(agent.User).toBeUndefined();
    expect(agent.ReadonlyRootFilesystem).toBeUndefined();
  });
});

describe('container memory: the main container of a Fargate task has a hard limit', () => {
  test('the task\'s memory, and a reservation of what the sidecars leave', () => {
    // GIVEN
    const stack = createTestStack();
    const web = new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, memoryLimitMiB: 1024 });
    // WHEN
    web.addSidecar('Proxy', { image: IMAGE, memoryReservationMiB: 64, memoryLimitMiB: 256 });
    web.addSidecar('Agent', { image: IMAGE, memoryLimitMiB: 128 });
    // THEN: ECS counts a reservation, else the hard limit
    const c = containers(templateOf(stack));
    expect(c.web.Memory).toBe(1024);
    expect(c.web.MemoryReservation).toBe(1024 - 64 - 128);
  });

  test('a limit or reservation given for the web container is kept', () => {
    const stack = createTestStack();
    new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, containerMemoryReservationMiB: 300 });
    const c = containers(templateOf(stack));
    expect(c.web.Memory).toBe(512);
    expect(c.web.MemoryReservation).toBe(300);
  });

  test('BackendService and QueueWorkerService on Fargate', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'internal' });
    const api = new BackendService(stack, 'Api', { cluster, image: IMAGE, containerPort: 80, cpu: 512, memoryLimitMiB: 2048 });
    const worker = new QueueWorkerService(stack, 'Worker', { cluster, image: IMAGE });
    const template = templateOf(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { Family: Match.anyValue(), ContainerDefinitions: [Match.objectLike({ Name: 'app', Memory: 2048, MemoryReservation: Match.absent() })] });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { ContainerDefinitions: [Match.objectLike({ Name: 'worker', Memory: 512 })] });
    expect(api.container.memoryLimitSpecified).toBe(true);
    expect(worker.container.memoryLimitSpecified).toBe(true);
  });

  test('fails when the sidecars declare all but less than 6 MiB of the task\'s memory', () => {
    const stack = createTestStack();
    const web = new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE });
    web.addSidecar('Agent', { image: IMAGE, memoryLimitMiB: 510 });
    expect(() => (stack.node.root as App).synth()).toThrow(/declare 510 of its 512 MiB/);
  });
});

describe('QueueWorkerService: the queue it creates', () => {
  test('encryptionKey encrypts both queues and the log group; the task role may decrypt', () => {
    const stack = createTestStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new QueueWorkerService(stack, 'Worker', { cluster: new EcsCluster(stack, 'Cluster'), image: IMAGE, encryptionKey: key });
    const template = templateOf(stack);
    const keyArn = { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] };
    template.resourcePropertiesCountIs('AWS::SQS::Queue', { KmsMasterKeyId: keyArn }, 2);
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: keyArn });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^WorkerTaskDefinitionTaskRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'kms:Decrypt', Resource: keyArn })]) },
    });
  });

  test('queueEncryptionKey wins over encryptionKey for the queues', () => {
    const stack = createTestStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const queueKey = new kms.Key(stack, 'QueueKey', { enableKeyRotation: true });
    new QueueWorkerService(stack, 'Worker', { cluster: new EcsCluster(stack, 'Cluster'), image: IMAGE, encryptionKey: key, queueEncryptionKey: queueKey });
    templateOf(stack).resourcePropertiesCountIs('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^QueueKey'), 'Arn'] } }, 2);
  });

  test('hardened: both queues encrypted with the kit key', () => {
    const stack = createHardenedTestStack();
    new QueueWorkerService(stack, 'Worker', { cluster: new EcsCluster(stack, 'Cluster'), image: IMAGE });
    templateOf(stack).resourcePropertiesCountIs('AWS::SQS::Queue', { KmsMasterKeyId: KIT_KEY }, 2);
  });
});

describe('managed policies instead of inline ones', () => {
  test('the task and execution roles the service creates take their statements in managed policies', () => {
    const stack = createTestStack();
    const web = new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE });
    const template = templateOf(stack);
    expect(Object.keys(template.findResources('AWS::IAM::Policy'))).toEqual([expect.stringMatching(/^VpcallIAMRoleDefaultPolicy/)]);
    expect(web.taskDefinition.executionRole!.node.tryFindChild('Policy')).toBeInstanceOf(Object);
  });

  test('a deployment alarm without a topic is acknowledged for its action (the rollback); alarms without one keep their finding', () => {
    const stack = createTestStack();
    const web = new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE, rollbackOnTarget5xx: true });
    expect(JSON.stringify(web.alarms[0].node.metadata)).toContain('NIST.800.53.R5-CloudWatchAlarmAction');
    const otherStack = createTestStack();
    const other = new FargateWebService(otherStack, 'Other', { cluster: testCluster(otherStack), image: IMAGE, enableAlarms: true });
    expect(JSON.stringify(other.alarms.map(a => a.node.metadata))).not.toContain('CloudWatchAlarmAction');
  });
});


