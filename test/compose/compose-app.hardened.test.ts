import * as path from 'path';
import { App, Stack, Validations, aws_efs as efs, aws_iam as iam, aws_kms as kms, aws_logs as logs } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { composeTestApp, containerOf, taskDefinitionOf } from './compose-test-helpers';
import { ComposeApp, ComposeAppProps, ComposeFile, EcsCluster, TaskCapacity } from '../../src';
import { EXAMPLE_WEB_ACL_ARN, PLAIN_HTTP_RULES } from '../helpers/hardened-examples';
import {
  createHardenedTestStack, createTestStack, errorOf, expectNoFindings, synthesizeWithValidators, validTemplate,
} from '../helpers/validators';

const EXAMPLE = path.join(__dirname, '..', '..', 'examples', 'compose-app', 'compose.yaml');
const fixture = (name: string) => path.relative(process.cwd(), path.join(__dirname, 'fixtures', name));

/**
 * Like `validTemplate`. The app's load balancer serves plain HTTP (no domain in these files): the two
 * rules that fire on an HTTP listener are the test's choice, not the kit's (the kit warns, `httpOnly`).
 */
function hardenedTemplate(stack: Stack): Template {
  const { templates, findings } = synthesizeWithValidators(stack.node.root as App);
  expectNoFindings(findings.filter(f => !PLAIN_HTTP_RULES.test(f.ruleId)));
  return templates[stack.artifactId];
}

/** A hardened stack with an EcsCluster and a ComposeApp (behind the example web ACL; generated secrets acknowledged). */
function hardenedApp(props: Partial<ComposeAppProps> & { composeFile: ComposeFile }, options: { ec2?: boolean } = {}) {
  return composeTestApp(props.composeFile, {
    ...options, hardened: true, acknowledgeGeneratedSecrets: true, props: { webAclArn: EXAMPLE_WEB_ACL_ARN, ...props },
  });
}

/** A ComposeApp in the default profile (validated with AwsSolutions only), for props tests. */
function defaultApp(props: Partial<ComposeAppProps> & { composeFile: ComposeFile }) {
  return composeTestApp(props.composeFile, { props, acknowledgeGeneratedSecrets: true });
}

/** The key's policy lets `role` decrypt, through Secrets Manager only (what `secret.grantRead` adds for a key of the stack). */
function expectDecryptThroughSecretsManager(template: Template, stack: Stack, role: iam.IRole): void {
  template.hasResourceProperties('AWS::KMS::Key', {
    KeyPolicy: {
      Statement: Match.arrayWith([Match.objectLike({
        Action: 'kms:Decrypt',
        Principal: { AWS: stack.resolve(role.roleArn) },
        Condition: { StringEquals: { 'kms:ViaService': Match.anyValue() } },
      })]),
    },
  });
}

/** A database and a worker sharing a named volume, a secret from a local file, a plain service. */
const VOLUME_AND_SECRET = [
  'services:',
  '  db:',
  '    image: public.ecr.aws/docker/library/postgres:16-alpine',
  '    user: "70:70"',
  '    expose: ["5432"]',
  '    volumes: ["db-data:/var/lib/postgresql/data"]',
  '    secrets: [{ source: db_password, target: POSTGRES_PASSWORD }]',
  '  cache:',
  '    image: public.ecr.aws/docker/library/redis:7.4-alpine',
  '    expose: ["6379"]',
  'volumes:',
  '  db-data: {}',
  'secrets:',
  '  db_password:',
  '    environment: DB_PASSWORD',
].join('\n');

