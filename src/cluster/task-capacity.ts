import { aws_ecs as ecs } from 'aws-cdk-lib';
import type { IEc2Capacity } from './ec2-capacity';

/**
 * The kind of compute a construct's tasks run on.
 */
export enum TaskCompute {
  /** AWS Fargate (on-demand, Spot, or both). */
  FARGATE = 'FARGATE',
  /** EC2 container instances of the cluster's Auto Scaling group capacity providers. */
  EC2 = 'EC2',
}

/**
 * How tasks are spread over on-demand Fargate and Fargate Spot.
 */
export interface FargateCapacityOptions {
  /**
   * Relative share of tasks (above `onDemandBase`) placed on Fargate Spot,
   * 0 to 1000. With `onDemandWeight` 1 and `spotWeight` 3, three of four tasks
   * above the base run on Spot. 0 places no task on Spot.
   *
   * @default 0 - on-demand Fargate only (the FARGATE launch type: the cluster
   * needs no capacity provider)
   */
  readonly spotWeight?: number;

  /**
   * Relative share of tasks (above `onDemandBase`) placed on on-demand Fargate,
   * 0 to 1000. Only used with `spotWeight`.
   *
   * @default 1
   */
  readonly onDemandWeight?: number;

  /**
   * Tasks that always run on on-demand Fargate, before the weights apply,
   * 0 to 100000. Only used with `spotWeight`.
   *
   * @default 0
   */
  readonly onDemandBase?: number;
}

/**
 * Where a construct's tasks run: on Fargate (with on-demand and Spot weights),
 * on given EC2 capacities of the cluster, or by a capacity provider strategy
 * written out. Every construct that places tasks takes one as `taskCapacity`,
 * and `EcsCluster` takes one as its `defaultTaskCapacity`.
 *
 * @example
 * declare const cluster: EcsCluster;
 * new FargateWebService(this, 'Web', {
 *   cluster,
 *   image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:1.27'),
 *   containerPort: 80,
 *   // One task always on on-demand Fargate, then three of four on Spot.
 *   taskCapacity: TaskCapacity.fargate({ onDemandBase: 1, onDemandWeight: 1, spotWeight: 3 }),
 * });
 */
export class TaskCapacity {
  /**
   * Fargate: on-demand only by default; with `spotWeight`, a strategy over
   * the FARGATE and FARGATE_SPOT capacity providers.
   */
  public static fargate(options: FargateCapacityOptions = {}): TaskCapacity {
    return new TaskCapacity(TaskCompute.FARGATE, [], undefined, { ...options }, describeFargate(options));
  }

  /**
   * Fargate Spot only: cheapest, and each task can be stopped with two
   * minutes' notice when AWS needs the capacity back.
   */
  public static fargateSpot(): TaskCapacity {
    return new TaskCapacity(TaskCompute.FARGATE, [], undefined, { spotWeight: 1, onDemandWeight: 0 }, 'TaskCapacity.fargateSpot()');
  }

  /**
   * EC2 container instances: the given capacities of the cluster, weight 1
   * each, so that ECS spreads tasks over them. Without capacities, the
   * construct chooses among the cluster's own (an `EcsCluster`, or a cluster
   * imported with `EcsCluster.fromClusterAttributes` and its `ec2Capacities`):
   * see the construct's `taskCapacity` prop.
   */
  public static ec2(...capacities: IEc2Capacity[]): TaskCapacity {
    return new TaskCapacity(TaskCompute.EC2, [...capacities], undefined, undefined,
      capacities.length === 0 ? 'TaskCapacity.ec2()' : `TaskCapacity.ec2(${capacities.map(c => c.node.path).join(', ')})`);
  }

  /**
   * A capacity provider strategy written out, e.g.
   * `[{ capacityProvider: capacity.capacityProviderName, weight: 1, base: 1 }]`.
   * Fargate providers (FARGATE, FARGATE_SPOT) and EC2 ones cannot be mixed.
   */
  public static fromCapacityProviderStrategies(strategies: ecs.CapacityProviderStrategy[]): TaskCapacity {
    const fargateOnly = Array.isArray(strategies) && strategies.length > 0 &&
      strategies.every(s => s.capacityProvider === 'FARGATE' || s.capacityProvider === 'FARGATE_SPOT');
    return new TaskCapacity(fargateOnly ? TaskCompute.FARGATE : TaskCompute.EC2, [], strategies, undefined,
      'TaskCapacity.fromCapacityProviderStrategies([...])');
  }

  /**
   * The kind of compute: `FARGATE` for `fargate()`, `fargateSpot()` and
   * strategies naming only FARGATE and FARGATE_SPOT; `EC2` otherwise.
   */
  public readonly compute: TaskCompute;

  /** The EC2 capacities given to `ec2(...)`; empty for the other kinds. */
  public readonly ec2Capacities: IEc2Capacity[];

  /** The strategy given to `fromCapacityProviderStrategies`, if that is how this was made. */
  public readonly capacityProviderStrategies?: ecs.CapacityProviderStrategy[];

  /** The Fargate options given to `fargate()` (or implied by `fargateSpot()`), if that is how this was made. */
  public readonly fargateOptions?: FargateCapacityOptions;

  /** How this was made, as code: for messages. */
  public readonly description: string;

  private constructor(compute: TaskCompute, ec2Capacities: IEc2Capacity[], strategies: ecs.CapacityProviderStrategy[] | undefined,
    fargateOptions: FargateCapacityOptions | undefined, description: string) {
    this.compute = compute;
    this.ec2Capacities = ec2Capacities;
    this.capacityProviderStrategies = strategies;
    this.fargateOptions = fargateOptions;
    this.description = description;
  }
}

function describeFargate(options: FargateCapacityOptions): string {
  const given = (['onDemandBase', 'onDemandWeight', 'spotWeight'] as const)
    .filter(key => options[key] !== undefined)
    .map(key => `${key}: ${String(options[key])}`);
  return given.length === 0 ? 'TaskCapacity.fargate()' : `TaskCapacity.fargate({ ${given.join(', ')} })`;
}
