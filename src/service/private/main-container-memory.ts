import { Lazy, Stack, Token, aws_ecs as ecs } from 'aws-cdk-lib';
import { Construct } from 'constructs';

// A Fargate task's main container gets a container-level memory limit (what
// AWS Config's ecs-task-definition-memory-hard-limit rule asks of every
// container), without taking memory away from it: its hard limit is the
// task's memory, which the task already enforces. ECS counts a container's
// hard limit as reserved when it has no reservation, and refuses a task whose
// reservations exceed its memory: when other containers declare memory, the
// main container reserves what they leave (known at synthesis, once every
// sidecar is added).

/** The least memory ECS lets a container reserve, in MiB. */
const MIN_CONTAINER_MEMORY_MIB = 6;

/** The main container's memory options, as given or as the task's memory allows. */
export interface MainContainerMemory {
  readonly memoryLimitMiB?: number;
  readonly memoryReservationMiB?: number;
}

/**
 * The memory options of a Fargate task's main container: the given ones, or
 * (without a given hard limit) a hard limit of the task's memory and, when
 * the task's other containers declare memory, a reservation of the rest.
 * Add `mainContainerMemoryCheck` to the scope's validations.
 */
export function mainContainerMemory(taskMemoryMiB: number, given: MainContainerMemory,
  othersMemory: () => number | undefined): MainContainerMemory {
  if (given.memoryLimitMiB !== undefined || Token.isUnresolved(taskMemoryMiB)) return given;
  return {
    memoryLimitMiB: taskMemoryMiB,
    memoryReservationMiB: given.memoryReservationMiB ?? Lazy.number({
      produce: () => {
        const others = othersMemory();
        return others === undefined || others === 0 ? undefined : taskMemoryMiB - others;
      },
    }),
  };
}

/**
 * The memory the task's containers other than `main` declare, as ECS counts
 * it (the reservation, else the hard limit), or `undefined` when one of them
 * is a token.
 */
export function otherContainersMemory(taskDefinition: ecs.TaskDefinition, main: () => ecs.ContainerDefinition | undefined): number | undefined {
  const stack = Stack.of(taskDefinition);
  let total = 0;
  for (const child of taskDefinition.node.children) {
    if (!(child instanceof ecs.ContainerDefinition) || child === main()) continue;
    const rendered = child.renderContainerDefinition();
    const declared: unknown = stack.resolve(rendered.memoryReservation ?? rendered.memory ?? 0);
    if (typeof declared !== 'number') return undefined;
    total += declared;
  }
  return total;
}

/**
 * The problem of a main container left with less than ECS's minimum when its
 * hard limit is the task's memory and the other containers declare the rest.
 */
export function mainContainerMemoryProblems(scope: Construct, constructName: string, taskMemoryMiB: number, given: MainContainerMemory,
  taskDefinition: ecs.TaskDefinition, main: ecs.ContainerDefinition): string[] {
  if (given.memoryLimitMiB !== undefined || given.memoryReservationMiB !== undefined || Token.isUnresolved(taskMemoryMiB)) return [];
  const others = otherContainersMemory(taskDefinition, () => main);
  if (others === undefined || taskMemoryMiB - others >= MIN_CONTAINER_MEMORY_MIB) return [];
  return [`${constructName}: the task's other containers declare ${others} of its ${taskMemoryMiB} MiB (memoryReservationMiB, else memoryLimitMiB), ` +
    `leaving the main container less than the ${MIN_CONTAINER_MEMORY_MIB} MiB ECS requires (${scope.node.path}): ` +
    'raise memoryLimitMiB, or lower the sidecars\' memory.'];
}
