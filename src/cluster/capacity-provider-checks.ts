import { Token, Tokenization, aws_ecs as ecs } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PropValidator, isUnresolved } from '../core/validation';

/** The capacity providers ECS names itself: they exist on a cluster only once associated. */
export const FARGATE_CAPACITY_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'];

/**
 * A capacity provider name for a message: the name itself, or for a name given
 * by a token (EcsCluster names its EC2 providers through a reference), the
 * construct that defines the provider.
 */
export function providerLabel(name: string): string {
  if (!Token.isUnresolved(name)) return name;
  const token = Tokenization.reverseString(name).firstToken as { target?: IConstruct } | undefined;
  const path = token?.target?.node?.path;
  return path ? `the capacity provider ${path}` : 'a capacity provider named by a token';
}

/**
 * The literal name of a capacity provider: the name itself, or for a reference
 * to a capacity provider of this app the name it was given; `undefined` when
 * CloudFormation generates the name (no strategy can spell it), `null` when it
 * cannot be known.
 */
export function literalProviderName(name: string): string | undefined | null {
  if (!Token.isUnresolved(name)) return name;
  const target = (Tokenization.reverseString(name).firstToken as { target?: unknown } | undefined)?.target;
  if (!(target instanceof ecs.CfnCapacityProvider)) return null;
  if (target.name === undefined) return undefined;
  return Token.isUnresolved(target.name) ? null : target.name;
}

/** ECS quota: capacity providers in one strategy. */
const MAX_PROVIDERS_PER_STRATEGY = 20;

/**
 * The capacity providers associated with a cluster defined in this app (an
 * `EcsCluster` or an `ecs.Cluster`), or `undefined` when they cannot be known:
 * an imported cluster may have any.
 */
export function knownCapacityProviderNames(cluster: ecs.ICluster): string[] | undefined {
  const names = (cluster as { capacityProviderNames?: unknown }).capacityProviderNames;
  return Array.isArray(names) && names.every(name => typeof name === 'string') ? names : undefined;
}

/**
 * Checks a capacity provider strategy as ECS does when it receives it — and
 * CloudFormation only then, at deploy time:
 *
 * - weights 0 to 1000 with at least one above 0; bases 0 to 100000 on one provider only;
 * - no provider listed twice, at most 20 providers;
 * - Fargate providers and EC2 (Auto Scaling group) providers not mixed;
 * - when `cluster`'s providers are known, every provider is associated with it.
 *
 * Unresolved values are skipped. `prop` names the prop in messages (e.g.
 * `capacityProviderStrategies`); `fixForMissing` says how to give the cluster
 * a provider it lacks, when the caller knows better than the default advice.
 */
export function checkCapacityProviderStrategy(
  validator: PropValidator,
  prop: string,
  strategies: ecs.CapacityProviderStrategy[],
  cluster?: ecs.ICluster,
): void {
  if (isUnresolved(strategies)) return;
  if (strategies.length === 0) {
    validator.report(prop, strategies, 'Give at least one capacity provider, e.g. [{ capacityProvider: "FARGATE", weight: 1 }], or leave the prop out.');
    return;
  }
  if (strategies.length > MAX_PROVIDERS_PER_STRATEGY) {
    validator.report(prop, strategies.map(s => s.capacityProvider),
      `A capacity provider strategy names at most ${MAX_PROVIDERS_PER_STRATEGY} capacity providers: use fewer.`);
  }
  for (const strategy of strategies) {
    validator.checkInteger(`${prop}[].weight`, strategy.weight, 0, 1000, 'Use a whole number from 0 to 1000.');
    validator.checkInteger(`${prop}[].base`, strategy.base, 0, 100_000, 'Use a whole number from 0 to 100000.');
    validator.check(`${prop}[].capacityProvider`, strategy.capacityProvider, strategy.capacityProvider.length > 0,
      'Name a capacity provider, e.g. "FARGATE" or the name of an EC2 capacity provider of the cluster.');
  }

  // Names given by tokens (EcsCluster's generated EC2 provider names) compare by their token string:
  // the same provider is the same token.
  const names = strategies.map(s => s.capacityProvider);
  const duplicates = names.filter((name, i) => names.indexOf(name) !== i);
  if (duplicates.length > 0) {
    validator.report(`${prop}[].capacityProvider`, [...new Set(duplicates)].map(providerLabel),
      'Each capacity provider can appear once in a strategy: merge the entries into one (add their weights).');
  }
  const withBase = strategies.filter(s => s.base !== undefined && (isUnresolved(s.base) || s.base > 0));
  if (withBase.length > 1) {
    validator.report(`${prop}[].base`, withBase.map(s => `${providerLabel(s.capacityProvider)}: ${s.base}`),
      'Only one capacity provider of a strategy can have a base: keep the base on one provider (usually the on-demand one).');
  }
  const weights = strategies.map(s => s.weight);
  if (!isUnresolved(weights) && weights.every(weight => (weight ?? 0) === 0)) {
    validator.report(`${prop}[].weight`, weights.map(w => w ?? 0),
      'At least one capacity provider needs a weight above 0, or ECS can place no task: give the main provider weight 1.');
  }
  // A literal name other than FARGATE/FARGATE_SPOT, or a token the cluster lists, is an EC2 (Auto Scaling group) provider.
  const available = cluster ? knownCapacityProviderNames(cluster) : undefined;
  const isFargate = (name: string) => FARGATE_CAPACITY_PROVIDERS.includes(name);
  const isEc2 = (name: string) => !isFargate(name) && (!isUnresolved(name) || (available?.includes(name) ?? false));
  if (names.some(isFargate) && names.some(isEc2)) {
    validator.report(`${prop}[].capacityProvider`, names.map(providerLabel),
      'A strategy cannot mix Fargate capacity providers with EC2 (Auto Scaling group) ones: use only FARGATE/FARGATE_SPOT, or only EC2 capacity providers.');
  }

  if (available === undefined) return;
  // The cluster lists its EC2 providers by reference; a strategy may name one by its literal name.
  const literalNames = available.map(literalProviderName);
  if (literalNames.includes(null)) return;
  for (const name of new Set(names)) {
    if (isUnresolved(name) || available.includes(name) || literalNames.includes(name)) continue;
    const has = available.length > 0 ? `it has ${available.map(n => JSON.stringify(providerLabel(n))).join(', ')}` : 'it has none';
    const fix = FARGATE_CAPACITY_PROVIDERS.includes(name)
      ? 'enable the Fargate capacity providers on the cluster (EcsCluster: enableFargateCapacityProviders: true; ' +
        'ecs.Cluster: enableFargateCapacityProviders()) before creating this construct, or name one of the cluster\'s providers.'
      : 'add that capacity provider to the cluster (EcsCluster: addEc2Capacity or ec2Capacity) before creating this construct, ' +
        'or name one of the cluster\'s providers.';
    validator.report(`${prop}[].capacityProvider`, name,
      `The cluster ${cluster!.node.path} has no capacity provider of this name (${has}), so ECS would refuse the strategy at deploy time: ${fix}`);
  }
}
