import { Duration, TimeZone, Token } from 'aws-cdk-lib';

/**
 * When a `JobSchedule.cron` schedule runs. Every field takes EventBridge's cron
 * syntax for that field: a value, a list (`1,15`), a range (`MON-FRI`), an
 * increment (`0/15`) or `*`.
 */
export interface JobCronOptions {
  /**
   * Minute of the hour (0–59).
   *
   * @default '0' - on the hour. (EventBridge's own cron helpers default to `*`,
   * which runs every minute of the chosen hours.)
   */
  readonly minute?: string;

  /**
   * Hour of the day (0–23).
   *
   * @default '*' - every hour
   */
  readonly hour?: string;

  /**
   * Day of the month (1–31, `L` for the last day, `15W` for the weekday nearest the 15th).
   * Cannot be combined with `weekDay`.
   *
   * @default - '*' (every day), or '?' when `weekDay` is given
   */
  readonly day?: string;

  /**
   * Month (1–12 or JAN–DEC).
   *
   * @default '*'
   */
  readonly month?: string;

  /**
   * Day of the week (1–7 or SUN–SAT, `6L` for the last Friday, `2#1` for the first Monday).
   * Cannot be combined with `day`.
   *
   * @default - '?' (any day of the week)
   */
  readonly weekDay?: string;

  /**
   * Year (1970–2199).
   *
   * @default '*'
   */
  readonly year?: string;

  /**
   * Time zone the schedule is evaluated in (daylight saving time included).
   *
   * @default TimeZone.ETC_UTC
   */
  readonly timeZone?: TimeZone;
}

/**
 * When an `Ec2BatchJob` runs on its own: an EventBridge Scheduler expression
 * (cron, rate or a one-time `at`) with an optional time zone.
 *
 * Expressions that EventBridge Scheduler would reject are reported when the
 * schedule is given to an `Ec2BatchJob`, with the job's construct path.
 *
 * @example
 * import { TimeZone } from 'aws-cdk-lib';
 * import { JobSchedule } from 'cdk-ecs-kit';
 *
 * JobSchedule.cron({ hour: '2', timeZone: TimeZone.EUROPE_BERLIN }); // 02:00 every night, Berlin time
 * JobSchedule.rate(Duration.hours(6));                                // rate(6 hours)
 * JobSchedule.expression('cron(30 4 ? * MON-FRI *)', TimeZone.AMERICA_NEW_YORK);
 */
export class JobSchedule {
  /**
   * A cron schedule. Unlike EventBridge's helpers, `minute` defaults to `'0'`,
   * so `JobSchedule.cron({ hour: '2' })` runs once, at 02:00.
   */
  public static cron(options: JobCronOptions): JobSchedule {
    const day = options.day ?? (options.weekDay !== undefined ? '?' : '*');
    const weekDay = options.weekDay ?? '?';
    const fields = [options.minute ?? '0', options.hour ?? '*', day, options.month ?? '*', weekDay, options.year ?? '*'];
    return new JobSchedule(`cron(${fields.join(' ')})`, options.timeZone);
  }

  /**
   * A fixed rate, in whole minutes (at least one): written in days or hours
   * when it divides evenly, e.g. `rate(6 hours)`.
   */
  public static rate(duration: Duration): JobSchedule {
    if (duration.isUnresolved()) {
      return new JobSchedule(`rate(${duration.toMinutes()} minutes)`);
    }
    const minutes = duration.toMilliseconds({ integral: false }) / 60_000;
    const [value, unit] = minutes > 0 && minutes % 1440 === 0 ? [minutes / 1440, 'day']
      : minutes > 0 && minutes % 60 === 0 ? [minutes / 60, 'hour']
        : [minutes, 'minute'];
    return new JobSchedule(`rate(${value} ${unit}${value === 1 ? '' : 's'})`);
  }

  /**
   * An EventBridge Scheduler expression written out: `cron(m h d M w y)`,
   * `rate(n unit)` or `at(yyyy-mm-ddThh:mm:ss)`.
   *
   * @param expression the schedule expression
   * @param timeZone time zone of cron and at expressions (default: UTC)
   */
  public static expression(expression: string, timeZone?: TimeZone): JobSchedule {
    return new JobSchedule(expression, timeZone);
  }

  /** The schedule expression, e.g. `cron(0 2 * * ? *)`. */
  public readonly expressionString: string;

  /** The time zone of the schedule, when one was given. */
  public readonly timeZone?: TimeZone;

  private constructor(expressionString: string, timeZone?: TimeZone) {
    this.expressionString = expressionString;
    this.timeZone = timeZone;
  }

  /**
   * What EventBridge Scheduler would reject in this expression: one sentence per
   * problem, each saying what to do instead. Empty when the expression is valid
   * or an unresolved token.
   *
   * @internal
   */
  public _problems(): string[] {
    return scheduleExpressionProblems(this.expressionString);
  }
}

