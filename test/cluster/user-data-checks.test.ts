import { Stack, aws_ec2 as ec2 } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { Ec2CapacityOptions, EcsCluster, EcsMachineImage } from '../../src';
import {
  HOSTILE_AGENT_SETTING_VALUES, ResolvedUserData, generatedClusterName, onlyUserData, readAgentConfig, runInSandbox, shellcheck,
  shellcheckVersion,
} from '../helpers/user-data';

// smol-toml's types describe its ES module; its CommonJS build (what require loads) has the same API.
type Toml = typeof import('smol-toml', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parse: parseToml } = require('smol-toml') as Toml;

/*
 * What each kind of EC2 capacity runs at first boot, taken from the synthesized
 * launch template with the cluster's Ref resolved to a name: Amazon Linux
 * scripts are linted with shellcheck and executed with bash in a sandbox (and
 * the result read the way ecs-init reads /etc/ecs/ecs.config); Bottlerocket
 * settings are parsed as TOML.
 */

const t = (name: string) => new ec2.InstanceType(name);
const AL2023_PARAMETER = '/aws/service/ecs/optimized-ami/amazon-linux-2023';
const BOTTLEROCKET_PARAMETER = '/aws/service/bottlerocket';

interface Variant {
  readonly name: string;
  readonly options: Ec2CapacityOptions;
  /** The SSM parameter of the image this variant must run. */
  readonly imageParameter: string;
}

interface ShellVariant extends Variant {
  /** The agent settings besides ECS_CLUSTER that /etc/ecs/ecs.config must hold. */
  readonly agentConfig: Record<string, string>;
}

interface BottlerocketVariant extends Variant {
  /** The [settings.ecs] keys besides `cluster`. */
  readonly ecsSettings: Record<string, unknown>;
}

const SHELL_VARIANTS: ShellVariant[] = [
  {
    name: 'AL2023 x86_64 (default t3.medium)',
    options: {},
    imageParameter: `${AL2023_PARAMETER}/recommended/image_id`,
    agentConfig: { ECS_AWSVPC_BLOCK_IMDS: 'true' },
  },
  {
    name: 'AL2023 ARM64 (Graviton)',
    options: { instanceTypes: [t('m7g.large'), t('c7g.xlarge')] },
    imageParameter: `${AL2023_PARAMETER}/arm64/recommended/image_id`,
    agentConfig: { ECS_AWSVPC_BLOCK_IMDS: 'true' },
  },
  {
    name: 'AL2023 NVIDIA GPU',
    options: { instanceTypes: [t('g5.xlarge'), t('g4dn.xlarge')], machineImage: EcsMachineImage.amazonLinux2023({ gpu: true }) },
    imageParameter: `${AL2023_PARAMETER}/gpu/recommended/image_id`,
    agentConfig: { ECS_AWSVPC_BLOCK_IMDS: 'true' },
  },
  {
    name: 'AL2023 x86_64 Spot with agent settings',
    options: {
      spot: true,
      instanceTypes: [t('m6i.large'), t('m5.large')],
      agentSettings: { ECS_IMAGE_PULL_BEHAVIOR: 'prefer-cached', ECS_INSTANCE_ATTRIBUTES: '{"team":"shop","tier":"batch"}' },
    },
    imageParameter: `${AL2023_PARAMETER}/recommended/image_id`,
    agentConfig: {
      ECS_AWSVPC_BLOCK_IMDS: 'true',
      ECS_ENABLE_SPOT_INSTANCE_DRAINING: 'true',
      ECS_IMAGE_PULL_BEHAVIOR: 'prefer-cached',
      ECS_INSTANCE_ATTRIBUTES: '{"team":"shop","tier":"batch"}',
    },
  },
];

