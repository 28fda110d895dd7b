/**
 * `FargateWebService.addSidecar` takes the whole `ecs.ContainerDefinitionOptions`.
 * An option given as `undefined` must act as an option left out (it once
 * erased the kit's defaults: `logging: undefined` dropped the sidecar's logs,
 * `essential: undefined` made it essential), and an option given a value must
 * reach the container definition unchanged, or be refused with our error when
 * Fargate would refuse it at deploy.
 */
import { App, Duration, Stack, aws_ecs as ecs, aws_logs as logs, aws_s3 as s3, aws_secretsmanager as secretsmanager } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { IMAGE, testCluster } from './cluster';
import { FargateWebService } from '../../src';
import { errorOf } from '../helpers/validators';

type Options = ecs.ContainerDefinitionOptions;
type OptionName = keyof Options;

/** What one option does when given a value: the keys it sets on the container definition, or our refusal. */
interface OptionCase<K extends OptionName> {
  readonly value: (stack: Stack) => Options[K];
  readonly rendered?: Record<string, unknown>;
  readonly refused?: boolean;
}

/**
 * One case for every option of `ecs.ContainerDefinitionOptions`: the mapped
 * type makes the compiler fail this test file when aws-cdk-lib adds an option.
 */
const CASES: { [K in OptionName]-?: OptionCase<K> } = {
  image: { value: () => ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.36'), rendered: { Image: 'public.ecr.aws/docker/library/busybox:1.36' } },
  containerName: { value: () => 'log-router', rendered: { Name: 'log-router' } },
  command: { value: () => ['serve', '--port', '9000'], rendered: { Command: ['serve', '--port', '9000'] } },
  credentialSpecs: {
    value: stack => [ecs.DomainlessCredentialSpec.fromS3Bucket(s3.Bucket.fromBucketName(stack, 'Specs', 'specs-bucket'), 'gmsa.json')],
    rendered: { CredentialSpecs: [{ 'Fn::Join': ['', ['credentialspecdomainless:arn:', { Ref: 'AWS::Partition' }, ':s3:::specs-bucket/gmsa.json']] }] },
  },
  cpu: { value: () => 128, rendered: { Cpu: 128 } },
  disableNetworking: { value: () => true, refused: true },
  dnsSearchDomains: { value: () => ['example.internal'], refused: true },
  dnsServers: { value: () => ['10.0.0.2'], refused: true },
  dockerLabels: { value: () => ({ team: 'platform' }), rendered: { DockerLabels: { team: 'platform' } } },
  dockerSecurityOptions: { value: () => ['no-new-privileges'], refused: true },
  entryPoint: { value: () => ['/bin/sh', '-c'], rendered: { EntryPoint: ['/bin/sh', '-c'] } },
  environment: { value: () => ({ MODE: 'sidecar' }), rendered: { Environment: [{ Name: 'MODE', Value: 'sidecar' }] } },
  environmentFiles: {
    value: stack => [ecs.EnvironmentFile.fromBucket(s3.Bucket.fromBucketName(stack, 'Env', 'env-bucket'), 'sidecar.env')],
    rendered: { EnvironmentFiles: [{ Type: 's3', Value: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::env-bucket/sidecar.env']] } }] },
  },
  secrets: {
    value: stack => ({ TOKEN: ecs.Secret.fromSecretsManager(secretsmanager.Secret.fromSecretNameV2(stack, 'Token', 'sidecar-token')) }),
    rendered: { Secrets: [{ Name: 'TOKEN', ValueFrom: Match.anyValue() }] },
  },
  startTimeout: { value: () => Duration.seconds(30), rendered: { StartTimeout: 30 } },
  stopTimeout: { value: () => Duration.seconds(20), rendered: { StopTimeout: 20 } },
  essential: { value: () => true, rendered: { Essential: true } },
  extraHosts: { value: () => ({ 'db.internal': '10.0.0.5' }), refused: true },
  healthCheck: { value: () => ({ command: ['CMD', 'true'] }), rendered: { HealthCheck: Match.objectLike({ Command: ['CMD', 'true'] }) } },
  hostname: { value: () => 'sidecar', refused: true },
  interactive: { value: () => true, rendered: { Interactive: true } },
  memoryLimitMiB: { value: () => 256, rendered: { Memory: 256 } },
  memoryReservationMiB: { value: () => 64, rendered: { MemoryReservation: 64 } },
  privileged: { value: () => true, refused: true },
  readonlyRootFilesystem: { value: () => true, rendered: { ReadonlyRootFilesystem: true } },
  user: { value: () => '1000', rendered: { User: '1000' } },
  versionConsistency: { value: () => ecs.VersionConsistency.DISABLED, rendered: { VersionConsistency: 'disabled' } },
  workingDirectory: { value: () => '/srv', rendered: { WorkingDirectory: '/srv' } },
  logging: {
    value: stack => ecs.LogDrivers.awsLogs({ logGroup: new logs.LogGroup(stack, 'Own'), streamPrefix: 'own' }),
    rendered: { LogConfiguration: Match.objectLike({ Options: Match.objectLike({ 'awslogs-group': { Ref: Match.stringLikeRegexp('^Own') }, 'awslogs-stream-prefix': 'own' }) }) },
  },
  linuxParameters: {
    value: stack => new ecs.LinuxParameters(stack, 'Linux', { initProcessEnabled: true }),
    rendered: { LinuxParameters: Match.objectLike({ InitProcessEnabled: true }) },
  },
  gpuCount: { value: () => 1, refused: true },
  portMappings: { value: () => [{ containerPort: 9000 }], rendered: { PortMappings: [{ ContainerPort: 9000, Protocol: 'tcp' }] } },
  inferenceAcceleratorResources: { value: () => ['device_1'], refused: true },
  systemControls: {
    value: () => [{ namespace: 'net.core.somaxconn', value: '1024' }],
    rendered: { SystemControls: [{ Namespace: 'net.core.somaxconn', Value: '1024' }] },
  },
  pseudoTerminal: { value: () => true, rendered: { PseudoTerminal: true } },
  ulimits: {
    value: () => [{ name: ecs.UlimitName.NOFILE, softLimit: 1024, hardLimit: 4096 }],
    rendered: { Ulimits: [{ Name: 'nofile', SoftLimit: 1024, HardLimit: 4096 }] },
  },
  enableRestartPolicy: { value: () => true, rendered: { RestartPolicy: { Enabled: true } } },
  restartIgnoredExitCodes: { value: () => [0], rendered: { RestartPolicy: { Enabled: true, IgnoredExitCodes: [0] } } },
  restartAttemptPeriod: { value: () => Duration.seconds(120), rendered: { RestartPolicy: { Enabled: true, RestartAttemptPeriod: 120 } } },
};

const OPTION_NAMES = Object.keys(CASES) as OptionName[];
/** `image` is required: it cannot be left out. */
const OPTIONAL_NAMES = OPTION_NAMES.filter(name => name !== 'image');

/** A stack with one service and a sidecar "proxy" added with `options(stack)`, and the service. */
function sidecarStack(options: (stack: Stack) => Options): { stack: Stack; web: FargateWebService } {
  // A plain stack (no cdk-nag on synth): the matrix checks the container definition, not the defaults.
  const stack = new Stack(new App(), 'TestStack');
  const web = new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: IMAGE });
  web.addSidecar('proxy', options(stack));
  return { stack, web };
}

function sidecarDefinition(stack: Stack): Record<string, unknown> {
  const [taskDefinition] = Object.values<any>(Template.fromStack(stack).findResources('AWS::ECS::TaskDefinition'));
  const containers: any[] = taskDefinition.Properties.ContainerDefinitions;
  expect(containers).toHaveLength(2);
  return containers[1];
}

describe('FargateWebService.addSidecar options', () => {
  let leftOut: Record<string, unknown>;
  beforeAll(() => {
    leftOut = sidecarDefinition(sidecarStack(() => ({ image: IMAGE })).stack);
  });

  test('without options, the sidecar is not essential and logs to the service\'s log group under its own name', () => {
    expect(leftOut).toEqual(expect.objectContaining({
      Name: 'proxy',
      Essential: false,
      LogConfiguration: {
        LogDriver: 'awslogs',
        Options: { 'awslogs-group': { Ref: expect.stringMatching(/^WebLogGroup/) }, 'awslogs-stream-prefix': 'proxy', 'awslogs-region': { Ref: 'AWS::Region' } },
      },
    }));
  });

  test.each(OPTIONAL_NAMES)('%s given as undefined is the same as leaving it out', (name) => {
    // GIVEN / WHEN
    const { stack } = sidecarStack(() => ({ image: IMAGE, [name]: undefined }));
    // THEN
    expect(sidecarDefinition(stack)).toEqual(leftOut);
  });

  test('every option given as undefined at once is the same as none given', () => {
    const allUndefined = Object.fromEntries(OPTIONAL_NAMES.map(name => [name, undefined]));
    const { stack } = sidecarStack(() => ({ image: IMAGE, ...allUndefined }));
    expect(sidecarDefinition(stack)).toEqual(leftOut);
  });

  test.each(OPTION_NAMES.filter(name => !CASES[name].refused))('%s given a value wins over the default', (name) => {
    // GIVEN
    const optionCase = CASES[name] as OptionCase<OptionName>;
    // WHEN
    const { stack } = sidecarStack(s => ({ image: IMAGE, [name]: optionCase.value(s) }));
    // THEN the keys the option sets carry its value, and every other key is as without it
    const definition = sidecarDefinition(stack);
    Template.fromJSON({ Resources: { R: { Type: 'T', Properties: definition } } })
      .hasResourceProperties('T', Match.objectLike(optionCase.rendered!));
    const renderedKeys = new Set(Object.keys(optionCase.rendered!));
    // containerName also renames the default log stream prefix, which follows the container's name
    if (name === 'containerName') renderedKeys.add('LogConfiguration');
    for (const [key, value] of Object.entries(leftOut)) {
      if (!renderedKeys.has(key)) expect({ [key]: definition[key] }).toEqual({ [key]: value });
    }
  });

  test.each(OPTION_NAMES.filter(name => CASES[name].refused))('fails when %s is given (Fargate refuses it at deploy)', (name) => {
    // GIVEN
    const optionCase = CASES[name] as OptionCase<OptionName>;
    // WHEN
    const error = errorOf(() => sidecarStack(s => ({ image: IMAGE, [name]: optionCase.value(s) })));
    // THEN
    expect(error.problems.map(p => p.prop)).toEqual([`options.${name}`]);
    expect(error.message).toMatch(new RegExp(`Fargate tasks \\(awsvpc network mode\\) do not accept ${name}`));
  });

  test('the refused options are accepted at their neutral values (false, 0, empty)', () => {
    const { stack } = sidecarStack(() => ({
      image: IMAGE,
      disableNetworking: false,
      privileged: false,
      gpuCount: 0,
      dnsServers: [],
      dnsSearchDomains: [],
      dockerSecurityOptions: [],
      extraHosts: {},
      inferenceAcceleratorResources: [],
    }));
    expect(sidecarDefinition(stack)).toEqual(expect.objectContaining({ Essential: false, LogConfiguration: leftOut.LogConfiguration }));
  });

  test('containerName given a value also names the default log stream prefix', () => {
    const { stack } = sidecarStack(() => ({ image: IMAGE, containerName: 'log-router' }));
    expect(sidecarDefinition(stack)).toEqual(expect.objectContaining({
      Name: 'log-router',
      LogConfiguration: expect.objectContaining({ Options: expect.objectContaining({ 'awslogs-stream-prefix': 'log-router' }) }),
    }));
  });

  test('regression: logging and essential given as undefined keep the sidecar\'s logs and leave it non-essential', () => {
    // GIVEN
    const { stack } = sidecarStack(() => ({ image: IMAGE, logging: undefined, essential: undefined }));
    // THEN
    const definition = sidecarDefinition(stack);
    expect(definition.Essential).toBe(false);
    expect(definition.LogConfiguration).toEqual(expect.objectContaining({ LogDriver: 'awslogs' }));
  });
});
