import {
  Annotations,
  Stack,
  aws_iam as iam,
  aws_scheduler as scheduler,
  aws_scheduler_targets as schedulerTargets,
  aws_stepfunctions as sfn,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { JobSchedule } from './job-schedule';
import { useManagedPolicies } from '../core/managed-policies';
import { plainDescription } from '../core/names';

// How a batch job starts on its JobSchedule: an EventBridge Scheduler schedule
// with a role of its own, and warnings for runs that daylight saving time skips
// or merges.

/**
 * Starts the state machine on `schedule`: an EventBridge Scheduler schedule
 * (`Schedule` in `scope`) whose role (`ScheduleRole`) only the scheduler of
 * this account can assume, with its statement in a customer managed policy. Warns about the schedule's daylight-saving conflicts.
 */
export function scheduleStarts(scope: Construct, stateMachine: sfn.IStateMachine, schedule: JobSchedule, constructName: string): scheduler.Schedule {
  const scheduleRole = new iam.Role(scope, 'ScheduleRole', {
    description: plainDescription(`EventBridge Scheduler starts the batch job ${scope.node.path}`, 1000),
    assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
  });
  useManagedPolicies(scheduleRole);
  const created = new scheduler.Schedule(scope, 'Schedule', {
    description: plainDescription(`Starts the batch job ${scope.node.path}`, 512),
    schedule: scheduler.ScheduleExpression.expression(schedule._render(scope), schedule.timeZone),
    target: new schedulerTargets.StepFunctionsStartExecution(stateMachine, { role: scheduleRole }),
  });
  warnOfDaylightSaving(scope, schedule, constructName);
  return created;
}

/**
 * Warns when a run of the schedule falls in a daylight-saving gap (EventBridge
 * Scheduler skips it) or overlap (Scheduler runs it once, at one of the two
 * times) of its time zone, once a year.
 */
function warnOfDaylightSaving(scope: Construct, schedule: JobSchedule, constructName: string): void {
  const zone = schedule.timeZone?.timezoneName;
  const avoid = 'To avoid it, choose a time outside the hour the clocks change in (e.g. hour: \'3\' or later for Europe\'s 02:00–03:00 change), ' +
    'or a time zone without daylight saving time, e.g. TimeZone.ETC_UTC.';
  for (const conflict of schedule._daylightSavingConflicts()) {
    if (conflict.kind === 'gap') {
      Annotations.of(scope).addWarningV2(`cdk-ecs-kit:${constructName}.scheduleInDaylightSavingGap`,
        `The schedule ${schedule.expressionString} runs at a local time that does not exist once a year in ${zone}: ` +
        `on ${conflict.localTime.slice(0, 10)} the clocks jump from ${conflict.from} to ${conflict.to}, so the run of ${conflict.localTime} never happens. ` +
        `EventBridge Scheduler skips a run whose local time does not exist. ${avoid}`);
    } else {
      Annotations.of(scope).addWarningV2(`cdk-ecs-kit:${constructName}.scheduleInDaylightSavingOverlap`,
        `The schedule ${schedule.expressionString} runs at a local time that happens twice once a year in ${zone}: ` +
        `on ${conflict.localTime.slice(0, 10)} the clocks go back from ${conflict.from} to ${conflict.to}, so ${conflict.localTime.slice(11)} comes twice. ` +
        'EventBridge Scheduler runs it only once, not twice: that run comes at one of the two times, an hour apart. ' + avoid);
    }
  }
}
