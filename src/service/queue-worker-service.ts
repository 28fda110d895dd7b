import {
  Duration,
  aws_applicationautoscaling as appscaling,
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_logs as logs,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { runningTaskMetric, scaleOnBacklogPerTask, startFromZero, warnWithoutContainerInsights } from './private/backlog-scaling';
import { buildTaskService, cooldowns } from './private/task-service';
import { taskServiceSettings } from './private/task-service-checks';
import { checkWorkerQueueProps, createWorkerQueue } from './private/worker-queue';
import { QueueWorkerServiceProps } from './queue-worker-service-props';
import { PropValidator } from '../core/validation';

/**
 * A service that consumes an SQS queue: no load balancer, no inbound traffic,
 * scaled on its backlog per task. Its tasks run on Fargate (Spot included) or
 * on the cluster's EC2 capacity (`taskCapacity`).
 *
 * Defaults: a new queue (SSE-SQS, TLS only, 5-minute visibility timeout, 4 days'
 * retention) with a dead-letter queue after 5 receives; the task role may
 * consume it and the container finds its URL in `QUEUE_URL`; 1 to 10 tasks,
 * target tracking on 10 visible messages per running task; circuit breaker
 * with rollback; logs kept 30 days.
 *
 * @example
 * import { QueueWorkerService } from 'cdk-ecs-kit';
 *
 * declare const cluster: EcsCluster;
 * const worker = new QueueWorkerService(this, 'Thumbnails', {
 *   cluster,
 *   image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable'),
 *   command: ['sh', '-c', 'exec my-worker --queue "$QUEUE_URL"'],
 *   taskCapacity: TaskCapacity.fargateSpot(),
 *   scaleToZero: true,
 * });
 */
export class QueueWorkerService extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The queue the worker consumes: the one given, or the one it created. */
  public readonly queue: sqs.IQueue;

  /** The dead-letter queue of the queue the worker created; undefined when `queue` was given. */
  public readonly deadLetterQueue?: sqs.IQueue;

  /** The ECS service (the construct's `Resource`): a `FargateService` or an `Ec2Service`. */
  public readonly service: ecs.BaseService;

  /** The task definition: a `FargateTaskDefinition` or an `Ec2TaskDefinition`. */
  public readonly taskDefinition: ecs.TaskDefinition;

  /** The worker container. */
  public readonly container: ecs.ContainerDefinition;

  /** The log group of the containers. */
  public readonly logGroup: logs.ILogGroup;

  /** The auto scaling of the task count. */
  public readonly scaling: ecs.ScalableTaskCount;

  /** The target-tracking policy on messages visible per running task. */
  public readonly backlogScalingPolicy: appscaling.CfnScalingPolicy;

  /** The alarm that starts the first task when messages wait (with `scaleToZero`). */
  public readonly startFromZeroAlarm?: cloudwatch.IAlarm;

  /** The security group of the tasks (network mode awsvpc); undefined in bridge mode. */
  public readonly securityGroup?: ec2.ISecurityGroup;

  /**
   * The tasks' network identity, to let them reach a database:
   * `worker.connections.allowTo(db, ec2.Port.tcp(5432))`. Nothing is allowed in.
   */
  public readonly connections: ec2.Connections;

  /** The task role, allowed to consume the queue: grants to the worker go to it. */
  public readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: QueueWorkerServiceProps) {
    super(scope, id);
    const validator = new PropValidator(this, 'QueueWorkerService');
    const scaleToZero = props.scaleToZero ?? false;
    const settings = taskServiceSettings(validator, props, {
      constructName: 'QueueWorkerService',
      containerName: 'worker',
      minCapacity: scaleToZero ? 0 : 1,
    });
    checkWorkerQueueProps(validator, props);
    const target = props.targetBacklogPerTask;
    if (target !== undefined) {
      validator.check('targetBacklogPerTask', target, target > 0 && target <= 1_000_000,
        'Use a number of messages per task above 0, e.g. 10 (the acceptable latency divided by the time a task takes per message).');
    }
    if (scaleToZero && props.minCapacity !== undefined && props.minCapacity !== 0) {
      validator.report('minCapacity', props.minCapacity, 'scaleToZero lets the service stop every task (minCapacity 0): remove minCapacity, or scaleToZero.');
    }
    validator.throwIfInvalid();

    if (props.queue) {
      this.queue = props.queue;
    } else {
      const created = createWorkerQueue(this, props);
      this.queue = created.queue;
      this.deadLetterQueue = created.deadLetterQueue;
    }
    const variable = props.queueUrlEnvironmentVariable ?? 'QUEUE_URL';
    const parts = buildTaskService(this, props, settings!, {
      environment: { [variable]: this.queue.queueUrl },
      environmentReason: `${variable} (set by cdk-ecs-kit) holds the queue URL, which is not a secret.`,
      securityGroupPurpose: 'a queue worker, nothing allowed in',
    });
    this.service = parts.service;
    this.taskDefinition = parts.taskDefinition;
    this.container = parts.container;
    this.logGroup = parts.logGroup;
    this.scaling = parts.scaling;
    this.securityGroup = parts.securityGroup;
    this.connections = parts.connections;
    this.grantPrincipal = parts.taskDefinition.taskRole;
    this.queue.grantConsumeMessages(this.grantPrincipal);

    const scalingOptions = {
      scaling: this.scaling,
      service: this.service,
      cluster: props.cluster,
      queue: this.queue,
      targetBacklogPerTask: target ?? 10,
      ...cooldowns(props),
    };
    this.backlogScalingPolicy = scaleOnBacklogPerTask(this, scalingOptions);
    if (scaleToZero) this.startFromZeroAlarm = startFromZero(this, scalingOptions).alarm;
    warnWithoutContainerInsights(this, props.cluster);
  }

  /** The role the containers run with: allowed to consume the queue, nothing else until you grant it. */
  public get taskRole(): iam.IRole {
    return this.taskDefinition.taskRole;
  }

  /** Messages visible in the queue (waiting for a worker); Maximum over 5 minutes. */
  public metricMessagesVisible(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.queue.metricApproximateNumberOfMessagesVisible(props);
  }

  /** Age of the oldest message in the queue, in seconds; Maximum over 5 minutes. */
  public metricOldestMessageAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.queue.metricApproximateAgeOfOldestMessage(props);
  }

  /** Running tasks of the service (Container Insights); Average over 5 minutes. */
  public metricRunningTaskCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return runningTaskMetric(this.service.cluster, this.service, Duration.minutes(5)).with(props ?? {});
  }

  /** CPU utilization of the service, in percent of its reservation; Average over 5 minutes. */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.service.metricCpuUtilization(props);
  }
}
