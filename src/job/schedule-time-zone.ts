import { TimeZone, Token } from 'aws-cdk-lib';
import { CronMatcher, WallClockMinute } from './cron-expression';

/**
 * Time zones of EventBridge Scheduler schedules: which names Scheduler takes
 * (IANA tz database names), and the daylight-saving transitions that make a
 * run of a cron schedule disappear (a gap) or fall twice (an overlap).
 *
 * Everything is computed with the JavaScript runtime's `Intl` (its ICU copy of
 * the tz database): no dependency, no network.
 */

/** How many years ahead, from the current one, daylight-saving transitions are looked for. */
const YEARS_AHEAD = 5;

let knownNames: Set<string> | undefined;

/**
 * Names Scheduler is known to take: aws-cdk-lib's `TimeZone` constants, the
 * runtime's canonical zones, `UTC` and the `Etc/` zones. `Factory` (tzdb's
 * "unknown zone" placeholder) is left out.
 */
function knownTimeZoneNames(): Set<string> {
  if (!knownNames) {
    const cdkNames = Object.getOwnPropertyNames(TimeZone)
      .map(key => (TimeZone as unknown as Record<string, unknown>)[key])
      .filter((value): value is TimeZone => value instanceof TimeZone)
      .map(zone => zone.timezoneName);
    const intlNames = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    const etc = ['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', ...Array.from({ length: 12 }, (_, i) => `Etc/GMT+${i + 1}`),
      ...Array.from({ length: 14 }, (_, i) => `Etc/GMT-${i + 1}`)];
    knownNames = new Set([...cdkNames, ...intlNames, ...etc].filter(name => name !== 'Factory'));
  }
  return knownNames;
}

/** The runtime's canonical name of a zone, or undefined when the runtime does not know it. */
function resolvedName(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** `GMT+2`, `UTC-05:30`, `+02:00`: a UTC offset written as a time zone. */
const OFFSET_PATTERN = /^(?:GMT|UTC|UT)?\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$/i;

/**
 * Whether EventBridge Scheduler takes `name` as `ScheduleExpressionTimezone`:
 * an IANA tz database name, spelled as the database does (Scheduler is
 * case-sensitive; `Intl` is not, and some runtimes' `Intl` also takes UTC
 * offsets such as `+02:00`, which Scheduler refuses).
 */
export function timeZoneProblems(zone: TimeZone | undefined): string[] {
  if (zone === undefined || Token.isUnresolved(zone.timezoneName)) return [];
  const name = zone.timezoneName;
  if (knownTimeZoneNames().has(name)) return [];
  const offset = OFFSET_PATTERN.exec(name.trim());
  if (offset) {
    const [, sign, hours, minutes] = offset;
    const fixed = Number(hours) === 0 && Number(minutes ?? 0) === 0 ? 'UTC'
      : Number(minutes ?? 0) === 0 && Number(hours) <= (sign === '+' ? 14 : 12) ? `Etc/GMT${sign === '+' ? '-' : '+'}${Number(hours)}` : undefined;
    return [`The time zone "${name}" is a UTC offset; EventBridge Scheduler takes IANA time zone names: use the zone of a place, e.g. ` +
      'TimeZone.EUROPE_PARIS ("Europe/Paris", which follows daylight saving time)' +
      (fixed ? `, or TimeZone.of('${fixed}') for a fixed offset of UTC${sign}${Number(hours)}` +
        (fixed.startsWith('Etc/') ? ' (the sign of Etc/ zones is inverted: Etc/GMT-2 is two hours ahead of UTC)' : '') : '') + '.'];
  }
  const canonical = resolvedName(name);
  // An alias of the tz database (US/Pacific, Asia/Calcutta…), spelled with the database's capitals.
  const spelledLikeTzdb = name.split('/').every(part => /^[A-Z]/.test(part) && !/^[A-Z]{7,}$/.test(part.replace(/[-_]/g, '')));
  if (canonical !== undefined && spelledLikeTzdb && canonical.toLowerCase() !== name.toLowerCase()) return [];
  const suggestion = canonical !== undefined ? ` (did you mean "${canonical}"? Time zone names are case-sensitive)` : '';
  return [`The time zone "${name}" is not an IANA time zone name${suggestion}: use one of the TimeZone constants, e.g. TimeZone.EUROPE_PARIS, ` +
    'TimeZone.AMERICA_NEW_YORK or TimeZone.ETC_UTC, or TimeZone.of(\'Area/City\') with a name of the tz database.'];
}

/** A daylight-saving transition: the offset from UTC changes at `instant`. */
interface Transition {
  /** UTC milliseconds of the change. */
  readonly instant: number;
  /** Offsets from UTC in minutes before and after. */
  readonly before: number;
  readonly after: number;
}

const transitionsCache = new Map<string, Transition[]>();

function offsetFunction(timeZone: string): (instant: number) => number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
  });
  return instant => {
    const parts: Record<string, number> = {};
    for (const part of format.formatToParts(instant)) parts[part.type] = Number(part.value);
    const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour % 24, parts.minute);
    return Math.round((wall - Math.floor(instant / 60_000) * 60_000) / 60_000);
  };
}

