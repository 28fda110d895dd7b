import {
  Duration,
  RemovalPolicy,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_kms as kms,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { TaskCapacity } from '../cluster/task-capacity';
import { ContainerSettings } from '../core/container-settings';

/**
 * What every service without a load balancer (`BackendService`,
 * `QueueWorkerService`) takes: where it runs, its main container, task size,
 * scaling limits, deployments, network and logs.
 */
export interface ContainerServiceProps extends ContainerSettings {
  /**
   * The cluster to run in: an `EcsCluster`, a cluster imported with
   * `EcsCluster.fromClusterAttributes`, or an aws-cdk-lib `ecs.Cluster` of the app.
   */
  readonly cluster: ecs.ICluster;

  /**
   * The container image, e.g. `repo.containerImage('v1.2.3')` for an
   * `EcrRepository`: the task's execution role is granted pull access.
   */
  readonly image: ecs.ContainerImage;

  // ---- container

  /**
   * Name of the main container (also its log stream prefix): 1 to 255
   * letters, digits, `_` and `-`, known at synth time (not a token).
   *
   * @default - 'app' for a BackendService, 'worker' for a QueueWorkerService
   */
  readonly containerName?: string;

  /**
   * Environment variables (non-secret configuration). Values are visible in
   * the task definition: pass secrets through `secrets`.
   *
   * @default - no environment variables
   */
  readonly environment?: { [name: string]: string };

  /**
   * Secrets from Secrets Manager or SSM Parameter Store, exposed as
   * environment variables. The execution role is granted read access to each.
   *
   * @default - no secrets
   */
  readonly secrets?: { [name: string]: ecs.Secret };

  /**
   * A container health check (a command run inside the container): ECS
   * replaces a task whose check fails.
   *
   * @default - the image's health check, if any
   */
  readonly containerHealthCheck?: ecs.HealthCheck;

  // ---- size

  /**
   * CPU units (1024 = 1 vCPU). On Fargate, the task's CPU: 256, 512, 1024,
   * 2048, 4096, 8192 or 16384. On EC2, the container's CPU reservation.
   *
   * @default 256
   */
  readonly cpu?: number;

  /**
   * Memory in MiB. On Fargate, the task's memory, valid for `cpu` (e.g. 512,
   * 1024 or 2048 with 256 CPU units), which is also the main container's hard
   * limit (when containers added to the task declare memory, the main container
   * reserves what they leave). On EC2, the container's hard limit.
   *
   * @default 512
   */
  readonly memoryLimitMiB?: number;

  /**
   * CPU architecture of a Fargate task: `CpuArchitecture.ARM64` runs on
   * Graviton and needs an arm64 image. On EC2, the instances decide.
   *
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;

  // ---- capacity and network

  /**
   * Where the tasks run: `TaskCapacity.fargate()`, `TaskCapacity.fargateSpot()`,
   * Fargate with Spot weights, `TaskCapacity.ec2(...)` (the cluster's EC2
   * capacities) or a strategy written out.
   *
   * @default - the cluster's `defaultTaskCapacity`, otherwise `TaskCapacity.fargate()`
   */
  readonly taskCapacity?: TaskCapacity;

  /**
   * Network mode of tasks on EC2: `NetworkMode.BRIDGE` (the tasks share their
   * instance's network; ports are mapped to dynamic host ports) or
   * `NetworkMode.AWS_VPC` (each task has its own network interface and
   * security group). Fargate tasks always use `AWS_VPC`.
   *
   * @default - ecs.NetworkMode.AWS_VPC on Fargate, ecs.NetworkMode.BRIDGE on EC2
   */
  readonly networkMode?: ecs.NetworkMode;

  /**
   * Subnets of the tasks (network mode `AWS_VPC`).
   *
   * @default - private subnets with egress, or public subnets when `assignPublicIp` is true
   */
  readonly taskSubnets?: ec2.SubnetSelection;

  /**
   * Give each Fargate task a public IP address (then, without `taskSubnets`,
   * the tasks run in public subnets and need no NAT gateway). Inbound
   * traffic is still refused unless allowed through `connections`.
   *
   * @default false
   */
  readonly assignPublicIp?: boolean;

  // ---- scaling

  /**
   * Fewest tasks auto scaling keeps running.
   *
   * @default - 2 for a BackendService (one per Availability Zone of a two-AZ
   * VPC), 1 for a QueueWorkerService (0 with `scaleToZero`)
   */
  readonly minCapacity?: number;

  /**
   * Most tasks auto scaling starts.
   *
   * @default - 10, or `minCapacity` when larger
   */
  readonly maxCapacity?: number;

  /**
   * Time after a scale-in before another scale-in (0 to 3600 seconds).
   *
   * @default Duration.minutes(5)
   */
  readonly scaleInCooldown?: Duration;

  /**
   * Time after a scale-out before another scale-out (0 to 3600 seconds).
   *
   * @default Duration.minutes(1)
   */
  readonly scaleOutCooldown?: Duration;

  // ---- deployments

  /**
   * Stop a deployment whose tasks keep failing to start, and roll back to the
   * last working task definition.
   *
   * @default true
   */
  readonly circuitBreaker?: boolean;

  /**
   * Lower limit of running tasks during a deployment, in percent of the
   * desired count (0–100).
   *
   * @default 100
   */
  readonly minHealthyPercent?: number;

  /**
   * Upper limit of running tasks during a deployment, in percent of the
   * desired count; more than `minHealthyPercent` and at least 100.
   *
   * @default 200
   */
  readonly maxHealthyPercent?: number;

  // ---- operations

  /**
   * Name of the ECS service: 1 to 255 letters, digits, `_` and `-`.
   *
   * @default - CloudFormation generates a unique name
   */
  readonly serviceName?: string;

  /**
   * How long container logs are kept (a finite retention).
   *
   * @default logs.RetentionDays.ONE_MONTH; in the hardened profile, its `logRetention` (a year)
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The customer managed KMS key that encrypts what the service creates: its
   * log group (the kit lets CloudWatch Logs use a key of the app; an imported
   * key's policy must already allow `logs.<region>.amazonaws.com`) and,
   * for a `QueueWorkerService`, the queue and dead-letter queue it creates
   * (unless `queueEncryptionKey` is given).
   *
   * @default - CloudWatch Logs' own encryption (and SSE-SQS for a created queue); in the hardened profile, the profile's key
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the log group when it is removed from the stack
   * (`RemovalPolicy.SNAPSHOT` is refused).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;

  /**
   * Allow `aws ecs execute-command` into running containers (ECS Exec).
   *
   * @default false
   */
  readonly enableExecuteCommand?: boolean;
}
