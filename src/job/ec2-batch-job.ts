import {
  Annotations,
  Duration,
  Lazy,
  Names,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
  aws_scheduler as scheduler,
  aws_scheduler_targets as schedulerTargets,
  aws_sns as sns,
  aws_stepfunctions as sfn,
  aws_stepfunctions_tasks as tasks,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Ec2BatchJobProps, JobContainerOptions } from './ec2-batch-job-props';
import { allowServicesToPublish } from './failure-topic-policies';
import { resolveJobCapacity } from './job-capacity';
import { JobSchedule } from './job-schedule';
import type { IEc2Capacity } from '../cluster/ec2-capacity';
import { plainDescription } from '../core/names';
import { PropValidator, enumMemberName, isUnresolved } from '../core/validation';

/** The error a run fails with when an essential container did not exit with code 0. */
const EXIT_CODE_ERROR = 'Ec2BatchJob.NonZeroExitCode';
/** Namespace of the metrics the job publishes itself (timed-out tasks). */
const METRIC_NAMESPACE = 'cdk-ecs-kit/Ec2BatchJob';
const NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;
const FIX_RUN_ECS_TASK_POLICY = '@aws-cdk/aws-stepfunctions-tasks:fixRunEcsTaskPolicy';

interface PendingLink {
  readonly from: ecs.ContainerDefinition;
  readonly to: string;
  readonly alias?: string;
}

/**
 * A batch job on a cluster's EC2 capacity (Spot-friendly, scale from zero):
 * an EC2 task definition, run by a Step Functions state machine through ECS
 * RunTask (`.sync`: it waits for the task to stop), with an exit-code check,
 * retries with exponential backoff, a timeout that stops the task, failure
 * notifications by SNS, metrics, and an optional EventBridge Scheduler schedule.
 *
 * The state machine is the main child (`Resource`). Runs start on the schedule,
 * or on demand: `aws stepfunctions start-execution --state-machine-arn <stateMachineArn>`.
 *
 * @example
 * import { TimeZone, aws_sns_subscriptions as subscriptions } from 'aws-cdk-lib';
 * import { Ec2BatchJob, JobSchedule } from 'cdk-ecs-kit';
 *
 * declare const cluster: EcsCluster;
 * const job = new Ec2BatchJob(this, 'NightlyEtl', {
 *   cluster,
 *   image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable'),
 *   command: ['sh', '-c', 'echo extract transform load'],
 *   memoryLimitMiB: 512,
 *   schedule: JobSchedule.cron({ hour: '3', timeZone: TimeZone.EUROPE_PARIS }),
 * });
 * job.failureTopic.addSubscription(new subscriptions.EmailSubscription('oncall@example.com'));
 */
export class Ec2BatchJob extends Construct implements iam.IGrantable, ec2.IConnectable {
  /**
   * The principal the job's containers run as: the task role (`taskRole`).
   * `bucket.grantRead(job)` lets the job's containers read the bucket; the state
   * machine, the execution role and the instances get nothing.
   */
  public readonly grantPrincipal: iam.IPrincipal;

  /**
   * The network identity of the job's tasks, for `job.connections.allowTo(db, port)`
   * and `db.connections.allowFrom(job, port)`.
   *
   * - `ecs.NetworkMode.AWS_VPC`: the security groups of the task's network
   *   interface (`securityGroups`, or the one the job creates when none are given).
   * - `ecs.NetworkMode.BRIDGE` (the default): the tasks use their instance's
   *   network, so these are the security groups of the EC2 instances the job runs
   *   on — of the EC2 capacities of `taskCapacity`
   *   (or chosen by default) when the cluster is an `EcsCluster`, otherwise every
   *   security group of the cluster's container instances known when the job is
   *   created (`cluster.connections`, as `ecs.Ec2Service` does). Rules on them
   *   apply to every task on those instances, not only this job's: use
   *   `AWS_VPC` to give the job a network identity of its own. When no group is
   *   known (a cluster imported without `securityGroups`), rules added here
   *   have nothing to attach to and the job warns (`connectionsUnknown`).
   */
  public get connections(): ec2.Connections {
    if (this._connections.securityGroups.length === 0 && !this.connectionsWarningGiven) {
      this.connectionsWarningGiven = true;
      Annotations.of(this).addWarningV2('cdk-ecs-kit:Ec2BatchJob.connectionsUnknown',
        `The job runs in ${networkModeName(this.networkMode)} on the instances of a cluster whose security groups are unknown here, ` +
        'so rules added through job.connections have no security group to attach to and are dropped: import the cluster with its ' +
        'securityGroups (EcsCluster.fromClusterAttributes / ecs.Cluster.fromClusterAttributes), use an EcsCluster, ' +
        'or set networkMode: ecs.NetworkMode.AWS_VPC so that the job has security groups of its own.');
    }
    return this._connections;
  }

  /** The EC2 task definition of the job. */
  public readonly taskDefinition: ecs.Ec2TaskDefinition;

  /** The main container. */
  public readonly container: ecs.ContainerDefinition;

