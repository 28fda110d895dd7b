import { CfnCondition, Duration, Fn, TimeZone, Token } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { scheduleExpressionProblems } from './cron-expression';
import { DaylightSavingConflict, daylightSavingConflicts, timeZoneProblems } from './schedule-time-zone';

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
 * When a `BatchJob` (or an `Ec2BatchJob`) runs on its own: an EventBridge Scheduler expression
 * (cron, rate or a one-time `at`) with an optional time zone.
 *
 * Expressions that EventBridge Scheduler would reject are reported when the
 * schedule is given to a job, with the job's construct path.
 *
 * @example
 * import { TimeZone } from 'aws-cdk-lib';
 * import { JobSchedule } from 'cdk-ecs-kit';
 *
 * JobSchedule.cron({ hour: '3', timeZone: TimeZone.EUROPE_BERLIN }); // 03:00 every night, Berlin time
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
   *
   * A duration from a token (`Duration.minutes(param.valueAsNumber)`, also
   * `hours` and `days`) is written in its own unit, and the job's template picks
   * the singular unit when the token resolves to 1. It must resolve to a
   * positive whole number.
   */
  public static rate(duration: Duration): JobSchedule {
    if (duration.isUnresolved()) {
      const unit = duration.unitLabel();
      const amount = unit === 'minutes' ? duration.toMinutes() : unit === 'hours' ? duration.toHours() : unit === 'days' ? duration.toDays() : undefined;
      if (amount === undefined) {
        return new JobSchedule(`rate(<token> ${unit})`, undefined,
          [`A rate from a token must be in minutes, hours or days (got Duration.${unit}(…)): use Duration.minutes(token), Duration.hours(token) or Duration.days(token).`]);
      }
      const value = Token.asString(amount);
      return new JobSchedule(`rate(${value} ${unit})`, undefined, [], { value, unit: unit.slice(0, -1) });
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

  /**
   * The schedule expression, e.g. `cron(0 2 * * ? *)`. For a rate from a token,
   * the plural form (`rate(${Token} minutes)`): the job's template writes the
   * singular one when the token resolves to 1.
   */
  public readonly expressionString: string;

  /** The time zone of the schedule, when one was given. */
  public readonly timeZone?: TimeZone;

  private constructor(
    expressionString: string,
    timeZone?: TimeZone,
    private readonly buildProblems: string[] = [],
    private readonly tokenRate?: { readonly value: string; readonly unit: string },
  ) {
    this.expressionString = expressionString;
    this.timeZone = timeZone;
  }

  /**
   * What EventBridge Scheduler would reject in this schedule (its expression and
   * its time zone): one sentence per problem, each saying what to do instead.
   * Empty when the schedule is valid; unresolved tokens are not checked.
   *
   * @internal
   */
  public _problems(): string[] {
    return [...this.buildProblems, ...scheduleExpressionProblems(this.expressionString), ...timeZoneProblems(this.timeZone)];
  }

  /**
   * Runs that EventBridge Scheduler skips (their local time does not exist on
   * the day clocks go forward) or runs once for two (the day clocks go back),
   * in the coming years.
   *
   * @internal
   */
  public _daylightSavingConflicts(): DaylightSavingConflict[] {
    return daylightSavingConflicts(this.expressionString, this.timeZone);
  }

  /**
   * The expression to write into the template of `scope`'s stack. A rate from
   * a token becomes `Fn::If` on a condition (created under `scope`) that picks
   * `rate(1 minute)` when the token resolves to 1, `rate(N minutes)` otherwise.
   *
   * @internal
   */
  public _render(scope: Construct): string {
    if (!this.tokenRate) return this.expressionString;
    const { value, unit } = this.tokenRate;
    const isOne = new CfnCondition(scope, 'ScheduleRateIsOne', { expression: Fn.conditionEquals(value, '1') });
    return Token.asString(Fn.conditionIf(isOne.logicalId, `rate(1 ${unit})`, this.expressionString));
  }
}
