import { Stack, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { EcsCluster, EcsClusterProps, EcsKitValidationError, FargateCapacityOptions, TaskCapacity } from '../../src';

/**
 * Property test of TaskCapacity as an EcsCluster's defaultTaskCapacity: every
 * generated capacity either synthesizes a capacity provider association whose
 * default strategy obeys ECS's rules, or throws EcsKitValidationError — never
 * another error. Templates are checked directly (no cdk-nag) to stay fast.
 */

/** Mostly left out or valid, sometimes anything. */
function maybe<T>(valid: fc.Arbitrary<T>, anything: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 2 },
    { arbitrary: valid, weight: 3 },
    { arbitrary: anything, weight: 1 },
  );
}

const anyNumber = fc.oneof(
  fc.constantFrom(-1, 0, 1000, 1001, 100_000, 100_001, 1.5, Number.NaN, Number.POSITIVE_INFINITY),
  fc.integer({ min: -10, max: 2000 }),
);

const fargateOptions: fc.Arbitrary<FargateCapacityOptions> = fc.record({
  spotWeight: maybe(fc.integer({ min: 0, max: 1000 }), anyNumber),
  onDemandWeight: maybe(fc.integer({ min: 0, max: 1000 }), anyNumber),
  onDemandBase: maybe(fc.integer({ min: 0, max: 100_000 }), anyNumber),
}, { requiredKeys: [] });

const strategies = fc.array(fc.record({
  capacityProvider: fc.constantFrom('FARGATE', 'FARGATE_SPOT', 'on-demand', 'other'),
  weight: maybe(fc.integer({ min: 0, max: 1000 }), anyNumber),
  base: maybe(fc.integer({ min: 0, max: 100_000 }), anyNumber),
}, { requiredKeys: ['capacityProvider'] }), { maxLength: 4 }) as fc.Arbitrary<ecs.CapacityProviderStrategy[]>;

const taskCapacity: fc.Arbitrary<TaskCapacity> = fc.oneof(
  fargateOptions.map(options => TaskCapacity.fargate(options)),
  fc.constant(TaskCapacity.fargateSpot()),
  fc.constant(TaskCapacity.ec2()),
  strategies.map(s => TaskCapacity.fromCapacityProviderStrategies(s)),
);

const clusterProps: fc.Arbitrary<EcsClusterProps> = fc.record({
  enableFargateCapacityProviders: fc.option(fc.boolean(), { nil: undefined }),
  ec2Capacity: fc.constantFrom(undefined, { capacityProviderName: 'on-demand' }),
  defaultTaskCapacity: taskCapacity,
});

/** The cluster's template, or undefined when our error was thrown (any other error fails the test). */
function synthesizeOrRefuse(props: EcsClusterProps): Template | undefined {
  const stack = new Stack();
  // An imported VPC: the cluster's own VPC would take most of the time, and nothing here depends on it.
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a', 'us-east-1b'], privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] });
  try {
    new EcsCluster(stack, 'Cluster', { ...props, vpc });
    return Template.fromStack(stack);
  } catch (e) {
    if (EcsKitValidationError.isEcsKitValidationError(e)) return undefined;
    throw e;
  }
}

/** ECS's rules for a capacity provider strategy, applied to the cluster's default one. */
function expectDefaultStrategyObeysEcsRules(template: Template): void {
  const associations = Object.values(template.findResources('AWS::ECS::ClusterCapacityProviderAssociations')).map((r: any) => r.Properties);
  expect(associations).toHaveLength(1);
  const [association] = associations;
  const entries: any[] = association.DefaultCapacityProviderStrategy;
  expect(entries.length).toBeGreaterThanOrEqual(1);
  expect(entries.length).toBeLessThanOrEqual(20);
  for (const entry of entries) {
    const weight = entry.Weight ?? 0;
    const base = entry.Base ?? 0;
    expect(Number.isInteger(weight) && weight >= 0 && weight <= 1000).toBe(true);
    expect(Number.isInteger(base) && base >= 0 && base <= 100_000).toBe(true);
  }
  expect(entries.some(e => (e.Weight ?? 0) > 0)).toBe(true);
  expect(entries.filter(e => (e.Base ?? 0) > 0).length).toBeLessThanOrEqual(1);
  const providers = entries.map(e => JSON.stringify(e.CapacityProvider));
  expect(new Set(providers).size).toBe(providers.length);
  const isFargate = (p: unknown) => p === 'FARGATE' || p === 'FARGATE_SPOT';
  const fargate = entries.filter(e => isFargate(e.CapacityProvider));
  expect(fargate.length === 0 || fargate.length === entries.length).toBe(true);
  // Every provider the strategy names is associated with the cluster.
  const associated = association.CapacityProviders.map((p: unknown) => JSON.stringify(p));
  providers.forEach(p => expect(associated).toContain(p));
}

describe('TaskCapacity properties', () => {
  test('any TaskCapacity as defaultTaskCapacity synthesizes a strategy ECS accepts, or fails with our error', () => {
    let synthesized = 0;
    fc.assert(fc.property(clusterProps, props => {
      const template = synthesizeOrRefuse(props);
      if (template) {
        synthesized++;
        expectDefaultStrategyObeysEcsRules(template);
      }
    }), { numRuns: 40 });
    // The generators are meant to produce accepted inputs too, not only refusals.
    expect(synthesized).toBeGreaterThan(5);
  });
});
