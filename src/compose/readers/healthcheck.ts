/** Reads `healthcheck` into an ECS container health check. */
import type { ComposeHealthCheck } from '../model';
import { isMapping, parseDuration } from '../values';
import { ComposeReader, ServiceContext } from './reader';

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
  const seconds = (key: string, min: number, max: number, fallback: number | undefined): number | undefined => {
    const raw = value[key];
    if (raw === undefined || raw === null) return fallback;
    const ms = parseDuration(raw);
    const s = ms === undefined ? undefined : Math.ceil(ms / 1000);
    if (s === undefined || s < min || s > max) {
      reader.problem(`${hcPath}.${key}`, raw, `ECS health checks accept a ${key} from ${min} to ${max} seconds, as a Compose duration ("30s", "1m").`);
      return fallback;
    }
    return s;
  };
  let retries = 3;
  if (value.retries !== undefined && value.retries !== null) {
    const n = Number(value.retries);
    if (Number.isInteger(n) && n >= 1 && n <= 10) retries = n;
    else reader.problem(`${hcPath}.retries`, value.retries, 'ECS health checks accept 1 to 10 retries.');
  }
  const httpMatch = /https?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::\d+)?(\/[^\s'"|;&]*)?/.exec(command.slice(1).join(' '));
  const intervalSeconds = seconds('interval', 5, 300, 30)!;
  // Compose's default timeout is 30 s; ECS wants it shorter than the interval.
  const timeoutSeconds = seconds('timeout', 2, 120, Math.min(30, intervalSeconds - 1))!;
  if (timeoutSeconds >= intervalSeconds && value.timeout !== undefined && value.timeout !== null) {
    reader.problem(`${hcPath}.timeout`, value.timeout, `ECS health checks need a timeout shorter than the interval (${intervalSeconds} s).`);
  }
  return {
    command,
    intervalSeconds,
    timeoutSeconds,
    retries,
    startPeriodSeconds: seconds('start_period', 0, 300, undefined),
    httpPath: httpMatch ? httpMatch[1] || '/' : undefined,
  };
}
