import { aws_ecs as ecs } from 'aws-cdk-lib';
import type { IEc2Capacity } from './ec2-capacity';
import type { TaskCapacity } from './task-capacity';

/**
 * An ECS cluster as the kit knows it: an `ecs.ICluster`, plus the capacity the
 * kit's constructs place tasks on. `EcsCluster` is one, and so is a cluster
 * imported with `EcsCluster.fromClusterAttributes`.
 */
export interface IEcsCluster extends ecs.ICluster {
  /**
   * The EC2 capacities of the cluster that the kit knows: created with
   * `addEc2Capacity`, adopted with `addAutoScalingGroupCapacity`, or given
   * at import. `TaskCapacity.ec2()` without capacities chooses among these.
   */
  readonly ec2Capacities: IEc2Capacity[];

  /** Whether the FARGATE and FARGATE_SPOT capacity providers are associated with the cluster. */
  readonly fargateCapacityProviders: boolean;

  /**
   * Where tasks run when a construct is given no `taskCapacity`, if the
   * cluster says.
   */
  readonly defaultTaskCapacity?: TaskCapacity;
}

/**
 * Attributes of an existing cluster, to import it with
 * `EcsCluster.fromClusterAttributes`.
 */
export interface EcsClusterAttributes extends ecs.ClusterAttributes {
  /**
   * The cluster's EC2 capacity providers, each imported with
   * `Ec2Capacity.fromCapacityProviderAttributes` (or capacities of this app),
   * so that constructs can choose among them.
   *
   * @default - none known: constructs that run on EC2 need
   * `taskCapacity: TaskCapacity.ec2(capacity)` or a strategy naming the providers
   */
  readonly ec2Capacities?: IEc2Capacity[];

  /**
   * Whether the FARGATE and FARGATE_SPOT capacity providers are associated
   * with the cluster (Fargate Spot needs them).
   *
   * @default true
   */
  readonly fargateCapacityProviders?: boolean;

  /**
   * Where tasks run when a construct is given no `taskCapacity`: the
   * cluster's default capacity provider strategy, as the kit should use it.
   *
   * @default - none: each construct's own default
   */
  readonly defaultTaskCapacity?: TaskCapacity;
}

/** Marks the clusters the kit made or imported, whichever copy of the library made them. */
const KIT_CLUSTER = Symbol.for('cdk-ecs-kit.IEcsCluster');

/** Marks a cluster object as an `IEcsCluster` the kit made. */
export function markAsKitCluster(cluster: IEcsCluster): void {
  Object.defineProperty(cluster, KIT_CLUSTER, { value: true });
}

/**
 * The cluster as an `IEcsCluster`, when the kit made or imported it;
 * `undefined` for any other `ecs.ICluster` (an `ecs.Cluster`, or one imported
 * with aws-cdk-lib's own functions), whose capacity the kit does not know.
 */
export function kitClusterOf(cluster: ecs.ICluster): IEcsCluster | undefined {
  return (cluster as unknown as Record<symbol, unknown>)[KIT_CLUSTER] === true ? cluster as IEcsCluster : undefined;
}