describe('ComposeApp in the hardened profile', () => {
  test('the example\'s Compose file: no finding of the four packs on what the app creates', () => {
    // GIVEN
    const { stack } = hardenedApp({ composeFile: ComposeFile.fromFile(EXAMPLE), environment: { LOG_LEVEL: 'warning' } });
    // THEN
    const template = hardenedTemplate(stack);
    template.hasResourceProperties('AWS::EFS::FileSystem', { Encrypted: true, KmsKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: Match.anyValue() });
    // Postgres runs as 70:70 (its Compose user): the access point enforces that user, who owns the directory.
    template.hasResourceProperties('AWS::EFS::AccessPoint', {
      PosixUser: { Uid: '70', Gid: '70' },
      RootDirectory: { Path: '/db-data', CreationInfo: { OwnerUid: '70', OwnerGid: '70', Permissions: '750' } },
    });
  });

  test('a named volume and a secret: encrypted with the profile\'s key, a year of logs, managed policies only', () => {
    // GIVEN
    const { stack, app } = hardenedApp({ composeFile: ComposeFile.fromString(VOLUME_AND_SECRET) });
    // THEN
    const template = hardenedTemplate(stack);
    const key = stack.resolve((stack.node.findChild('EcsKitKey') as kms.Key).keyArn);
    template.resourceCountIs('AWS::IAM::Policy', Object.keys(template.findResources('AWS::IAM::Policy'))
      .filter(id => id.startsWith('ClusterVpcFlowLog')).length);
    for (const name of ['db', 'cache']) {
      const logGroup = template.toJSON().Resources[stack.getLogicalId(app.logGroup(name).node.defaultChild as logs.CfnLogGroup)];
      expect(logGroup.Properties).toMatchObject({ RetentionInDays: 365, KmsKeyId: key });
    }
    template.hasResourceProperties('AWS::EFS::FileSystem', { KmsKeyId: key });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: key });
    // The execution role reads the secret (secret.grantRead): the key lets it decrypt through Secrets Manager.
    expectDecryptThroughSecretsManager(template, stack, app.taskDefinition('db').executionRole!);
  });

  test('containers: the Compose user wins, the others run as 1000:1000, read-only with a /tmp scratch volume', () => {
    // GIVEN
    const { stack } = hardenedApp({ composeFile: ComposeFile.fromString(VOLUME_AND_SECRET) });
    // THEN
    const template = hardenedTemplate(stack);
    expect(containerOf(template, 'db')).toMatchObject({ User: '70:70', ReadonlyRootFilesystem: true });
    expect(containerOf(template, 'cache')).toMatchObject({
      User: '1000:1000',
      ReadonlyRootFilesystem: true,
      MountPoints: [{ SourceVolume: 'cache-scratch-1', ContainerPath: '/tmp', ReadOnly: false }],
    });
    expect(taskDefinitionOf(template, 'cache').Volumes).toEqual([{ Name: 'cache-scratch-1' }]);
  });

  test('Compose read_only: false and tmpfs win over the profile: no scratch volume where the file mounts one', () => {
    // GIVEN
    const { stack } = hardenedApp({
      composeFile: ComposeFile.fromString([
        'services:',
        '  writer:',
        '    image: public.ecr.aws/docker/library/busybox:1.37',
        '    read_only: false',
        '  reader:',
        '    image: public.ecr.aws/docker/library/busybox:1.37',
        '    read_only: true',
        '    tmpfs: [/tmp, /run]',
      ].join('\n')),
    });
    // THEN
    const template = hardenedTemplate(stack);
    const writer = containerOf(template, 'writer');
    expect(writer.ReadonlyRootFilesystem).toBe(false);
    expect(writer.MountPoints).toBeUndefined();
    const reader = containerOf(template, 'reader');
    expect(reader.ReadonlyRootFilesystem).toBe(true);
    expect(reader.MountPoints.map((m: any) => m.ContainerPath)).toEqual(['/tmp', '/run']);
    expect(JSON.stringify(template.toJSON())).not.toContain('scratch');
  });

  test('a volume mounted by containers of different users: the access point enforces the profile\'s 1000:1000', () => {
    // GIVEN
    const { stack } = hardenedApp({
      composeFile: ComposeFile.fromString([
        'services:',
        '  a:',
        '    image: public.ecr.aws/docker/library/busybox:1.37',
        '    user: "70:70"',
        '    volumes: ["shared:/data"]',
        '  b:',
        '    image: public.ecr.aws/docker/library/busybox:1.37',
        '    volumes: ["shared:/data"]',
        'volumes:',
        '  shared: {}',
      ].join('\n')),
    });
    // THEN
    hardenedTemplate(stack).hasResourceProperties('AWS::EFS::AccessPoint', { PosixUser: { Uid: '1000', Gid: '1000' } });
  });

  test('the props win over the profile: retention, key and volume user', () => {
    // GIVEN
    const stack = createHardenedTestStack();
    const key = new kms.Key(stack, 'AppKey', { enableKeyRotation: true });
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'app.internal' });
    // WHEN
    new ComposeApp(stack, 'App', {
      cluster,
      composeFile: ComposeFile.fromString(VOLUME_AND_SECRET),
      logRetention: logs.RetentionDays.TWO_YEARS,
      encryptionKey: key,
      volumePosixUser: { uid: '999', gid: '999' },
    });
    Validations.of(stack).acknowledge({ id: 'cdk-ecs-kit:ComposeApp.generatedSecret', reason: 'Test file.' });
    // THEN
    const template = hardenedTemplate(stack);
    const keyArn = stack.resolve(key.keyArn);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 731, KmsKeyId: keyArn });
    template.hasResourceProperties('AWS::EFS::FileSystem', { KmsKeyId: keyArn });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: keyArn });
    template.hasResourceProperties('AWS::EFS::AccessPoint', { PosixUser: { Uid: '999', Gid: '999' } });
  });

  test('full.yaml (every mapped key): no finding on what the app creates', () => {
    // GIVEN
    const { stack } = hardenedApp({
      composeFile: ComposeFile.fromFile(fixture('full.yaml')),
      environment: { REGION: 'us-east-1' },
      profiles: ['cache'],
    });
    // THEN
    const template = hardenedTemplate(stack);
    // worker mounts tmpfs on /tmp itself: no second volume there.
    expect(containerOf(template, 'worker').MountPoints.filter((m: any) => m.ContainerPath === '/tmp')).toHaveLength(1);
  });

  test('on EC2 (links, bind mounts, tmpfs in memory): no finding on what the app creates', () => {
    // GIVEN
    const { stack } = hardenedApp({ composeFile: ComposeFile.fromFile(fixture('ec2.yaml')), taskCapacity: TaskCapacity.ec2() }, { ec2: true });
    // THEN
    const template = hardenedTemplate(stack);
    expect(containerOf(template, 'queue')).toMatchObject({ User: '1000:1000', ReadonlyRootFilesystem: true });
  });
});

