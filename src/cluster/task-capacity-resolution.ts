import { aws_ecs as ecs } from 'aws-cdk-lib';
import { checkCapacityProviderStrategy, knownCapacityProviderNames, literalProviderName } from './capacity-provider-checks';
import type { IEc2Capacity } from './ec2-capacity';
import { IEcsCluster, kitClusterOf } from './ecs-cluster-interface';
import { TaskCapacity, TaskCompute } from './task-capacity';
import { PropValidator, isUnresolved } from '../core/validation';

// How a construct's `taskCapacity` (or its cluster's default) becomes the
// launch type or capacity provider strategy of its services and tasks.

/** Where a construct's tasks run, once checked against its cluster. */
export interface ResolvedTaskCapacity {
  /** Fargate or EC2. */
  readonly compute: TaskCompute;
  /**
   * The capacity provider strategy; `undefined` for on-demand Fargate, which
   * runs with the FARGATE launch type and needs no capacity provider.
   */
  readonly strategies?: ecs.CapacityProviderStrategy[];
  /** The EC2 capacities the strategy names, when every one of them is known. */
  readonly ec2Capacities?: IEc2Capacity[];
}

/** What a construct accepts, and what it does without a `taskCapacity`. */
export interface TaskCapacityRules {
  /** The prop's name in messages, e.g. `taskCapacity`. */
  readonly prop: string;
  /** The kinds of compute the construct can run on. */
  readonly computes: TaskCompute[];
  /** Used when neither the construct nor its cluster says where tasks run. */
  readonly fallback: TaskCapacity;
  /**
   * Chooses among the cluster's EC2 capacities for `TaskCapacity.ec2()` given
   * without capacities.
   *
   * @default - all of them
   */
  readonly chooseEc2?: (all: IEc2Capacity[]) => IEc2Capacity[];
}

/**
 * The EC2 capacities long-running services (web, backend, worker, Compose)
 * use by default: the on-demand ones without GPUs (GPU instances cost more,
 * Spot ones stop tasks at two minutes' notice), or all of them when there are
 * none of that kind.
 */
export function serviceEc2Capacities(all: IEc2Capacity[]): IEc2Capacity[] {
  const plain = all.filter(c => !c.spot && !c.gpu);
  return plain.length > 0 ? plain : all;
}

/**
 * The cluster as constructs that place tasks need it: one whose capacity the
 * kit can know. That is an `IEcsCluster` (an `EcsCluster`, or one imported with
 * `EcsCluster.fromClusterAttributes`/`fromClusterArn`) or an aws-cdk-lib
 * `ecs.Cluster` of this app; a cluster imported with aws-cdk-lib's own
 * functions is refused (its capacity, and for `fromClusterArn` its VPC, cannot
 * be read without failing).
 */
export function checkTaskCluster(validator: PropValidator, cluster: ecs.ICluster): boolean {
  if (cluster === undefined || cluster === null) {
    validator.report('cluster', cluster, 'Give the cluster, e.g. an EcsCluster.');
    return false;
  }
  if (kitClusterOf(cluster) !== undefined || ecs.Cluster.isCluster(cluster)) return true;
  validator.report('cluster', cluster.node?.path ?? String(cluster),
    'The kit cannot know the capacity of a cluster imported with aws-cdk-lib\'s ecs.Cluster.fromClusterAttributes or fromClusterArn: ' +
    'import it with EcsCluster.fromClusterAttributes(scope, id, { clusterName, vpc, ec2Capacities }) (same attributes, plus its capacities).');
  return false;
}

/**
 * The construct's capacity: `given`, else the cluster's `defaultTaskCapacity`
 * when the construct can run on it, else `rules.fallback`; checked against
 * what the cluster has. `undefined` after reporting a problem.
 */
export function resolveTaskCapacity(
  validator: PropValidator, given: TaskCapacity | undefined, cluster: ecs.ICluster, rules: TaskCapacityRules): ResolvedTaskCapacity | undefined {
  const kit = kitClusterOf(cluster);
  let capacity: TaskCapacity;
  let prop = rules.prop;
  if (given !== undefined) {
    if (!(given instanceof Object) || typeof (given as TaskCapacity).compute !== 'string' || !Array.isArray((given as TaskCapacity).ec2Capacities)) {
      validator.report(prop, given, 'Use a TaskCapacity, e.g. TaskCapacity.fargate() or TaskCapacity.ec2().');
      return undefined;
    }
    capacity = given;
  } else if (kit?.defaultTaskCapacity && rules.computes.includes(kit.defaultTaskCapacity.compute)) {
    capacity = kit.defaultTaskCapacity;
    prop = `${rules.prop} (the cluster's defaultTaskCapacity)`;
  } else {
    capacity = rules.fallback;
  }

  if (!rules.computes.includes(capacity.compute)) {
    const runsOn = rules.computes.map(c => (c === TaskCompute.FARGATE ? 'Fargate' : 'EC2 instances')).join(' or ');
    validator.report(prop, capacity.description,
      `This construct runs its tasks on ${runsOn}: use ${rules.computes.includes(TaskCompute.FARGATE)
        ? 'TaskCapacity.fargate({ ... }) or TaskCapacity.fargateSpot()'
        : 'TaskCapacity.ec2(...) with EC2 capacities of the cluster'}.`);
    return undefined;
  }
  if (capacity.capacityProviderStrategies !== undefined) {
    return fromStrategies(validator, prop, capacity.compute, capacity.capacityProviderStrategies, cluster, kit);
  }
  if (capacity.compute === TaskCompute.FARGATE) {
    return fargate(validator, prop, capacity, cluster, kit);
  }
  return ec2(validator, prop, capacity.ec2Capacities, cluster, kit, rules);
}

