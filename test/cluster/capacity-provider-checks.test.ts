import { Stack, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { EcsCluster } from '../../src';
import { checkCapacityProviderStrategy, providerLabel } from '../../src/cluster/capacity-provider-checks';
import { PropValidator } from '../../src/core/validation';
import { errorOf } from '../helpers/validators';

/** Runs the checker on a strategy and returns the problems' messages (empty when it passes). */
function problemsOf(strategies: ecs.CapacityProviderStrategy[], cluster?: ecs.ICluster): string[] {
  const stack = cluster ? Stack.of(cluster) : new Stack();
  const validator = new PropValidator(stack, 'Test');
  checkCapacityProviderStrategy(validator, 'strategy', strategies, cluster);
  if (!validator.hasProblems) return [];
  return errorOf(() => validator.throwIfInvalid()).problems.map(p => `${p.prop}: ${p.received}. ${p.fix}`);
}

describe('checkCapacityProviderStrategy', () => {
  test('accepts a Fargate strategy with one base on a cluster with Fargate providers', () => {
    const cluster = new EcsCluster(new Stack(), 'Cluster');
    expect(problemsOf([{ capacityProvider: 'FARGATE', weight: 1, base: 2 }, { capacityProvider: 'FARGATE_SPOT', weight: 3 }], cluster)).toEqual([]);
  });

  test('fails when a Fargate provider is named on a cluster without them, saying how to enable them', () => {
    const cluster = new EcsCluster(new Stack(), 'Cluster', { enableFargateCapacityProviders: false });
    expect(problemsOf([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }], cluster).join('\n'))
      .toMatch(/strategy\[\]\.capacityProvider: "FARGATE_SPOT"\. The cluster Default\/Cluster has no capacity provider of this name \(it has none\).*enableFargateCapacityProviders: true/);
    const plain = new ecs.Cluster(new Stack(), 'Plain');
    expect(problemsOf([{ capacityProvider: 'FARGATE', weight: 1 }], plain).join('\n')).toMatch(/ecs\.Cluster: enableFargateCapacityProviders\(\)/);
  });

  test('fails on all-zero weights, two bases, a provider listed twice and an empty strategy', () => {
    expect(problemsOf([{ capacityProvider: 'FARGATE', weight: 0 }, { capacityProvider: 'FARGATE_SPOT', weight: 0 }]).join('\n'))
      .toMatch(/strategy\[\]\.weight: \[0,0\]\. At least one capacity provider needs a weight above 0/);
    expect(problemsOf([{ capacityProvider: 'FARGATE', weight: 1, base: 1 }, { capacityProvider: 'FARGATE_SPOT', weight: 1, base: 2 }]).join('\n'))
      .toMatch(/strategy\[\]\.base: \["FARGATE: 1","FARGATE_SPOT: 2"\]\. Only one capacity provider of a strategy can have a base/);
    expect(problemsOf([{ capacityProvider: 'FARGATE', weight: 1 }, { capacityProvider: 'FARGATE', weight: 2 }]).join('\n'))
      .toMatch(/\["FARGATE"\]\. Each capacity provider can appear once/);
    expect(problemsOf([]).join('\n')).toMatch(/strategy: \[\]\. Give at least one capacity provider/);
  });

  test('sees EC2 providers named by tokens: a duplicate, a mix with Fargate, and a readable name in messages', () => {
    const stack = new Stack();
    const cluster = new EcsCluster(stack, 'Cluster', { ec2Capacity: { instanceTypes: [new ec2.InstanceType('m7g.large')] } });
    const ec2Provider = cluster.ec2Capacities[0].capacityProviderName;
    expect(providerLabel(ec2Provider)).toMatch(/^the capacity provider Default\/Cluster\/Ec2Capacity/);
    expect(problemsOf([{ capacityProvider: ec2Provider, weight: 1 }], cluster)).toEqual([]);
    expect(problemsOf([{ capacityProvider: ec2Provider, weight: 1 }, { capacityProvider: ec2Provider, weight: 1 }], cluster).join('\n'))
      .toMatch(/\["the capacity provider Default\/Cluster\/Ec2Capacity[^"]*"\]\. Each capacity provider can appear once/);
    expect(problemsOf([{ capacityProvider: ec2Provider, weight: 1 }, { capacityProvider: 'FARGATE', weight: 1 }], cluster).join('\n'))
      .toMatch(/cannot mix Fargate capacity providers with EC2/);
  });

  test('accepts an EC2 provider named by its literal name, refuses a name the cluster does not have', () => {
    const stack = new Stack();
    const cluster = new EcsCluster(stack, 'Cluster', { ec2Capacity: { instanceTypes: [new ec2.InstanceType('m7g.large')], capacityProviderName: 'batch-arm' } });
    expect(problemsOf([{ capacityProvider: 'batch-arm', weight: 1 }], cluster)).toEqual([]);
    expect(problemsOf([{ capacityProvider: 'batch-x86', weight: 1 }], cluster).join('\n'))
      .toMatch(/"batch-x86"\. The cluster Default\/Cluster has no capacity provider of this name \(it has "FARGATE", "FARGATE_SPOT", "the capacity provider Default\/Cluster\/Ec2Capacity/);
  });

  test('property: a strategy passes exactly when ECS would accept it on a cluster with both Fargate providers', () => {
    const cluster = new EcsCluster(new Stack(), 'Cluster');
    const entry = fc.record({
      capacityProvider: fc.constantFrom('FARGATE', 'FARGATE_SPOT'),
      weight: fc.option(fc.integer({ min: -1, max: 1001 }), { nil: undefined }),
      base: fc.option(fc.integer({ min: -1, max: 3 }), { nil: undefined }),
    });
    fc.assert(fc.property(fc.array(entry, { maxLength: 3 }), (strategies) => {
      const valid = strategies.length > 0
        && strategies.every(s => (s.weight ?? 0) >= 0 && (s.weight ?? 0) <= 1000 && (s.base ?? 0) >= 0)
        && new Set(strategies.map(s => s.capacityProvider)).size === strategies.length
        && strategies.filter(s => (s.base ?? 0) > 0).length <= 1
        && strategies.some(s => (s.weight ?? 0) > 0);
      expect(problemsOf(strategies, cluster).length === 0).toBe(valid);
    }), { numRuns: 300 });
  });
});
