import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { BUSYBOX, importedCluster } from './helpers';
import { Ec2BatchJob, EcsKitValidationError, JobSchedule } from '../../src';
import { expectAcceptedOnlyWhen } from '../helpers/validators';

/** A scheduled job on a cluster of known capacity providers: the lightest valid job. */
function scheduledJob(schedule: JobSchedule): Stack {
  const stack = new Stack();
  new Ec2BatchJob(stack, 'Job', {
    cluster: importedCluster(stack),
    capacityProviderStrategies: [{ capacityProvider: 'spot', weight: 1 }],
    image: BUSYBOX,
    memoryLimitMiB: 128,
    schedule,
  });
  return stack;
}

describe('JobSchedule', () => {
  test('cron defaults to minute 0, every day, any weekday, every year', () => {
    expect(JobSchedule.cron({ hour: '2' }).expressionString).toBe('cron(0 2 * * ? *)');
    expect(JobSchedule.cron({}).expressionString).toBe('cron(0 * * * ? *)');
    expect(JobSchedule.cron({ minute: '30', hour: '4', weekDay: 'MON-FRI' }).expressionString).toBe('cron(30 4 ? * MON-FRI *)');
    expect(JobSchedule.cron({ day: 'L', month: 'JAN,JUL', year: '2030' }).expressionString).toBe('cron(0 * L JAN,JUL ? 2030)');
  });

  test('cron keeps its time zone', () => {
    const schedule = JobSchedule.cron({ hour: '2', timeZone: TimeZone.EUROPE_PARIS });
    expect(schedule.timeZone).toBe(TimeZone.EUROPE_PARIS);
    Template.fromStack(scheduledJob(schedule)).hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
    });
  });

  test('rate is written in the largest unit that divides it, singular for 1', () => {
    expect(JobSchedule.rate(Duration.minutes(1)).expressionString).toBe('rate(1 minute)');
    expect(JobSchedule.rate(Duration.minutes(90)).expressionString).toBe('rate(90 minutes)');
    expect(JobSchedule.rate(Duration.hours(1)).expressionString).toBe('rate(1 hour)');
    expect(JobSchedule.rate(Duration.hours(6)).expressionString).toBe('rate(6 hours)');
    expect(JobSchedule.rate(Duration.days(1)).expressionString).toBe('rate(1 day)');
    expect(JobSchedule.rate(Duration.hours(48)).expressionString).toBe('rate(2 days)');
  });

  test('expression accepts cron, rate and at expressions with a time zone', () => {
    for (const expression of ['cron(0/15 8-18 ? * MON-FRI *)', 'cron(0 12 ? * 6L *)', 'cron(0 12 ? * 2#1 *)', 'cron(0 0 15W * ? *)',
      'rate(5 minutes)', 'rate(1 day)', 'at(2030-01-31T02:00:00)']) {
      expect(() => scheduledJob(JobSchedule.expression(expression, TimeZone.AMERICA_NEW_YORK))).not.toThrow();
    }
  });
});

describe('JobSchedule properties', () => {
  const num = (min: number, max: number) => fc.integer({ min, max }).map(String);
  const field = (min: number, max: number) => fc.oneof(
    fc.constant('*'),
    num(min, max),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
    fc.tuple(fc.integer({ min, max }), fc.integer({ min: 1, max })).map(([a, n]) => `${a}/${n}`),
    fc.uniqueArray(fc.integer({ min, max }), { minLength: 2, maxLength: 4 }).map(xs => xs.join(',')),
  );
  const validCron = fc.record({
    minute: field(0, 59),
    hour: field(0, 23),
    day: field(1, 31),
    month: fc.oneof(field(1, 12), fc.constantFrom('JAN', 'FEB-MAR', 'DEC')),
    weekDay: fc.oneof(field(1, 7), fc.constantFrom('MON-FRI', 'SUN', '6L', '2#1')),
    year: fc.oneof(fc.constant('*'), num(1970, 2199)),
    useWeekDay: fc.boolean(),
  }).map(({ useWeekDay, day, weekDay, ...rest }) => (useWeekDay ? { ...rest, weekDay } : { ...rest, day }));

  test('every generated cron synthesizes with that expression', () => {
    fc.assert(fc.property(validCron, options => {
      const schedule = JobSchedule.cron(options);
      Template.fromStack(scheduledJob(schedule))
        .hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: schedule.expressionString });
    }), { numRuns: 40 });
  });

  test('every string either synthesizes or fails with our error', () => {
    const candidate = fc.oneof(
      fc.string({ maxLength: 30 }),
      fc.array(fc.constantFrom('0', '*', '?', '5', 'MON', '1-5', '0/10', '61', 'L', 'x'), { minLength: 0, maxLength: 8 }).map(xs => `cron(${xs.join(' ')})`),
      fc.tuple(fc.integer({ min: -2, max: 3 }), fc.constantFrom('minute', 'minutes', 'hour', 'hours', 'day', 'days', 'weeks')).map(([n, u]) => `rate(${n} ${u})`),
    );
    fc.assert(fc.property(candidate, expression => {
      let stack: Stack;
      try {
        stack = scheduledJob(JobSchedule.expression(expression));
      } catch (e) {
        expect(EcsKitValidationError.isEcsKitValidationError(e)).toBe(true);
        expect((e as EcsKitValidationError).problems[0].prop).toBe('schedule');
        return;
      }
      Template.fromStack(stack).hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: expression });
    }), { numRuns: 120 });
  });

  test('every rate either is whole minutes or fails with our error', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: 0, max: 3 * 24 * 3600 }), fc.integer({ min: 0, max: 4320 }).map(m => m * 60)), seconds => {
      const valid = seconds >= 60 && seconds % 60 === 0;
      expectAcceptedOnlyWhen(valid, () => scheduledJob(JobSchedule.rate(Duration.seconds(seconds))));
    }), { numRuns: 60 });
  });
});
