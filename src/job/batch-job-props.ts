import { Duration, aws_cloudwatch as cloudwatch, aws_ec2 as ec2, aws_ecs as ecs, aws_kms as kms, aws_logs as logs, aws_sns as sns } from 'aws-cdk-lib';
import { JobSchedule } from './job-schedule';
import { TaskCapacity } from '../cluster/task-capacity';
import { ContainerSettings } from '../core/container-settings';

/**
 * A volume of the job's task, mounted into containers with `mountPoints`.
 */
export interface JobVolume {
  /** Name of the volume: 1–255 letters, digits, hyphens and underscores. */
  readonly name: string;

  /**
   * Absolute path of a directory on the container instance (a host volume,
   * EC2 only): its data outlives the task and stays on that instance.
   *
   * @default - a Docker scratch volume: empty when the task starts, shared by the
   * task's containers, and deleted with the task
   */
  readonly sourcePath?: string;
}

/**
 * Where a container sees one of the task's volumes.
 */
export interface JobMountPoint {
  /** Name of a volume given in the job's `volumes`. */
  readonly sourceVolume: string;

  /** Absolute path inside the container, e.g. `/scratch`. */
  readonly containerPath: string;

  /**
   * Mount the volume read-only.
   *
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * Mount every volume of another container of the task (Docker's `--volumes-from`).
 */
export interface JobVolumesFrom {
  /** Name of a container of the same task. */
  readonly sourceContainer: string;

  /**
   * Mount the volumes read-only.
   *
   * @default false
   */
  readonly readOnly?: boolean;
}

/**
 * A link to another container of the task (bridge network mode only): the
 * linked container is reachable by its name (or alias) as a host name.
 */
export interface JobContainerLink {
  /** Name of a container of the same task. */
  readonly containerName: string;

  /**
   * Host name the linked container is reachable under.
   *
   * @default - the linked container's name
   */
  readonly alias?: string;
}

/**
 * A container of the job's task: the main container (through `BatchJobProps`)
 * or one added with `addContainer`, with the container settings every service
 * and job kind accepts (command, entry point, user, init process, ulimits,
 * capabilities, start order…).
 */
export interface JobContainerOptions extends ContainerSettings {
  /** The image to run, e.g. `ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:stable')`. */
  readonly image: ecs.ContainerImage;

  /**
   * Name of the container, used by links, `volumesFrom` and log stream names:
   * 1–255 letters, digits, hyphens and underscores.
   *
   * @default - 'job' for the main container; the id given to `addContainer` for the others
   */
  readonly containerName?: string;

  /**
   * Non-secret environment variables. Put passwords and keys in `secrets`.
   *
   * @default - no environment variables
   */
  readonly environment?: { [name: string]: string };

  /**
   * Environment variables read from Secrets Manager or SSM Parameter Store when
   * the container starts; the execution role is granted read access to each.
   *
   * @default - no secrets
   */
  readonly secrets?: { [name: string]: ecs.Secret };

  /**
   * CPU units (1024 = one vCPU). On EC2: reserved for the container. On
   * Fargate: for the main container, the task's size (256, 512, 1024, 2048,
   * 4096, 8192 or 16384, with a `memoryLimitMiB` Fargate accepts for it); for
   * containers added with `addContainer`, their share of the task's CPU.
   *
   * @default - on EC2, no reservation (the container shares the instance's CPU
   * with the others); on Fargate, 256 for the task (a quarter vCPU) and no
   * share for added containers
   */
  readonly cpu?: number;

  /**
   * Hard memory limit in MiB: the container is killed when it goes above it.
   * On EC2, at least one of `memoryLimitMiB` and `memoryReservationMiB` is
   * required. On Fargate, the main container's value is the task's memory
   * (a value Fargate accepts with `cpu`, e.g. 512 to 2048 for 256 CPU units).
   *
   * @default - on EC2, no hard limit (then `memoryReservationMiB` is
   * required); on Fargate, 512 for the task and no limit of their own for
   * added containers
   */
  readonly memoryLimitMiB?: number;