/** The zone's offset changes in the years [fromYear, toYear), to the minute. */
function transitions(timeZone: string, fromYear: number, toYear: number): Transition[] {
  const key = `${timeZone} ${fromYear} ${toYear}`;
  const cached = transitionsCache.get(key);
  if (cached) return cached;
  const offsetAt = offsetFunction(timeZone);
  const step = 12 * 3_600_000;
  const found: Transition[] = [];
  const end = Date.UTC(toYear, 0, 1);
  let t = Date.UTC(fromYear, 0, 1);
  let offset = offsetAt(t);
  for (; t < end; t += step) {
    const next = offsetAt(t + step);
    if (next === offset) continue;
    // Binary search for the first minute with the new offset.
    let [lo, hi] = [t, t + step];
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (offsetAt(mid) === offset) lo = mid; else hi = mid;
    }
    found.push({ instant: hi, before: offset, after: next });
    offset = next;
  }
  transitionsCache.set(key, found);
  return found;
}

/** One run of a schedule that a daylight-saving transition removes or doubles. */
export interface DaylightSavingConflict {
  /** `gap`: the local time does not exist that day; `overlap`: it happens twice. */
  readonly kind: 'gap' | 'overlap';
  /** The local date and time of the run, `yyyy-mm-dd hh:mm`. */
  readonly localTime: string;
  /** The local wall-clock time the clocks jump from, `hh:mm`. */
  readonly from: string;
  /** The local wall-clock time the clocks jump to, `hh:mm`. */
  readonly to: string;
}

function wallClock(wallMs: number): WallClockMinute {
  const date = new Date(wallMs);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + 1;
  return {
    year,
    month,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    weekDay: date.getUTCDay() + 1,
    daysInMonth: new Date(Date.UTC(year, month, 0)).getUTCDate(),
  };
}

const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (wallMs: number) => { const d = new Date(wallMs); return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`; };
const dateTime = (wallMs: number) => new Date(wallMs).toISOString().slice(0, 16).replace('T', ' ');

/**
 * The first run in the coming years that falls in a gap, and the first that
 * falls in an overlap, of the zone's daylight-saving transitions. Cron
 * schedules that run every hour are left out: losing or doubling one of 24
 * hourly runs is what an hourly schedule in a local time zone means.
 */
export function daylightSavingConflicts(expression: string, zone: TimeZone | undefined, now = new Date()): DaylightSavingConflict[] {
  if (zone === undefined || Token.isUnresolved(zone.timezoneName) || timeZoneProblems(zone).length > 0) return [];
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):\d{2}\)$/.exec(expression);
  let runsAt: (t: WallClockMinute) => boolean;
  let years: [number, number];
  if (at) {
    const [year, month, day, hour, minute] = at.slice(1).map(Number);
    runsAt = t => t.year === year && t.month === month && t.day === day && t.hour === hour && t.minute === minute;
    years = [year, year + 1];
  } else {
    const cron = CronMatcher.of(expression);
    if (!cron || cron.hours.length === 24) return [];
    runsAt = t => cron.matches(t);
    years = [now.getUTCFullYear(), now.getUTCFullYear() + YEARS_AHEAD];
  }

  const conflicts: DaylightSavingConflict[] = [];
  for (const transition of transitions(zone.timezoneName, years[0], years[1])) {
    const kind = transition.after > transition.before ? 'gap' : 'overlap';
    if (conflicts.some(c => c.kind === kind)) continue;
    // Wall-clock times (as UTC milliseconds) that do not exist (gap) or happen twice (overlap).
    const from = transition.instant + Math.min(transition.before, transition.after) * 60_000;
    const to = transition.instant + Math.max(transition.before, transition.after) * 60_000;
    for (let wall = from; wall < to; wall += 60_000) {
      if (runsAt(wallClock(wall))) {
        conflicts.push({
          kind,
          localTime: dateTime(wall),
          from: hhmm(transition.instant + transition.before * 60_000),
          to: hhmm(transition.instant + transition.after * 60_000),
        });
        break;
      }
    }
  }
  return conflicts;
}