const BOTTLEROCKET_VARIANTS: BottlerocketVariant[] = [
  {
    name: 'Bottlerocket x86_64',
    options: { machineImage: EcsMachineImage.bottlerocket() },
    imageParameter: `${BOTTLEROCKET_PARAMETER}/aws-ecs-2/x86_64/latest/image_id`,
    ecsSettings: {},
  },
  {
    name: 'Bottlerocket ARM64 Spot',
    options: { spot: true, instanceTypes: [t('m7g.large'), t('m6g.large')], machineImage: EcsMachineImage.bottlerocket() },
    imageParameter: `${BOTTLEROCKET_PARAMETER}/aws-ecs-2/arm64/latest/image_id`,
    ecsSettings: { 'enable-spot-instance-draining': true },
  },
  {
    name: 'Bottlerocket NVIDIA GPU x86_64',
    options: { instanceTypes: [t('g5.xlarge')], machineImage: EcsMachineImage.bottlerocket({ gpu: true }) },
    imageParameter: `${BOTTLEROCKET_PARAMETER}/aws-ecs-2-nvidia/x86_64/latest/image_id`,
    ecsSettings: {},
  },
  {
    name: 'Bottlerocket NVIDIA GPU ARM64 (g5g)',
    options: { instanceTypes: [t('g5g.xlarge')], machineImage: EcsMachineImage.bottlerocket({ gpu: true }) },
    imageParameter: `${BOTTLEROCKET_PARAMETER}/aws-ecs-2-nvidia/arm64/latest/image_id`,
    ecsSettings: {},
  },
];

/** The user data of a cluster with one EC2 capacity group, in a stack named like a real one. */
function userDataFor(options: Ec2CapacityOptions, clusterName?: string): ResolvedUserData {
  const stack = new Stack(undefined, 'ShopBatch');
  new EcsCluster(stack, 'Cluster', { clusterName, ec2Capacity: options });
  return onlyUserData(stack);
}

const synthesized = new Map<Variant, ResolvedUserData>();
/** Each variant's user data, synthesized once. */
function userDataOf(variant: Variant): ResolvedUserData {
  if (!synthesized.has(variant)) synthesized.set(variant, userDataFor(variant.options));
  return synthesized.get(variant)!;
}

/** Names ECS accepts for a cluster, which the kit's clusterName allows: what the cluster's Ref can resolve to. */
const clusterNames = fc.stringMatching(/^[A-Za-z0-9_-]{1,255}$/);

describe('EcsCluster user data on Amazon Linux 2023: what bash does with it', () => {
  test.each(SHELL_VARIANTS)('$name: a bash script for the ECS-optimized image it runs on', variant => {
    // GIVEN / WHEN
    const userData = userDataOf(variant);
    // THEN
    expect(userData.imageParameter).toBe(variant.imageParameter);
    expect(userData.text.split('\n')[0]).toBe('#!/bin/bash');
    expect(userData.clusterName).toBe(generatedClusterName('ShopBatch', 'ClusterC2E21B66'));
  });

  test.each(SHELL_VARIANTS)('$name: bash registers the instance with the cluster and writes the agent settings', variant => {
    // GIVEN
    const userData = userDataOf(variant);
    // WHEN
    const run = runInSandbox(userData.text);
    // THEN: the script succeeds quietly and writes the agent's config file only
    expect(run).toMatchObject({ status: 0, stdout: '', stderr: '', files: ['etc/ecs/ecs.config'] });
    // ECS_CLUSTER comes first and once (a second one, later in the file, would win)
    const lines = run.ecsConfig!.split('\n');
    expect(lines[0]).toBe(`ECS_CLUSTER=${userData.clusterName}`);
    expect(lines.filter(line => line.startsWith('ECS_CLUSTER='))).toHaveLength(1);
    // and the agent reads exactly the cluster's name and the settings the options imply
    expect(readAgentConfig(run.ecsConfig!)).toEqual({ ECS_CLUSTER: userData.clusterName, ...variant.agentConfig });
  });

  test('the agent reads every hostile agent setting value back verbatim', () => {
    // GIVEN
    const settings = Object.fromEntries(HOSTILE_AGENT_SETTING_VALUES.map((value, i) => [`ECS_TEST_${i}`, value]));
    const userData = userDataFor({ agentSettings: settings });
    // WHEN
    const run = runInSandbox(userData.text);
    // THEN: what ecs-init hands the agent is what was given, and nothing else ran
    expect(run).toMatchObject({ status: 0, stdout: '', stderr: '', files: ['etc/ecs/ecs.config'] });
    expect(readAgentConfig(run.ecsConfig!)).toEqual({ ECS_CLUSTER: userData.clusterName, ECS_AWSVPC_BLOCK_IMDS: 'true', ...settings });
  });

  test('a cluster named by clusterName registers its instances under that name', () => {
    // GIVEN / WHEN: the launch template refers to the cluster, whose Ref is the name given
    const userData = userDataFor({}, 'shop_prod-2');
    // THEN
    expect(userData.clusterName).toBe('shop_prod-2');
    expect(readAgentConfig(runInSandbox(userData.text).ecsConfig!)).toMatchObject({ ECS_CLUSTER: 'shop_prod-2' });
  });

  test('every name the cluster can have reaches ECS_CLUSTER unchanged (property)', () => {
    // GIVEN: one synthesized template, its Ref resolved to each name ECS accepts
    const userData = userDataFor({});
    const template = userData.text.split(userData.clusterName);
    expect(template).toHaveLength(2);
    fc.assert(fc.property(clusterNames, name => {
      // WHEN
      const run = runInSandbox(template.join(name));
      // THEN
      expect(run).toMatchObject({ status: 0, stderr: '' });
      expect(readAgentConfig(run.ecsConfig!).ECS_CLUSTER).toBe(name);
    }), { numRuns: 25 });
  });
});

