import {
  Duration,
  RemovalPolicy,
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_logs as logs,
  aws_servicediscovery as servicediscovery,
  aws_sns as sns,
} from 'aws-cdk-lib';
import { ISharedLoadBalancer } from './shared-load-balancer';
import { WebLoadBalancerOptions } from './web-load-balancer-options';
import { TaskCapacity } from '../cluster/task-capacity';
import { ContainerSettings } from '../core/container-settings';

/**
 * What a web service runs and how: its container, task size, routing on the
 * load balancer, health checks, scaling, deployments and operations.
 *
 * The container settings of `ContainerSettings` (`command`, `entryPoint`,
 * `workingDirectory`, `user`, `stopTimeout`, `initProcessEnabled`, `ulimits`,
 * capabilities, `dependsOn`) apply to the web container, with Fargate's limits.
 *
 * `FargateWebServiceProps` adds where it runs (cluster, load balancer);
 * `FargateWebServiceGroup.addService` takes these options alone.
 */
export interface FargateWebServiceOptions extends ContainerSettings {
  /**
   * The container image, e.g. `repo.containerImage('v1.2.3')` for an
   * `EcrRepository`: the task's execution role is granted pull access.
   */
  readonly image: ecs.ContainerImage;

  // ---- container

  /**
   * Name of the web container (also its log stream prefix): 1 to 255 letters,
   * digits, `_` and `-`, known at synth time (not a token).
   *
   * @default 'web'
   */
  readonly containerName?: string;

  /**
   * The port the container listens on for HTTP (1–65535).
   *
   * @default 80
   */
  readonly containerPort?: number;

  /**
   * Environment variables (non-secret configuration). Values are visible in
   * the task definition: pass secrets through `secrets`.
   *
   * @default - no environment variables
   */
  readonly environment?: { [name: string]: string };

  /**
   * Secrets from Secrets Manager or SSM Parameter Store, exposed as environment
   * variables. The execution role is granted read access to each.
   *
   * @default - no secrets
   */
  readonly secrets?: { [name: string]: ecs.Secret };

  /**
   * A container health check (a command run inside the container). The load
   * balancer's health check (`healthCheckPath`) is separate and always on.
   *
   * @default - the image's health check, if any
   */
  readonly containerHealthCheck?: ecs.HealthCheck;

  /**
   * Mount the container's root filesystem read-only.
   *
   * Off by default because most stock web images (nginx, many language
   * runtimes) write caches, PID and temporary files to their root filesystem
   * and crash on start when they cannot; turn it on (recommended, AWS Security
   * Hub control ECS.5) when your image writes only to mounted volumes.
   *
   * @default false
   */
  readonly readonlyRootFilesystem?: boolean;

  /**
   * CPU units reserved for the web container (1024 = 1 vCPU), at most the
   * task's `cpu`. The containers of the task share the task's CPU; a
   * reservation keeps sidecars from starving the web container.
   *
   * @default - no reservation: the container shares the task's CPU with the sidecars
   */
  readonly containerCpu?: number;

  /**
   * Hard memory limit of the web container in MiB (it is stopped when it
   * exceeds it): 6 MiB or more, at most the task's `memoryLimitMiB`.
   *
   * @default - no limit of its own: the container may use the task's memory
   */
  readonly containerMemoryLimitMiB?: number;

  /**
   * Memory reserved for the web container in MiB: 6 MiB or more, at most
   * `containerMemoryLimitMiB` and the task's `memoryLimitMiB`.
   *
   * @default - no reservation
   */
  readonly containerMemoryReservationMiB?: number;

  // ---- sizes

  /**
   * CPU units of the task (1024 = 1 vCPU): 256, 512, 1024, 2048, 4096, 8192 or 16384.
   *
   * @default 256
   */
  readonly cpu?: number;

  /**
   * Memory of the task in MiB; must be valid for `cpu` (e.g. 512, 1024 or 2048 with 256 CPU units).
   *
   * @default 512
   */
  readonly memoryLimitMiB?: number;

  /**
   * Ephemeral storage of the task in GiB, 21 to 200.
   *
   * @default - 20 GiB, the storage included in the Fargate price
   */
  readonly ephemeralStorageGiB?: number;

  /**
   * CPU architecture of the task: `CpuArchitecture.ARM64` runs on Graviton
   * (cheaper per vCPU) and needs an arm64 image.
   *
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;

  // ---- routing on the load balancer

  /**
   * Host names routed to this service (`Host` header, `*` and `?` wildcards).
   *
   * @default - any host
   */
  readonly hostHeaders?: string[];

  /**
   * Path patterns routed to this service, starting with `/` (e.g. `['/api/*']`).
   *
   * Without `hostHeaders` and `pathPatterns`, the service is the load
   * balancer's default target: it receives every request no other rule matches.
   *
   * @default - any path
   */
  readonly pathPatterns?: string[];