function fargate(validator: PropValidator, prop: string, capacity: TaskCapacity, cluster: ecs.ICluster,
  kit: IEcsCluster | undefined): ResolvedTaskCapacity | undefined {
  const options = capacity.fargateOptions ?? {};
  const problems = new PropValidator(cluster, 'TaskCapacity');
  for (const [key, max] of [['spotWeight', 1000], ['onDemandWeight', 1000], ['onDemandBase', 100_000]] as const) {
    validator.checkInteger(`${prop}.${key}`, options[key], 0, max);
    problems.checkInteger(key, options[key], 0, max);
  }
  // Reported once, on the option: the strategy built from it would only repeat the problem.
  if (problems.hasProblems) return undefined;
  if (!options.spotWeight) {
    for (const key of ['onDemandWeight', 'onDemandBase'] as const) {
      if (options[key] !== undefined) {
        validator.report(`${prop}.${key}`, options[key], 'Only used with Fargate Spot: set spotWeight too (e.g. 1), or remove it.');
      }
    }
    // Without Spot the tasks run with the FARGATE launch type, which needs no capacity provider on the cluster.
    return { compute: TaskCompute.FARGATE };
  }
  const onDemand = { capacityProvider: 'FARGATE', base: options.onDemandBase ?? 0, weight: options.onDemandWeight ?? 1 };
  const spotOnly = onDemand.base === 0 && onDemand.weight === 0;
  const strategies = [...(spotOnly ? [] : [onDemand]), { capacityProvider: 'FARGATE_SPOT', weight: options.spotWeight }];
  return fromStrategies(validator, prop, TaskCompute.FARGATE, strategies, cluster, kit);
}

function ec2(validator: PropValidator, prop: string, given: IEc2Capacity[], cluster: ecs.ICluster,
  kit: IEcsCluster | undefined, rules: TaskCapacityRules): ResolvedTaskCapacity | undefined {
  let capacities = given;
  if (capacities.length === 0) {
    if (kit === undefined) {
      validator.report(prop, 'TaskCapacity.ec2()',
        `The EC2 capacity of the cluster ${cluster.node.path} is unknown to the kit (an ecs.Cluster): name its capacity providers with ` +
        'TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: provider.capacityProviderName, weight: 1 }]), or use an EcsCluster.');
      return undefined;
    }
    if (kit.ec2Capacities.length === 0) {
      const fargateToo = rules.computes.includes(TaskCompute.FARGATE) ? ', or run on Fargate (TaskCapacity.fargate())' : '';
      validator.report(prop, 'TaskCapacity.ec2()', kit.hasEc2Capacity
        ? `The kit does not know the EC2 capacity of the imported cluster ${cluster.node.path}: import it with EcsCluster.fromClusterAttributes(scope, id, ` +
          `{ ..., ec2Capacities: [Ec2Capacity.fromCapacityProviderAttributes(...)] }), or give TaskCapacity.ec2(capacity)${fargateToo}.`
        : `The cluster ${cluster.node.path} has no EC2 capacity (Fargate only): create it with ec2Capacity: { ... } or call ` +
          `cluster.addEc2Capacity(id, { ... }) before creating this construct${fargateToo}.`);
      return undefined;
    }
    capacities = (rules.chooseEc2 ?? (all => all))(kit.ec2Capacities);
  }
  const strategies = capacities.map(c => ({ capacityProvider: c.capacityProviderName, weight: 1 }));
  const resolved = fromStrategies(validator, prop, TaskCompute.EC2, strategies, cluster, kit);
  return resolved && { ...resolved, ec2Capacities: capacities };
}

function fromStrategies(validator: PropValidator, prop: string, compute: TaskCompute, strategies: ecs.CapacityProviderStrategy[],
  cluster: ecs.ICluster, kit: IEcsCluster | undefined): ResolvedTaskCapacity | undefined {
  if (!isUnresolved(strategies) && !Array.isArray(strategies)) {
    validator.report(prop, strategies, 'Give a list of capacity providers, e.g. [{ capacityProvider: "FARGATE_SPOT", weight: 1 }].');
    return undefined;
  }
  checkCapacityProviderStrategy(validator, prop, strategies, cluster);
  // (A cluster of this app lists its providers, and the shared check names the missing ones.)
  if (compute === TaskCompute.FARGATE && kit !== undefined && !kit.fargateCapacityProviders && knownCapacityProviderNames(cluster) === undefined) {
    validator.report(prop, strategies.map(s => s.capacityProvider),
      `The cluster ${cluster.node.path} has no Fargate capacity providers: enable them (EcsCluster: enableFargateCapacityProviders: true; ` +
      'imported: fargateCapacityProviders: true once they are associated), or use TaskCapacity.fargate() without spotWeight.');
  }
  if (isUnresolved(strategies)) return { compute, strategies };
  return { compute, strategies, ec2Capacities: compute === TaskCompute.EC2 ? capacitiesNamed(strategies, kit) : undefined };
}

/** The kit's capacities behind a strategy, when each provider it names is one of them. */
function capacitiesNamed(strategies: ecs.CapacityProviderStrategy[], kit: IEcsCluster | undefined): IEc2Capacity[] | undefined {
  if (kit === undefined) return undefined;
  const found = strategies.map(s => kit.ec2Capacities.find(c =>
    c.capacityProviderName === s.capacityProvider || literalProviderName(c.capacityProviderName) === s.capacityProvider));
  return found.every(c => c !== undefined) ? found as IEc2Capacity[] : undefined;
}