const SHELLCHECK_VERSION = shellcheckVersion();
const IN_CI = process.env.CI === 'true';
if (!SHELLCHECK_VERSION && !IN_CI) {
  // eslint-disable-next-line no-console
  console.warn('SKIPPED: shellcheck is not installed, so the user data scripts are not linted. ' +
    'Install it (apt-get install shellcheck, brew install shellcheck) to run these checks; CI (.ci/run) installs it.');
}

// No shellcheck code is excluded, and every optional check is on: the scripts are a few
// fixed lines, and a finding in them would be a real defect. Outside CI a missing shellcheck
// skips these tests loudly (the describe name and a warning say so); in CI it fails them.
(SHELLCHECK_VERSION || IN_CI ? describe : describe.skip)(
  SHELLCHECK_VERSION
    ? `EcsCluster user data passes shellcheck ${SHELLCHECK_VERSION}`
    : IN_CI
      ? 'EcsCluster user data passes shellcheck (NOT INSTALLED: CI must install it, see .ci/run)'
      : 'SKIPPED: shellcheck not installed — EcsCluster user data passes shellcheck',
  () => {
    test('shellcheck is installed', () => {
      expect(SHELLCHECK_VERSION).toBeDefined();
    });

    test.each(SHELL_VARIANTS)('$name: no findings, with every optional check and no exclusions', variant => {
      expect(shellcheck(userDataOf(variant).text)).toEqual([]);
    });

    test('no findings with every hostile agent setting value (they stay inside the quoted heredoc)', () => {
      // GIVEN
      const settings = Object.fromEntries(HOSTILE_AGENT_SETTING_VALUES.map((value, i) => [`ECS_TEST_${i}`, value]));
      // WHEN / THEN
      expect(shellcheck(userDataFor({ agentSettings: settings }).text)).toEqual([]);
    });

    test('reports what it finds (control: the checks above can fail)', () => {
      // GIVEN: the kind of line the kit must never write, an unquoted expansion of a value
      const script = '#!/bin/bash\necho ECS_CLUSTER=$1 >> /etc/ecs/ecs.config\n';
      // WHEN / THEN
      expect(shellcheck(script)).toEqual([expect.stringMatching(/^2:\d+: .*\[SC2086\]$/)]);
    });
  },
);

describe('EcsCluster user data on Bottlerocket: TOML settings', () => {
  test.each(BOTTLEROCKET_VARIANTS)('$name: [settings.ecs] names the cluster, plus the settings the options imply', variant => {
    // GIVEN / WHEN
    const userData = userDataOf(variant);
    // THEN: the image is the Bottlerocket ECS variant, and the settings parse to exactly these keys
    expect(userData.imageParameter).toBe(variant.imageParameter);
    expect(userData.clusterName).toBe(generatedClusterName('ShopBatch', 'ClusterC2E21B66'));
    expect(parseToml(userData.text)).toEqual({ settings: { ecs: { cluster: userData.clusterName, ...variant.ecsSettings } } });
  });

  test('every name the cluster can have parses back from the TOML unchanged (property)', () => {
    // GIVEN: one synthesized template, its Ref resolved to each name ECS accepts
    const userData = userDataOf(BOTTLEROCKET_VARIANTS[1]);
    const template = userData.text.split(userData.clusterName);
    expect(template).toHaveLength(2);
    fc.assert(fc.property(clusterNames, name => {
      // WHEN / THEN
      expect(parseToml(template.join(name))).toEqual({ settings: { ecs: { 'cluster': name, 'enable-spot-instance-draining': true } } });
    }), { numRuns: 100 });
  });
});
