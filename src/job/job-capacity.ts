import { aws_ecs as ecs } from 'aws-cdk-lib';
import { JobKind } from './job-kind';
import type { IEc2Capacity } from '../cluster/ec2-capacity';
import { kitClusterOf } from '../cluster/ecs-cluster-interface';
import { TaskCapacity, TaskCompute } from '../cluster/task-capacity';
import { ResolvedTaskCapacity, checkTaskCluster, resolveTaskCapacity } from '../cluster/task-capacity-resolution';
import { PropValidator } from '../core/validation';

// Where a batch job's task runs, chosen and checked through the kit's capacity contract.

/**
 * Where the job's task will run, before any check: what the capacity given
 * (or chosen by default) says. The checks of the props depend on it (network
 * mode, Fargate's limits); `resolveJobCapacity` then checks the capacity itself.
 */
export function intendedJobCompute(kind: JobKind, cluster: ecs.ICluster | undefined, given: TaskCapacity | undefined): TaskCompute {
  if (given !== undefined && given !== null && (given.compute === TaskCompute.FARGATE || given.compute === TaskCompute.EC2)) {
    return kind.computes.includes(given.compute) ? given.compute : TaskCompute.EC2;
  }
  return defaultCapacity(kind, cluster).compute;
}

/** The job's capacity, or undefined after reporting why there is none. */
export function resolveJobCapacity(validator: PropValidator, kind: JobKind, cluster: ecs.ICluster,
  given: TaskCapacity | undefined, needsGpu: boolean): ResolvedTaskCapacity | undefined {
  if (!checkTaskCluster(validator, cluster)) return undefined;
  if (given !== undefined && given.compute === TaskCompute.FARGATE && !kind.computes.includes(TaskCompute.FARGATE)) {
    validator.report('taskCapacity', given.description,
      'An Ec2BatchJob runs an EC2 task definition, which Fargate cannot run: use TaskCapacity.ec2() (the cluster\'s EC2 capacity) ' +
      'or TaskCapacity.ec2(capacity, ...), or a BatchJob, which runs on Fargate too.');
    return undefined;
  }
  const resolved = resolveTaskCapacity(validator, given, cluster, {
    prop: 'taskCapacity',
    computes: [...kind.computes],
    fallback: defaultCapacity(kind, cluster),
    chooseEc2: all => defaultCapacities(all, needsGpu),
  });
  // aws-cdk-lib's RunTask integration refuses a cluster without EC2 capacity with its own error (advising
  // addCapacity(), which EcsCluster does not have): the kit's cluster kinds can all tell.
  if (resolved && resolved.compute === TaskCompute.EC2 && !cluster.hasEc2Capacity) {
    validator.report('cluster', cluster.node.path,
      'The job runs an EC2 task definition, and this cluster has no EC2 capacity: add it with cluster.addEc2Capacity(id, { ... }) ' +
      '(or the ec2Capacity prop) before creating the job; an imported cluster: give its ec2Capacities.');
    return undefined;
  }
  return resolved;
}

/**
 * Without `taskCapacity`: the cluster's `defaultTaskCapacity` when the job can
 * run on it, else the cluster's EC2 capacity when it has some (an Ec2BatchJob:
 * always), else on-demand Fargate.
 */
function defaultCapacity(kind: JobKind, cluster: ecs.ICluster | undefined): TaskCapacity {
  const kit = cluster ? kitClusterOf(cluster) : undefined;
  if (kit?.defaultTaskCapacity && kind.computes.includes(kit.defaultTaskCapacity.compute)) return kit.defaultTaskCapacity;
  // (A cluster imported with aws-cdk-lib's fromClusterArn throws on hasEc2Capacity: checkTaskCluster refuses it.)
  const knowsCapacity = kit !== undefined || (cluster !== undefined && ecs.Cluster.isCluster(cluster));
  if (!kind.computes.includes(TaskCompute.FARGATE) || !knowsCapacity || cluster!.hasEc2Capacity) return TaskCapacity.ec2();
  return TaskCapacity.fargate();
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
