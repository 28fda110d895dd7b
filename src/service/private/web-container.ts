/** The web container's settings (`ContainerSettings` and its container-level size): checks, options and start order. */
import { aws_ecs as ecs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { mainContainerMemory } from './main-container-memory';
import type { ServiceSettings } from './service-settings';
import {
  ContainerStartDependency, StartDependencyTarget, addStartDependencies, checkContainerSettings, checkStartDependencyTarget,
  containerDefinitionSettings, startDependencyProblem,
} from '../../core/container-settings';
import { PropValidator, isUnresolved } from '../../core/validation';
import type { FargateWebServiceOptions } from '../fargate-web-service-props';

/** The least memory Docker (20.10 and later) gives a container, in MiB: ECS says not to set less. */
const MIN_CONTAINER_MEMORY_MIB = 6;

/** Checks the web container's settings with Fargate's limits, and its container-level size against the task size. */
export function checkWebContainerSettings(validator: PropValidator, props: FargateWebServiceOptions, settings: ServiceSettings): void {
  checkContainerSettings(validator, props, { fargate: true, containerName: settings.containerName });
  const taskCpu = isUnresolved(settings.cpu) ? undefined : settings.cpu;
  const taskMemory = isUnresolved(settings.memoryLimitMiB) ? undefined : settings.memoryLimitMiB;
  validator.checkInteger('containerCpu', props.containerCpu, 0, taskCpu ?? 16_384, taskCpu !== undefined
    ? `Use a whole number of CPU units from 0 to the task's cpu (${taskCpu}), or raise cpu.`
    : 'Use a whole number of CPU units from 0 to the task\'s cpu.');
  const memoryFix = (what: string) => taskMemory !== undefined
    ? `Use a whole number of MiB from ${MIN_CONTAINER_MEMORY_MIB} to the task's memoryLimitMiB (${taskMemory})${what}, or raise memoryLimitMiB.`
    : `Use a whole number of MiB from ${MIN_CONTAINER_MEMORY_MIB} to the task's memoryLimitMiB${what}.`;
  validator.checkInteger('containerMemoryLimitMiB', props.containerMemoryLimitMiB, MIN_CONTAINER_MEMORY_MIB, taskMemory ?? 122_880, memoryFix(''));
  validator.checkInteger('containerMemoryReservationMiB', props.containerMemoryReservationMiB, MIN_CONTAINER_MEMORY_MIB,
    taskMemory ?? 122_880, memoryFix(''));
  const limit = props.containerMemoryLimitMiB;
  const reservation = props.containerMemoryReservationMiB;
  if (limit !== undefined && reservation !== undefined && !isUnresolved(limit) && !isUnresolved(reservation)
    && reservation > limit && limit >= MIN_CONTAINER_MEMORY_MIB) {
    validator.report('containerMemoryReservationMiB', reservation,
      `The reservation must not exceed containerMemoryLimitMiB (${limit}): lower it, or raise the limit.`);
  }
}

/**
 * The options of the web container that its settings set: the container
 * settings (a writable root file system unless read-only is asked for or the
 * hardened profile is on), its CPU, and its memory (see `mainContainerMemory`).
 */
export function webContainerOptions(scope: Construct, props: FargateWebServiceOptions, settings: ServiceSettings,
  otherContainersMemory: () => number | undefined) {
  const containerSettings = containerDefinitionSettings(scope, 'WebContainer', props);
  return {
    ...containerSettings,
    readonlyRootFilesystem: containerSettings.readonlyRootFilesystem ?? false,
    cpu: props.containerCpu,
    ...mainContainerMemory(settings.memoryLimitMiB,
      { memoryLimitMiB: props.containerMemoryLimitMiB, memoryReservationMiB: props.containerMemoryReservationMiB }, otherContainersMemory),
  };
}

/**
 * The web container's start order (`dependsOn`): the containers it waits for
 * are added after it (with `addSidecar`), so each dependency is added when its
 * container is, and the names no container took are reported at synthesis.
 */
export class WebContainerStartOrder {
  private pending: ContainerStartDependency[];

  constructor(private readonly container: ecs.ContainerDefinition, dependsOn: ContainerStartDependency[] | undefined) {
    this.pending = [...dependsOn ?? []];
  }

  /** Checks what the web container waits for in a container about to be added under `containerName`. */
  public checkTarget(validator: PropValidator, containerName: string, target: StartDependencyTarget): void {
    for (const dependency of this.pending.filter(d => d.containerName === containerName)) {
      checkStartDependencyTarget(validator, 'dependsOn', dependency, target);
    }
  }

  /** Adds the web container's dependencies on a container just added. */
  public added(other: ecs.ContainerDefinition): void {
    const waits = this.pending.filter(d => d.containerName === other.containerName);
    if (waits.length === 0) return;
    addStartDependencies(this.container, { dependsOn: waits }, () => other);
    this.pending = this.pending.filter(d => !waits.includes(d));
  }

  /**
   * At synthesis: adds the dependencies on containers added to the task
   * definition directly, and returns a problem for each name no container has.
   */
  public resolve(taskDefinition: ecs.TaskDefinition, containerNames: string[]): string[] {
    const problems: string[] = [];
    for (const dependency of this.pending) {
      const other = taskDefinition.findContainer(dependency.containerName);
      const problem = other && startDependencyProblem(dependency, { essential: other.essential });
      if (other && !problem) {
        addStartDependencies(this.container, { dependsOn: [dependency] }, () => other);
        this.pending = this.pending.filter(d => d !== dependency);
      } else if (problem) {
        problems.push(`FargateWebService: dependsOn received ${JSON.stringify(problem.received)}. ${problem.fix}`);
      } else {
        const names = containerNames.filter(n => n !== this.container.containerName).map(n => JSON.stringify(n)).join(', ');
        problems.push(`FargateWebService: dependsOn received ${JSON.stringify(dependency.containerName)}. ` +
          `The task has no container of this name (it has ${names || 'no other'}): add it with addSidecar, or fix the name.`);
      }
    }
    return problems;
  }
}