  /** The state machine that runs the job (the main child, id `Resource`). */
  public readonly stateMachine: sfn.StateMachine;
  /** The kit's policy with the state machine's own statements, on its role. */
  private readonly orchestrationPolicy: iam.Policy;

  /** ARN of the state machine: start a run with `aws stepfunctions start-execution`. */
  public readonly stateMachineArn: string;

  /** The EventBridge Scheduler schedule, when `schedule` was given. */
  public readonly schedule?: scheduler.Schedule;

  /** The topic failed and timed-out runs publish to. */
  public readonly failureTopic: sns.ITopic;

  /** The KMS key of the failure topic, when this construct created the topic. */
  public readonly failureTopicKey?: kms.Key;

  /** The log group of the containers (awslogs, stream prefix `batch`). */
  public readonly logGroup: logs.LogGroup;

  /** The log group of the state machine's execution events. */
  public readonly executionLogGroup: logs.LogGroup;

  /** The alarm on failed runs, when `enableFailureAlarm` is on. */
  public readonly failureAlarm?: cloudwatch.Alarm;

  /** The capacity provider strategy the task runs with. */
  public readonly capacityProviderStrategies: ecs.CapacityProviderStrategy[];

  private readonly networkMode: ecs.NetworkMode;
  private readonly volumeNames: Set<string>;
  private readonly containersByName = new Map<string, ecs.ContainerDefinition>();
  private readonly essentialContainerNames: string[] = [];
  private readonly volumesFromReferences: Array<{ container: string; source: string }> = [];
  private pendingLinks: PendingLink[] = [];
  /** The EC2 capacities behind the strategy, when they are known (a cluster of the kit). */
  private readonly knownCapacities?: IEc2Capacity[];
  private gpuWarningGiven = false;
  private readonly _connections: ec2.Connections;
  private connectionsWarningGiven = false;
  private readonly timedOutMetricName: string;

