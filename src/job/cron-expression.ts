import { Token } from 'aws-cdk-lib';

/**
 * EventBridge Scheduler's schedule expressions, read the way Scheduler reads
 * them: the syntax checks of `cron(...)`, `rate(...)` and `at(...)`, and a
 * matcher that tells whether a cron expression runs at a given wall-clock
 * minute (used to find runs that fall in daylight-saving gaps).
 *
 * Parts that are unresolved tokens are skipped: they are only known at deploy time.
 */

/** Scheduler's limit on `ScheduleExpression`. */
const MAX_EXPRESSION_LENGTH = 256;

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEK_DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const WEEK_DAY_NAME = '(?:SUN|MON|TUE|WED|THU|FRI|SAT)';

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: string[];
  /** Single items the field accepts besides values, ranges and increments (never inside a list). */
  readonly special?: RegExp;
}

/** The six fields, in order: minute hour day month weekDay year. */
const CRON_FIELDS: CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31, special: /^(L|LW|L-([1-9]|[12]\d|30)|([1-9]|[12]\d|3[01])W)$/ },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'weekDay', min: 1, max: 7, names: WEEK_DAYS, special: new RegExp(`^(L|[1-7]L|[1-7]#[1-5]|${WEEK_DAY_NAME}(L|#[1-5]))$`, 'i') },
  { name: 'year', min: 1970, max: 2199 },
];

/** One sentence per problem EventBridge Scheduler would refuse the expression for; empty when it is valid. */
export function scheduleExpressionProblems(expression: string): string[] {
  // A whole expression from a parameter: nothing to read before deploy time.
  if (Token.isUnresolved(expression) && /^\$\{Token\[[^\]]*\]\}$/.test(expression.trim())) return [];
  if (Token.isUnresolved(expression) && !/^(cron|rate|at)\(/.test(expression)) return [];
  const problems: string[] = [];
  if (!Token.isUnresolved(expression) && expression.length > MAX_EXPRESSION_LENGTH) {
    problems.push(`A schedule expression has at most ${MAX_EXPRESSION_LENGTH} characters (got ${expression.length}).`);
  }
  const cron = /^cron\((.*)\)$/s.exec(expression);
  if (cron) return [...problems, ...cronProblems(cron[1])];
  const rate = /^rate\((.*)\)$/s.exec(expression);
  if (rate) return [...problems, ...rateProblems(rate[1])];
  const at = /^at\((.*)\)$/s.exec(expression);
  if (at) return [...problems, ...atProblems(at[1])];
  return ['Use a cron expression with 6 fields ("cron(0 2 * * ? *)"), a rate ("rate(6 hours)") or a one-time "at(2030-01-31T02:00:00)"; ' +
    'JobSchedule.cron() and JobSchedule.rate() write them for you.'];
}

function atProblems(body: string): string[] {
  if (Token.isUnresolved(body)) return [];
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  const [year, month, day, hour, minute, second] = (match ?? []).slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const valid = match !== null && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    && hour <= 23 && minute <= 59 && second <= 59;
  return valid ? [] : [`A one-time schedule is at(yyyy-mm-ddThh:mm:ss) with a date that exists, e.g. "at(2030-01-31T02:00:00)" (got "at(${body})").`];
}

function rateProblems(body: string): string[] {
  const match = /^(\S+) (\S+)$/.exec(body);
  if (!match) {
    return ['A rate is a whole number and a unit separated by one space, e.g. "rate(5 minutes)" or "rate(1 day)".'];
  }
  const [, value, unit] = match;
  const problems: string[] = [];
  const units = ['minute', 'minutes', 'hour', 'hours', 'day', 'days'];
  const valueKnown = !Token.isUnresolved(value);
  if (valueKnown && !/^[1-9]\d*$/.test(value)) {
    problems.push(`The rate value must be a positive whole number (got "${value}"): use whole minutes, e.g. JobSchedule.rate(Duration.minutes(5)).`);
  }
  if (Token.isUnresolved(unit)) return problems;
  if (!units.includes(unit)) {
    problems.push(`The rate unit must be minute(s), hour(s) or day(s) (got "${unit}").`);
  } else if (valueKnown && /^[1-9]\d*$/.test(value)) {
    const singular = !unit.endsWith('s');
    if (value === '1' && !singular) problems.push(`A rate of 1 takes the singular unit: "rate(1 ${unit.slice(0, -1)})".`);
    if (value !== '1' && singular) problems.push(`A rate above 1 takes the plural unit: "rate(${value} ${unit}s)".`);
  }
  return problems;
}

