import { Duration, Stack, TimeZone, aws_scheduler as scheduler } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { BUSYBOX, importedCluster } from './helpers';
import { Ec2BatchJob, EcsKitValidationError, JobSchedule, TaskCapacity } from '../../src';
import { expectAcceptedOnlyWhen } from '../helpers/validators';

/**
 * Property tests of JobSchedule: every schedule either synthesizes a Scheduler
 * schedule whose expression and time zone EventBridge Scheduler accepts, or
 * fails with EcsKitValidationError, never another error; and every schedule
 * built from valid parts is accepted as written.
 */

/**
 * The schedule's properties as they land in the template. The stack is not
 * synthesized (slow): the L1's values are resolved directly.
 */
function scheduleOf(schedule: JobSchedule): { ScheduleExpression: string; ScheduleExpressionTimezone?: string } {
  const stack = new Stack();
  const job = new Ec2BatchJob(stack, 'Job', {
    cluster: importedCluster(stack),
    taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'spot', weight: 1 }]),
    image: BUSYBOX,
    memoryLimitMiB: 128,
    schedule,
  });
  const cfn = job.schedule!.node.defaultChild as scheduler.CfnSchedule;
  return { ScheduleExpression: stack.resolve(cfn.scheduleExpression), ScheduleExpressionTimezone: stack.resolve(cfn.scheduleExpressionTimezone) };
}

/** Synthesizes, or returns undefined after checking that the error is ours. */
function scheduleOrOurError(schedule: () => JobSchedule): ReturnType<typeof scheduleOf> | undefined {
  try {
    return scheduleOf(schedule());
  } catch (e) {
    expect(EcsKitValidationError.isEcsKitValidationError(e)).toBe(true);
    expect((e as EcsKitValidationError).problems.every(p => p.prop === 'schedule')).toBe(true);
    return undefined;
  }
}

// --- An oracle of EventBridge Scheduler's rules, written independently of the kit's parser ----------

const NUMBER = (min: number, max: number) => `(?:${Array.from({ length: max - min + 1 }, (_, i) => min + i).reverse().join('|')})`;
const MONTH = `(?:${NUMBER(1, 12)}|JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)`;
const WEEKDAY = `(?:${NUMBER(1, 7)}|SUN|MON|TUE|WED|THU|FRI|SAT)`;
const listOf = (value: string, maxStep: number) => {
  const item = `(?:\\*|${value}(?:-${value})?)(?:/${NUMBER(1, maxStep)})?`;
  return new RegExp(`^${item}(?:,${item})*$`, 'i');
};
const FIELD_RULES = [
  listOf(NUMBER(0, 59), 59),
  listOf(NUMBER(0, 23), 23),
  new RegExp(`${listOf(NUMBER(1, 31), 31).source}|^(?:\\?|L|LW|L-${NUMBER(1, 30)}|${NUMBER(1, 31)}W)$`),
  listOf(MONTH, 12),
  new RegExp(`${listOf(WEEKDAY, 7).source}|^(?:\\?|L|${WEEKDAY}L|${WEEKDAY}#[1-5])$`, 'i'),
  listOf(NUMBER(1970, 2199), 2199),
];

/** Whether EventBridge Scheduler accepts the expression (cron, rate and at), by its documented rules. */
function schedulerAccepts(expression: string): boolean {
  if (expression.length > 256) return false;
  const rate = /^rate\(([1-9]\d*) (minute|hour|day)(s?)\)$/.exec(expression);
  if (rate) return (rate[1] === '1') === (rate[3] === '');
  const at = /^at\((\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)\)$/.exec(expression);
  if (at) {
    const [y, mo, d, h, mi, s] = at.slice(1).map(Number);
    const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
    return date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h < 24 && mi < 60 && s < 60;
  }
  const cron = /^cron\((\S+) (\S+) (\S+) (\S+) (\S+) (\S+)\)$/.exec(expression);
  if (!cron) return false;
  const fields = cron.slice(1);
  return fields.every((field, i) => FIELD_RULES[i].test(field)) && (fields[2] === '?') !== (fields[4] === '?');
}

const TZDB_SAMPLE = ['Europe/Paris', 'America/New_York', 'Asia/Tokyo', 'Australia/Lord_Howe', 'UTC', 'Etc/UTC', 'Etc/GMT-2', 'America/Argentina/Buenos_Aires', 'US/Pacific'];

/** Whether EventBridge Scheduler takes the time zone: a tz database name, spelled as the database does. */
function schedulerTakesZone(name: string | undefined): boolean {
  if (name === undefined) return true;
  if (TZDB_SAMPLE.includes(name) || Intl.supportedValuesOf('timeZone').includes(name)) return true;
  return /^Etc\/GMT[+-]\d{1,2}$/.test(name) && new Intl.DateTimeFormat('en', { timeZone: name }) !== undefined;
}

// --- Generators --------------------------------------------------------------------------------------