  /**
   * Soft memory reservation in MiB: what the scheduler reserves on the instance;
   * the container may use more, up to `memoryLimitMiB`. On EC2, at least one of
   * the two is required. On Fargate, only containers added with `addContainer`
   * take one (the task's memory is the main container's `memoryLimitMiB`).
   *
   * @default - the reservation is the hard limit
   */
  readonly memoryReservationMiB?: number;

  /**
   * NVIDIA GPUs reserved for the container (EC2 only: Fargate has no GPUs).
   * The job then runs on the cluster's GPU capacity groups.
   *
   * @default 0
   */
  readonly gpuCount?: number;

  /**
   * Whether the task stops when this container stops, and whether its exit code
   * decides if the run succeeded. The main container is always essential.
   *
   * @default true
   */
  readonly essential?: boolean;

  /**
   * Volumes of the task mounted into this container.
   *
   * @default - none
   */
  readonly mountPoints?: JobMountPoint[];

  /**
   * Containers of the task whose volumes are mounted into this container.
   *
   * @default - none
   */
  readonly volumesFrom?: JobVolumesFrom[];

  /**
   * Containers of the task this container reaches by name (bridge network mode
   * only, so not on Fargate, where the containers of a task reach each other on localhost).
   *
   * @default - none
   */
  readonly links?: JobContainerLink[];
}

/**
 * Properties of a `BatchJob` (and of an `Ec2BatchJob`): the main container's
 * options, plus how and when the job runs.
 */
export interface BatchJobProps extends JobContainerOptions {
  /**
   * The cluster to run on: an `EcsCluster`, one imported with
   * `EcsCluster.fromClusterAttributes`, or an `ecs.Cluster` of this app.
   */
  readonly cluster: ecs.ICluster;

  /**
   * Where the task runs: `TaskCapacity.fargate()` (on-demand Fargate),
   * `TaskCapacity.fargateSpot()`, `TaskCapacity.fargate({ spotWeight, ... })`,
   * `TaskCapacity.ec2(capacity, ...)` for given EC2 capacities of the cluster,
   * or `TaskCapacity.fromCapacityProviderStrategies` for a strategy written
   * out. On Fargate the job gets a Fargate task definition (awsvpc), on EC2 an
   * EC2 one. An `Ec2BatchJob` refuses Fargate.
   *
   * @default - the cluster's `defaultTaskCapacity` when it has one (an
   * `Ec2BatchJob`: when it is EC2); otherwise `TaskCapacity.ec2()` when the
   * cluster has EC2 capacity (always for an `Ec2BatchJob`): among the
   * cluster's EC2 capacities, its Spot ones (weight 1 each) when it has any,
   * otherwise its on-demand ones; GPU capacities when a container needs GPUs,
   * and those without GPUs otherwise (when there are any); otherwise
   * `TaskCapacity.fargate()`
   */
  readonly taskCapacity?: TaskCapacity;

  /**
   * Network mode of the task: `BRIDGE` or `AWS_VPC` on EC2; Fargate runs
   * every task in `AWS_VPC`.
   *
   * @default - ecs.NetworkMode.BRIDGE on EC2, ecs.NetworkMode.AWS_VPC on Fargate
   */
  readonly networkMode?: ecs.NetworkMode;

  /**
   * Subnets of the task's network interface (`AWS_VPC` only).
   *
   * @default - the private subnets with internet egress of the cluster's VPC,
   * or its public subnets when `assignPublicIp` is true
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the task's network interface (`AWS_VPC` only).
   *
   * @default - a new security group that allows all outbound and no inbound traffic
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Give the task a public IP address (Fargate only): for a VPC without NAT,
   * where a task in a public subnet needs one to pull its image and reach AWS.
   *
   * @default false
   */
  readonly assignPublicIp?: boolean;

  /**
   * Volumes of the task: host directories (`sourcePath`, EC2 only) or Docker
   * scratch volumes (on Fargate, in the task's ephemeral storage), mounted into
   * containers with `mountPoints`.
   *
   * @default - none
   */
  readonly volumes?: JobVolume[];

