import { aws_ec2 as ec2 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IMAGE } from './cluster';
import { EcsCluster, FargateWebService, TaskCapacity } from '../../src';
import { createTestStack, errorOf, validTemplate } from '../helpers/validators';

describe('FargateWebService on an imported cluster (EcsCluster.fromClusterAttributes)', () => {
  const imported = (stack: ReturnType<typeof createTestStack>, attrs: { fargateCapacityProviders?: boolean; spotDefault?: boolean } = {}) => {
    const vpc = new EcsCluster(stack, 'Platform').vpc;
    return EcsCluster.fromClusterAttributes(stack, 'Shared', {
      clusterName: 'shared',
      vpc,
      fargateCapacityProviders: attrs.fargateCapacityProviders,
      defaultTaskCapacity: attrs.spotDefault ? TaskCapacity.fargate({ onDemandBase: 1, spotWeight: 2 }) : undefined,
    });
  };

  test('runs on the imported cluster\'s Fargate default, and passes the validators', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = imported(stack, { spotDefault: true });
    // WHEN
    new FargateWebService(stack, 'Web', { cluster, image: IMAGE });
    // THEN
    validTemplate(stack).hasResourceProperties('AWS::ECS::Service', {
      Cluster: 'shared',
      CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE', Base: 1, Weight: 1 }, { CapacityProvider: 'FARGATE_SPOT', Weight: 2 }],
    });
  });

  test('fails when Spot is asked of an imported cluster without the Fargate capacity providers', () => {
    const stack = createTestStack();
    const cluster = imported(stack, { fargateCapacityProviders: false });
    const error = errorOf(() => new FargateWebService(stack, 'Web', { cluster, image: IMAGE, taskCapacity: TaskCapacity.fargateSpot() }));
    expect(error.problems.map(p => p.prop)).toEqual(['taskCapacity']);
    expect(error.problems[0].fix).toMatch(/has no Fargate capacity providers/);
  });

  test('on-demand Fargate needs no capacity provider on the imported cluster', () => {
    const stack = createTestStack();
    const cluster = imported(stack, { fargateCapacityProviders: false });
    new FargateWebService(stack, 'Web', { cluster, image: IMAGE });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::Service', { LaunchType: 'FARGATE' });
  });

  test('fails when EC2 capacity is given to a web service on Fargate', () => {
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { ec2Capacity: { instanceTypes: [new ec2.InstanceType('m6i.large')] } });
    const error = errorOf(() => new FargateWebService(stack, 'Web', { cluster, image: IMAGE, taskCapacity: TaskCapacity.ec2(cluster.ec2Capacities[0]) }));
    expect(error.problems.map(p => p.prop)).toEqual(['taskCapacity']);
    expect(error.problems[0].fix).toMatch(/runs its tasks on Fargate/);
  });
});
