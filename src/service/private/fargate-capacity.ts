import { aws_ecs as ecs } from 'aws-cdk-lib';
import { TaskCapacity, TaskCompute } from '../../cluster/task-capacity';
import { resolveTaskCapacity } from '../../cluster/task-capacity-resolution';
import { PropValidator } from '../../core/validation';
import type { FargateWebServiceOptions } from '../fargate-web-service-props';

/**
 * The capacity provider strategy a FargateWebService writes (its `taskCapacity`,
 * else its cluster's Fargate default), or none: on-demand Fargate runs with the
 * FARGATE launch type and needs no capacity provider. Problems go to `validator`.
 */
export function serviceCapacityStrategies(
  validator: PropValidator, props: FargateWebServiceOptions, cluster: ecs.ICluster): ecs.CapacityProviderStrategy[] | undefined {
  return resolveTaskCapacity(validator, props.taskCapacity, cluster, {
    prop: 'taskCapacity',
    computes: [TaskCompute.FARGATE],
    fallback: TaskCapacity.fargate(),
  })?.strategies;
}
