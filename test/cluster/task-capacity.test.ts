import { Stack, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { EcsCluster, EcsClusterProps, TaskCapacity, TaskCompute } from '../../src';
import { createTestStack, errorOf, validTemplate } from '../helpers/validators';

const t = (name: string) => new ec2.InstanceType(name);

/** The cluster's DefaultCapacityProviderStrategy, as synthesized. */
function defaultStrategyOf(template: Template): unknown {
  const associations = Object.values(template.findResources('AWS::ECS::ClusterCapacityProviderAssociations')) as any[];
  expect(associations).toHaveLength(1);
  return associations[0].Properties.DefaultCapacityProviderStrategy;
}

/** The problems of the EcsKitValidationError that creating a cluster with `props` throws, as "prop: received". */
function problemsOf(props: EcsClusterProps): string[] {
  return errorOf(() => new EcsCluster(new Stack(), 'Cluster', props)).problems.map(p => `${p.prop}: ${p.received}`);
}

describe('TaskCapacity', () => {
  test('each factory says what it is', () => {
    expect(TaskCapacity.fargate().compute).toBe(TaskCompute.FARGATE);
    expect(TaskCapacity.fargate().description).toBe('TaskCapacity.fargate()');
    expect(TaskCapacity.fargate({ spotWeight: 3, onDemandBase: 1 }).description).toBe('TaskCapacity.fargate({ onDemandBase: 1, spotWeight: 3 })');
    expect(TaskCapacity.fargateSpot().fargateOptions).toEqual({ spotWeight: 1, onDemandWeight: 0 });
    expect(TaskCapacity.ec2().compute).toBe(TaskCompute.EC2);
    expect(TaskCapacity.ec2().ec2Capacities).toEqual([]);
    expect(TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'FARGATE_SPOT', weight: 1 }]).compute).toBe(TaskCompute.FARGATE);
    expect(TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'batch', weight: 1 }]).compute).toBe(TaskCompute.EC2);
  });

  test('fargate() keeps its own copy of the options', () => {
    // GIVEN
    const options = { spotWeight: 1 };
    // WHEN
    const capacity = TaskCapacity.fargate(options);
    (options as { spotWeight: number }).spotWeight = 0;
    // THEN
    expect(capacity.fargateOptions).toEqual({ spotWeight: 1 });
  });
});