/** The six fields of a cron body, or undefined when there are not six. */
function splitCron(body: string): string[] | undefined {
  const fields = body.trim().split(/\s+/);
  return fields.length === 6 && body.trim() !== '' ? fields : undefined;
}

function cronProblems(body: string): string[] {
  const fields = splitCron(body);
  if (!fields) {
    return [`A cron expression has 6 fields — minute hour day month weekDay year — (got ${body.trim() === '' ? 0 : body.trim().split(/\s+/).length}), ` +
      'e.g. "cron(0 2 * * ? *)" for 02:00 every day.'];
  }
  const problems: string[] = [];
  fields.forEach((value, i) => {
    if (Token.isUnresolved(value)) return;
    if (!cronFieldIsValid(CRON_FIELDS[i], value, i === 2 || i === 4)) {
      const field = CRON_FIELDS[i];
      problems.push(`The ${field.name} field "${value}" is not valid: use values ${field.min}–${field.max}` +
        (field.names ? ` or ${field.names[0]}–${field.names[field.names.length - 1]}` : '') +
        ', lists (a,b), ranges (a-b), increments (a/n) or *' +
        (i === 2 ? ', or one of L, LW, L-n, nW' : i === 4 ? ', or one of L, nL, n#k' : '') +
        (i === 2 || i === 4 ? ', or ?' : '') + '.');
    }
  });
  const [day, weekDay] = [fields[2], fields[4]];
  if (!Token.isUnresolved(day) && !Token.isUnresolved(weekDay) && (day === '?') === (weekDay === '?')) {
    problems.push(`Exactly one of the day (got "${day}") and weekDay (got "${weekDay}") fields must be "?": ` +
      'e.g. "cron(0 2 * * ? *)" for every day or "cron(0 2 ? * MON-FRI *)" for weekdays.');
  }
  return problems;
}

function cronFieldIsValid(field: CronField, value: string, allowsQuestionMark: boolean): boolean {
  if (value === '?') return allowsQuestionMark;
  if (field.special?.test(value)) return true;
  return value.split(',').every(item => parseItem(field, item) !== undefined);
}

/** A value, range or increment of a field: `*`, `5`, `MON`, `1-5`, `0/15`, `*\/15`, `1-30/2`. */
interface CronItem {
  readonly from: number;
  readonly to: number;
  readonly step: number;
}

function parseItem(field: CronField, item: string): CronItem | undefined {
  const match = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
  if (!match) return undefined;
  const [, base, increment] = match;
  const step = increment === undefined ? 1 : Number(increment);
  if (!(step >= 1 && step <= field.max)) return undefined;
  if (base === '*') return { from: field.min, to: field.max, step };
  const valueOf = (s: string): number | undefined => {
    const n = /^\d+$/.test(s) ? Number(s) : (field.names?.indexOf(s.toUpperCase()) ?? -1) >= 0 ? field.names!.indexOf(s.toUpperCase()) + field.min : undefined;
    return n !== undefined && n >= field.min && n <= field.max ? n : undefined;
  };
  const [fromText, toText] = base.split('-');
  const from = valueOf(fromText);
  const to = toText === undefined ? (increment === undefined ? from : field.max) : valueOf(toText);
  return from === undefined || to === undefined ? undefined : { from, to, step };
}

function itemMatches(item: CronItem, value: number, field: CronField): boolean {
  if (item.from <= item.to) return value >= item.from && value <= item.to && (value - item.from) % item.step === 0;
  // A range that wraps around (22-2, FRI-MON): every value from `from` to the end, then from the start to `to`.
  const span = field.max - field.min + 1;
  const offset = (value - item.from + span) % span;
  return (value >= item.from || value <= item.to) && offset % item.step === 0;
}