  constructor(scope: Construct, id: string, props: Ec2BatchJobProps) {
    super(scope, id);
    // Least privilege for the state machine: with this aws-cdk-lib feature flag, the
    // ecs:RunTask permission names this job's task definition revision instead of
    // "<family>:*". Set on this construct only, before its children exist.
    this.node.setContext(FIX_RUN_ECS_TASK_POLICY, true);

    this.networkMode = props.networkMode ?? ecs.NetworkMode.BRIDGE;
    const taskCount = props.taskCount ?? 1;
    const retries = props.retries ?? 2;
    const retryInterval = props.retryInterval ?? Duration.minutes(1);
    const timeout = props.timeout ?? Duration.hours(1);
    const mainName = props.containerName ?? 'job';
    this.volumeNames = new Set((props.volumes ?? []).map(v => v.name));

    const validator = new PropValidator(this, 'Ec2BatchJob');
    this.validateJobProps(validator, props);
    this.validateContainer(validator, '', mainName, props, true);
    const capacity = resolveJobCapacity(validator, props.cluster, props.taskCapacity, (props.gpuCount ?? 0) > 0);
    this.knownCapacities = capacity?.ec2Capacities;
    if (capacity) this.checkGpuCapacity(validator, 'gpuCount', props.gpuCount);
    validator.throwIfInvalid();
    this.capacityProviderStrategies = capacity!.strategies!;

    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: logRetention, removalPolicy: RemovalPolicy.RETAIN });
    this.executionLogGroup = new logs.LogGroup(this, 'ExecutionLogs', { retention: logRetention, removalPolicy: RemovalPolicy.RETAIN });

    this.taskDefinition = new ecs.Ec2TaskDefinition(this, 'TaskDefinition', {
      networkMode: this.networkMode,
      volumes: (props.volumes ?? []).map(v => (v.sourcePath !== undefined ? { name: v.name, host: { sourcePath: v.sourcePath } } : { name: v.name })),
    });
    this.container = this.createContainer('Container', mainName, props, true);

    // --- The state machine -------------------------------------------------------
    const runTask = tasks.EcsRunTask.jsonata(this, 'RunTask', {
      comment: 'Runs the task on the EC2 capacity providers and waits until it stops (ecs:runTask.sync); Step Functions stops it on timeout',
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      integrationPattern: sfn.IntegrationPattern.RUN_JOB,
      launchTarget: new tasks.EcsEc2LaunchTarget({
        capacityProviderOptions: tasks.CapacityProviderOptions.custom(this.capacityProviderStrategies),
        placementStrategies: props.placementStrategies ?? [ecs.PlacementStrategy.packedByMemory()],
        placementConstraints: props.placementConstraints,
      }),
      taskTimeout: sfn.Timeout.duration(timeout),
      containerOverrides: taskCount > 1 ? [{
        containerDefinition: this.container,
        environment: [
          { name: 'JOB_COPY_INDEX', value: '{% $string($states.input) %}' },
          { name: 'JOB_COPY_COUNT', value: String(taskCount) },
        ],
      }] : undefined,
      subnets: this.networkMode === ecs.NetworkMode.AWS_VPC ? props.vpcSubnets : undefined,
      securityGroups: this.networkMode === ecs.NetworkMode.AWS_VPC ? props.securityGroups : undefined,
    });
    this.grantPrincipal = this.taskDefinition.taskRole;
    // awsvpc: the RunTask step holds the task's security groups (the user's, or the one it creates).
    // bridge: the instances' groups, narrowed to the capacity groups the job runs on when they are known.
    this._connections = this.networkMode === ecs.NetworkMode.AWS_VPC || this.knownCapacities === undefined
      ? runTask.connections
      : new ec2.Connections({ securityGroups: this.knownCapacities.flatMap(c => c.connections.securityGroups) });

    // The exit-code check. ecs:runTask.sync succeeds whenever the task reaches STOPPED,
    // whatever its containers' exit codes: its output is the task description, whose
    // `Containers[]` carry `Name` and `ExitCode` (no `ExitCode` when the container never
    // ran, e.g. the image could not be pulled). JSONPath Choice rules cannot filter an
    // array, so the Choice state is written in JSONata: the run passes when every
    // essential container (known here, not in the task description) has exit code 0.
    // The names are read lazily, so containers added later with addContainer count too.
    const exitCodesOk = sfn.Succeed.jsonata(this, 'ExitCodesOk', { comment: 'Every essential container exited with code 0' });
    const nonZeroExitCode = sfn.Fail.jsonata(this, 'NonZeroExitCode', {
      comment: 'An essential container exited with a non-zero code, or never ran',
      error: EXIT_CODE_ERROR,
      cause: "{% 'Essential containers (' & $join(" + Lazy.string({ produce: () => JSON.stringify(this.essentialContainerNames) }) +
        ", ', ') & ') must exit with code 0. Exit codes: ' & $string($states.input.Containers.{ 'name': Name, 'exitCode': ExitCode }) & " +
        "'. Stopped reason: ' & $states.input.StoppedReason %}",
    });
    const checkExitCodes = sfn.Choice.jsonata(this, 'CheckExitCodes', { comment: 'Did every essential container exit with code 0?' })
      .when(sfn.Condition.jsonata(`{% ${Lazy.string({ produce: () => exitCodeCondition(this.essentialContainerNames) })} %}`), exitCodesOk)
      .otherwise(nonZeroExitCode);

    // Retries must cover the exit-code check too, so the task and the check run in a
    // one-branch Parallel state that carries the retriers: a failed check fails the
    // branch with EXIT_CODE_ERROR and the Parallel state retries the whole attempt.
    const attempt = sfn.Parallel.jsonata(this, 'RunWithRetries', {
      comment: `Runs the task and checks its exit codes, with up to ${retries} retries (exponential backoff); timeouts are not retried`,
      outputs: '{% $states.result[0] %}',
    }).branch(runTask.next(checkExitCodes));
    // A task that timed out already ran for the whole timeout: retrying it would only
    // multiply the time and cost of a stuck job, so the first retrier matches timeouts
    // and never retries them; the second one retries every other failure.
    attempt.addRetry({ errors: [sfn.Errors.TIMEOUT], maxAttempts: 0 });
    if (retries > 0) {
      attempt.addRetry({ errors: [sfn.Errors.ALL], maxAttempts: retries, backoffRate: 2, interval: retryInterval });
    }

    const run: sfn.Parallel | sfn.Map = taskCount > 1
      ? sfn.Map.jsonata(this, 'RunCopies', {
        comment: `Runs ${taskCount} copies of the task in parallel; the run fails when one copy fails`,
        items: sfn.ProvideItems.jsonArray(Array.from({ length: taskCount }, (_, i) => i)),
        maxConcurrency: taskCount,
      }).itemProcessor(attempt)
      : attempt;

    // --- Failure signal ----------------------------------------------------------
    if (props.failureTopic) {
      this.failureTopic = props.failureTopic;
    } else {
      this.failureTopicKey = new kms.Key(this, 'FailureTopicKey', {
        description: plainDescription(`Encrypts the failure notifications of the batch job ${this.node.path}`, 8192),
        enableKeyRotation: true,
        // SNS messages are transient: the key protects nothing once the topic is gone.
        removalPolicy: RemovalPolicy.DESTROY,
      });
      const topic = new sns.Topic(this, 'FailureTopic', {
        displayName: plainDescription(`Failed runs of ${this.node.path}`, 100),
        masterKey: this.failureTopicKey,
        enforceSSL: true,
      });
      this.failureTopic = topic;
      allowServicesToPublish(topic, this.failureTopicKey);
    }
    const jobLabel = JSON.stringify(asciiLabel(this.node.path, 80));
    const notifyFailure = tasks.SnsPublish.jsonata(this, 'NotifyFailure', {
      comment: 'Publishes the failed or timed-out run to the failure topic',
      topic: this.failureTopic,
      subject: `{% ($states.input.Error = '${sfn.Errors.TIMEOUT}' ? 'Timed out: ' : 'Failed: ') & ${jobLabel} %}`,
      message: sfn.TaskInput.fromText(`{% $string({ 'job': ${jobLabel}, ` +
        `'status': $states.input.Error = '${sfn.Errors.TIMEOUT}' ? 'TIMED_OUT' : 'FAILED', ` +
        "'execution': $states.context.Execution.Id, 'error': $states.input.Error, 'cause': $states.input.Cause }) %}"),
      outputs: '{% $states.input %}',
    });
    notifyFailure.addRetry({ errors: [sfn.Errors.ALL], maxAttempts: 3 });
    const failed = sfn.Fail.jsonata(this, 'Failed', {
      comment: 'The run failed or timed out',
      error: '{% $states.input.Error %}',
      cause: "{% $exists($states.input.Cause) ? $states.input.Cause : 'no cause given' %}",
    });
    run.addCatch(notifyFailure.next(failed), { errors: [sfn.Errors.ALL] });

    const stateMachine = new JobStateMachine(this, 'Resource', {
      comment: plainDescription(`Runs the batch job ${this.node.path} on the cluster's EC2 capacity`, 1000),
      definitionBody: sfn.DefinitionBody.fromChainable(run),
      queryLanguage: sfn.QueryLanguage.JSONATA,
      stateMachineType: sfn.StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: { destination: this.executionLogGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    this.orchestrationPolicy = stateMachine.sealKitStatements();
    this.stateMachine = stateMachine;
    this.stateMachineArn = this.stateMachine.stateMachineArn;
    // SnsPublish grants sns:Publish only; an encrypted topic also needs its key.
    this.failureTopic.masterKey?.grant(this.stateMachine, 'kms:Decrypt', 'kms:GenerateDataKey');

    // Step Functions has no per-state-machine metric for task timeouts (executions fail
    // instead), so timed-out tasks are counted from the execution log's TaskTimedOut events.
    this.timedOutMetricName = timedOutMetricName(this);
    new logs.MetricFilter(this, 'TimedOutTasks', {
      logGroup: this.executionLogGroup,
      filterPattern: logs.FilterPattern.stringValue('$.type', '=', 'TaskTimedOut'),
      metricNamespace: METRIC_NAMESPACE,
      metricName: this.timedOutMetricName,
      metricValue: '1',
    });

    if (props.enableFailureAlarm) {
      this.failureAlarm = new cloudwatch.Alarm(this, 'FailureAlarm', {
        alarmDescription: plainDescription(`A run of the batch job ${this.node.path} failed or timed out`, 1024),
        metric: this.metricRunsFailed({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.failureAlarm.addAlarmAction(...(props.failureAlarmActions ?? [new cloudwatchActions.SnsAction(this.failureTopic)]));
    }

    if (props.schedule) {
      const scheduleRole = new iam.Role(this, 'ScheduleRole', {
        description: plainDescription(`EventBridge Scheduler starts the batch job ${this.node.path}`, 1000),
        assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
      });
      this.schedule = new scheduler.Schedule(this, 'Schedule', {
        description: plainDescription(`Starts the batch job ${this.node.path}`, 512),
        schedule: scheduler.ScheduleExpression.expression(props.schedule._render(this), props.schedule.timeZone),
        target: new schedulerTargets.StepFunctionsStartExecution(this.stateMachine, { role: scheduleRole }),
      });
      this.warnOfDaylightSaving(props.schedule);
    }

    this.node.addValidation({ validate: () => this.referenceProblems() });
    this.acknowledgeFindings();
  }

  /** The role the containers run with: no permissions until you grant some. */
  public get taskRole(): iam.IRole {
    return this.taskDefinition.taskRole;
  }

  /**
   * Adds a container to the job's task (a helper, a sidecar, a data container
   * for `volumesFrom`), configured like the main container: awslogs to the job's
   * log group, memory required, essential unless `essential: false`.
   *
   * @param id construct id, and the container's name unless `containerName` is given
   */
  public addContainer(id: string, options: JobContainerOptions): ecs.ContainerDefinition {
    const name = options.containerName ?? id;
    const validator = new PropValidator(this, 'Ec2BatchJob');
    this.validateContainer(validator, `addContainer(${id}).`, name, options, false);
    this.checkGpuCapacity(validator, `addContainer(${id}).gpuCount`, options.gpuCount);
    validator.throwIfInvalid();
    return this.createContainer(id, name, options, options.essential ?? true);
  }

  /**
   * Lets a principal start runs of the job (`states:StartExecution` on the state machine).
   */
  public grantStartRun(grantee: iam.IGrantable): iam.Grant {
    return this.stateMachine.grantStartExecution(grantee);
  }

  /** Runs started (Step Functions `ExecutionsStarted`, sum over 5 minutes). */
  public metricRunsStarted(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricStarted(props);
  }

  /** Runs that succeeded (Step Functions `ExecutionsSucceeded`, sum over 5 minutes). */
  public metricRunsSucceeded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricSucceeded(props);
  }

  /**
   * Runs that failed, timed-out runs included (Step Functions `ExecutionsFailed`,
   * sum over 5 minutes).
   */
  public metricRunsFailed(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricFailed(props);
  }

  /**
   * Tasks stopped because they ran longer than `timeout` (sum over 5 minutes),
   * counted from the execution log. Each one also fails its run.
   */
  public metricRunsTimedOut(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRIC_NAMESPACE,
      metricName: this.timedOutMetricName,
      statistic: cloudwatch.Stats.SUM,
      period: Duration.minutes(5),
      ...props,
    });
  }

  /** How long runs take, retries included (Step Functions `ExecutionTime` in milliseconds, average over 5 minutes). */
  public metricRunDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricTime(props);
  }

  private createContainer(id: string, name: string, options: JobContainerOptions, essential: boolean): ecs.ContainerDefinition {
    const container = this.taskDefinition.addContainer(id, {
      containerName: name,
      image: options.image,
      command: options.command,
      entryPoint: options.entryPoint,
      environment: options.environment,
      secrets: options.secrets,
      cpu: options.cpu,
      memoryLimitMiB: options.memoryLimitMiB,
      memoryReservationMiB: options.memoryReservationMiB,
      gpuCount: options.gpuCount,
      essential,
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'batch' }),
    });
    container.addMountPoints(...(options.mountPoints ?? []).map(m => ({
      sourceVolume: m.sourceVolume, containerPath: m.containerPath, readOnly: m.readOnly ?? false,
    })));
    container.addVolumesFrom(...(options.volumesFrom ?? []).map(v => ({ sourceContainer: v.sourceContainer, readOnly: v.readOnly ?? false })));
    for (const v of options.volumesFrom ?? []) this.volumesFromReferences.push({ container: name, source: v.sourceContainer });

    if (options.environment && Object.keys(options.environment).length > 0) {
      this.acknowledgeEnvironment('The environment variables given to the job are non-secret configuration; secrets go through `secrets` (Secrets Manager / SSM).');
    }
    this.containersByName.set(name, container);
    if (essential) this.essentialContainerNames.push(name);
    // A link needs both container definitions: links to containers added later wait here.
    this.pendingLinks.push(...(options.links ?? []).map(l => ({ from: container, to: l.containerName, alias: l.alias })));
    this.pendingLinks = this.pendingLinks.filter(link => {
      const target = this.containersByName.get(link.to);
      if (target) link.from.addLink(target, link.alias);
      return !target;
    });
    return container;
  }

  private validateJobProps(validator: PropValidator, props: Ec2BatchJobProps): void {
    // These shape the state machine's definition (its states, retriers and
    // timeouts), written at synth time: a value known only at deploy time cannot.
    refuseToken(validator, 'taskCount', props.taskCount, 'the number of copies decides the states of the state machine');
    refuseToken(validator, 'retries', props.retries, 'the retries are written into the state machine\'s definition');
    refuseToken(validator, 'timeout', props.timeout, 'the timeout is written into the state machine\'s definition');
    refuseToken(validator, 'retryInterval', props.retryInterval, 'the retry interval is written into the state machine\'s definition');
    validator.checkInteger('taskCount', props.taskCount, 1, 10, 'Use a whole number of parallel copies from 1 to 10.');
    validator.checkInteger('retries', props.retries, 0, 10, 'Use a whole number of retries from 0 to 10.');
    checkDuration(validator, 'timeout', props.timeout, 'Use a positive whole number of seconds, e.g. Duration.hours(2).');
    checkDuration(validator, 'retryInterval', props.retryInterval, 'Use a positive whole number of seconds, e.g. Duration.minutes(1).');

    const mode = this.networkMode;
    validator.check('networkMode', networkModeName(mode), mode === ecs.NetworkMode.BRIDGE || mode === ecs.NetworkMode.AWS_VPC,
      'Use ecs.NetworkMode.BRIDGE (the default for batch jobs) or ecs.NetworkMode.AWS_VPC.');
    if (mode !== ecs.NetworkMode.AWS_VPC) {
      const given = {
        vpcSubnets: props.vpcSubnets && describeSubnetSelection(props.vpcSubnets),
        securityGroups: props.securityGroups?.map(sg => sg.node.path),
      };
      for (const prop of ['vpcSubnets', 'securityGroups'] as const) {
        if (props[prop] !== undefined) {
          validator.report(prop, given[prop],
            `Only tasks in ecs.NetworkMode.AWS_VPC have their own network interface, and networkMode is ${networkModeName(mode)}: ` +
            'set networkMode: ecs.NetworkMode.AWS_VPC, or remove this prop.');
        }
      }
    }
    if (props.logRetention !== undefined && !isUnresolved(props.logRetention)) {
      validator.check('logRetention', props.logRetention, Object.values(logs.RetentionDays).includes(props.logRetention),
        'Use one of the logs.RetentionDays values, e.g. logs.RetentionDays.ONE_MONTH.');
    }
    if (props.failureAlarmActions !== undefined && !props.enableFailureAlarm) {
      validator.report('failureAlarmActions', `${props.failureAlarmActions.length} action(s)`,
        'The actions belong to the failure alarm, which exists only with enableFailureAlarm: true: set it, or remove failureAlarmActions.');
    }

    const seen = new Set<string>();
    for (const volume of props.volumes ?? []) {
      refuseToken(validator, 'volumes[].name', volume.name, 'mount points find their volume by name at synth time');
      validator.check('volumes[].name', volume.name, NAME_PATTERN.test(volume.name),
        'Use 1 to 255 letters, digits, hyphens and underscores, e.g. "scratch".');
      validator.check('volumes[].name', volume.name, !seen.has(volume.name), 'Each volume needs its own name.');
      seen.add(volume.name);
      if (volume.sourcePath !== undefined) {
        validator.check('volumes[].sourcePath', volume.sourcePath, volume.sourcePath.startsWith('/'),
          'Use an absolute path on the container instance, e.g. "/mnt/scratch", or leave it out for a Docker scratch volume.');
      }
    }

    for (const problem of props.schedule?._problems() ?? []) {
      validator.report('schedule', describeSchedule(props.schedule!), problem);
    }
  }

  private validateContainer(validator: PropValidator, prefix: string, name: string, options: JobContainerOptions, main: boolean): void {
    // Names that tie containers and volumes together, and GPU counts that choose
    // the capacity, are read at synth time: tokens are refused.
    refuseToken(validator, `${prefix}containerName`, name, 'links, volumesFrom and the exit-code check find containers by name at synth time');
    refuseToken(validator, `${prefix}gpuCount`, options.gpuCount, 'the GPU count decides which capacity providers run the job');
    for (const mount of options.mountPoints ?? []) {
      refuseToken(validator, `${prefix}mountPoints[].sourceVolume`, mount.sourceVolume, 'the volume is found by name at synth time');
    }
    for (const from of options.volumesFrom ?? []) {
      refuseToken(validator, `${prefix}volumesFrom[].sourceContainer`, from.sourceContainer, 'the container is found by name at synth time');
    }
    for (const link of options.links ?? []) {
      refuseToken(validator, `${prefix}links[].containerName`, link.containerName, 'the linked container is found by name at synth time');
      refuseToken(validator, `${prefix}links[].alias`, link.alias, 'the alias is written into the link at synth time');
    }
    validator.check(`${prefix}containerName`, name, NAME_PATTERN.test(name), 'Use 1 to 255 letters, digits, hyphens and underscores, e.g. "etl".');
    validator.check(`${prefix}containerName`, name, !this.containersByName.has(name),
      'The task already has a container of that name: choose another containerName (or id).');
    if (main && options.essential === false) {
      validator.report('essential', false, 'The main container is always essential: its exit code decides whether the run succeeded. Add helpers with addContainer.');
    }

    const limit = options.memoryLimitMiB;
    const reservation = options.memoryReservationMiB;
    if (limit === undefined && reservation === undefined) {
      validator.report(`${prefix}memoryLimitMiB`, undefined,
        'An EC2 task needs memory per container: give memoryLimitMiB (hard limit), memoryReservationMiB (soft reservation), or both, e.g. memoryLimitMiB: 512.');
    }
    validator.checkInteger(`${prefix}memoryLimitMiB`, limit, 6, 10_000_000, 'Use a whole number of MiB, at least 6 (Docker\'s minimum).');
    validator.checkInteger(`${prefix}memoryReservationMiB`, reservation, 6, 10_000_000, 'Use a whole number of MiB, at least 6 (Docker\'s minimum).');
    if (limit !== undefined && reservation !== undefined && !isUnresolved([limit, reservation]) && reservation > limit) {
      validator.report(`${prefix}memoryReservationMiB`, reservation,
        `The soft reservation cannot be above the hard limit (memoryLimitMiB: ${limit}): lower it, or raise memoryLimitMiB.`);
    }
    validator.checkInteger(`${prefix}cpu`, options.cpu, 0, 196_608, 'Use a whole number of CPU units, 0 or more (1024 = one vCPU).');
    validator.checkInteger(`${prefix}gpuCount`, options.gpuCount, 0, 16, 'Use a whole number of GPUs from 0 to 16.');

    const paths = new Set<string>();
    for (const mount of options.mountPoints ?? []) {
      validator.check(`${prefix}mountPoints[].sourceVolume`, mount.sourceVolume, this.volumeNames.has(mount.sourceVolume),
        `Name one of the job's volumes (${[...this.volumeNames].map(v => JSON.stringify(v)).join(', ') || 'none declared'}), or declare it in volumes.`);
      validator.check(`${prefix}mountPoints[].containerPath`, mount.containerPath, mount.containerPath.startsWith('/'),
        'Use an absolute path inside the container, e.g. "/scratch".');
      validator.check(`${prefix}mountPoints[].containerPath`, mount.containerPath, !paths.has(mount.containerPath),
        'Each mount point of a container needs its own containerPath.');
      paths.add(mount.containerPath);
    }
    for (const from of options.volumesFrom ?? []) {
      validator.check(`${prefix}volumesFrom[].sourceContainer`, from.sourceContainer, from.sourceContainer !== name,
        'A container cannot mount its own volumes: name another container of the task.');
    }
    for (const link of options.links ?? []) {
      if (this.networkMode !== ecs.NetworkMode.BRIDGE) {
        validator.report(`${prefix}links`, link.containerName,
          `Links only work in bridge network mode (networkMode is ${networkModeName(this.networkMode)}): ` +
          'in awsvpc mode the containers of a task reach each other on localhost.');
      }
      validator.check(`${prefix}links[].containerName`, link.containerName, link.containerName !== name,
        'A container cannot link to itself: name another container of the task.');
      if (link.alias !== undefined) {
        validator.check(`${prefix}links[].alias`, link.alias, /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/.test(link.alias),
          'An alias is a host name: letters, digits, ".", "_" and "-", starting with a letter or digit.');
      }
    }
  }

  /**
   * Warns when a run of the schedule falls in a daylight-saving gap (EventBridge
   * Scheduler skips it) or overlap (Scheduler runs it once, at one of the two
   * times) of its time zone, once a year.
   */
  private warnOfDaylightSaving(schedule: JobSchedule): void {
    const zone = schedule.timeZone?.timezoneName;
    const avoid = 'To avoid it, choose a time outside the hour the clocks change in (e.g. hour: \'3\' or later for Europe\'s 02:00–03:00 change), ' +
      'or a time zone without daylight saving time, e.g. TimeZone.ETC_UTC.';
    for (const conflict of schedule._daylightSavingConflicts()) {
      if (conflict.kind === 'gap') {
        Annotations.of(this).addWarningV2('cdk-ecs-kit:Ec2BatchJob.scheduleInDaylightSavingGap',
          `The schedule ${schedule.expressionString} runs at a local time that does not exist once a year in ${zone}: ` +
          `on ${conflict.localTime.slice(0, 10)} the clocks jump from ${conflict.from} to ${conflict.to}, so the run of ${conflict.localTime} never happens. ` +
          `EventBridge Scheduler skips a run whose local time does not exist. ${avoid}`);
      } else {
        Annotations.of(this).addWarningV2('cdk-ecs-kit:Ec2BatchJob.scheduleInDaylightSavingOverlap',
          `The schedule ${schedule.expressionString} runs at a local time that happens twice once a year in ${zone}: ` +
          `on ${conflict.localTime.slice(0, 10)} the clocks go back from ${conflict.from} to ${conflict.to}, so ${conflict.localTime.slice(11)} comes twice. ` +
          'EventBridge Scheduler runs it only once, not twice: that run comes at one of the two times, an hour apart. ' + avoid);
      }
    }
  }

  /** GPUs on capacity without GPU instances: an error where the capacity is known, a warning otherwise. */
  private checkGpuCapacity(validator: PropValidator, prop: string, gpuCount: number | undefined): void {
    if (gpuCount === undefined || isUnresolved(gpuCount) || !Number.isInteger(gpuCount) || gpuCount <= 0) return;
    if (this.knownCapacities) {
      if (!this.knownCapacities.some(c => c.gpu)) {
        validator.report(prop, gpuCount,
          'None of the EC2 capacity groups the job runs on has GPU instances: add one with cluster.addEc2Capacity(id, { instanceTypes: [g5.xlarge…], ' +
          'machineImage: EcsMachineImage.amazonLinux2023({ gpu: true }) }) before creating the job (and give gpuCount to the main container, ' +
          'so that the job chooses it), or name it in taskCapacity.');
      }
    } else if (!this.gpuWarningGiven) {
      this.gpuWarningGiven = true;
      Annotations.of(this).addWarningV2('cdk-ecs-kit:Ec2BatchJob.gpuCapacityUnknown',
        `A container needs ${gpuCount} GPU(s), but whether the capacity providers of taskCapacity have GPU instances cannot be known here: ` +
        'make sure they run a GPU instance family with the ECS GPU image, or the task will never be placed.');
    }
  }

  /** Links and volumesFrom that name no container of the task, known once every container was added. */
  private referenceProblems(): string[] {
    const problems: string[] = [];
    const names = [...this.containersByName.keys()].map(n => JSON.stringify(n)).join(', ');
    for (const ref of this.volumesFromReferences) {
      if (!this.containersByName.has(ref.source)) {
        problems.push(`Ec2BatchJob: volumesFrom of container "${ref.container}" received "${ref.source}". ` +
          `The task has no container of that name (it has ${names}): add it with addContainer('${ref.source}', …) or fix the name.`);
      }
    }
    for (const link of this.pendingLinks) {
      problems.push(`Ec2BatchJob: links of container "${link.from.containerName}" received "${link.to}". ` +
        `The task has no container of that name (it has ${names}): add it with addContainer('${link.to}', …) or fix the name.`);
    }
    return problems;
  }

  /**
   * cdk-nag findings that the job's defaults trigger on purpose, acknowledged on
   * the resources concerned with the reason.
   */
  private acknowledgeFindings(): void {
    if (this.networkMode === ecs.NetworkMode.AWS_VPC) {
      // aws-cdk-lib's Ec2TaskDefinition writes AWS_REGION into every container in awsvpc mode.
      this.acknowledgeEnvironment('aws-cdk-lib sets AWS_REGION (the region name, not a secret) in every container of an awsvpc EC2 task; '
        + 'other environment variables given to the job are non-secret configuration; secrets go through `secrets` (Secrets Manager / SSM).');
    }
    Validations.of(this.orchestrationPolicy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Added by cdk-ecs-kit; this policy holds only the job\'s own orchestration statements. aws-cdk-lib\'s ECS RunTask integration needs ecs:StopTask and ecs:DescribeTasks on "*" (task ARNs are only known at run time); ' +
        'X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets) and execution logging ' +
        '(logs:CreateLogDelivery and the other log-delivery actions) have no resource type and only support "*". ' +
        'ecs:RunTask itself is scoped to this job\'s task definition, iam:PassRole to its two roles, and sns:Publish to the failure topic.',
    });
  }

  private acknowledgeEnvironment(reason: string): void {
    Validations.of(this.taskDefinition).acknowledge({ id: 'AwsSolutions-ECS2', reason });
  }
}

