import {
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_kms as kms,
  aws_logs as logs,
  aws_servicediscovery as cloudmap,
} from 'aws-cdk-lib';
import { Ec2CapacityOptions } from './ec2-capacity-options';
import { TaskCapacity } from './task-capacity';

/**
 * Properties of an `EcsCluster`.
 */
export interface EcsClusterProps {
  /**
   * Name of the cluster: 1–255 letters, digits, hyphens and underscores.
   *
   * @default - CloudFormation generates a unique name
   */
  readonly clusterName?: string;

  /**
   * The VPC of the cluster.
   *
   * @default - a new VPC over `maxAzs` Availability Zones with public and private
   * subnets, `natGateways` NAT gateways, flow logs and a closed default security group.
   * Its public subnets do not assign public IPv4 addresses on launch: the cluster's
   * EC2 capacity placed there asks for them, and Fargate tasks there need `assignPublicIp`.
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Availability Zones of the new VPC (ignored when `vpc` is given).
   *
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * NAT gateways of the new VPC (ignored when `vpc` is given). Each costs about
   * $32.85 a month plus its public IPv4 address ($3.65) in us-east-1, before data
   * processing. With 0, the private subnets have no route to the internet: only
   * Fargate tasks and EC2 capacity in public subnets can reach ECS and image registries.
   *
   * @default 1
   */
  readonly natGateways?: number;

  /**
   * Retention of the new VPC's flow logs (ignored when `vpc` is given).
   * The log group is retained when the stack is deleted.
   *
   * @default logs.RetentionDays.ONE_MONTH; the profile's `logRetention` (at least
   * `logs.RetentionDays.ONE_YEAR`) in the hardened profile
   */
  readonly flowLogRetention?: logs.RetentionDays;

  /**
   * The customer managed KMS key of the log groups the cluster creates: the
   * new VPC's flow logs and the ECS Exec session logs. The kit lets CloudWatch
   * Logs (`logs.<region>.amazonaws.com`) use a key of the app for the account's
   * log groups; an imported key's policy must already allow it. ECS Exec sessions themselves stay encrypted with the cluster's
   * `executeCommandKey`.
   *
   * @default - flow logs encrypted by CloudWatch Logs, ECS Exec logs with
   * `executeCommandKey`; the profile's key in the hardened profile
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * EC2 capacity of the cluster; more groups can be added with `addEc2Capacity`.
   *
   * @default - no EC2 capacity: Fargate only
   */
  readonly ec2Capacity?: Ec2CapacityOptions;

  /**
   * Attach the FARGATE and FARGATE_SPOT capacity providers.
   *
   * @default true
   */
  readonly enableFargateCapacityProviders?: boolean;

  /**
   * Where tasks run when a construct (or a task started outside the kit) does
   * not say: the cluster's default capacity provider strategy. The kit's
   * constructs use it when they are given no `taskCapacity` and can run on
   * its kind of compute. `TaskCapacity.ec2()` without capacities means the
   * group of the `ec2Capacity` prop.
   *
   * @default - none: each construct's own default (Fargate for services,
   * the cluster's EC2 capacity for batch jobs)
   */
  readonly defaultTaskCapacity?: TaskCapacity;

  /**
   * CloudWatch Container Insights.
   *
   * @default ecs.ContainerInsights.ENABLED
   */
  readonly containerInsights?: ecs.ContainerInsights;

  /**
   * Allow ECS Exec (`aws ecs execute-command`) sessions, encrypted with a KMS key
   * and logged to a log group (retained on delete). Services opt in separately.
   *
   * @default false
   */
  readonly enableExecuteCommand?: boolean;

  /**
   * Retention of the ECS Exec session logs.
   *
   * @default logs.RetentionDays.ONE_YEAR; the profile's `logRetention` in the hardened profile
   */
  readonly executeCommandLogRetention?: logs.RetentionDays;

  /**
   * Name of a default Cloud Map namespace used by Service Connect, so services
   * find each other by name (e.g. `internal`).
   *
   * @default - no namespace
   */
  readonly cloudMapNamespaceName?: string;

  /**
   * Type of the default Cloud Map namespace. HTTP namespaces are enough for
   * Service Connect and need no private hosted zone.
   *
   * @default cloudmap.NamespaceType.HTTP
   */
  readonly cloudMapNamespaceType?: cloudmap.NamespaceType;
}
