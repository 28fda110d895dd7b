import { aws_ecs as ecs } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { composeTestApp, containerOf, taskDefinitionOf } from './compose-test-helpers';
import { ComposeAppProps, ComposeFile, ComposeSecretsAs } from '../../src';
import { errorOf, validTemplate } from '../helpers/validators';

/** A ComposeApp of `yaml` (generated secrets acknowledged: the values of these files are local). */
function secretsApp(yaml: string, props: Partial<ComposeAppProps> = {}, options: { validated?: boolean; ec2?: boolean; hardened?: boolean } = {}) {
  return composeTestApp(ComposeFile.fromString(yaml), { ...options, props, acknowledgeGeneratedSecrets: true });
}

function volumesOf(template: Template, containerName: string): any[] {
  return taskDefinitionOf(template, containerName).Volumes;
}

/** The script of a task's init container. */
function scriptOf(template: Template, taskOf: string): string {
  return containerOf(template, 'compose-secrets', taskOf).Command[0];
}

const POSTGRES = [
  'services:',
  '  db:',
  '    image: public.ecr.aws/docker/library/postgres:16-alpine',
  '    expose: ["5432"]',
  '    environment:',
  '      POSTGRES_PASSWORD_FILE: /run/secrets/db_password',
  '    secrets: [db_password]',
  'secrets:',
  '  db_password:',
  '    file: ./db_password.txt',
].join('\n');