/** Construct id of the kit's policy with the state machine's own statements, a child of its role. */
const ORCHESTRATION_POLICY_ID = 'Orchestration';

/** State machines whose construction is over: their statements go to the role's default policy. */
const sealedStateMachines = new WeakSet<sfn.StateMachine>();

/**
 * The job's state machine. The statements aws-cdk-lib adds while constructing it (ECS RunTask
 * and its sync polling, iam:PassRole, sns:Publish, X-Ray, log delivery) go into a policy of the
 * kit's own, a child of the role, where their wildcard findings are acknowledged; after
 * `sealKitStatements`, `addToRolePolicy` (the user's statements) goes to the role's default policy.
 */
class JobStateMachine extends sfn.StateMachine {
  /** Ends the kit's statements, and returns the kit's policy. */
  public sealKitStatements(): iam.Policy {
    sealedStateMachines.add(this);
    return this.role.node.findChild(ORCHESTRATION_POLICY_ID) as iam.Policy;
  }

  public addToRolePolicy(statement: iam.PolicyStatement): void {
    if (sealedStateMachines.has(this)) {
      super.addToRolePolicy(statement);
      return;
    }
    // Called from the base constructor: no field of this class is set yet, the role is.
    const existing = this.role.node.tryFindChild(ORCHESTRATION_POLICY_ID) as iam.Policy | undefined;
    const policy = existing ?? new iam.Policy(this.role as iam.Role, ORCHESTRATION_POLICY_ID, { roles: [this.role] });
    policy.addStatements(statement);
  }
}

