import {
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { ISharedLoadBalancer } from './shared-load-balancer';
import { WebLoadBalancerOptions } from './web-load-balancer-options';
import { WebServiceOptions } from './web-service-options';
import { TaskCapacity } from '../cluster/task-capacity';
import { ContainerSettings } from '../core/container-settings';

/**
 * What a web service on Fargate runs and how: the options of every web
 * service (container, routing on the load balancer, health checks, scaling,
 * deployments and operations), plus its command, task size, capacity and
 * task network.
 *
 * The container settings of `ContainerSettings` (`command`, `entryPoint`,
 * `workingDirectory`, `user`, `stopTimeout`, `initProcessEnabled`, `ulimits`,
 * capabilities, `dependsOn`) apply to the web container, with Fargate's limits.
 *
 * `FargateWebServiceProps` adds where it runs (cluster, load balancer);
 * `FargateWebServiceGroup.addService` takes these options alone.
 */
export interface FargateWebServiceOptions extends WebServiceOptions, ContainerSettings {
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
   * @default - the task's `memoryLimitMiB` (which the task enforces anyway), and, when
   * sidecars declare memory, a reservation (unless `containerMemoryReservationMiB`
   * is given) of what they leave, since ECS counts a hard limit without a reservation as reserved
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