const num = (min: number, max: number) => fc.integer({ min, max }).map(String);
const validField = (min: number, max: number) => fc.oneof(
  fc.constant('*'),
  num(min, max),
  fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
  fc.tuple(fc.integer({ min, max }), fc.integer({ min: 1, max })).map(([a, n]) => `${a}/${n}`),
  fc.uniqueArray(fc.integer({ min, max }), { minLength: 2, maxLength: 4 }).map(xs => xs.join(',')),
);
const validCron = fc.record({
  minute: validField(0, 59),
  hour: validField(0, 23),
  day: fc.oneof(validField(1, 31), fc.constantFrom('L', 'LW', 'L-2', '15W')),
  month: fc.oneof(validField(1, 12), fc.constantFrom('JAN', 'FEB-MAR', 'DEC')),
  weekDay: fc.oneof(validField(1, 7), fc.constantFrom('MON-FRI', 'SUN', '6L', '2#1', 'L')),
  year: fc.oneof(fc.constant('*'), num(1970, 2199)),
  useWeekDay: fc.boolean(),
}).map(({ useWeekDay, day, weekDay, ...rest }) => (useWeekDay ? { ...rest, weekDay } : { ...rest, day }));

/** Cron fields from valid and invalid pieces: out of range, misplaced specials, garbage. */
const anyField = fc.oneof(
  { weight: 3, arbitrary: validField(0, 12) },
  { weight: 2, arbitrary: fc.constantFrom('?', 'L', 'W', '5W', '2#1', '1,L', '60', '24', '32', '13', '0', '8', 'MON', 'jan', '*/0', '1-', '-1', '', ' ', 'x') },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);

const zone = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(...TZDB_SAMPLE),
  fc.constantFrom('GMT+2', '+02:00', 'UTC-05:30', 'europe/paris', 'Mars/Base', 'Factory', 'US/PACIFIC', 'Etc/GMT+13', 'Europe/Paris '),
  fc.string({ maxLength: 12 }),
);

describe('JobSchedule properties', () => {
  test('every cron built from valid fields is accepted as written', () => {
    fc.assert(fc.property(validCron, options => {
      const schedule = JobSchedule.cron(options);
      const written = scheduleOf(schedule);
      expect(written.ScheduleExpression).toBe(schedule.expressionString);
      expect(schedulerAccepts(written.ScheduleExpression)).toBe(true);
    }), { numRuns: 25 });
  });

  test('every cron of arbitrary fields and time zone synthesizes what Scheduler accepts, or fails with our error', () => {
    const options = fc.record({
      minute: anyField,
      hour: anyField,
      day: fc.option(anyField, { nil: undefined }),
      month: anyField,
      weekDay: fc.option(anyField, { nil: undefined }),
      year: fc.oneof(fc.constant('*'), num(1960, 2210)),
      timeZone: zone,
    });
    fc.assert(fc.property(options, ({ timeZone, ...fields }) => {
      const written = scheduleOrOurError(() => JobSchedule.cron({ ...fields, timeZone: timeZone === undefined ? undefined : TimeZone.of(timeZone) }));
      if (written) {
        expect(schedulerAccepts(written.ScheduleExpression)).toBe(true);
        expect(schedulerTakesZone(written.ScheduleExpressionTimezone)).toBe(true);
      }
    }), { numRuns: 60 });
  });

  test('every written expression either synthesizes what Scheduler accepts or fails with our error', () => {
    const candidate = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.array(fc.constantFrom('0', '*', '?', '5', 'MON', '1-5', '0/10', '61', 'L', 'x', '15W', '3#2'), { minLength: 0, maxLength: 8 }).map(xs => `cron(${xs.join(' ')})`),
      fc.tuple(fc.integer({ min: -2, max: 3 }), fc.constantFrom('minute', 'minutes', 'hour', 'hours', 'day', 'days', 'weeks')).map(([n, u]) => `rate(${n} ${u})`),
      fc.date({ min: new Date('2020-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map(d => `at(${d.toISOString().slice(0, 19)})`),
      fc.tuple(fc.integer({ min: 2020, max: 2040 }), num(0, 14), num(0, 33)).map(([y, m, d]) => `at(${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}T02:30:00)`),
    );
    fc.assert(fc.property(candidate, zone, (expression, timeZone) => {
      const written = scheduleOrOurError(() => JobSchedule.expression(expression, timeZone === undefined ? undefined : TimeZone.of(timeZone)));
      if (written) {
        expect(written.ScheduleExpression).toBe(expression);
        expect(schedulerAccepts(expression)).toBe(true);
        expect(schedulerTakesZone(written.ScheduleExpressionTimezone)).toBe(true);
      }
    }), { numRuns: 80 });
  });

  test('every rate is accepted exactly when it is whole minutes, and is written in valid rate syntax', () => {
    const duration = fc.oneof(
      fc.integer({ min: 0, max: 3 * 24 * 3600 }).map(s => Duration.seconds(s)),
      fc.integer({ min: 0, max: 4320 }).map(m => Duration.minutes(m)),
      fc.integer({ min: 0, max: 100 }).map(h => Duration.hours(h)),
      fc.integer({ min: 0, max: 400 }).map(d => Duration.days(d)),
      fc.integer({ min: 0, max: 200_000 }).map(ms => Duration.millis(ms)),
    );
    fc.assert(fc.property(duration, d => {
      const seconds = d.toMilliseconds({ integral: false }) / 1000;
      const valid = seconds >= 60 && seconds % 60 === 0;
      expectAcceptedOnlyWhen(valid, () => {
        const written = scheduleOf(JobSchedule.rate(d));
        expect(schedulerAccepts(written.ScheduleExpression)).toBe(true);
      });
    }), { numRuns: 40 });
  });
});
