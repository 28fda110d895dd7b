import { CfnParameter, Duration, Stack, TimeZone } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { BUSYBOX, importedCluster } from './helpers';
import { Ec2BatchJob, JobSchedule, TaskCapacity } from '../../src';
import { errorOf } from '../helpers/validators';

/** A scheduled job on a cluster of known capacity providers: the lightest valid job. */
function scheduledJob(schedule: JobSchedule): Stack {
  const stack = new Stack();
  new Ec2BatchJob(stack, 'Job', {
    cluster: importedCluster(stack),
    taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'spot', weight: 1 }]),
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

describe('JobSchedule time zones', () => {
  test('IANA names are accepted: TimeZone constants, UTC, Etc/ zones and tz database aliases', () => {
    for (const name of ['Europe/Paris', 'UTC', 'Etc/UTC', 'GMT', 'Etc/GMT-2', 'Etc/GMT+12', 'America/Argentina/Buenos_Aires', 'Asia/Kolkata', 'US/Pacific', 'EST5EDT']) {
      expect(() => scheduledJob(JobSchedule.cron({ hour: '12', timeZone: TimeZone.of(name) }))).not.toThrow();
    }
  });

  test('fails when the time zone is a UTC offset, suggesting the IANA name', () => {
    // WHEN
    const error = errorOf(() => scheduledJob(JobSchedule.cron({ hour: '12', timeZone: TimeZone.of('GMT+2') })));
    // THEN
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0].prop).toBe('schedule');
    expect(error.problems[0].received).toBe('"cron(0 12 * * ? *) in GMT+2"');
    expect(error.problems[0].fix).toMatch(/"GMT\+2" is a UTC offset; EventBridge Scheduler takes IANA time zone names: .*TimeZone\.EUROPE_PARIS.*TimeZone\.of\('Etc\/GMT-2'\)/);
    for (const offset of ['+02:00', 'UTC+2', 'UTC-05:30', '-0500']) {
      expect(() => scheduledJob(JobSchedule.cron({ hour: '12', timeZone: TimeZone.of(offset) }))).toThrow(/is a UTC offset/);
    }
  });

  test('fails when the time zone is not a tz database name, or is spelled with the wrong case', () => {
    expect(() => scheduledJob(JobSchedule.cron({ hour: '12', timeZone: TimeZone.of('europe/paris') })))
      .toThrow(/"europe\/paris" is not an IANA time zone name \(did you mean "Europe\/Paris"\? Time zone names are case-sensitive\)/);
    expect(() => scheduledJob(JobSchedule.cron({ hour: '12', timeZone: TimeZone.of('Mars/Olympus_Mons') }))).toThrow(/is not an IANA time zone name: use one of the TimeZone constants/);
    expect(() => scheduledJob(JobSchedule.cron({ hour: '12', timeZone: TimeZone.of('Factory') }))).toThrow(/is not an IANA time zone name/);
  });
});

describe('JobSchedule daylight saving time', () => {
  const warningsOf = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('Ec2BatchJob.scheduleInDaylightSaving'))
    .map(w => String(w.entry.data));

  test('warns that a run in the spring-forward gap is skipped and one in the fall-back overlap runs once (README\'s 02:00 Paris)', () => {
    // WHEN
    const stack = scheduledJob(JobSchedule.cron({ hour: '2', timeZone: TimeZone.EUROPE_PARIS }));
    // THEN
    const warnings = warningsOf(stack);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^The schedule cron\(0 2 \* \* \? \*\) runs at a local time that does not exist once a year in Europe\/Paris: on \d{4}-03-\d\d the clocks jump from 02:00 to 03:00, so the run of \d{4}-03-\d\d 02:00 never happens\. EventBridge Scheduler skips a run whose local time does not exist\. To avoid it, choose a time outside/);
    expect(warnings[0]).toMatch(/TimeZone\.ETC_UTC\. \[ack: cdk-ecs-kit:Ec2BatchJob\.scheduleInDaylightSavingGap\]$/);
    expect(warnings[1]).toMatch(/happens twice once a year in Europe\/Paris: on \d{4}-10-\d\d the clocks go back from 03:00 to 02:00, so 02:00 comes twice\. EventBridge Scheduler runs it only once/);
    expect(warnings[1]).toMatch(/\[ack: cdk-ecs-kit:Ec2BatchJob\.scheduleInDaylightSavingOverlap\]$/);
  });

  test('finds the transitions of other zones and other kinds of days: New York\'s 01:30 fall-back, the last Sunday, Lord Howe\'s half hour', () => {
    expect(warningsOf(scheduledJob(JobSchedule.cron({ minute: '30', hour: '1', timeZone: TimeZone.AMERICA_NEW_YORK }))))
      .toEqual([expect.stringMatching(/clocks go back from 02:00 to 01:00, so 01:30 comes twice/)]);
    expect(warningsOf(scheduledJob(JobSchedule.cron({ hour: '2', weekDay: '1L', timeZone: TimeZone.EUROPE_PARIS })))).toHaveLength(2);
    expect(warningsOf(scheduledJob(JobSchedule.cron({ minute: '15', hour: '2', timeZone: TimeZone.of('Australia/Lord_Howe') }))))
      .toEqual([expect.stringMatching(/clocks jump from 02:00 to 02:30/)]); // its overlap (01:30–02:00) misses 02:15
    expect(warningsOf(scheduledJob(JobSchedule.expression('at(2030-03-31T02:30:00)', TimeZone.EUROPE_PARIS))))
      .toEqual([expect.stringMatching(/the run of 2030-03-31 02:30 never happens/)]);
  });

  test('does not warn for times outside the change, days without a change, UTC, hourly crons or rates', () => {
    const quiet = [
      JobSchedule.cron({ hour: '3', timeZone: TimeZone.EUROPE_PARIS }),
      JobSchedule.cron({ hour: '1', timeZone: TimeZone.EUROPE_PARIS }),
      JobSchedule.cron({ hour: '2', weekDay: 'MON', timeZone: TimeZone.EUROPE_PARIS }),
      JobSchedule.cron({ hour: '2', day: '1', timeZone: TimeZone.EUROPE_PARIS }),
      JobSchedule.cron({ hour: '2', timeZone: TimeZone.ETC_UTC }),
      JobSchedule.cron({ hour: '2', timeZone: TimeZone.ASIA_TOKYO }),
      JobSchedule.cron({ minute: '0/15', timeZone: TimeZone.EUROPE_PARIS }),
      JobSchedule.rate(Duration.hours(1)),
    ];
    for (const schedule of quiet) {
      expect(warningsOf(scheduledJob(schedule))).toEqual([]);
    }
  });
});