/** The JSONata condition of the exit-code check: every essential container ran and exited with 0. */
function exitCodeCondition(essentialContainerNames: string[]): string {
  return `$count($states.input.Containers[Name in ${JSON.stringify(essentialContainerNames)} and ExitCode = 0]) = ${essentialContainerNames.length}`;
}

function checkDuration(validator: PropValidator, prop: string, duration: Duration | undefined, fix: string): void {
  if (duration === undefined || duration.isUnresolved()) return;
  const seconds = duration.toMilliseconds({ integral: false }) / 1000;
  validator.check(prop, duration.toHumanString(), Number.isInteger(seconds) && seconds >= 1 && seconds <= 99_999_999, fix);
}

/** Printable ASCII (SNS subjects allow nothing else), at most `max` characters. */
function asciiLabel(text: string, max: number): string {
  const ascii = text.replace(/[^\x20-\x7E]/g, '?');
  return ascii.length <= max ? ascii : `...${ascii.slice(-(max - 3))}`;
}

/**
 * Refuses an unresolved token for a prop the job must read at synth time,
 * saying why. Other props take tokens (see README, "Tokens").
 */
function refuseToken(validator: PropValidator, prop: string, value: unknown, why: string): void {
  if (value === undefined || !(value instanceof Duration ? value.isUnresolved() : isUnresolved(value))) return;
  const shown = value instanceof Duration ? 'a Duration from a token' : typeof value === 'number' ? Token.asString(value) : value;
  validator.report(prop, shown, `This prop cannot be an unresolved token (a parameter, an attribute or an import): ${why}. Give a literal value.`);
}

