import {
  Duration,
  Names,
  RemovalPolicy,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  aws_kms as kms,
  aws_logs as logs,
  aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { allowServicesToPublish, limitGrantsToAwsServices } from './failure-topic-policies';
import { plainDescription } from '../core/names';

// How a batch job signals failed runs: its encrypted failure topic, the metric of
// timed-out tasks counted from the execution log, and the optional failure alarm.

/** Namespace of the metrics the job publishes itself (timed-out tasks). */
/** The namespace of the job's own metrics: `cdk-ecs-kit/<construct name>`. */
function metricNamespace(constructName: string): string {
  return `cdk-ecs-kit/${constructName}`;
}

/** The failure topic the job creates when none is given, and the key it created for it. */
export interface CreatedFailureTopic {
  readonly topic: sns.Topic;
  /** The topic's own key, when no key was given. */
  readonly createdKey?: kms.Key;
}

/**
 * The job's own failure topic (`FailureTopic` in `scope`), SSL-only, encrypted
 * with `key` or else a key of its own (`FailureTopicKey`, rotated, that AWS
 * services alone may hold grants on); CloudWatch alarms and EventBridge rules
 * of the account may publish to it.
 */
export function createFailureTopic(scope: Construct, key?: kms.IKey): CreatedFailureTopic {
  const createdKey = key ? undefined : new kms.Key(scope, 'FailureTopicKey', {
    description: plainDescription(`Encrypts the failure notifications of the batch job ${scope.node.path}`, 8192),
    enableKeyRotation: true,
    // SNS messages are transient: the key protects nothing once the topic is gone.
    removalPolicy: RemovalPolicy.DESTROY,
  });
  if (createdKey) limitGrantsToAwsServices(createdKey);
  const masterKey = key ?? createdKey!;
  const topic = new sns.Topic(scope, 'FailureTopic', {
    displayName: plainDescription(`Failed runs of ${scope.node.path}`, 100),
    masterKey,
    enforceSSL: true,
  });
  allowServicesToPublish(topic, masterKey);
  return { topic, createdKey };
}

/**
 * Counts timed-out tasks (`TimedOutTasks` in `scope`), and returns the name of
 * the metric. Step Functions has no per-state-machine metric for task timeouts
 * (executions fail instead), so they are counted from the execution log's
 * TaskTimedOut events.
 */
export function countTimedOutTasks(scope: Construct, executionLogGroup: logs.ILogGroup, constructName: string): string {
  const metricName = timedOutMetricName(scope);
  new logs.MetricFilter(scope, 'TimedOutTasks', {
    logGroup: executionLogGroup,
    filterPattern: logs.FilterPattern.stringValue('$.type', '=', 'TaskTimedOut'),
    metricNamespace: metricNamespace(constructName),
    metricName,
    metricValue: '1',
  });
  return metricName;
}

/** The metric of `countTimedOutTasks` (sum over 5 minutes unless `props` say otherwise). */
export function timedOutTasksMetric(constructName: string, metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: metricNamespace(constructName),
    metricName,
    statistic: cloudwatch.Stats.SUM,
    period: Duration.minutes(5),
    ...props,
  });
}

/**
 * The alarm on failed runs (`FailureAlarm` in `scope`): at least one failed run
 * (`runsFailed`, summed over 5 minutes) raises it; no data is not a breach. Its
 * actions are `actions`, or a notification to the failure topic.
 */
export function createFailureAlarm(scope: Construct, runsFailed: cloudwatch.IMetric, failureTopic: sns.ITopic,
  actions: cloudwatch.IAlarmAction[] | undefined): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, 'FailureAlarm', {
    alarmDescription: plainDescription(`A run of the batch job ${scope.node.path} failed or timed out`, 1024),
    metric: runsFailed,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(...(actions ?? [new cloudwatchActions.SnsAction(failureTopic)]));
  return alarm;
}

/**
 * Name of the timed-out runs metric: `RunsTimedOut/<unique id>`, within
 * CloudWatch's 255 characters for metric names (a deep construct path makes a
 * unique id of up to 255 characters on its own).
 */
function timedOutMetricName(scope: Construct): string {
  const prefix = 'RunsTimedOut/';
  const id = Names.uniqueId(scope);
  return prefix.length + id.length <= 255 ? `${prefix}${id}` : `${prefix}${Names.uniqueResourceName(scope, { maxLength: 255 - prefix.length })}`;
}
