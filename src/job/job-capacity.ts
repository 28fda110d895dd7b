import { aws_ecs as ecs } from 'aws-cdk-lib';
import type { IEc2Capacity } from '../cluster/ec2-capacity';
import { TaskCapacity, TaskCompute } from '../cluster/task-capacity';
import { ResolvedTaskCapacity, checkTaskCluster, resolveTaskCapacity } from '../cluster/task-capacity-resolution';
import { PropValidator } from '../core/validation';

// Where a batch job's task runs, chosen and checked through the kit's capacity contract.

/** The job's capacity, or undefined after reporting why there is none. */
export function resolveJobCapacity(validator: PropValidator, cluster: ecs.ICluster,
  given: TaskCapacity | undefined, needsGpu: boolean): ResolvedTaskCapacity | undefined {
  if (!checkTaskCluster(validator, cluster)) return undefined;
  if (given !== undefined && given.compute === TaskCompute.FARGATE) {
    validator.report('taskCapacity', given.description,
      'An Ec2BatchJob runs an EC2 task definition, which Fargate cannot run: use TaskCapacity.ec2() (the cluster\'s EC2 capacity) ' +
      'or TaskCapacity.ec2(capacity, ...).');
    return undefined;
  }
  const resolved = resolveTaskCapacity(validator, given, cluster, {
    prop: 'taskCapacity',
    computes: [TaskCompute.EC2],
    fallback: TaskCapacity.ec2(),
    chooseEc2: all => defaultCapacities(all, needsGpu),
  });
  // aws-cdk-lib's RunTask integration refuses a cluster without EC2 capacity with its own error (advising
  // addCapacity(), which EcsCluster does not have): the kit's cluster kinds can all tell.
  if (resolved && !cluster.hasEc2Capacity) {
    validator.report('cluster', cluster.node.path,
      'The job runs an EC2 task definition, and this cluster has no EC2 capacity: add it with cluster.addEc2Capacity(id, { ... }) ' +
      '(or the ec2Capacity prop) before creating the job; an imported cluster: give its ec2Capacities.');
    return undefined;
  }
  return resolved;
}

/**
 * The GPU groups for a job that needs GPUs, the groups without GPUs otherwise
 * (when there are any: GPU instances cost more); among those, the Spot groups
 * when there are any (cheapest, and batch jobs retry), otherwise the on-demand
 * ones. A GPU job on a cluster without GPU groups is reported by the job's GPU check.
 */
function defaultCapacities(all: IEc2Capacity[], needsGpu: boolean): IEc2Capacity[] {
  const matching = all.filter(c => c.gpu === needsGpu);
  const pool = matching.length > 0 ? matching : all;
  const spot = pool.filter(c => c.spot);
  return spot.length > 0 ? spot : pool;
}