describe('ComposeApp security props in the default profile', () => {
  test('without them, the file system, access points and containers keep today\'s template', () => {
    // GIVEN
    const { stack } = defaultApp({ composeFile: ComposeFile.fromString(VOLUME_AND_SECRET) });
    // THEN
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::EFS::FileSystem', { Encrypted: true, KmsKeyId: Match.absent() });
    template.hasResourceProperties('AWS::EFS::AccessPoint', {
      PosixUser: Match.absent(),
      RootDirectory: { Path: '/db-data', CreationInfo: { OwnerUid: '0', OwnerGid: '0', Permissions: '777' } },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: Match.absent() });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30, KmsKeyId: Match.absent() });
    expect(containerOf(template, 'cache').User).toBeUndefined();
    expect(containerOf(template, 'cache').ReadonlyRootFilesystem).toBe(false);
    expect(stack.node.tryFindChild('EcsKitKey')).toBeUndefined();
    // Part 1: the roles of the task definitions take customer managed policies, no inline ones.
    template.resourceCountIs('AWS::IAM::Policy', Object.keys(template.findResources('AWS::IAM::Policy'))
      .filter(id => id.startsWith('ClusterVpcFlowLog')).length);
  });

  test('encryptionKey: log groups, the file system and generated secrets, with kms:Decrypt for the execution role', () => {
    // GIVEN
    const stack = createTestStack();
    const key = new kms.Key(stack, 'AppKey', { enableKeyRotation: true });
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'app.internal' });
    // WHEN
    const app = new ComposeApp(stack, 'App', { cluster, composeFile: ComposeFile.fromString(VOLUME_AND_SECRET), encryptionKey: key });
    Validations.of(app).acknowledge({ id: 'cdk-ecs-kit:ComposeApp.generatedSecret', reason: 'Test file.' });
    // THEN
    const template = validTemplate(stack);
    const keyArn = stack.resolve(key.keyArn);
    template.allResourcesProperties('AWS::Logs::LogGroup', Match.objectLike({ RetentionInDays: Match.anyValue() }));
    expect(stack.resolve((app.logGroup('db').node.defaultChild as logs.CfnLogGroup).kmsKeyId)).toEqual(keyArn);
    template.hasResourceProperties('AWS::EFS::FileSystem', { KmsKeyId: keyArn });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { KmsKeyId: keyArn });
    expectDecryptThroughSecretsManager(template, stack, app.taskDefinition('db').executionRole!);
  });

  test('volumePosixUser: every access point enforces it and owns its directory', () => {
    // GIVEN
    const { stack } = defaultApp({
      composeFile: ComposeFile.fromString(VOLUME_AND_SECRET),
      volumePosixUser: { uid: '70', gid: '70', secondaryGids: ['1000'] },
    });
    // THEN
    validTemplate(stack).hasResourceProperties('AWS::EFS::AccessPoint', {
      PosixUser: { Uid: '70', Gid: '70', SecondaryGids: ['1000'] },
      RootDirectory: { Path: '/db-data', CreationInfo: { OwnerUid: '70', OwnerGid: '70', Permissions: '750' } },
    });
  });

  test('fails when volumePosixUser names users instead of numeric ids', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'app.internal' });
    // WHEN
    const error = errorOf(() => new ComposeApp(stack, 'App', {
      cluster,
      composeFile: ComposeFile.fromString(VOLUME_AND_SECRET),
      volumePosixUser: { uid: 'postgres', gid: '4294967296', secondaryGids: ['-1'] },
    }));
    // THEN
    expect(error.problems.map(p => p.prop)).toEqual(['volumePosixUser.uid', 'volumePosixUser.gid', 'volumePosixUser.secondaryGids']);
    expect(error.message).toMatch(/numeric ids from 0 to 4294967295/);
  });

  test('the generated secret and the file system carry the acknowledgments of what the kit cannot fix, with reasons', () => {
    // GIVEN
    const { app } = defaultApp({ composeFile: ComposeFile.fromString(VOLUME_AND_SECRET) });
    // THEN
    const secretMetadata = JSON.stringify(app.secret('db_password').node.metadata);
    for (const id of ['AwsSolutions-SMG4', 'NIST.800.53.R5-SecretsManagerRotationEnabled', 'HIPAA.Security-SecretsManagerRotationEnabled']) {
      expect(secretMetadata).toContain(id);
    }
    expect(secretMetadata).toContain('addRotationSchedule');
    const fileSystemMetadata = JSON.stringify((app.fileSystem as efs.FileSystem).node.metadata);
    expect(fileSystemMetadata).toContain('NIST.800.53.R5-EFSInBackupPlan');
    expect(fileSystemMetadata).toContain('enableAutomaticBackups');
  });
});