/** Checks a schedule expression the way EventBridge Scheduler does. */
export function scheduleExpressionProblems(expression: string): string[] {
  if (Token.isUnresolved(expression)) return [];
  const cron = /^cron\((.*)\)$/s.exec(expression);
  if (cron) return cronProblems(cron[1]);
  const rate = /^rate\((.*)\)$/s.exec(expression);
  if (rate) return rateProblems(rate[1]);
  if (/^at\(.*\)$/s.test(expression)) {
    return /^at\(\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\)$/.test(expression) ? []
      : ['A one-time schedule is at(yyyy-mm-ddThh:mm:ss), e.g. "at(2030-01-31T02:00:00)".'];
  }
  return ['Use a cron expression with 6 fields ("cron(0 2 * * ? *)"), a rate ("rate(6 hours)") or a one-time "at(2030-01-31T02:00:00)"; ' +
    'JobSchedule.cron() and JobSchedule.rate() write them for you.'];
}

function rateProblems(body: string): string[] {
  const match = /^(\S+) (\S+)$/.exec(body.trim() === body ? body : '');
  if (!match) {
    return ['A rate is a whole number and a unit separated by one space, e.g. "rate(5 minutes)" or "rate(1 day)".'];
  }
  const [, value, unit] = match;
  const problems: string[] = [];
  const units = ['minute', 'minutes', 'hour', 'hours', 'day', 'days'];
  if (!/^[1-9]\d*$/.test(value)) {
    problems.push(`The rate value must be a positive whole number (got "${value}"): use whole minutes, e.g. JobSchedule.rate(Duration.minutes(5)).`);
  }
  if (!units.includes(unit)) {
    problems.push(`The rate unit must be minute(s), hour(s) or day(s) (got "${unit}").`);
  } else if (/^[1-9]\d*$/.test(value)) {
    const singular = !unit.endsWith('s');
    if (value === '1' && !singular) problems.push(`A rate of 1 takes the singular unit: "rate(1 ${unit.slice(0, -1)})".`);
    if (value !== '1' && singular) problems.push(`A rate above 1 takes the plural unit: "rate(${value} ${unit}s)".`);
  }
  return problems;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEK_DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: string[];
  /** Extra single items the field accepts besides values, ranges and increments. */
  readonly special?: RegExp;
}

const CRON_FIELDS: CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31, special: /^(L|LW|L-([1-9]|[12]\d|30)|([1-9]|[12]\d|3[01])W)$/ },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'weekDay', min: 1, max: 7, names: WEEK_DAYS, special: /^(L|[1-7]L|[1-7]#[1-5]|(SUN|MON|TUE|WED|THU|FRI|SAT)(L|#[1-5]))$/ },
  { name: 'year', min: 1970, max: 2199 },
];

function cronProblems(body: string): string[] {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6 || body.trim() === '') {
    return [`A cron expression has 6 fields — minute hour day month weekDay year — (got ${body.trim() === '' ? 0 : fields.length}), ` +
      'e.g. "cron(0 2 * * ? *)" for 02:00 every day.'];
  }
  const problems: string[] = [];
  fields.forEach((value, i) => {
    if (!cronFieldIsValid(CRON_FIELDS[i], value, i === 2 || i === 4)) {
      const field = CRON_FIELDS[i];
      problems.push(`The ${field.name} field "${value}" is not valid: use values ${field.min}–${field.max}` +
        (field.names ? ` or ${field.names[0]}–${field.names[field.names.length - 1]}` : '') +
        ', lists (a,b), ranges (a-b), increments (a/n) or *.');
    }
  });
  const [day, weekDay] = [fields[2], fields[4]];
  if ((day === '?') === (weekDay === '?')) {
    problems.push(`Exactly one of the day (got "${day}") and weekDay (got "${weekDay}") fields must be "?": ` +
      'e.g. "cron(0 2 * * ? *)" for every day or "cron(0 2 ? * MON-FRI *)" for weekdays.');
  }
  return problems;
}

function cronFieldIsValid(field: CronField, value: string, allowsQuestionMark: boolean): boolean {
  if (value === '?') return allowsQuestionMark;
  if (field.special?.test(value)) return true;
  const valueOf = (s: string): number | undefined => {
    if (/^\d+$/.test(s)) return Number(s);
    const index = field.names?.indexOf(s.toUpperCase()) ?? -1;
    return index >= 0 ? index + field.min : undefined;
  };
  const inRange = (n: number | undefined): boolean => n !== undefined && n >= field.min && n <= field.max;
  return value.split(',').every(item => {
    const match = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (!match) return false;
    const [, base, increment] = match;
    if (increment !== undefined && !(Number(increment) >= 1 && Number(increment) <= field.max)) return false;
    if (base === '*') return true;
    const [from, to] = base.split('-');
    return inRange(valueOf(from)) && (to === undefined || inRange(valueOf(to)));
  });
}