  /**
   * Priority of the listener rule (1–50000, lower is evaluated first, unique per listener).
   * Only with `hostHeaders` or `pathPatterns`.
   *
   * @default - the next free multiple of 10, in the order services attach
   */
  readonly priority?: number;

  // ---- target group

  /**
   * Path of the load balancer's health check; starts with `/`.
   *
   * @default '/'
   */
  readonly healthCheckPath?: string;

  /**
   * HTTP codes that count as healthy: codes, ranges and lists such as
   * `'200'`, `'200-299'` or `'200,302'` (200–499).
   *
   * @default '200-399' - redirects (e.g. to a login page) count as healthy
   */
  readonly healthyHttpCodes?: string;

  /**
   * Time between health checks, 5 to 300 seconds.
   *
   * @default Duration.seconds(15)
   */
  readonly healthCheckInterval?: Duration;

  /**
   * Time after which a health check without response fails, 2 to 120 seconds,
   * less than `healthCheckInterval`.
   *
   * @default Duration.seconds(5)
   */
  readonly healthCheckTimeout?: Duration;

  /**
   * Consecutive successful health checks before a task receives traffic (2–10).
   *
   * @default 2
   */
  readonly healthyThresholdCount?: number;

  /**
   * Consecutive failed health checks before a task is taken out of service (2–10).
   *
   * @default 3
   */
  readonly unhealthyThresholdCount?: number;

  /**
   * How long the load balancer lets in-flight requests finish before a
   * stopping task is deregistered, 0 to 3600 seconds.
   *
   * @default Duration.seconds(30)
   */
  readonly deregistrationDelay?: Duration;

  /**
   * Sticky sessions with a load-balancer cookie that lasts this long (1 second to 7 days).
   *
   * @default - no stickiness
   */
  readonly stickinessCookieDuration?: Duration;

  /**
   * Ramp traffic to a new task up over this time (30 to 900 seconds).
   *
   * @default - new tasks get their full share at once
   */
  readonly slowStart?: Duration;

  // ---- scaling

  /**
   * Number of tasks to create the service with, between `minCapacity` and `maxCapacity`.
   *
   * Setting it writes `DesiredCount` into the template, and CloudFormation then
   * sets the count back to it on every update of the service (a new image, for
   * example), undoing auto scaling until it scales again. Leave it out unless
   * the service must start with more tasks than `minCapacity`.
   *
   * @default - not in the template: the service is created with one task and
   * auto scaling raises it to `minCapacity` (2) right away; deployments keep
   * the count auto scaling chose
   */
  readonly desiredCount?: number;

  /**
   * Fewest tasks auto scaling keeps running.
   *
   * @default - 2 (one task per Availability Zone of a two-AZ VPC), or
   * `desiredCount` or `maxCapacity` when smaller
   */
  readonly minCapacity?: number;

  /**
   * Most tasks auto scaling starts.
   *
   * @default - 10, or `minCapacity` or `desiredCount` when larger
   */
  readonly maxCapacity?: number;

  /**
   * Average CPU utilization (percent, 1–100) that auto scaling keeps the service at.
   *
   * @default 70
   */
  readonly targetCpuUtilizationPercent?: number;

  /**
   * Average memory utilization (percent, 1–100) that auto scaling keeps the service at.
   *
   * @default - memory does not drive scaling
   */
  readonly targetMemoryUtilizationPercent?: number;

  /**
   * Requests per task per minute that auto scaling keeps the service at (at least 1).
   *
   * @default - request count does not drive scaling
   */
  readonly targetRequestsPerTarget?: number;

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

  // ---- deployment safety

  /**
   * Stop a deployment whose tasks keep failing to start or to pass health
   * checks, and roll back to the last working task definition.
   *
   * @default true
   */
  readonly circuitBreaker?: boolean;

  /**
   * Lower limit of running tasks during a deployment, in percent of the
   * desired count (0–100). 100 keeps full capacity while new tasks start.
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

  /**
   * CloudWatch alarms that roll a deployment back when they go off during it.
   *
   * @default - no alarm rolls back a deployment (the circuit breaker still does)
   */
  readonly deploymentAlarms?: cloudwatch.IAlarm[];

  /**
   * Roll a deployment back when the target 5xx alarm (see `enableAlarms`)
   * goes off during it; creates that alarm if `enableAlarms` is off.
   *
   * @default false
   */
  readonly rollbackOnTarget5xx?: boolean;

  /**
   * Time after a task starts during which failed load balancer health checks
   * do not stop it (0 to 7200 seconds): the application's start-up time.
   *
   * @default Duration.seconds(60)
   */
  readonly healthCheckGracePeriod?: Duration;

  // ---- capacity