/** A wall-clock minute, as the cron fields see it (weekDay 1 = Sunday … 7 = Saturday). */
export interface WallClockMinute {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly weekDay: number;
  /** Days in this month. */
  readonly daysInMonth: number;
}

/** A parsed cron expression whose literal fields can be matched against wall-clock minutes. */
export class CronMatcher {
  /**
   * The matcher of a cron expression, or undefined when it is not a valid
   * `cron(...)` or has unresolved tokens in any field.
   */
  public static of(expression: string): CronMatcher | undefined {
    if (Token.isUnresolved(expression)) return undefined;
    const body = /^cron\((.*)\)$/s.exec(expression);
    const fields = body ? splitCron(body[1]) : undefined;
    if (!fields || cronProblems(body![1]).length > 0) return undefined;
    return new CronMatcher(fields);
  }

  private constructor(public readonly fields: string[]) {}

  /** The hours (0–23) the expression can run in. */
  public get hours(): number[] {
    return Array.from({ length: 24 }, (_, h) => h).filter(h => this.fieldMatches(1, h));
  }

  /** Whether the expression runs at this wall-clock minute. */
  public matches(t: WallClockMinute): boolean {
    return this.fieldMatches(0, t.minute) && this.fieldMatches(1, t.hour) && this.fieldMatches(3, t.month)
      && this.fieldMatches(5, t.year) && this.dayMatches(t) && this.weekDayMatches(t);
  }

  private fieldMatches(index: number, value: number): boolean {
    const field = CRON_FIELDS[index];
    return this.fields[index].split(',').some(text => {
      const item = parseItem(field, text);
      return item !== undefined && itemMatches(item, value, field);
    });
  }

  private dayMatches(t: WallClockMinute): boolean {
    const text = this.fields[2];
    if (text === '?') return true;
    if (text === 'L') return t.day === t.daysInMonth;
    if (text === 'LW') return t.day === nearestWeekday(t, t.daysInMonth);
    const fromLast = /^L-(\d+)$/.exec(text);
    if (fromLast) return t.day === t.daysInMonth - Number(fromLast[1]);
    const weekdayNear = /^(\d+)W$/.exec(text);
    if (weekdayNear) return t.day === nearestWeekday(t, Math.min(Number(weekdayNear[1]), t.daysInMonth));
    return this.fieldMatches(2, t.day);
  }

  private weekDayMatches(t: WallClockMinute): boolean {
    const text = this.fields[4].toUpperCase();
    if (text === '?') return true;
    if (text === 'L') return t.weekDay === 7;
    const dayOf = (s: string) => (/^\d$/.test(s) ? Number(s) : WEEK_DAYS.indexOf(s) + 1);
    const last = new RegExp(`^([1-7]|${WEEK_DAY_NAME})L$`).exec(text);
    if (last) return t.weekDay === dayOf(last[1]) && t.day + 7 > t.daysInMonth;
    const nth = new RegExp(`^([1-7]|${WEEK_DAY_NAME})#([1-5])$`).exec(text);
    if (nth) return t.weekDay === dayOf(nth[1]) && Math.ceil(t.day / 7) === Number(nth[2]);
    return this.fieldMatches(4, t.weekDay);
  }
}

/** The weekday (Monday–Friday) of the month nearest to `target`, without leaving the month. */
function nearestWeekday(t: WallClockMinute, target: number): number {
  const weekDayOf = (day: number) => ((t.weekDay - 1 + (day - t.day)) % 7 + 7) % 7; // 0 = Sunday
  const w = weekDayOf(target);
  if (w === 6) return target === 1 ? 3 : target - 1; // Saturday: Friday before, or Monday after the 1st
  if (w === 0) return target === t.daysInMonth ? target - 2 : target + 1; // Sunday: Monday after, or Friday before the last day
  return target;
}
