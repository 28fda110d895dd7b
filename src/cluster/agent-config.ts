import { PropValidator, isUnresolved, renderedAs } from '../core/validation';

/**
 * The ECS agent configuration of Amazon Linux container instances, written to
 * `/etc/ecs/ecs.config` by the instances' user data (a bash script run as root
 * at first boot).
 *
 * Values never pass through a shell: every line goes into one quoted heredoc
 * (`<<'TERMINATOR'`), in which bash expands nothing — no `$`, backticks, `;`,
 * `|`, quotes or backslashes have a meaning there. What could still escape it
 * is a line break (a value would then write lines of its own, and a line equal
 * to the terminator would end the heredoc and run what follows as commands),
 * so values are refused unless they are one line of printable characters, and
 * tokens are refused because their deploy-time value cannot be checked.
 */

/** Ends the heredoc; a config line is always `KEY=value`, so it never equals this word. */
export const AGENT_CONFIG_TERMINATOR = 'CDK_ECS_KIT_AGENT_CONFIG';

/** The file the ECS agent (ecs-init) reads its environment from. */
const AGENT_CONFIG_FILE = '/etc/ecs/ecs.config';

/** Agent setting keys: what the agent reads, and what can never be read as anything else. */
const KEY_PATTERN = /^ECS_[A-Z0-9_]+$/;

/** Control characters (line breaks, NUL, escape, DEL): none may appear in a value. */
const CONTROL_CHARACTER = /[\x00-\x1f\x7f]/;

/**
 * Keys the kit writes itself and that user settings may not override:
 * aws-cdk-lib writes ECS_CLUSTER first; a second ECS_CLUSTER line would register
 * the instances with another cluster, where this cluster's capacity provider
 * never sees them.
 */
const RESERVED_KEYS = ['ECS_CLUSTER'];

/**
 * EC2 refuses user data above 16 KB; aws-cdk-lib's own lines and the heredoc
 * take a few hundred bytes, so the settings keep to this.
 */
const MAX_SETTINGS_BYTES = 15_000;

/**
 * Checks user-given agent settings, reporting every problem to `validator`
 * under `prop` (e.g. `ec2Capacity.agentSettings`).
 */
export function validateAgentSettings(validator: PropValidator, prop: string, settings: { [key: string]: string }): void {
  let bytes = 0;
  for (const [key, value] of Object.entries(settings)) {
    if (isUnresolved(key)) {
      validator.report(prop, renderedAs('a token'), 'Agent setting keys cannot be tokens: they are written into the instances\' user data at synth time. Use a literal key, e.g. ECS_IMAGE_PULL_BEHAVIOR.');
      continue;
    }
    if (!KEY_PATTERN.test(key)) {
      validator.report(prop, key, 'Agent setting keys are ECS_ followed by uppercase letters, digits and underscores, e.g. ECS_ENABLE_TASK_IAM_ROLE.');
      continue;
    }
    if (RESERVED_KEYS.includes(key)) {
      validator.report(`${prop}.${key}`, value,
        'The kit registers the instances with this cluster itself; another ECS_CLUSTER would move them to a cluster whose capacity provider never sees them. Remove the setting.');
      continue;
    }
    if (typeof value !== 'string') {
      validator.report(`${prop}.${key}`, value, 'Agent setting values are strings, e.g. "true" or "prefer-cached".');
      continue;
    }
    if (isUnresolved(value)) {
      validator.report(`${prop}.${key}`, renderedAs('a token'),
        'Agent setting values cannot be tokens: they are written into the instances\' user data, which runs as root, and a deploy-time value ' +
        'cannot be checked for line breaks. Use a literal value.');
      continue;
    }
    const line = `${key}=${value}`;
    if (CONTROL_CHARACTER.test(value) || line === AGENT_CONFIG_TERMINATOR) {
      validator.report(`${prop}.${key}`, value,
        'Values are written as one line of /etc/ecs/ecs.config: no line breaks, tabs or other control characters. ' +
        'Write JSON values on one line, e.g. {"team":"shop"}.');
      continue;
    }
    if (value !== value.trim()) {
      // ecs-init trims each line of ecs.config before the agent sees it: the spaces would be lost silently.
      validator.report(`${prop}.${key}`, value,
        'The ECS agent reads values with leading and trailing spaces removed: remove them (e.g. "debug", not "debug  ").');
      continue;
    }
    bytes += Buffer.byteLength(line, 'utf-8') + 1;
  }
  if (bytes > MAX_SETTINGS_BYTES) {
    validator.report(prop, `${bytes} bytes`,
      `EC2 user data is limited to 16 KB: keep the agent settings under ${MAX_SETTINGS_BYTES} bytes, or ship a larger configuration some other way (e.g. ECS_AGENT_CONFIG_FILE_PATH).`);
  }
}

/**
 * The user data lines that append `settings` to the agent configuration. The
 * settings must have been validated with `validateAgentSettings` (the kit's
 * own settings are literals).
 */
export function agentConfigUserData(settings: { [key: string]: string }): string[] {
  const lines = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
  if (lines.length === 0) return [];
  for (const line of lines) {
    // Unreachable after validation; kept so that no caller can ever write an unsafe line.
    if (CONTROL_CHARACTER.test(line) || line === AGENT_CONFIG_TERMINATOR || isUnresolved(line)) {
      throw new Error(`cdk-ecs-kit: refusing to write an unvalidated agent setting into user data: ${JSON.stringify(line)}`);
    }
  }
  return [
    `cat >> ${AGENT_CONFIG_FILE} <<'${AGENT_CONFIG_TERMINATOR}'`,
    ...lines,
    AGENT_CONFIG_TERMINATOR,
  ];
}
