import {
  Annotations,
  Duration,
  Lazy,
  RemovalPolicy,
  Validations,
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
  aws_scheduler as scheduler,
  aws_sns as sns,
  aws_stepfunctions as sfn,
  aws_stepfunctions_tasks as tasks,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { checkContainer, checkJobProps, ContainerReference, JobTaskShape, networkModeName, unknownContainerProblems } from './batch-job-checks';
import { DEFAULT_FARGATE_JOB_CPU, DEFAULT_FARGATE_JOB_MEMORY_MIB } from './batch-job-fargate-checks';
import { BatchJobProps, JobContainerOptions } from './batch-job-props';
import { intendedJobCompute, resolveJobCapacity } from './job-capacity';
import { countTimedOutTasks, createFailureAlarm, createFailureTopic, timedOutTasksMetric } from './job-failure-signals';
import { JobKind, jobKindOf } from './job-kind';
import { scheduleStarts } from './job-schedule-start';
import { createJobStateMachine, jobRunStates, notifyFailures } from './job-state-machine';
import type { IEc2Capacity } from '../cluster/ec2-capacity';
import { TaskCompute } from '../cluster/task-capacity';
import { addScratchVolumes, addStartDependencies, containerDefinitionSettings, ContainerStartDependency } from '../core/container-settings';
import { logGroupSecurity } from '../core/hardening';
import { useManagedPolicies } from '../core/managed-policies';
import { PropValidator, isUnresolved } from '../core/validation';

const FIX_RUN_ECS_TASK_POLICY = '@aws-cdk/aws-stepfunctions-tasks:fixRunEcsTaskPolicy';

interface PendingLink {
  readonly from: ecs.ContainerDefinition;
  readonly to: string;
  readonly alias?: string;
}

interface PendingStartDependency {
  readonly from: ecs.ContainerDefinition;
  readonly dependency: ContainerStartDependency;
}

/**
 * A batch job, on Fargate, Fargate Spot or a cluster's EC2 capacity (`taskCapacity`):
 * a task definition (Fargate or EC2), run by a Step Functions state machine
 * through ECS RunTask (`.sync`: it waits for the task to stop), with an
 * exit-code check, retries with exponential backoff, a timeout that stops the
 * task, failure notifications by SNS, metrics, and an optional EventBridge
 * Scheduler schedule.
 *
 * The state machine is the main child (`Resource`). Runs start on the schedule,
 * or on demand: `aws stepfunctions start-execution --state-machine-arn <stateMachineArn>`.
 *
 * @example
 * import { TimeZone, aws_sns_subscriptions as subscriptions } from 'aws-cdk-lib';
 * import { BatchJob, JobSchedule } from 'cdk-ecs-kit';
 *
 * declare const cluster: EcsCluster;
 * const job = new BatchJob(this, 'NightlyReport', {
 *   cluster,
 *   taskCapacity: TaskCapacity.fargateSpot(),
 *   image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable'),
 *   command: ['sh', '-c', 'echo build the report'],
 *   cpu: 512,
 *   memoryLimitMiB: 1024,
 *   schedule: JobSchedule.cron({ hour: '2', timeZone: TimeZone.EUROPE_PARIS }),
 * });
 * job.failureTopic.addSubscription(new subscriptions.EmailSubscription('oncall@example.com'));
 */
export class BatchJob extends Construct implements iam.IGrantable, ec2.IConnectable {
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
   * - On Fargate, and on EC2 in `ecs.NetworkMode.AWS_VPC`: the security groups
   *   of the task's network interface (`securityGroups`, or the one the job
   *   creates when none are given).
   * - On EC2 in `ecs.NetworkMode.BRIDGE` (the default on EC2): the tasks use their instance's
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
      Annotations.of(this).addWarningV2(`cdk-ecs-kit:${this.kind.name}.connectionsUnknown`,
        `The job runs in ${networkModeName(this.networkMode)} on the instances of a cluster whose security groups are unknown here, ` +
        'so rules added through job.connections have no security group to attach to and are dropped: import the cluster with its ' +
        'securityGroups (EcsCluster.fromClusterAttributes / ecs.Cluster.fromClusterAttributes), use an EcsCluster, ' +
        'or set networkMode: ecs.NetworkMode.AWS_VPC so that the job has security groups of its own.');
    }
    return this._connections;
  }

  /**
   * The task definition of the job: an `ecs.FargateTaskDefinition` on Fargate,
   * an `ecs.Ec2TaskDefinition` on EC2.
   */
  public readonly taskDefinition: ecs.TaskDefinition;

  /** Where the job's task runs: Fargate or EC2. */
  public readonly compute: TaskCompute;

  /** The main container. */
  public readonly container: ecs.ContainerDefinition;

  /** The state machine that runs the job (the main child, id `Resource`). */
  public readonly stateMachine: sfn.StateMachine;
  /** The kit's managed policy with the state machine's own statements, on its role. */
  private readonly orchestrationPolicy: iam.ManagedPolicy;

  /** ARN of the state machine: start a run with `aws stepfunctions start-execution`. */
  public readonly stateMachineArn: string;

  /** The EventBridge Scheduler schedule, when `schedule` was given. */
  public readonly schedule?: scheduler.Schedule;

  /** The topic failed and timed-out runs publish to. */
  public readonly failureTopic: sns.ITopic;

  /**
   * The KMS key this construct created for its failure topic: when it created
   * the topic and neither `encryptionKey` nor the hardened profile gave a key.
   */
  public readonly failureTopicKey?: kms.Key;

  /** The log group of the containers (awslogs, stream prefix `batch`). */
  public readonly logGroup: logs.LogGroup;

  /** The log group of the state machine's execution events. */
  public readonly executionLogGroup: logs.LogGroup;

  /** The alarm on failed runs, when `enableFailureAlarm` is on. */
  public readonly failureAlarm?: cloudwatch.Alarm;

  /**
   * The capacity provider strategy the task runs with: empty on on-demand
   * Fargate only, which runs with the FARGATE launch type.
   */
  public readonly capacityProviderStrategies: ecs.CapacityProviderStrategy[];

  private readonly kind: JobKind;
  private readonly networkMode: ecs.NetworkMode;
  /** Fargate's task size, on Fargate. */
  private readonly fargateSize?: { readonly cpu: number; readonly memoryMiB: number };
  private readonly volumeNames: Set<string>;
  private readonly containersByName = new Map<string, ecs.ContainerDefinition>();
  private readonly essentialContainerNames: string[] = [];
  private readonly volumesFromReferences: ContainerReference[] = [];
  private pendingLinks: PendingLink[] = [];
  private pendingStartDependencies: PendingStartDependency[] = [];
  /** The EC2 capacities behind the strategy, when they are known (a cluster of the kit). */
  private readonly knownCapacities?: IEc2Capacity[];
  private gpuWarningGiven = false;
  private readonly _connections: ec2.Connections;
  private connectionsWarningGiven = false;
  private readonly timedOutMetricName: string;

  constructor(scope: Construct, id: string, props: BatchJobProps) {
    super(scope, id);
    this.kind = jobKindOf(props);
    // Least privilege for the state machine: with this aws-cdk-lib feature flag, the
    // ecs:RunTask permission names this job's task definition revision instead of
    // "<family>:*". Set on this construct only, before its children exist.
    this.node.setContext(FIX_RUN_ECS_TASK_POLICY, true);

    // Where the task runs decides the task definition, its network mode and the checks; the capacity
    // itself is checked below with the other props.
    this.compute = intendedJobCompute(this.kind, props.cluster, props.taskCapacity);
    const fargate = this.compute === TaskCompute.FARGATE;
    this.networkMode = props.networkMode ?? (fargate ? ecs.NetworkMode.AWS_VPC : ecs.NetworkMode.BRIDGE);
    this.fargateSize = fargate
      ? { cpu: props.cpu ?? DEFAULT_FARGATE_JOB_CPU, memoryMiB: props.memoryLimitMiB ?? DEFAULT_FARGATE_JOB_MEMORY_MIB }
      : undefined;
    const taskCount = props.taskCount ?? 1;
    const retries = props.retries ?? 2;
    const retryInterval = props.retryInterval ?? Duration.minutes(1);
    const timeout = props.timeout ?? Duration.hours(1);
    const mainName = props.containerName ?? 'job';
    this.volumeNames = new Set((props.volumes ?? []).map(v => v.name));

    const validator = new PropValidator(this, this.kind.name);
    checkJobProps(validator, props, this.networkMode, fargate);
    checkContainer(validator, '', mainName, props, true, this.taskShape);
    const capacity = resolveJobCapacity(validator, this.kind, props.cluster, props.taskCapacity, (props.gpuCount ?? 0) > 0);
    this.knownCapacities = capacity?.ec2Capacities;
    if (capacity && !fargate) this.checkGpuCapacity(validator, 'gpuCount', props.gpuCount);
    validator.throwIfInvalid();
    this.capacityProviderStrategies = capacity!.strategies ?? [];

    // The job's own props win; the hardened profile brings its key and a year's retention.
    // The same key encrypts the failure topic the job creates.
    // A key of the user's gets CloudWatch Logs' and alarms' permission there (a no-op on an imported key).
    const logSecurity = logGroupSecurity(this, props, logs.RetentionDays.ONE_MONTH);
    const logGroupProps: logs.LogGroupProps = {
      retention: logSecurity.retention,
      encryptionKey: logSecurity.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    };
    this.logGroup = new logs.LogGroup(this, 'Logs', logGroupProps);
    this.executionLogGroup = new logs.LogGroup(this, 'ExecutionLogs', logGroupProps);

    const volumes = (props.volumes ?? []).map(v => (v.sourcePath !== undefined
      ? { name: v.name, host: { sourcePath: v.sourcePath } }
      : { name: v.name }));
    this.taskDefinition = this.fargateSize
      ? new ecs.FargateTaskDefinition(this, 'TaskDefinition', { cpu: this.fargateSize.cpu, memoryLimitMiB: this.fargateSize.memoryMiB, volumes })
      : new ecs.Ec2TaskDefinition(this, 'TaskDefinition', { networkMode: this.networkMode, volumes });
    // The roles' statements (the image pull and log permissions, the user's grants) go into customer managed policies.
    useManagedPolicies(this.taskDefinition.obtainExecutionRole() as iam.Role);
    useManagedPolicies(this.taskDefinition.taskRole as iam.Role);
    this.container = this.createContainer('Container', mainName, props, true, true);

    // --- The state machine (job-state-machine.ts) -----------------------------------
    const { run, runTask } = jobRunStates(this, {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      launchTarget: fargate
        // Fargate Spot needs a capacity provider strategy (RunTask then has no launch type); on-demand
        // Fargate runs with the FARGATE launch type. LATEST is the platform version ECS uses by default.
        ? new tasks.EcsFargateLaunchTarget({
          platformVersion: ecs.FargatePlatformVersion.LATEST,
          capacityProviderOptions: this.capacityProviderStrategies.length > 0
            ? tasks.CapacityProviderOptions.custom(this.capacityProviderStrategies)
            : undefined,
        })
        : new tasks.EcsEc2LaunchTarget({
          capacityProviderOptions: tasks.CapacityProviderOptions.custom(this.capacityProviderStrategies),
          placementStrategies: props.placementStrategies ?? [ecs.PlacementStrategy.packedByMemory()],
          placementConstraints: props.placementConstraints,
        }),
      fargate,
      exitCodeError: `${this.kind.name}.NonZeroExitCode`,
      container: this.container,
      networkMode: this.networkMode,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
      assignPublicIp: props.assignPublicIp,
      taskCount,
      retries,
      retryInterval,
      timeout,
      essentialContainerNames: () => this.essentialContainerNames,
    });
    this.grantPrincipal = this.taskDefinition.taskRole;
    // awsvpc (Fargate included): the RunTask step holds the task's security groups (the user's, or the one it creates).
    // bridge: the instances' groups, narrowed to the capacity groups the job runs on when they are known.
    this._connections = this.networkMode === ecs.NetworkMode.AWS_VPC || this.knownCapacities === undefined
      ? runTask.connections
      : new ec2.Connections({ securityGroups: this.knownCapacities.flatMap(c => c.connections.securityGroups) });

    // --- Failure signals (job-failure-signals.ts) -----------------------------------
    if (props.failureTopic) {
      this.failureTopic = props.failureTopic;
    } else {
      const created = createFailureTopic(this, logSecurity.encryptionKey);
      this.failureTopic = created.topic;
      this.failureTopicKey = created.createdKey;
    }
    notifyFailures(this, run, this.failureTopic);
    const { stateMachine, orchestrationPolicy } = createJobStateMachine(this, run, this.executionLogGroup, this.failureTopic, fargate);
    this.stateMachine = stateMachine;
    this.orchestrationPolicy = orchestrationPolicy;
    this.stateMachineArn = stateMachine.stateMachineArn;
    this.timedOutMetricName = countTimedOutTasks(this, this.executionLogGroup, this.kind.name);
    if (props.enableFailureAlarm) {
      this.failureAlarm = createFailureAlarm(this, this.metricRunsFailed({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        this.failureTopic, props.failureAlarmActions);
    }
    if (props.schedule) {
      this.schedule = scheduleStarts(this, this.stateMachine, props.schedule, this.kind.name);
    }

    this.node.addValidation({
      validate: () => unknownContainerProblems(this.kind.name, [...this.containersByName.keys()], this.volumesFromReferences,
        this.pendingLinks.map(link => ({ container: link.from.containerName, target: link.to })),
        this.pendingStartDependencies.map(p => ({ container: p.from.containerName, target: p.dependency.containerName }))),
    });
    this.acknowledgeFindings();
  }

  /** The role the containers run with: no permissions until you grant some. */
  public get taskRole(): iam.IRole {
    return this.taskDefinition.taskRole;
  }

  /**
   * Adds a container to the job's task (a helper, a sidecar, a data container
   * for `volumesFrom`), configured like the main container: awslogs to the job's
   * log group, memory required on EC2, essential unless `essential: false`.
   *
   * @param id construct id, and the container's name unless `containerName` is given
   */
  public addContainer(id: string, options: JobContainerOptions): ecs.ContainerDefinition {
    const name = options.containerName ?? id;
    const validator = new PropValidator(this, this.kind.name);
    checkContainer(validator, `addContainer(${id}).`, name, options, false, this.taskShape);
    if (!this.fargateSize) this.checkGpuCapacity(validator, `addContainer(${id}).gpuCount`, options.gpuCount);
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
    return timedOutTasksMetric(this.kind.name, this.timedOutMetricName, props);
  }

  /** How long runs take, retries included (Step Functions `ExecutionTime` in milliseconds, average over 5 minutes). */
  public metricRunDuration(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.stateMachine.metricTime(props);
  }

  /** What the container checks need to know of the task. */
  private get taskShape(): JobTaskShape {
    return {
      networkMode: this.networkMode,
      fargateSize: this.fargateSize,
      volumeNames: this.volumeNames,
      hasContainer: name => this.containersByName.has(name),
    };
  }

  private createContainer(id: string, name: string, options: JobContainerOptions, essential: boolean, main = false): ecs.ContainerDefinition {
    // On Fargate the main container's cpu and memoryLimitMiB are the task's size (set on the task definition).
    const taskSized = main && this.fargateSize !== undefined;
    const container = this.taskDefinition.addContainer(id, {
      ...containerDefinitionSettings(this, id, options),
      containerName: name,
      image: options.image,
      environment: options.environment,
      secrets: options.secrets,
      cpu: taskSized ? undefined : options.cpu,
      memoryLimitMiB: taskSized ? this.mainContainerMemoryLimit() : options.memoryLimitMiB,
      memoryReservationMiB: options.memoryReservationMiB,
      gpuCount: options.gpuCount,
      essential,
      logging: ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: 'batch' }),
    });
    addScratchVolumes(this, container, options);
    container.addMountPoints(...(options.mountPoints ?? []).map(m => ({
      sourceVolume: m.sourceVolume, containerPath: m.containerPath, readOnly: m.readOnly ?? false,
    })));
    container.addVolumesFrom(...(options.volumesFrom ?? []).map(v => ({ sourceContainer: v.sourceContainer, readOnly: v.readOnly ?? false })));
    for (const v of options.volumesFrom ?? []) this.volumesFromReferences.push({ container: name, target: v.sourceContainer });

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
    // So does a start order on a container added later.
    this.pendingStartDependencies.push(...(options.dependsOn ?? []).map(dependency => ({ from: container, dependency })));
    this.pendingStartDependencies = this.pendingStartDependencies.filter(pending => {
      const target = this.containersByName.get(pending.dependency.containerName);
      if (target && pending.from !== target) addStartDependencies(pending.from, { dependsOn: [pending.dependency] }, () => target);
      return !target;
    });
    return container;
  }

  /**
   * The hard memory limit of the main container on Fargate: the task's memory
   * (a container-level limit, which compliance rules such as AWS Config's
   * ecs-task-definition-memory-hard-limit ask for, that changes nothing for a
   * container alone in its task). ECS refuses containers whose reserved memory
   * adds up to more than the task's, and a container without a reservation
   * reserves its limit: so no limit when an added container reserves memory
   * (read at synthesis, so containers added later count).
   */
  private mainContainerMemoryLimit(): number {
    return Lazy.number({
      produce: () => ([...this.containersByName.values()].some(c => c !== this.container && c.memoryLimitSpecified)
        ? undefined
        : this.fargateSize!.memoryMiB),
    });
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
      Annotations.of(this).addWarningV2(`cdk-ecs-kit:${this.kind.name}.gpuCapacityUnknown`,
        `A container needs ${gpuCount} GPU(s), but whether the capacity providers of taskCapacity have GPU instances cannot be known here: ` +
        'make sure they run a GPU instance family with the ECS GPU image, or the task will never be placed.');
    }
  }

  /**
   * cdk-nag findings that the job's defaults trigger on purpose, acknowledged on
   * the resources concerned with the reason.
   */
  private acknowledgeFindings(): void {
    if (this.networkMode === ecs.NetworkMode.AWS_VPC && !this.fargateSize) {
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