/** `ecs.NetworkMode.AWS_VPC` rather than `awsvpc`: the name the user typed. */
function networkModeName(mode: ecs.NetworkMode): string {
  const name = enumMemberName(ecs.NetworkMode, mode);
  return name ? `ecs.NetworkMode.${name}` : String(mode);
}

/** A subnet selection as the user wrote it (subnet objects by id or path). */
function describeSubnetSelection(selection: ec2.SubnetSelection): Record<string, unknown> {
  const described: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(selection)) {
    if (value === undefined) continue;
    if (key === 'subnetType') {
      const name = enumMemberName(ec2.SubnetType, value);
      described[key] = name ? `ec2.SubnetType.${name}` : value;
    } else if (key === 'subnets' && Array.isArray(value)) {
      described[key] = value.map((subnet: ec2.ISubnet) => (Token.isUnresolved(subnet.subnetId) ? subnet.node.path : subnet.subnetId));
    } else if (key === 'subnetFilters' && Array.isArray(value)) {
      described[key] = `${value.length} filter(s)`;
    } else {
      described[key] = value;
    }
  }
  return described;
}

/** A schedule as received: its expression, and its time zone when one was given. */
function describeSchedule(schedule: JobSchedule): string {
  return schedule.timeZone ? `${schedule.expressionString} in ${schedule.timeZone.timezoneName}` : schedule.expressionString;
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
