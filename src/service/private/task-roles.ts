import { aws_ecs as ecs, aws_iam as iam } from 'aws-cdk-lib';
import { useManagedPolicies } from '../../core/managed-policies';

/**
 * Right after a task definition is created: its task role, and its execution
 * role unless one was given, take their statements in customer managed
 * policies of the kit (`Policy`, children of each role) instead of inline
 * default policies (cdk-nag's NIST, HIPAA and PCI packs flag every inline
 * policy). The execution role is created now (every kit task logs through it).
 */
export function useManagedTaskPolicies(taskDefinition: ecs.TaskDefinition, givenExecutionRole: iam.IRole | undefined): void {
  const executionRole = taskDefinition.obtainExecutionRole();
  // Created by aws-cdk-lib for this task definition: an iam.Role. A given role stays as its owner made it.
  if (givenExecutionRole === undefined) useManagedPolicies(executionRole as iam.Role);
  useManagedPolicies(taskDefinition.taskRole as iam.Role);
}
