import { aws_ecs as ecs } from 'aws-cdk-lib';
import { checkCapacityProviderStrategy, FARGATE_CAPACITY_PROVIDERS, knownCapacityProviderNames, literalProviderName } from '../cluster/capacity-provider-checks';
import { Ec2Capacity } from '../cluster/ec2-capacity';
import { EcsCluster } from '../cluster/ecs-cluster';
import { PropValidator, isUnresolved } from '../core/validation';

// How the job's capacity provider strategy is chosen and checked.

const FARGATE_PROVIDERS = FARGATE_CAPACITY_PROVIDERS;

export interface ResolvedCapacity {
  readonly strategies: ecs.CapacityProviderStrategy[];
  /** The EcsCluster capacity groups behind the strategy, when every provider in it is known. */
  readonly capacities?: Ec2Capacity[];
}

/** The capacity provider strategy of the job, or undefined after reporting why there is none. */
export function resolveCapacity(validator: PropValidator, cluster: ecs.ICluster,
  given: ecs.CapacityProviderStrategy[] | undefined, needsGpu: boolean): ResolvedCapacity | undefined {
  if (given !== undefined) {
    validateStrategies(validator, given, cluster);
  }
  if (cluster instanceof EcsCluster) {
    const all = cluster.ec2Capacities;
    if (given === undefined) {
      if (all.length === 0) {
        validator.report('cluster', cluster.node.path,
          'This is a cluster with no EC2 capacity (Fargate only): create it with ec2Capacity: { ... } or call cluster.addEc2Capacity(id, { ... }) before creating the job.');
        return undefined;
      }
      return defaultStrategy(all, needsGpu);
    }
    if (!cluster.hasEc2Capacity) {
      // aws-cdk-lib's RunTask integration would refuse it too, advising addCapacity(), which EcsCluster does not have.
      validator.report('cluster', cluster.node.path,
        'The job runs an EC2 task definition, and this cluster has no EC2 capacity: add it with cluster.addEc2Capacity(id, { ... }) ' +
        '(or the ec2Capacity prop) before creating the job, and name its capacity provider in capacityProviderStrategies.');
      return undefined;
    }
    // The name each group was given (`capacityProviderName`), when it is a literal.
    const names = all.map(c => literalProviderName(c.capacityProvider.capacityProviderName) ?? undefined);
    const named = (s: ecs.CapacityProviderStrategy, c: Ec2Capacity, i: number) =>
      s.capacityProvider === c.capacityProvider.capacityProviderName || s.capacityProvider === names[i];
    const known = all.filter((c, i) => given.some(s => named(s, c, i)));
    // Every capacity group's name is known: a literal name that is none of them is a typo, refused here rather than by ECS at deploy time.
    if (names.every(name => name !== undefined)) {
      for (const strategy of given) {
        const name = strategy.capacityProvider;
        if (isUnresolved(name) || FARGATE_PROVIDERS.includes(name) || names.includes(name)) continue;
        validator.report('capacityProviderStrategies[].capacityProvider', name,
          `The cluster ${cluster.node.path} has no EC2 capacity provider of this name (it has ${names.map(n => JSON.stringify(n)).join(', ') || 'none'}): ` +
          'name one of them, e.g. capacity.capacityProvider.capacityProviderName, or add it with cluster.addEc2Capacity(id, { ... }) before creating the job.');
      }
    }
    return { strategies: given, capacities: known.length === given.length ? known : undefined };
  }

  if (given === undefined) {
    validator.report('cluster', cluster.node.path,
      'The job needs a cluster with EC2 capacity, and this cluster\'s is unknown: give capacityProviderStrategies naming its EC2 capacity providers, ' +
      'or use an EcsCluster with ec2Capacity.');
    return undefined;
  }
  let hasEc2Capacity: boolean;
  try {
    hasEc2Capacity = cluster.hasEc2Capacity;
  } catch {
    validator.report('cluster', cluster.node.path,
      'A cluster imported with fromClusterArn cannot tell whether it has EC2 capacity: import it with EcsCluster.fromClusterAttributes(scope, id, { clusterName, vpc }).');
    return undefined;
  }
  if (!hasEc2Capacity) {
    validator.report('cluster', cluster.node.path,
      'This is a cluster with no EC2 capacity (hasEc2Capacity is false): give the job a cluster with EC2 capacity providers ' +
      '(ecs.Cluster: addAsgCapacityProvider; imported: leave hasEc2Capacity out when its capacity providers run EC2 instances).');
    return undefined;
  }
  return { strategies: given };
}

/**
 * The GPU groups for a job that needs GPUs, the groups without GPUs otherwise
 * (when there are any: GPU instances cost more); among those, the Spot groups
 * when there are any (cheapest, and batch jobs retry), otherwise the on-demand
 * ones; weight 1 each, so ECS spreads tasks over them. A GPU job on a cluster
 * without GPU groups is reported by `checkGpuCapacity`.
 */
function defaultStrategy(all: Ec2Capacity[], needsGpu: boolean): ResolvedCapacity {
  const matching = all.filter(c => c.gpu === needsGpu);
  const pool = matching.length > 0 ? matching : all;
  const spot = pool.filter(c => c.spot);
  const chosen = spot.length > 0 ? spot : pool;
  return { strategies: chosen.map(c => ({ capacityProvider: c.capacityProvider.capacityProviderName, weight: 1 })), capacities: chosen };
}

/**
 * The shared strategy checks (weights, bases, duplicates, providers the cluster
 * has), plus the job's own rule: an EC2 task definition cannot run on Fargate.
 */
function validateStrategies(validator: PropValidator, strategies: ecs.CapacityProviderStrategy[], cluster: ecs.ICluster): void {
  if (isUnresolved(strategies)) return;
  for (const strategy of strategies) {
    validator.check('capacityProviderStrategies[].capacityProvider', strategy.capacityProvider, !FARGATE_PROVIDERS.includes(strategy.capacityProvider),
      'Fargate cannot run EC2 task definitions: name the cluster\'s EC2 (Auto Scaling group) capacity providers.');
  }
  const ec2Only = strategies.filter(s => !FARGATE_PROVIDERS.includes(s.capacityProvider));
  // The cluster's provider names decide which names are missing only when all of them are known at synth time
  // (an AsgCapacityProvider's name is a reference; an EcsCluster's are matched in resolveCapacity).
  const available = knownCapacityProviderNames(cluster);
  const namesKnown = available !== undefined && !isUnresolved(available);
  if (ec2Only.length > 0 || strategies.length === 0) {
    checkCapacityProviderStrategy(validator, 'capacityProviderStrategies', ec2Only, namesKnown ? cluster : undefined);
  }
}

