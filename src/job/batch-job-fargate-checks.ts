import { aws_ecs as ecs } from 'aws-cdk-lib';
import type { BatchJobProps, JobContainerOptions } from './batch-job-props';
import { enumMemberName, PropValidator, isUnresolved } from '../core/validation';
import { fargateSizeProblem } from '../service/fargate-sizes';

// What Fargate refuses among a batch job's props: the EC2-only options (host
// volumes, placement, GPUs, links, a network mode other than awsvpc) and task
// sizes it does not offer.

/** The task size of a Fargate job when the main container gives none: the smallest Fargate offers. */
export const DEFAULT_FARGATE_JOB_CPU = 256;
export const DEFAULT_FARGATE_JOB_MEMORY_MIB = 512;

const RUN_ON_EC2 = 'or run the job on EC2 (taskCapacity: TaskCapacity.ec2())';

/** The job-level props Fargate cannot honour. */
export function checkFargateJobProps(validator: PropValidator, props: BatchJobProps, networkMode: ecs.NetworkMode): void {
  if (networkMode !== ecs.NetworkMode.AWS_VPC) {
    const name = enumMemberName(ecs.NetworkMode, networkMode);
    validator.report('networkMode', name ? `ecs.NetworkMode.${name}` : networkMode,
      `Fargate runs every task in ecs.NetworkMode.AWS_VPC: remove networkMode, ${RUN_ON_EC2}.`);
  }
  for (const volume of props.volumes ?? []) {
    if (volume.sourcePath !== undefined) {
      validator.report('volumes[].sourcePath', volume.sourcePath,
        `Fargate has no host directories: remove sourcePath for a scratch volume in the task's ephemeral storage, ${RUN_ON_EC2}.`);
    }
  }
  if (props.placementStrategies !== undefined) {
    validator.report('placementStrategies', `${props.placementStrategies.length} strateg(ies)`,
      `Fargate places tasks itself (there are no instances to choose from): remove placementStrategies, ${RUN_ON_EC2}.`);
  }
  if (props.placementConstraints !== undefined) {
    validator.report('placementConstraints', `${props.placementConstraints.length} constraint(s)`,
      `Fargate places tasks itself (there are no instances to choose from): remove placementConstraints, ${RUN_ON_EC2}.`);
  }
}

/**
 * One container's sizes on Fargate: the main container's `cpu` and
 * `memoryLimitMiB` are the task's size; an added container's must fit in it.
 */
export function checkFargateContainer(validator: PropValidator, prefix: string, options: JobContainerOptions, main: boolean,
  size: { readonly cpu: number; readonly memoryMiB: number }): void {
  if (options.gpuCount !== undefined && options.gpuCount !== 0) {
    validator.report(`${prefix}gpuCount`, options.gpuCount, `Fargate has no GPUs: remove gpuCount, ${RUN_ON_EC2} on GPU capacity.`);
  }
  if (main) {
    if (options.memoryReservationMiB !== undefined) {
      validator.report('memoryReservationMiB', options.memoryReservationMiB,
        'On Fargate the main container\'s memoryLimitMiB is the task\'s memory, and a soft reservation has nothing to share: ' +
        'remove memoryReservationMiB (give memoryLimitMiB, e.g. 2048).');
    }
    if (isUnresolved([size.cpu, size.memoryMiB])) return;
    // (Not whole numbers: reported by the container's own checks.)
    if (Number.isInteger(size.cpu) && Number.isInteger(size.memoryMiB)) {
      const problem = fargateSizeProblem(size.cpu, size.memoryMiB);
      if (problem) validator.report(problem.prop, problem.prop === 'cpu' ? size.cpu : size.memoryMiB, problem.fix);
    }
    return;
  }
  // An added container's own limits sit inside the task's size.
  for (const [prop, value, max, unit] of [
    ['cpu', options.cpu, size.cpu, 'CPU units'],
    ['memoryLimitMiB', options.memoryLimitMiB, size.memoryMiB, 'MiB'],
    ['memoryReservationMiB', options.memoryReservationMiB, size.memoryMiB, 'MiB'],
  ] as const) {
    if (value === undefined || isUnresolved([value, max]) || value <= max) continue;
    validator.report(`${prefix}${prop}`, value,
      `A container cannot have more than its Fargate task (${max} ${unit}, the main container's ${prop === 'cpu' ? 'cpu' : 'memoryLimitMiB'}): ` +
      'lower it, or raise the task\'s size.');
  }
}