describe('JobSchedule syntax', () => {
  test('accepts what EventBridge Scheduler accepts: L, W, #, ranges, wrapping ranges, increments, names', () => {
    for (const expression of ['cron(0 2 L * ? *)', 'cron(0 2 LW * ? *)', 'cron(0 2 L-3 * ? *)', 'cron(0 2 15W * ? *)', 'cron(0 2 ? * 6L *)',
      'cron(0 2 ? * FRI#3 *)', 'cron(0 22-2 * * ? *)', 'cron(*/10 * * * ? *)', 'cron(0 8-18/2 ? * MON-FRI 2030-2035)', 'cron(0 0 1 jan,jul ? *)']) {
      expect(() => scheduledJob(JobSchedule.expression(expression))).not.toThrow();
    }
  });

  test('fails on what EventBridge Scheduler refuses: L in a list, W in weekDay, # in day, a date that does not exist, 257 characters', () => {
    const refused: Array<[string, RegExp]> = [
      ['cron(0 2 1,L * ? *)', /The day field "1,L" is not valid/],
      ['cron(0 2 ? * 2W *)', /The weekDay field "2W" is not valid/],
      ['cron(0 2 1#2 * ? *)', /The day field "1#2" is not valid/],
      ['cron(0/60 * * * ? *)', /The minute field "0\/60" is not valid/],
      ['at(2030-02-30T02:00:00)', /at\(yyyy-mm-ddThh:mm:ss\) with a date that exists/],
      [`cron(0 2 * * ? ${'2030,'.repeat(50)}2030)`, /at most 256 characters \(got 2\d\d\)/],
    ];
    for (const [expression, message] of refused) {
      expect(() => scheduledJob(JobSchedule.expression(expression))).toThrow(message);
    }
  });

  test('checks the literal fields of a cron with tokens, and skips the token fields', () => {
    // GIVEN
    const stack = new Stack();
    const hour = new CfnParameter(stack, 'Hour').valueAsString;
    // WHEN / THEN
    expect(() => new Ec2BatchJob(stack, 'Ok', {
      cluster: importedCluster(stack),
      taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'spot', weight: 1 }]),
      image: BUSYBOX,
      memoryLimitMiB: 64,
      schedule: JobSchedule.cron({ hour, timeZone: TimeZone.EUROPE_PARIS }),
    })).not.toThrow();
    expect(() => new Ec2BatchJob(stack, 'Bad', {
      cluster: importedCluster(new Stack()),
      taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'spot', weight: 1 }]),
      image: BUSYBOX,
      memoryLimitMiB: 64,
      schedule: JobSchedule.cron({ hour, minute: '61' }),
    })).toThrow(/The minute field "61" is not valid/);
  });

  test('a rate from a token in minutes is written as is (the singular form is chosen in the template)', () => {
    const stack = new Stack();
    const schedule = JobSchedule.rate(Duration.minutes(new CfnParameter(stack, 'Every', { type: 'Number' }).valueAsNumber));
    expect(stack.resolve(schedule.expressionString)).toEqual({ 'Fn::Join': ['', ['rate(', { Ref: 'Every' }, ' minutes)']] });
  });
});
