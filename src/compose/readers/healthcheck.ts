/**
 * Reads `healthcheck` into an ECS container health check. Values Compose
 * accepts but ECS does not (`interval: 3s`, a timeout as long as the interval,
 * 20 retries) are moved into ECS's ranges with one warning per service.
 */
import type { ComposeHealthCheck } from '../model';
import { isMapping, parseDuration } from '../values';
import { ComposeReader, ServiceContext } from './reader';

/** ECS's ranges (CloudFormation `AWS::ECS::TaskDefinition HealthCheck`, checked by aws-cdk-lib too), in seconds. */
export const HEALTH_CHECK_LIMITS = {
  interval: { min: 5, max: 300 },
  timeout: { min: 2, max: 120 },
  retries: { min: 1, max: 10 },
  startPeriod: { min: 0, max: 300 },
} as const;

/** Docker's defaults, which Compose uses for a key it does not set (and for `0s`). */
const DOCKER_INTERVAL_SECONDS = 30;
const DOCKER_TIMEOUT_SECONDS = 30;
const DOCKER_RETRIES = 3;

export function readHealthCheck(reader: ComposeReader, ctx: ServiceContext, value: unknown): ComposeHealthCheck | undefined {
  if (value === undefined || value === null) return undefined;
  const hcPath = `${ctx.base}.healthcheck`;
  if (!isMapping(value)) {
    reader.problem(hcPath, value, 'Give `healthcheck` as a mapping with test, interval, timeout, retries and start_period.');
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (!['test', 'interval', 'timeout', 'retries', 'start_period', 'disable'].includes(key)) reader.ignore(ctx, `healthcheck.${key}`, `${hcPath}.${key}`);
  }
  if (value.disable === true) return undefined;
  let command: string[] | undefined;
  if (typeof value.test === 'string') {
    command = ['CMD-SHELL', value.test];
  } else if (Array.isArray(value.test) && value.test.length > 0 && value.test.every(v => typeof v === 'string')) {
    const [kind, ...rest] = value.test as string[];
    if (kind === 'NONE') return undefined;
    if ((kind === 'CMD' || kind === 'CMD-SHELL') && rest.length > 0) command = [kind, ...rest];
  }
  if (command === undefined) {
    reader.problem(`${hcPath}.test`, value.test ?? null,
      'Give `test` as a shell command string, ["CMD", "executable", "arg"...], ["CMD-SHELL", "command"] or ["NONE"].');
    return undefined;
  }
  const adjustments: string[] = [];
  const clamp = (label: string, given: number, min: number, max: number, unit: string): number => {
    const clamped = Math.min(max, Math.max(min, given));
    if (clamped !== given) adjustments.push(`${label} ${given}${unit} -> ${clamped}${unit} (ECS accepts ${min} to ${max})`);
    return clamped;
  };
  /** Whole seconds (rounded up) of a duration key; `undefined` when absent or `0s` (Docker's default then), `null` when it does not parse. */
  const seconds = (key: string): number | undefined | null => {
    const raw = value[key];
    if (raw === undefined || raw === null) return undefined;
    const ms = parseDuration(raw);
    if (ms === undefined) {
      reader.problem(`${hcPath}.${key}`, raw, `Give the ${key} as a Compose duration, e.g. "30s" or "1m30s".`);
      return null;
    }
    return Math.ceil(ms / 1000);
  };

  const givenInterval = seconds('interval');
  const intervalSeconds = givenInterval ? clamp('interval', givenInterval, HEALTH_CHECK_LIMITS.interval.min, HEALTH_CHECK_LIMITS.interval.max, 's')
    : DOCKER_INTERVAL_SECONDS;
  const givenTimeout = seconds('timeout');
  let timeoutSeconds: number;
  if (givenTimeout) {
    timeoutSeconds = clamp('timeout', givenTimeout, HEALTH_CHECK_LIMITS.timeout.min, HEALTH_CHECK_LIMITS.timeout.max, 's');
    if (timeoutSeconds >= intervalSeconds) {
      // Docker stops waiting for the check at the next interval; ECS wants the timeout shorter than the interval.
      adjustments.push(`timeout ${timeoutSeconds}s -> ${intervalSeconds - 1}s (ECS wants it shorter than the interval, ${intervalSeconds}s)`);
      timeoutSeconds = intervalSeconds - 1;
    }
  } else {
    // Compose's default timeout (30 s) is as long as its default interval: one second less, as before, without a warning.
    timeoutSeconds = Math.min(DOCKER_TIMEOUT_SECONDS, intervalSeconds - 1);
  }

  let retries = DOCKER_RETRIES;
  if (value.retries !== undefined && value.retries !== null) {
    const n = Number(value.retries);
    if (!Number.isInteger(n) || n < 0) {
      reader.problem(`${hcPath}.retries`, value.retries, 'Give a whole number of retries, e.g. 3 (ECS accepts 1 to 10 retries).');
    } else if (n > 0) {
      // 0 is Docker's "use the default" (3).
      retries = clamp('retries', n, HEALTH_CHECK_LIMITS.retries.min, HEALTH_CHECK_LIMITS.retries.max, '');
    }
  }
  const givenStart = seconds('start_period');
  const startPeriodSeconds = typeof givenStart === 'number'
    ? clamp('start_period', givenStart, HEALTH_CHECK_LIMITS.startPeriod.min, HEALTH_CHECK_LIMITS.startPeriod.max, 's')
    : undefined;

  if (adjustments.length > 0 && ctx.selected) {
    reader.warn('healthCheckAdjusted', { service: ctx.name },
      `The healthcheck of service "${ctx.name}" (${reader.where(hcPath)}) is moved into ECS's ranges: ${adjustments.join('; ')}. ` +
      'Set these values in the Compose file to silence this warning.');
  }
  const httpMatch = /https?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::\d+)?(\/[^\s'"|;&]*)?/.exec(command.slice(1).join(' '));
  return {
    command,
    intervalSeconds,
    timeoutSeconds,
    retries,
    startPeriodSeconds,
    httpPath: httpMatch ? httpMatch[1] || '/' : undefined,
  };
}
