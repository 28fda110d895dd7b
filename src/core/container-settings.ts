import { Duration, aws_ecs as ecs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { hardeningOf } from './hardening';
import { PropValidator, isUnresolved } from './validation';

/**
 * How a container waits for another container of its task before it starts.
 */
export enum ContainerStartCondition {
  /** The other container has started. */
  START = 'START',
  /** The other container has run to completion (any exit code). */
  COMPLETE = 'COMPLETE',
  /** The other container has exited with code 0. */
  SUCCESS = 'SUCCESS',
  /** The other container's health check passes (it must have one). */
  HEALTHY = 'HEALTHY',
}

/**
 * A container that must reach a condition before this one starts.
 */
export interface ContainerStartDependency {
  /** The name of the other container of the task. */
  readonly containerName: string;

  /**
   * What the other container must reach.
   *
   * @default ContainerStartCondition.START
   */
  readonly condition?: ContainerStartCondition;
}

/**
 * The settings of a task definition's container that every service and job
 * kind of the kit accepts for its main container.
 */
export interface ContainerSettings {
  /**
   * The command (Docker `CMD`).
   *
   * @default - the image's CMD
   */
  readonly command?: string[];

  /**
   * The entry point (Docker `ENTRYPOINT`).
   *
   * @default - the image's ENTRYPOINT
   */
  readonly entryPoint?: string[];

  /**
   * The working directory of the command: an absolute path.
   *
   * @default - the image's WORKDIR
   */
  readonly workingDirectory?: string;

  /**
   * The user the container runs as: `user`, `user:group`, `uid`, `uid:gid`,
   * `user:gid` or `uid:group`.
   *
   * @default - the image's USER (root when the image names none); in the hardened profile, `1000:1000`
   */
  readonly user?: string;

  /**
   * Mount the container's root file system read-only: the container writes
   * only to its `scratchVolumes` (and to the task's other volumes).
   *
   * @default false; true in the hardened profile
   */
  readonly readonlyRootFilesystem?: boolean;

  /**
   * Absolute paths in the container that stay writable: each gets an empty
   * volume of the task's own (Fargate ephemeral storage, or Docker's volume
   * area on EC2), deleted with the task. For a non-root `user`, the path
   * should exist in the image owned by that user (ECS then copies its
   * contents and permissions into the volume).
   *
   * @default - none; in the hardened profile, with a read-only root file system, `['/tmp']`
   */
  readonly scratchVolumes?: string[];

  /**
   * How long ECS waits after SIGTERM before it kills the container, in whole
   * seconds: at most 120 on Fargate.
   *
   * @default - 30 seconds (the ECS default)
   */
  readonly stopTimeout?: Duration;

  /**
   * Run an init process (`tini`) as PID 1, which forwards signals and reaps
   * zombie processes: for images whose command is a shell script or spawns
   * children.
   *
   * @default false
   */
  readonly initProcessEnabled?: boolean;

  /**
   * Resource limits of the container's processes, e.g.
   * `[{ name: ecs.UlimitName.NOFILE, softLimit: 65536, hardLimit: 65536 }]`.
   * On Fargate only `NOFILE` can be raised (to 1048576 at most).
   *
   * @default - the ECS defaults (on Fargate, NOFILE 65535)
   */
  readonly ulimits?: ecs.Ulimit[];

  /**
   * Linux capabilities added to Docker's default set. Fargate accepts only
   * `SYS_PTRACE`.
   *
   * @default - none added
   */
  readonly capabilitiesAdd?: ecs.Capability[];

  /**
   * Linux capabilities removed from Docker's default set, e.g. `[ecs.Capability.ALL]`.
   *
   * @default - none removed
   */
  readonly capabilitiesDrop?: ecs.Capability[];

  /**
   * Containers of the task that must start (or finish, or be healthy) before
   * this one.
   *
   * @default - no order
   */
  readonly dependsOn?: ContainerStartDependency[];
}

/** The options of `ecs.ContainerDefinitionOptions` that `ContainerSettings` set. */
export interface ContainerDefinitionSettings {
  readonly command?: string[];
  readonly entryPoint?: string[];
  readonly workingDirectory?: string;
  readonly user?: string;
  readonly stopTimeout?: Duration;
  readonly ulimits?: ecs.Ulimit[];
  readonly linuxParameters?: ecs.LinuxParameters;
  readonly readonlyRootFilesystem?: boolean;
}

/** The user of containers in the hardened profile when none is given: not root, and not a system account of common images. */
export const HARDENED_DEFAULT_USER = '1000:1000';

/**
 * The container options the settings map to; Linux parameters (init process,
 * capabilities) are created in `scope` as `<containerId>LinuxParameters` when
 * needed. The start order is added by `addStartDependencies` once the other
 * containers exist.
 */
export function containerDefinitionSettings(scope: Construct, containerId: string, settings: ContainerSettings): ContainerDefinitionSettings {
  const capabilitiesAdd = settings.capabilitiesAdd ?? [];
  const capabilitiesDrop = settings.capabilitiesDrop ?? [];
  let linuxParameters: ecs.LinuxParameters | undefined;
  if (settings.initProcessEnabled || capabilitiesAdd.length > 0 || capabilitiesDrop.length > 0) {
    linuxParameters = new ecs.LinuxParameters(scope, `${containerId}LinuxParameters`, { initProcessEnabled: settings.initProcessEnabled });
    if (capabilitiesAdd.length > 0) linuxParameters.addCapabilities(...capabilitiesAdd);
    if (capabilitiesDrop.length > 0) linuxParameters.dropCapabilities(...capabilitiesDrop);
  }
  return {
    command: settings.command,
    entryPoint: settings.entryPoint,
    workingDirectory: settings.workingDirectory,
    user: settings.user ?? (hardeningOf(scope) ? HARDENED_DEFAULT_USER : undefined),
    readonlyRootFilesystem: readonlyRootFilesystem(scope, settings),
    stopTimeout: settings.stopTimeout,
    ulimits: settings.ulimits && settings.ulimits.length > 0 ? settings.ulimits : undefined,
    linuxParameters,
  };
}

function readonlyRootFilesystem(scope: Construct, settings: ContainerSettings): boolean | undefined {
  return settings.readonlyRootFilesystem ?? (hardeningOf(scope) ? true : undefined);
}

/**
 * The writable paths of a container: its `scratchVolumes`, or `/tmp` for a
 * read-only root file system in the hardened profile.
 */
export function scratchVolumePaths(scope: Construct, settings: ContainerSettings): string[] {
  if (settings.scratchVolumes !== undefined) return settings.scratchVolumes;
  return hardeningOf(scope) && readonlyRootFilesystem(scope, settings) ? ['/tmp'] : [];
}

/**
 * Adds the container's scratch volumes (see `scratchVolumePaths`) to its task
 * definition, one volume per path, named after the container: `<container>-scratch-<n>`.
 * `scope` is the construct whose profile applies (the one that called `containerDefinitionSettings`).
 */
export function addScratchVolumes(scope: Construct, container: ecs.ContainerDefinition, settings: ContainerSettings): void {
  scratchVolumePaths(scope, settings).forEach((containerPath, i) => {
    // Idempotent: a path the container already mounts (a volume of its own, or a scratch volume added before) stays as it is.
    if (container.mountPoints.some(mountPoint => mountPoint.containerPath === containerPath)) return;
    const sourceVolume = `${container.containerName}-scratch-${i + 1}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 255);
    container.taskDefinition.addVolume({ name: sourceVolume });
    container.addMountPoints({ sourceVolume, containerPath, readOnly: false });
  });
}

const CONDITIONS: Record<ContainerStartCondition, ecs.ContainerDependencyCondition> = {
  [ContainerStartCondition.START]: ecs.ContainerDependencyCondition.START,
  [ContainerStartCondition.COMPLETE]: ecs.ContainerDependencyCondition.COMPLETE,
  [ContainerStartCondition.SUCCESS]: ecs.ContainerDependencyCondition.SUCCESS,
  [ContainerStartCondition.HEALTHY]: ecs.ContainerDependencyCondition.HEALTHY,
};

/** Adds the start order of `dependsOn`, for the containers `findContainer` knows (the others are reported by the check). */
export function addStartDependencies(container: ecs.ContainerDefinition, settings: ContainerSettings,
  findContainer: (name: string) => ecs.ContainerDefinition | undefined): void {
  for (const dependency of settings.dependsOn ?? []) {
    const other = findContainer(dependency.containerName);
    if (other) container.addContainerDependencies({ container: other, condition: CONDITIONS[dependency.condition ?? ContainerStartCondition.START] });
  }
}

/** Fargate: the only capability that can be added, the only ulimit that can be raised and its ceiling, the stop timeout range. */
const FARGATE_ADDABLE_CAPABILITIES = [ecs.Capability.SYS_PTRACE];
const FARGATE_NOFILE_MAX = 1_048_576;
const USER_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?$/;

/**
 * Checks the settings as ECS checks them at deploy time (and, for Fargate,
 * what Fargate refuses), reporting each problem to `validator`. `containerNames`
 * are the task's other containers, when known (for `dependsOn`).
 */
export function checkContainerSettings(validator: PropValidator, settings: ContainerSettings,
  options: { fargate: boolean; containerName: string; containerNames?: string[]; prefix?: string }): void {
  const prop = (name: string) => (options.prefix ? `${options.prefix}.${name}` : name);
  for (const key of ['command', 'entryPoint'] as const) {
    const value = settings[key];
    if (value === undefined || isUnresolved(value)) continue;
    // An empty list is passed on as it is: Compose's `entrypoint: []` overrides the image's with none.
    validator.check(prop(key), value, Array.isArray(value) && value.every(v => typeof v === 'string'),
      'Give a list of strings, e.g. ["sh", "-c", "exec my-app"].');
  }
  if (settings.workingDirectory !== undefined && !isUnresolved(settings.workingDirectory)) {
    validator.check(prop('workingDirectory'), settings.workingDirectory, /^\/[^\0\n\r]*$/.test(settings.workingDirectory),
      'Use an absolute path (Docker refuses a relative one), e.g. "/app".');
  }
  if (settings.user !== undefined && !isUnresolved(settings.user)) {
    validator.check(prop('user'), settings.user, USER_PATTERN.test(settings.user),
      'Use a user name or uid, optionally with ":group" or ":gid", e.g. "1000:1000" or "nginx".');
  }
  if (settings.stopTimeout?.isUnresolved() && settings.stopTimeout.unitLabel() !== 'seconds') {
    // Written to the template in seconds: aws-cdk-lib converts a token only when it was given in seconds.
    validator.report(prop('stopTimeout'), `a token in ${settings.stopTimeout.unitLabel()}`,
      'A duration from a token (e.g. a parameter) must be given in seconds, e.g. Duration.seconds(param.valueAsNumber).');
  } else if (settings.stopTimeout !== undefined && !settings.stopTimeout.isUnresolved()) {
    const seconds = settings.stopTimeout.toSeconds({ integral: false });
    const max = options.fargate ? 120 : 86_400;
    validator.check(prop('stopTimeout'), settings.stopTimeout.toHumanString(), Number.isInteger(seconds) && seconds >= 0 && seconds <= max,
      options.fargate
        ? 'Use a whole number of seconds up to 120 (Fargate\'s maximum), e.g. Duration.seconds(30).'
        : 'Use a whole number of seconds up to one day, e.g. Duration.seconds(30).');
  }
  if (settings.scratchVolumes !== undefined && !isUnresolved(settings.scratchVolumes)) {
    const paths = settings.scratchVolumes.filter(path => !isUnresolved(path));
    const bad = paths.filter(path => !/^\/[^\0\n\r]*$/.test(path) || path === '/');
    if (bad.length > 0) {
      validator.report(prop('scratchVolumes'), bad, 'Use absolute paths below the root, e.g. ["/tmp", "/var/cache/app"].');
    }
    const repeated = paths.filter((path, i) => paths.indexOf(path) !== i);
    if (repeated.length > 0) validator.report(prop('scratchVolumes'), repeated, 'Name each path once.');
  }
  if (options.fargate) {
    const refused = (settings.capabilitiesAdd ?? []).filter(c => !FARGATE_ADDABLE_CAPABILITIES.includes(c));
    if (refused.length > 0) {
      validator.report(prop('capabilitiesAdd'), refused, 'Fargate can only add SYS_PTRACE: remove the others, or run on EC2.');
    }
    for (const ulimit of settings.ulimits ?? []) {
      if (ulimit.name !== ecs.UlimitName.NOFILE) {
        validator.report(prop('ulimits'), ulimit.name, 'Fargate can only change the NOFILE ulimit: remove the others, or run on EC2.');
      } else if (!isUnresolved(ulimit.hardLimit) && ulimit.hardLimit > FARGATE_NOFILE_MAX) {
        validator.report(prop('ulimits'), `NOFILE ${ulimit.hardLimit}`, `Fargate allows a NOFILE limit of at most ${FARGATE_NOFILE_MAX}.`);
      }
    }
  }
  for (const ulimit of settings.ulimits ?? []) {
    const limits = [ulimit.softLimit, ulimit.hardLimit].filter(limit => !isUnresolved(limit));
    if (!limits.every(limit => Number.isInteger(limit) && limit >= 0)) {
      validator.report(prop('ulimits'), `${ulimit.name} ${ulimit.softLimit}/${ulimit.hardLimit}`,
        'Use whole numbers, 0 or more, for softLimit and hardLimit.');
    } else if (!isUnresolved(ulimit.softLimit) && !isUnresolved(ulimit.hardLimit) && ulimit.softLimit > ulimit.hardLimit) {
      validator.report(prop('ulimits'), `${ulimit.name} ${ulimit.softLimit}/${ulimit.hardLimit}`,
        'The soft limit must not exceed the hard limit: lower softLimit or raise hardLimit.');
    }
  }
  const seen = new Set<string>();
  for (const dependency of settings.dependsOn ?? []) {
    if (seen.has(dependency.containerName)) {
      validator.report(prop('dependsOn'), dependency.containerName, 'Name each container once, with the one condition it must reach.');
      continue;
    }
    seen.add(dependency.containerName);
    if (dependency.containerName === options.containerName) {
      validator.report(prop('dependsOn'), dependency.containerName, 'A container cannot wait for itself: name another container of the task.');
    } else if (options.containerNames !== undefined && !options.containerNames.includes(dependency.containerName)) {
      validator.report(prop('dependsOn'), dependency.containerName,
        `The task has no container of this name (it has ${options.containerNames.map(n => JSON.stringify(n)).join(', ') || 'no other'}): ` +
        'add it first (e.g. with addSidecar), or fix the name.');
    }
  }
}

/** What a container waited for (`dependsOn`) is, as far as the start order cares. */
export interface StartDependencyTarget {
  /** Whether the task stops when it stops. */
  readonly essential: boolean;
  /** Whether it has a health check; `undefined` when that is not known (e.g. a container added to the task directly). */
  readonly hasHealthCheck?: boolean;
}

/**
 * What is wrong with one start dependency given the container it names, as
 * ECS sees it: a container waited for to complete (COMPLETE, SUCCESS) must not
 * be essential, and one waited for to be healthy needs a health check.
 *
 * @returns the value to show and the fix, or `undefined` when the dependency is fine
 */
export function startDependencyProblem(dependency: ContainerStartDependency,
  target: StartDependencyTarget): { received: string; fix: string } | undefined {
  const condition = dependency.condition ?? ContainerStartCondition.START;
  if ((condition === ContainerStartCondition.COMPLETE || condition === ContainerStartCondition.SUCCESS) && target.essential) {
    return {
      received: `${dependency.containerName} (${condition}, essential)`,
      fix: 'A container waited for to complete must not be essential (the task stops when an essential container exits): ' +
        'make that container non-essential, or wait for START or HEALTHY.',
    };
  }
  if (condition === ContainerStartCondition.HEALTHY && target.hasHealthCheck === false) {
    return {
      received: `${dependency.containerName} (HEALTHY)`,
      fix: 'That container has no health check, so it never becomes healthy: give it a healthCheck, or wait for START.',
    };
  }
  return undefined;
}

/** Reports the problem of `startDependencyProblem`, if any, to `validator` under `prop`. */
export function checkStartDependencyTarget(validator: PropValidator, prop: string, dependency: ContainerStartDependency,
  target: StartDependencyTarget): void {
  const problem = startDependencyProblem(dependency, target);
  if (problem) validator.report(prop, problem.received, problem.fix);
}