describe('Compose secrets as files (the default)', () => {
  test('an init container writes /run/secrets/<name> from Secrets Manager; the service mounts it read-only and starts after it', () => {
    // GIVEN the official Postgres image reading its password from the file
    // WHEN
    const { stack, app } = secretsApp(POSTGRES);
    // THEN
    const template = validTemplate(stack);
    const db = containerOf(template, 'db');
    expect(db.Secrets).toBeUndefined();
    expect(db.MountPoints).toEqual([{ SourceVolume: 'db-secrets', ContainerPath: '/run/secrets', ReadOnly: true }]);
    expect(db.DependsOn).toEqual([{ ContainerName: 'compose-secrets', Condition: 'SUCCESS' }]);
    const init = containerOf(template, 'compose-secrets');
    expect(init).toMatchObject({
      Image: 'public.ecr.aws/docker/library/busybox:1.37',
      Essential: false,
      User: '0',
      ReadonlyRootFilesystem: true,
      EntryPoint: ['sh', '-c'],
      MountPoints: [{ SourceVolume: 'db-secrets', ContainerPath: '/compose-secrets/0', ReadOnly: false }],
      Secrets: [{ Name: 'SECRET_0', ValueFrom: stack.resolve(app.secret('db_password').secretArn) }],
    });
    expect(init.LinuxParameters.Capabilities.Drop).toEqual(expect.arrayContaining(['NET_RAW', 'SETUID', 'SETGID', 'MKNOD']));
    expect(init.LinuxParameters.Capabilities.Drop).not.toContain('CHOWN');
    expect(init.Memory).toBeUndefined();
    expect(scriptOf(template, 'db')).toContain('printf \'%s\' "$SECRET_0" > \'/compose-secrets/0/db_password\'\nchmod 0444 \'/compose-secrets/0/db_password\'\n');
    expect(volumesOf(template, 'db')).toEqual([{ Name: 'db-secrets' }]);
    // The value is read by the execution role when the task starts; the template names the secret only.
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'] })]) },
      Roles: [stack.resolve((app.taskDefinition('db').executionRole!.node.defaultChild as any).ref)],
    });
  });

  test('on EC2 the init container has a memory limit (EC2 tasks have no task size), and the template passes the validators', () => {
    const { stack } = secretsApp(POSTGRES, {}, { ec2: true });
    const template = validTemplate(stack);
    expect(containerOf(template, 'compose-secrets')).toMatchObject({ Memory: 32, Essential: false });
    expect(containerOf(template, 'db').MountPoints).toEqual([{ SourceVolume: 'db-secrets', ContainerPath: '/run/secrets', ReadOnly: true }]);
  });

  test('a web service (FargateWebService) gets the init container as a sidecar; each service of a task has its own volume', () => {
    // GIVEN a web service with a sidecar sharing its task (volumes_from), both reading secrets
    const { stack } = secretsApp([
      'services:',
      '  web:',
      '    image: public.ecr.aws/nginx/nginx:1.27',
      '    ports: ["80:80"]',
      '    secrets: [api_key, { source: tls_key, target: /etc/nginx/tls/key.pem, mode: 0400, uid: "101", gid: "101" }]',
      '    volumes_from: [exporter]',
      '  exporter:',
      '    image: public.ecr.aws/docker/library/busybox:1.37',
      '    secrets: [api_key]',
      'secrets:',
      '  api_key: { environment: API_KEY }',
      '  tls_key: { file: ./key.pem }',
    ].join('\n'), {}, { validated: false });
    // THEN
    const template = Template.fromStack(stack);
    expect(containerOf(template, 'web').MountPoints).toEqual(expect.arrayContaining([
      { SourceVolume: 'web-secrets', ContainerPath: '/run/secrets', ReadOnly: true },
      { SourceVolume: 'web-secrets-1', ContainerPath: '/etc/nginx/tls', ReadOnly: true },
    ]));
    expect(containerOf(template, 'exporter').MountPoints).toEqual([{ SourceVolume: 'exporter-secrets', ContainerPath: '/run/secrets', ReadOnly: true }]);
    const init = containerOf(template, 'compose-secrets', 'web');
    expect(init.Secrets.map((s: any) => s.Name)).toEqual(['SECRET_0', 'SECRET_1']);
    // One value, two files: each service sees only its own secrets.
    const script = scriptOf(template, 'web');
    expect(script).toContain('> \'/compose-secrets/0/api_key\'');
    expect(script).toContain('printf \'%s\' "$SECRET_1" > \'/compose-secrets/1/key.pem\'\nchmod 0400 \'/compose-secrets/1/key.pem\'\nchown 101:101 \'/compose-secrets/1/key.pem\'');
    expect(script).toContain('printf \'%s\' "$SECRET_0" > \'/compose-secrets/2/api_key\'');
    for (const name of ['web', 'exporter']) expect(containerOf(template, name).DependsOn).toContainEqual({ ContainerName: 'compose-secrets', Condition: 'SUCCESS' });
    // A target outside /run/secrets hides what the image has in its directory: a warning says so.
    const warnings = Annotations.fromStack(stack).findWarning('/TestStack/App', Match.stringLikeRegexp('cdk-ecs-kit:ComposeApp.secretDirectoryMounted'));
    expect(warnings.map(w => w.entry.data)).toEqual([expect.stringMatching(
      /^Service "web" reads secret "tls_key" at \/etc\/nginx\/tls\/key.pem \(compose.yaml services.web.secrets\[1\]\): .*\/etc\/nginx\/tls is a volume with only the secret files in it/)]);
  });

  test('the long syntax: a relative target in /run/secrets (subdirectories too), octal modes as Compose reads them', () => {
    const { stack } = secretsApp([
      'services:',
      '  app:',
      '    image: x',
      '    user: "1000:1000"',
      '    secrets:',
      '      - { source: a, target: a.txt, mode: 0440 }',
      '      - { source: a, target: conf/b.txt, mode: "0600" }',
      '      - { source: a, target: /run/secrets/c, mode: 0o640 }',
      '      - { source: a, target: d, mode: 288 }',
      'secrets:',
      '  a: { environment: A }',
    ].join('\n'), {}, { validated: false });
    const script = scriptOf(Template.fromStack(stack), 'app');
    expect(script).toMatch(/^mkdir -p '\/compose-secrets\/0' '\/compose-secrets\/0\/conf'$/m);
    expect(script).toContain('chmod 0440 \'/compose-secrets/0/a.txt\'\nchown 1000:1000 \'/compose-secrets/0/a.txt\'');
    expect(script).toContain('chmod 0600 \'/compose-secrets/0/conf/b.txt\'');
    expect(script).toContain('chmod 0640 \'/compose-secrets/0/c\'');
    expect(script).toContain('chmod 0440 \'/compose-secrets/0/d\'');
    expect(script).toMatch(/^chmod 0755 '\/compose-secrets\/0' '\/compose-secrets\/0\/conf'$/m);
  });

  test('hardened profile: the files belong to the container\'s user (1000:1000), the mount is read-only, no finding', () => {
    // GIVEN a service without a Compose user, and a mode only the owner may read
    const { stack } = secretsApp([
      'services:',
      '  worker:',
      '    image: public.ecr.aws/docker/library/python:3.13-slim',
      '    secrets: [{ source: token, mode: 0400 }]',
      'secrets:',
      '  token: { environment: TOKEN }',
    ].join('\n'), {}, { hardened: true });
    // THEN
    const template = validTemplate(stack);
    expect(containerOf(template, 'worker')).toMatchObject({ User: '1000:1000', ReadonlyRootFilesystem: true });
    expect(containerOf(template, 'worker').MountPoints).toContainEqual({ SourceVolume: 'worker-secrets', ContainerPath: '/run/secrets', ReadOnly: true });
    expect(scriptOf(template, 'worker')).toContain('chmod 0400 \'/compose-secrets/0/token\'\nchown 1000:1000 \'/compose-secrets/0/token\'');
    expect(containerOf(template, 'compose-secrets')).toMatchObject({ User: '0', ReadonlyRootFilesystem: true });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('secretFileOwner'));
  });

  test('warns when a file other users cannot read stays root\'s, as the service\'s user is a name', () => {
    const { stack } = secretsApp('services:\n  app:\n    image: x\n    user: node\n    secrets: [{ source: t, mode: 0400 }]\nsecrets:\n  t: { environment: T }\n', {}, { validated: false });
    Annotations.fromStack(stack).hasWarning('/TestStack/App', Match.stringLikeRegexp(
      'Secret "t" of service "app" \\(compose.yaml services.app.secrets\\[0\\]\\) is the file /run/secrets/t with mode 0400.*give the numeric `uid`'));
    expect(scriptOf(Template.fromStack(stack), 'app')).not.toContain('chown');
  });

  test('warns when a target reads like an environment variable that the kit used to set (the migration hint)', () => {
    const { stack } = secretsApp('services:\n  db:\n    image: postgres\n    secrets: [{ source: pw, target: POSTGRES_PASSWORD }]\nsecrets:\n  pw: { environment: PW }\n',
      {}, { validated: false });
    Annotations.fromStack(stack).hasWarning('/TestStack/App', Match.stringLikeRegexp(
      'is the file /run/secrets/POSTGRES_PASSWORD, as under Compose, not the environment variable POSTGRES_PASSWORD.*POSTGRES_PASSWORD_FILE.*ENVIRONMENT_VARIABLES'));
  });

  test('secretFilesImage replaces BusyBox; a service named compose-secrets keeps its name', () => {
    const { stack } = secretsApp('services:\n  compose-secrets:\n    image: x\n    secrets: [t]\nsecrets:\n  t: { environment: T }\n',
      { secretFilesImage: ecs.ContainerImage.fromRegistry('registry.example.com/tools/busybox:1.37') }, { validated: false });
    const template = Template.fromStack(stack);
    const td = Object.values(template.findResources('AWS::ECS::TaskDefinition'))[0] as any;
    expect(td.Properties.ContainerDefinitions.map((c: any) => [c.Name, c.Image])).toEqual([
      ['compose-secrets', 'x'], ['compose-secrets-2', 'registry.example.com/tools/busybox:1.37'],
    ]);
  });

  test('services without secrets get no init container', () => {
    const { stack } = secretsApp('services:\n  a:\n    image: x\n    secrets: [t]\n  b:\n    image: y\nsecrets:\n  t: { environment: T }\n', {}, { validated: false });
    const template = Template.fromStack(stack);
    const names = Object.values(template.findResources('AWS::ECS::TaskDefinition')).map((t: any) => t.Properties.ContainerDefinitions.map((c: any) => c.Name));
    expect(names).toEqual([['a', 'compose-secrets'], ['b']]);
  });

  test('fails when a target leaves /run/secrets, names a directory, or two secrets need the same path', () => {
    const error = errorOf(() => secretsApp([
      'services:',
      '  a:',
      '    image: x',
      '    secrets:',
      '      - { source: s, target: ../etc/passwd }',
      '      - { source: s, target: /secret }',
      '      - { source: s, target: x }',
      '      - { source: t, target: x }',
      '      - { source: t, target: x/y }',
      'secrets:',
      '  s: { environment: S }',
      '  t: { environment: T }',
    ].join('\n'), {}, { validated: false }));
    expect(error.problems.map(p => [p.prop, p.received])).toEqual([
      ['compose.yaml:5 services.a.secrets[0].target', '"../etc/passwd"'],
      ['compose.yaml:6 services.a.secrets[1].target', '"/secret"'],
      ['compose.yaml:8 services.a.secrets[3].target', '"x"'],
      ['compose.yaml:9 services.a.secrets[4].target', '"x/y"'],
    ]);
    expect(error.message).toMatch(/The secrets "s" and "t" both need the path \/run\/secrets\/x: give one of them another `target`/);
  });

  test('fails when a mode is not octal permissions, or uid / gid are not numeric ids', () => {
    const error = errorOf(() => secretsApp([
      'services:',
      '  a:',
      '    image: x',
      '    secrets:',
      '      - { source: s, target: one, mode: 0999 }',
      '      - { source: s, target: two, mode: "rw" }',
      '      - { source: s, target: three, mode: 4095 }',
      '      - { source: s, target: four, uid: postgres, gid: -1 }',
      'secrets:',
      '  s: { environment: S }',
    ].join('\n'), {}, { validated: false }));
    expect(error.problems.map(p => p.prop)).toEqual([
      'compose.yaml:5 services.a.secrets[0].mode',
      'compose.yaml:6 services.a.secrets[1].mode',
      'compose.yaml:7 services.a.secrets[2].mode',
      'compose.yaml:8 services.a.secrets[3].uid',
      'compose.yaml:8 services.a.secrets[3].gid',
    ]);
    expect(error.message).toMatch(/Give the file's permissions in octal, from 0000 to 0777, e.g. 0440/);
    expect(error.message).toMatch(/Give a numeric id from 0 to 4294967295/);
  });

  test('fails when the init container would make an 11th container in a task (ECS quota), naming the way out', () => {
    // GIVEN ten services joined into one task by volumes_from, one with a secret
    const services = Array.from({ length: 10 }, (_, i) => `  s${i}:\n    image: x\n${i > 0 ? '    volumes_from: [s0]\n' : '    secrets: [t]\n'}`);
    const yaml = `services:\n${services.join('')}secrets:\n  t: { environment: T }\n`;
    // THEN
    const error = errorOf(() => secretsApp(yaml, {}, { validated: false }));
    expect(error.problems.map(p => p.prop)).toEqual(['secretsAs']);
    expect(error.message).toMatch(/share one task, which holds at most 10 containers.*set `secretsAs: ComposeSecretsAs.ENVIRONMENT_VARIABLES`/);
    expect(() => secretsApp(yaml, { secretsAs: ComposeSecretsAs.ENVIRONMENT_VARIABLES }, { validated: false })).not.toThrow();
  });

  test('two secrets with names that make the same variable are fine as files', () => {
    const { stack } = secretsApp('services:\n  a:\n    image: x\n    secrets: [db-pw, db_pw]\nsecrets:\n  db-pw:\n    environment: X\n  db_pw:\n    environment: Y\n', {}, { validated: false });
    expect(scriptOf(Template.fromStack(stack), 'a')).toMatch(/\/db-pw'[\s\S]*\/db_pw'/);
  });
});

describe('Compose secrets as environment variables (secretsAs: ENVIRONMENT_VARIABLES)', () => {
  test('each secret is the variable named by its target or its upper-cased name, with no init container', () => {
    // GIVEN
    const { stack, app } = secretsApp(POSTGRES.replace('[db_password]', '[db_password, { source: db_password, target: POSTGRES_PASSWORD, mode: 0400 }]'),
      { secretsAs: ComposeSecretsAs.ENVIRONMENT_VARIABLES });
    // THEN
    const template = validTemplate(stack);
    const db = containerOf(template, 'db');
    const arn = stack.resolve(app.secret('db_password').secretArn);
    expect(db.Secrets).toEqual([{ Name: 'DB_PASSWORD', ValueFrom: arn }, { Name: 'POSTGRES_PASSWORD', ValueFrom: arn }]);
    expect(db.MountPoints).toBeUndefined();
    expect(() => containerOf(template, 'compose-secrets')).toThrow();
    // The file's mode cannot apply to a variable: ignored, with the usual warning.
    Annotations.fromStack(stack).hasWarning('/TestStack/App', Match.stringLikeRegexp('Compose key `secrets.mode` of service "db".*environment variables, not files'));
  });
});