describe('EcsCluster defaultTaskCapacity', () => {
  test('fargate() is the FARGATE provider', () => {
    // GIVEN
    const stack = createTestStack();
    // WHEN
    const cluster = new EcsCluster(stack, 'Cluster', { defaultTaskCapacity: TaskCapacity.fargate() });
    // THEN
    expect(defaultStrategyOf(validTemplate(stack))).toEqual([{ CapacityProvider: 'FARGATE', Weight: 1 }]);
    expect(cluster.defaultTaskCapacity?.description).toBe('TaskCapacity.fargate()');
  });

  test('fargateSpot() is FARGATE_SPOT alone', () => {
    const stack = createTestStack();
    new EcsCluster(stack, 'Cluster', { defaultTaskCapacity: TaskCapacity.fargateSpot() });
    expect(defaultStrategyOf(validTemplate(stack))).toEqual([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }]);
  });

  test('fargate({ spotWeight: 3, onDemandBase: 1 }) keeps one task on demand, then three of four on Spot', () => {
    const stack = createTestStack();
    new EcsCluster(stack, 'Cluster', { defaultTaskCapacity: TaskCapacity.fargate({ spotWeight: 3, onDemandBase: 1 }) });
    expect(defaultStrategyOf(validTemplate(stack))).toEqual([
      { CapacityProvider: 'FARGATE', Base: 1, Weight: 1 },
      { CapacityProvider: 'FARGATE_SPOT', Weight: 3 },
    ]);
  });

  test('fargate({ spotWeight: 1, onDemandWeight: 0, onDemandBase: 2 }) keeps the base on demand and the rest on Spot', () => {
    const stack = new Stack();
    new EcsCluster(stack, 'Cluster', { defaultTaskCapacity: TaskCapacity.fargate({ spotWeight: 1, onDemandWeight: 0, onDemandBase: 2 }) });
    expect(defaultStrategyOf(Template.fromStack(stack))).toEqual([
      { CapacityProvider: 'FARGATE', Base: 2, Weight: 0 },
      { CapacityProvider: 'FARGATE_SPOT', Weight: 1 },
    ]);
  });

  // BUG: the default's check takes the unnamed group's provider reference for an unknown token
  // (src/cluster/ecs-cluster.ts validateDefaultStrategy only knows providers named with capacityProviderName).
  test('ec2() is the group of the ec2Capacity prop', () => {
    // GIVEN
    const stack = createTestStack();
    // WHEN
    const cluster = new EcsCluster(stack, 'Cluster', {
      ec2Capacity: { instanceTypes: [t('m7g.large')] },
      defaultTaskCapacity: TaskCapacity.ec2(),
    });
    // THEN
    const template = validTemplate(stack);
    const providerId = stack.resolve(cluster.ec2Capacities[0].capacityProviderName);
    expect(providerId).toEqual({ Ref: expect.stringMatching(/^ClusterEc2CapacityCapacityProvider/) });
    expect(defaultStrategyOf(template)).toEqual([{ CapacityProvider: providerId, Weight: 1 }]);
    template.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      CapacityProviders: ['FARGATE', 'FARGATE_SPOT', providerId],
    });
  });

  test('ec2() with a named group names it by reference (the association waits for the provider)', () => {
    const stack = new Stack();
    new EcsCluster(stack, 'Cluster', {
      ec2Capacity: { capacityProviderName: 'on-demand' },
      enableFargateCapacityProviders: false,
      defaultTaskCapacity: TaskCapacity.ec2(),
    });
    expect(defaultStrategyOf(Template.fromStack(stack))).toEqual([{ CapacityProvider: { Ref: expect.stringMatching(/^ClusterEc2CapacityCapacityProvider/) }, Weight: 1 }]);
  });

  test('fromCapacityProviderStrategies is the strategy as written', () => {
    const stack = createTestStack();
    new EcsCluster(stack, 'Cluster', {
      defaultTaskCapacity: TaskCapacity.fromCapacityProviderStrategies([
        { capacityProvider: 'FARGATE_SPOT', weight: 4 },
        { capacityProvider: 'FARGATE', base: 2, weight: 1 },
      ]),
    });
    expect(defaultStrategyOf(validTemplate(stack))).toEqual([
      { CapacityProvider: 'FARGATE_SPOT', Weight: 4 },
      { CapacityProvider: 'FARGATE', Base: 2, Weight: 1 },
    ]);
  });

  test('without defaultTaskCapacity the association has no default strategy', () => {
    const stack = new Stack();
    const cluster = new EcsCluster(stack, 'Cluster');
    expect(defaultStrategyOf(Template.fromStack(stack))).toEqual([]);
    expect(cluster.defaultTaskCapacity).toBeUndefined();
  });

  test('fails when it asks for Fargate Spot on a cluster without Fargate capacity providers', () => {
    for (const capacity of [TaskCapacity.fargateSpot(), TaskCapacity.fargate({ spotWeight: 1 })]) {
      const error = errorOf(() => new EcsCluster(new Stack(), 'Cluster', { enableFargateCapacityProviders: false, defaultTaskCapacity: capacity }));
      expect(error.message).toMatch(/^EcsCluster at 'Default\/Cluster'/);
      expect(error.problems.map(p => p.prop)).toContain('defaultTaskCapacity[].capacityProvider');
      expect(error.problems.map(p => p.fix).join('\n')).toMatch(/enableFargateCapacityProviders: true/);
    }
  });

  test('fails when it asks for on-demand Fargate on a cluster without Fargate capacity providers', () => {
    // (As a default strategy, on-demand Fargate is the FARGATE provider, which must be associated.)
    expect(problemsOf({ enableFargateCapacityProviders: false, defaultTaskCapacity: TaskCapacity.fargate() }))
      .toEqual(['defaultTaskCapacity[].capacityProvider: "FARGATE"']);
  });

  test('fails when ec2() is given to a Fargate-only cluster', () => {
    const error = errorOf(() => new EcsCluster(new Stack(), 'Cluster', { defaultTaskCapacity: TaskCapacity.ec2() }));
    expect(error.problems).toEqual([expect.objectContaining({
      prop: 'defaultTaskCapacity',
      received: '"TaskCapacity.ec2()"',
      fix: expect.stringMatching(/The cluster Default\/Cluster has no EC2 capacity \(Fargate only\): create it with ec2Capacity.*or run on Fargate/),
    })]);
  });

  test.each<[string, Parameters<typeof TaskCapacity.fargate>[0], string[]]>([
    ['spotWeight is above 1000', { spotWeight: 1001 }, ['defaultTaskCapacity.spotWeight: 1001']],
    ['spotWeight is negative', { spotWeight: -1 }, ['defaultTaskCapacity.spotWeight: -1']],
    ['onDemandWeight is not whole', { spotWeight: 1, onDemandWeight: 1.5 }, ['defaultTaskCapacity.onDemandWeight: 1.5']],
    ['onDemandBase is above 100000', { spotWeight: 1, onDemandBase: 100_001 }, ['defaultTaskCapacity.onDemandBase: 100001']],
  ])('fails when %s', (_, options, problems) => {
    expect(problemsOf({ defaultTaskCapacity: TaskCapacity.fargate(options) })).toEqual(problems);
  });

  test.each<[string, Parameters<typeof TaskCapacity.fargate>[0], string[]]>([
    ['onDemandWeight is given without spotWeight', { onDemandWeight: 2 }, ['defaultTaskCapacity.onDemandWeight: 2']],
    ['onDemandBase is given without spotWeight', { onDemandBase: 1 }, ['defaultTaskCapacity.onDemandBase: 1']],
    ['onDemandWeight is given with spotWeight 0', { spotWeight: 0, onDemandWeight: 1 }, ['defaultTaskCapacity.onDemandWeight: 1']],
  ])('fails when %s', (_, options, problems) => {
    const error = errorOf(() => new EcsCluster(new Stack(), 'Cluster', { defaultTaskCapacity: TaskCapacity.fargate(options) }));
    expect(error.problems.map(p => `${p.prop}: ${p.received}`)).toEqual(problems);
    expect(error.problems[0].fix).toMatch(/Only used with Fargate Spot: set spotWeight too/);
  });

  test('spotWeight 0 is on-demand Fargate', () => {
    const stack = new Stack();
    new EcsCluster(stack, 'Cluster', { defaultTaskCapacity: TaskCapacity.fargate({ spotWeight: 0 }) });
    expect(defaultStrategyOf(Template.fromStack(stack))).toEqual([{ CapacityProvider: 'FARGATE', Weight: 1 }]);
  });

  test('fails when the Spot weight and the on-demand weight are both 0 and there is no base', () => {
    const defaultTaskCapacity = TaskCapacity.fromCapacityProviderStrategies([
      { capacityProvider: 'FARGATE', weight: 0 },
      { capacityProvider: 'FARGATE_SPOT', weight: 0 },
    ]);
    expect(problemsOf({ defaultTaskCapacity })).toEqual(['defaultTaskCapacity[].weight: [0,0]']);
  });

  test('fails when the strategy mixes Fargate and the cluster\'s EC2 group', () => {
    const stack = new Stack();
    const error = errorOf(() => new EcsCluster(stack, 'Cluster', {
      ec2Capacity: { capacityProviderName: 'on-demand' },
      defaultTaskCapacity: TaskCapacity.fromCapacityProviderStrategies([
        { capacityProvider: 'on-demand', weight: 1 },
        { capacityProvider: 'FARGATE_SPOT', weight: 1 },
      ]),
    }));
    expect(error.problems.map(p => p.prop)).toEqual(['defaultTaskCapacity[].capacityProvider']);
    expect(error.problems[0].fix).toMatch(/cannot mix Fargate capacity providers with EC2/);
  });

  test('fails when a TaskCapacity is not given as one', () => {
    const error = errorOf(() => new EcsCluster(new Stack(), 'Cluster', {
      defaultTaskCapacity: [{ capacityProvider: 'FARGATE', weight: 1 }] as unknown as TaskCapacity,
    }));
    expect(error.problems).toEqual([expect.objectContaining({ prop: 'defaultTaskCapacity', fix: expect.stringMatching(/Use a TaskCapacity/) })]);
  });
});
