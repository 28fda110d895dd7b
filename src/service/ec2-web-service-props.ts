import { aws_ec2 as ec2, aws_ecs as ecs, aws_iam as iam, aws_logs as logs } from 'aws-cdk-lib';
import { ISharedLoadBalancer } from './shared-load-balancer';
import { WebLoadBalancerOptions } from './web-load-balancer-options';
import { WebServiceOptions } from './web-service-options';
import { TaskCapacity } from '../cluster/task-capacity';
import { ContainerSettings } from '../core/container-settings';
import type { JobContainerLink, JobMountPoint, JobVolume, JobVolumesFrom } from '../job/batch-job-props';

/**
 * Properties of an `Ec2WebService`: the options of every web service
 * (container, routing, health checks, scaling, deployments, operations), the
 * main container's settings, the load balancer options, and where and how the
 * tasks run on the cluster's EC2 instances.
 *
 * The load balancer options (`internetFacing`, `certificate`, `domainName`,
 * `hostedZone`, `ingressCidrs`, `accessLogs*`, `loadBalancerSubnets`) configure
 * the load balancer the service creates for itself; with `loadBalancer` (a
 * shared one) they are set on the `SharedLoadBalancer` instead.
 */
export interface Ec2WebServiceProps extends WebServiceOptions, ContainerSettings, WebLoadBalancerOptions {
  /**
   * The cluster to run in: an `EcsCluster` with EC2 capacity, one imported
   * with `EcsCluster.fromClusterAttributes` (and its `ec2Capacities`), or an
   * `ecs.Cluster` of this app (with `taskCapacity` naming its capacity providers).
   */
  readonly cluster: ecs.ICluster;

  /**
   * A shared load balancer to attach to instead of creating one (a
   * `SharedLoadBalancer`, or one imported with
   * `SharedLoadBalancer.fromSharedLoadBalancerAttributes`): the service adds
   * only a target group and a listener rule to it.
   *
   * @default - the service creates its own load balancer from the load balancer options
   */
  readonly loadBalancer?: ISharedLoadBalancer;

  // ---- capacity and placement

  /**
   * Where the tasks run: `TaskCapacity.ec2(capacity, ...)` for given EC2
   * capacities of the cluster, or `TaskCapacity.fromCapacityProviderStrategies`
   * for a strategy written out. Fargate cannot run the service's EC2 task definition.
   *
   * @default - the cluster's `defaultTaskCapacity` when it is EC2, otherwise
   * `TaskCapacity.ec2()`: the cluster's on-demand EC2 capacities without GPUs
   * (weight 1 each), or all of them when it has none of that kind
   */
  readonly taskCapacity?: TaskCapacity;

  /**
   * How ECS places the tasks on the instances.
   *
   * @default - spread across Availability Zones, then binpack on memory:
   * `[ecs.PlacementStrategy.spreadAcross(ecs.BuiltInAttributes.AVAILABILITY_ZONE), ecs.PlacementStrategy.packedByMemory()]`
   */
  readonly placementStrategies?: ecs.PlacementStrategy[];

  /**
   * Where ECS may place the tasks, e.g.
   * `[ecs.PlacementConstraint.memberOf('attribute:ecs.instance-type =~ t3.*')]`.
   *
   * @default - any instance of the chosen capacity providers
   */
  readonly placementConstraints?: ecs.PlacementConstraint[];

  // ---- task network

  /**
   * Network mode of the task: `BRIDGE` (tasks share their instance's network;
   * the load balancer reaches them on a host port) or `AWS_VPC` (each task has
   * its own network interface and security group, like on Fargate).
   *
   * @default ecs.NetworkMode.BRIDGE
   */
  readonly networkMode?: ecs.NetworkMode;

  /**
   * The instance port the container port is published on (`BRIDGE` only):
   * 1–65535. A fixed port fits once per instance, so each task needs an
   * instance of its own, deployments included.
   *
   * @default 0 - a dynamic port from the ephemeral range 32768–65535, which the
   * load balancer follows: many tasks per instance
   */
  readonly hostPort?: number;

  /**
   * Security group of the tasks (`AWS_VPC` only). The load balancer is allowed
   * in on the container port.
   *
   * @default - a new security group for this service's tasks, all outbound traffic allowed
   */
  readonly securityGroup?: ec2.ISecurityGroup;

  /**
   * Subnets of the tasks' network interfaces (`AWS_VPC` only).
   *
   * @default - the VPC's private subnets with egress
   */
  readonly taskSubnets?: ec2.SubnetSelection;

  // ---- container size (EC2 tasks size their containers)

  /**
   * CPU units reserved for the web container on its instance (1024 = one vCPU).
   * CPU utilization, and so CPU scaling, is measured against it.
   *
   * @default 256
   */
  readonly cpu?: number;

  /**
   * Hard memory limit of the web container in MiB: the container is killed
   * when it goes above it.
   *
   * @default - 512 when `memoryReservationMiB` is not given, otherwise no hard limit
   */
  readonly memoryLimitMiB?: number;

  /**
   * Soft memory reservation of the web container in MiB: what the scheduler
   * reserves on the instance; the container may use more, up to `memoryLimitMiB`.
   *
   * @default - the reservation is the hard limit
   */
  readonly memoryReservationMiB?: number;

  // ---- volumes and containers of the task

  /**
   * Volumes of the task: host directories (`sourcePath`) or Docker scratch
   * volumes, mounted into the web container with `mountPoints` (and into
   * sidecars with `sidecar.addMountPoints`).
   *
   * @default - none
   */
  readonly volumes?: JobVolume[];

  /**
   * Volumes of the task mounted into the web container.
   *
   * @default - none
   */
  readonly mountPoints?: JobMountPoint[];

  /**
   * Sidecars (see `addSidecar`) whose volumes are mounted into the web container.
   *
   * @default - none
   */
  readonly volumesFrom?: JobVolumesFrom[];

  /**
   * Sidecars (see `addSidecar`) the web container reaches by name (`BRIDGE` only).
   *
   * @default - none
   */
  readonly links?: JobContainerLink[];

  // ---- shared pieces

  /**
   * The role ECS uses to start the tasks (pull the image, write logs, read
   * `secrets`), e.g. one that several services share.
   *
   * @default - a new role for this service, granted only what its tasks need to start
   */
  readonly executionRole?: iam.IRole;

  /**
   * Log group of the containers, e.g. one that several services share. Each
   * container writes to log streams named `<service id>/<container name>/<task id>`.
   * Not allowed with `logRetention` or `logRemovalPolicy`.
   *
   * @default - a new log group for this service (see `logRetention` and `logRemovalPolicy`),
   * with log streams named `<container name>/<container name>/<task id>`
   */
  readonly logGroup?: logs.ILogGroup;
}