  /**
   * How many copies of the task each run starts, in parallel (1–10). Each copy
   * gets `JOB_COPY_INDEX` (0 to taskCount−1) and `JOB_COPY_COUNT` in the main
   * container's environment when there is more than one, and is retried on its own.
   *
   * @default 1
   */
  readonly taskCount?: number;

  /**
   * Retries of a failed task (0–10): a task that failed to start or whose
   * essential containers did not all exit with code 0. Timeouts are not retried.
   *
   * @default 2
   */
  readonly retries?: number;

  /**
   * Wait before the first retry; each further retry waits twice as long.
   *
   * @default Duration.minutes(1)
   */
  readonly retryInterval?: Duration;

  /**
   * How long one task may run (placement and scale-out included) before
   * Step Functions stops it and the run fails as timed out.
   *
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;

  /**
   * How ECS places the task on the instances (EC2 only).
   *
   * @default - [ecs.PlacementStrategy.packedByMemory()]: binpack on memory, so that
   * idle instances can scale in
   */
  readonly placementStrategies?: ecs.PlacementStrategy[];

  /**
   * Where ECS may place the task (EC2 only), e.g.
   * `[ecs.PlacementConstraint.memberOf('attribute:ecs.instance-type =~ m7g.*')]`.
   *
   * @default - any instance of the chosen capacity providers
   */
  readonly placementConstraints?: ecs.PlacementConstraint[];

  /**
   * Run on a schedule, through EventBridge Scheduler.
   *
   * @default - no schedule: runs start on demand (`grantStartRun`, `stateMachineArn`)
   */
  readonly schedule?: JobSchedule;

  /**
   * Topic that failed and timed-out runs publish to. A topic of your own must let
   * the job's state machine publish (its role is granted `sns:Publish`, and
   * `kms:Decrypt`/`kms:GenerateDataKey` on the topic's key when it is an
   * `sns.Topic` with a `masterKey`) and, for the failure alarm's default action,
   * let CloudWatch publish.
   *
   * @default - a new topic, encrypted with `encryptionKey` (or, without it, a
   * new KMS key on which only AWS services may hold grants) and refusing
   * non-TLS publishers; CloudWatch alarms and EventBridge rules of this
   * account may publish to it (the key policy lets them use the key)
   */
  readonly failureTopic?: sns.ITopic;

  /**
   * Create a CloudWatch alarm (`failureAlarm`) that goes off when a run fails.
   *
   * @default false
   */
  readonly enableFailureAlarm?: boolean;

  /**
   * What the failure alarm does when it goes off (with `enableFailureAlarm`).
   * `[]` for no action: cdk-nag's NIST 800-53 and HIPAA packs then report the
   * alarm (CloudWatchAlarmAction), a finding that stays yours.
   *
   * @default - notify the failure topic (`[new SnsAction(failureTopic)]`)
   */
  readonly failureAlarmActions?: cloudwatch.IAlarmAction[];

  /**
   * Retention of the container logs and of the state machine's execution logs.
   * Both log groups are retained when the stack is deleted, so logs must expire:
   * `logs.RetentionDays.INFINITE` is refused.
   *
   * @default logs.RetentionDays.ONE_MONTH; in the hardened profile, the profile's (a year unless it says otherwise)
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The customer managed KMS key of the job's log groups (container logs and
   * execution logs) and of the failure topic it creates (when `failureTopic`
   * is not given). The job adds to its key policy what CloudWatch Logs (the
   * account's log groups of the region), CloudWatch alarms and EventBridge
   * rules (publishing to the topic) need; on an imported key it cannot, so
   * that key's policy must already allow them.
   *
   * @default - log groups encrypted by CloudWatch Logs' own key, and a failure
   * topic key of the job's own (`failureTopicKey`); in the hardened profile,
   * the profile's key (one per stack) for both
   */
  readonly encryptionKey?: kms.IKey;
}