  /**
   * Where the tasks run: `TaskCapacity.fargate()` (on-demand), or with Fargate
   * Spot, e.g. `TaskCapacity.fargate({ onDemandBase: 1, onDemandWeight: 1, spotWeight: 3 })`
   * (one task always on-demand, then three of four on Spot) or
   * `TaskCapacity.fargateSpot()`. Spot needs the cluster's Fargate capacity
   * providers (checked when the cluster is defined in the app or imported
   * with `EcsCluster.fromClusterAttributes`).
   *
   * @default - the cluster's `defaultTaskCapacity` when it is Fargate, otherwise
   * `TaskCapacity.fargate()`: every task on on-demand Fargate (the FARGATE launch type)
   */
  readonly taskCapacity?: TaskCapacity;

  // ---- networking

  /**
   * Give each task a public IP address. Without other `taskSubnets`, tasks then
   * run in public subnets: no NAT gateway needed to pull images and call AWS
   * APIs. Tasks still accept traffic only from the load balancer.
   *
   * @default false
   */
  readonly assignPublicIp?: boolean;

  /**
   * Subnets of the tasks. A subnet type or group the VPC lacks is refused at
   * synth time (a VPC without NAT gateways has no private subnets with egress:
   * set `assignPublicIp: true`, or give isolated subnets with VPC endpoints).
   *
   * @default - private subnets with egress, or public subnets when `assignPublicIp` is true
   */
  readonly taskSubnets?: ec2.SubnetSelection;

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
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the log group when it is removed from the stack
   * (`RemovalPolicy.SNAPSHOT` is refused: log groups cannot be snapshotted).
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

  /**
   * Register the service with ECS Service Connect, so that other services of
   * the namespace reach it at `http://<serviceConnectDnsName>:<containerPort>`.
   *
   * @default false
   */
  readonly enableServiceConnect?: boolean;

  /**
   * Cloud Map namespace for Service Connect.
   *
   * @default - the cluster's default namespace (required when this is not given)
   */
  readonly serviceConnectNamespace?: servicediscovery.INamespace;

  /**
   * Service Connect DNS name of the service: up to 63 lowercase letters, digits
   * and `-`. It is also the port mapping name and the Cloud Map service name,
   * unique in the namespace (two services with one name are refused).
   *
   * @default - the container name in lowercase, other characters than letters,
   * digits, `_` and `-` replaced by `-`, at most 64 characters
   */
  readonly serviceConnectDnsName?: string;

  /**
   * Create alarms: target 5xx responses, unhealthy tasks, CPU and memory (see README for thresholds).
   *
   * @default - true when `alarmTopic` is given, false otherwise
   */
  readonly enableAlarms?: boolean;

  /**
   * SNS topic notified when an alarm goes off and when it recovers.
   *
   * @default - alarms have no action
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * Properties of a `FargateWebService`.
 *
 * The load balancer options (`internetFacing`, `certificate`, `domainName`,
 * `hostedZone`, `ingressCidrs`, `accessLogs*`, `loadBalancerSubnets`) configure
 * the load balancer the service creates for itself; with `loadBalancer` (a
 * shared one) they are set on the `SharedLoadBalancer` instead.
 */
export interface FargateWebServiceProps extends FargateWebServiceOptions, WebLoadBalancerOptions {
  /** The cluster to run in (an `EcsCluster`, or any `ecs.ICluster` with a VPC). */
  readonly cluster: ecs.ICluster;

  /**
   * A shared load balancer to attach to instead of creating one (a
   * `SharedLoadBalancer`, or an existing one imported with
   * `SharedLoadBalancer.fromSharedLoadBalancerAttributes`): the service adds
   * only a target group and a listener rule to it.
   *
   * @default - the service creates its own load balancer from the load balancer options
   */
  readonly loadBalancer?: ISharedLoadBalancer;

  /**
   * Security group of the tasks, e.g. one that several services share to stay
   * within resource limits. The load balancer is allowed in on the container
   * port; anything else allowed through `connections` applies to every task
   * that uses the group.
   *
   * @default - a new security group for this service's tasks, all outbound traffic allowed
   */
  readonly securityGroup?: ec2.ISecurityGroup;

  /**
   * The role ECS uses to start the tasks (pull the image, write logs, read
   * `secrets`), e.g. one that several services share. The service grants it
   * what it needs when the role belongs to the app; an imported role must
   * already allow it.
   *
   * @default - a new role for this service, granted only what its tasks need to start
   */
  readonly executionRole?: iam.IRole;

  /**
   * Log group of the containers, e.g. one that several services share. Each
   * container writes to log streams named `<service id>/<container name>/<task id>`.
   * Not allowed with `logRetention` or `logRemovalPolicy`, which apply to the
   * log group the service creates.
   *
   * @default - a new log group for this service (see `logRetention` and `logRemovalPolicy`),
   * with log streams named `<container name>/<container name>/<task id>`
   */
  readonly logGroup?: logs.ILogGroup;
}
