import { aws_ecs as ecs } from 'aws-cdk-lib';
import { TaskCapacity, TaskCompute } from '../../cluster/task-capacity';
import { ResolvedTaskCapacity, checkTaskCluster, resolveTaskCapacity, serviceEc2Capacities } from '../../cluster/task-capacity-resolution';
import { PropValidator } from '../../core/validation';

/**
 * Where an Ec2WebService's tasks run (its `taskCapacity`, else its cluster's
 * EC2 default, else the cluster's EC2 capacities without GPUs), checked against
 * the cluster; `undefined` after reporting why there is none.
 */
export function ec2ServiceCapacity(validator: PropValidator, cluster: ecs.ICluster,
  given: TaskCapacity | undefined): ResolvedTaskCapacity | undefined {
  if (!checkTaskCluster(validator, cluster)) return undefined;
  if (given !== undefined && given.compute === TaskCompute.FARGATE) {
    validator.report('taskCapacity', given.description,
      'An Ec2WebService runs an EC2 task definition on the cluster\'s instances, which Fargate cannot run: use TaskCapacity.ec2() ' +
      '(the cluster\'s EC2 capacity) or TaskCapacity.ec2(capacity, ...); for Fargate, use a FargateWebService.');
    return undefined;
  }
  const resolved = resolveTaskCapacity(validator, given, cluster, {
    prop: 'taskCapacity',
    computes: [TaskCompute.EC2],
    fallback: TaskCapacity.ec2(),
    chooseEc2: serviceEc2Capacities,
  });
  // aws-cdk-lib's Ec2Service refuses a cluster without EC2 capacity only at synthesis, advising addCapacity(),
  // which an EcsCluster does not have.
  if (resolved && !cluster.hasEc2Capacity) {
    validator.report('cluster', cluster.node.path,
      'The service runs on EC2 instances, and this cluster has no EC2 capacity: add it with cluster.addEc2Capacity(id, { ... }) ' +
      '(or the ec2Capacity prop) before creating the service; an imported cluster: give its ec2Capacities.');
    return undefined;
  }
  return resolved;
}
