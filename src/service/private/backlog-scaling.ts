import {
  Annotations,
  Duration,
  Lazy,
  Names,
  aws_applicationautoscaling as appscaling,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  aws_ecs as ecs,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { plainDescription } from '../../core/names';

// Scaling a queue worker on its backlog per task, the pattern AWS documents for
// Application Auto Scaling with metric math ("backlog per instance"):
//   ApproximateNumberOfMessagesVisible (AWS/SQS, Sum) ÷ RunningTaskCount (ECS/ContainerInsights, Average)
// tracked against a target. aws-cdk-lib's target tracking takes a single metric only,
// so the policy is written as CloudFormation with a customized metric of three queries.

/** What the backlog scaling needs. */
export interface BacklogScalingOptions {
  readonly scaling: ecs.ScalableTaskCount;
  readonly service: ecs.BaseService;
  readonly cluster: ecs.ICluster;
  readonly queue: sqs.IQueue;
  readonly targetBacklogPerTask: number;
  readonly scaleInCooldown: Duration;
  readonly scaleOutCooldown: Duration;
}

/** Target tracking on messages visible per running task, as `BacklogScaling` in `scope`. */
export function scaleOnBacklogPerTask(scope: Construct, options: BacklogScalingOptions): appscaling.CfnScalingPolicy {
  const policy: appscaling.CfnScalingPolicy = new appscaling.CfnScalingPolicy(scope, 'BacklogScaling', {
    policyName: Lazy.string({ produce: () => Names.uniqueId(policy) }),
    policyType: 'TargetTrackingScaling',
    scalingTargetId: options.scaling.scalableTargetRef.resourceId,
    targetTrackingScalingPolicyConfiguration: {
      targetValue: options.targetBacklogPerTask,
      scaleInCooldown: options.scaleInCooldown.toSeconds(),
      scaleOutCooldown: options.scaleOutCooldown.toSeconds(),
      customizedMetricSpecification: {
        metrics: [
          {
            id: 'visible',
            label: 'Messages visible in the queue',
            metricStat: { metric: visibleMessages(options.queue), stat: 'Sum' },
            returnData: false,
          },
          {
            id: 'running',
            label: 'Running tasks of the service',
            metricStat: { metric: runningTasks(options.cluster, options.service), stat: 'Average' },
            returnData: false,
          },
          {
            id: 'backlog',
            label: 'Messages visible per running task',
            expression: 'visible / running',
            returnData: true,
          },
        ],
      },
    },
  });
  return policy;
}

/**
 * Starts the first task when messages wait and no task runs.
 *
 * Target tracking cannot do it: at 0 tasks the ratio divides by zero (and
 * RunningTaskCount may not even be published), so the tracked metric has no
 * value and target tracking never scales out from 0. A step-scaling policy on
 * an alarm does: the alarm's expression is 1 exactly when messages are
 * visible and the service runs no task, and the step sets the count to 1
 * (exact capacity, so an alarm that stays on while the first task starts
 * does not start more). From one task on, target tracking takes over.
 */
export function startFromZero(scope: Construct, options: BacklogScalingOptions): { alarm: cloudwatch.Alarm; action: appscaling.StepScalingAction } {
  const action = new appscaling.StepScalingAction(scope, 'StartFromZero', {
    scalingTarget: options.scaling,
    adjustmentType: appscaling.AdjustmentType.EXACT_CAPACITY,
    cooldown: options.scaleOutCooldown,
    metricAggregationType: appscaling.MetricAggregationType.MAXIMUM,
  });
  action.addAdjustment({ adjustment: 1, lowerBound: 0 });
  const period = Duration.minutes(1);
  const alarm = new cloudwatch.Alarm(scope, 'StartFromZeroAlarm', {
    alarmDescription: plainDescription(`${scope.node.path}: messages are waiting and no task runs: start one`, 1024),
    metric: new cloudwatch.MathExpression({
      expression: 'IF(visible > 0 AND FILL(running, 0) < 1, 1, 0)',
      usingMetrics: {
        visible: options.queue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period }),
        running: runningTaskMetric(options.cluster, options.service, period),
      },
      label: 'Messages waiting without a running task',
      period,
    }),
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
  alarm.addAlarmAction(new cloudwatchActions.ApplicationScalingAction(action));
  return { alarm, action };
}

/** `ECS/ContainerInsights` RunningTaskCount of the service (published with Container Insights only). */
export function runningTaskMetric(cluster: ecs.ICluster, service: ecs.BaseService, period: Duration): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'ECS/ContainerInsights',
    metricName: 'RunningTaskCount',
    dimensionsMap: { ClusterName: cluster.clusterName, ServiceName: service.serviceName },
    statistic: 'Average',
    period,
  });
}

function visibleMessages(queue: sqs.IQueue): appscaling.CfnScalingPolicy.TargetTrackingMetricProperty {
  return {
    namespace: 'AWS/SQS',
    metricName: 'ApproximateNumberOfMessagesVisible',
    dimensions: [{ name: 'QueueName', value: queue.queueName }],
  };
}

function runningTasks(cluster: ecs.ICluster, service: ecs.BaseService): appscaling.CfnScalingPolicy.TargetTrackingMetricProperty {
  return {
    namespace: 'ECS/ContainerInsights',
    metricName: 'RunningTaskCount',
    dimensions: [{ name: 'ClusterName', value: cluster.clusterName }, { name: 'ServiceName', value: service.serviceName }],
  };
}

/**
 * Warns when the cluster is of this app and Container Insights is off: the
 * backlog per task divides by its RunningTaskCount metric, which only Container
 * Insights publishes. (Imported clusters cannot be checked.)
 */
export function warnWithoutContainerInsights(scope: Construct, cluster: ecs.ICluster): void {
  const setting = containerInsightsSetting(cluster);
  if (setting === undefined || setting === 'enabled' || setting === 'enhanced') return;
  Annotations.of(scope).addWarningV2('cdk-ecs-kit:QueueWorkerService.containerInsightsOff',
    `The cluster ${cluster.node.path} has Container Insights ${setting === 'disabled' ? 'off' : 'unset (off unless the account turns it on)'}, ` +
    'and the worker scales on messages per running task, counted by Container Insights (ECS/ContainerInsights RunningTaskCount): ' +
    'turn it on (EcsCluster does by default; ecs.Cluster: containerInsightsV2: ecs.ContainerInsights.ENABLED).');
}

/** The cluster's containerInsights setting, `'unset'` when it has none, `undefined` when it cannot be known. */
function containerInsightsSetting(cluster: ecs.ICluster): string | undefined {
  let child = cluster.node.defaultChild;
  // An EcsCluster's default child is its ecs.Cluster, whose default child is the CfnCluster.
  if (child && !(child instanceof ecs.CfnCluster)) child = child.node.defaultChild;
  if (!(child instanceof ecs.CfnCluster)) return undefined;
  const settings = child.clusterSettings;
  if (!Array.isArray(settings)) return undefined;
  const entry = settings.find(s => (s as ecs.CfnCluster.ClusterSettingsProperty).name === 'containerInsights') as
    ecs.CfnCluster.ClusterSettingsProperty | undefined;
  if (entry === undefined) return 'unset';
  return typeof entry.value === 'string' && !entry.value.startsWith('${Token') ? entry.value : undefined;
}
