import { Duration, Token, aws_ec2 as ec2, aws_ecs as ecs } from 'aws-cdk-lib';
import { checkFargateContainer, checkFargateJobProps } from './batch-job-fargate-checks';
import { BatchJobProps, JobContainerOptions } from './batch-job-props';
import { JobSchedule } from './job-schedule';
import { checkContainerSettings } from '../core/container-settings';
import { checkLogGroupOptions } from '../core/log-group-checks';
import { PropValidator, enumMemberName, isUnresolved } from '../core/validation';

// The checks of a batch job's props and of the options of each container,
// reported through the job's PropValidator (Fargate's own limits: batch-job-fargate-checks.ts).

const NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

/** The checks of the job-level props (not the main container's, see `checkContainer`). */
export function checkJobProps(validator: PropValidator, props: BatchJobProps, networkMode: ecs.NetworkMode, fargate: boolean): void {
  // These shape the state machine's definition (its states, retriers and
  // timeouts), written at synth time: a value known only at deploy time cannot.
  refuseToken(validator, 'taskCount', props.taskCount, 'the number of copies decides the states of the state machine');
  refuseToken(validator, 'retries', props.retries, 'the retries are written into the state machine\'s definition');
  refuseToken(validator, 'timeout', props.timeout, 'the timeout is written into the state machine\'s definition');
  refuseToken(validator, 'retryInterval', props.retryInterval, 'the retry interval is written into the state machine\'s definition');
  validator.checkInteger('taskCount', props.taskCount, 1, 10, 'Use a whole number of parallel copies from 1 to 10.');
  validator.checkInteger('retries', props.retries, 0, 10, 'Use a whole number of retries from 0 to 10.');
  checkDuration(validator, 'timeout', props.timeout, 'Use a positive whole number of seconds, e.g. Duration.hours(2).');
  checkDuration(validator, 'retryInterval', props.retryInterval, 'Use a positive whole number of seconds, e.g. Duration.minutes(1).');

  const mode = networkMode;
  if (fargate) {
    checkFargateJobProps(validator, props, mode);
  } else {
    validator.check('networkMode', networkModeName(mode), mode === ecs.NetworkMode.BRIDGE || mode === ecs.NetworkMode.AWS_VPC,
      'Use ecs.NetworkMode.BRIDGE (the default for batch jobs) or ecs.NetworkMode.AWS_VPC.');
    if (props.assignPublicIp !== undefined) {
      validator.report('assignPublicIp', props.assignPublicIp,
        'Only Fargate tasks can get a public IP address: the job runs on EC2 instances (remove assignPublicIp; tasks in awsvpc mode reach ' +
        'the internet through the NAT of their private subnets), or run it on Fargate (taskCapacity: TaskCapacity.fargate()).');
    }
  }
  if (mode !== ecs.NetworkMode.AWS_VPC) {
    const given = {
      vpcSubnets: props.vpcSubnets && describeSubnetSelection(props.vpcSubnets),
      securityGroups: props.securityGroups?.map(sg => sg.node.path),
    };
    for (const prop of ['vpcSubnets', 'securityGroups'] as const) {
      if (props[prop] !== undefined) {
        validator.report(prop, given[prop],
          `Only tasks in ecs.NetworkMode.AWS_VPC have their own network interface, and networkMode is ${networkModeName(mode)}: ` +
          'set networkMode: ecs.NetworkMode.AWS_VPC, or remove this prop.');
      }
    }
  }
  checkLogGroupOptions(validator, { logRetention: props.logRetention });
  if (props.failureAlarmActions !== undefined && !props.enableFailureAlarm) {
    validator.report('failureAlarmActions', `${props.failureAlarmActions.length} action(s)`,
      'The actions belong to the failure alarm, which exists only with enableFailureAlarm: true: set it, or remove failureAlarmActions.');
  }

  const seen = new Set<string>();
  for (const volume of props.volumes ?? []) {
    refuseToken(validator, 'volumes[].name', volume.name, 'mount points find their volume by name at synth time');
    validator.check('volumes[].name', volume.name, NAME_PATTERN.test(volume.name),
      'Use 1 to 255 letters, digits, hyphens and underscores, e.g. "scratch".');
    validator.check('volumes[].name', volume.name, !seen.has(volume.name), 'Each volume needs its own name.');
    seen.add(volume.name);
    if (volume.sourcePath !== undefined) {
      validator.check('volumes[].sourcePath', volume.sourcePath, volume.sourcePath.startsWith('/'),
        'Use an absolute path on the container instance, e.g. "/mnt/scratch", or leave it out for a Docker scratch volume.');
    }
  }

  for (const problem of props.schedule?._problems() ?? []) {
    validator.report('schedule', describeSchedule(props.schedule!), problem);
  }
}

/** What a container's checks need to know of the task it joins. */
export interface JobTaskShape {
  readonly networkMode: ecs.NetworkMode;
  /** Fargate's task size (CPU units, MiB), when the task runs on Fargate. */
  readonly fargateSize?: { readonly cpu: number; readonly memoryMiB: number };
  /** The names of the job's volumes. */
  readonly volumeNames: ReadonlySet<string>;
  /** Whether the task already has a container of that name. */
  hasContainer(name: string): boolean;
}

/**
 * The checks of one container's options: the main container's (`main`, prefix
 * `''`) or one added with `addContainer` (prefix `addContainer(<id>).`).
 */
export function checkContainer(validator: PropValidator, prefix: string, name: string, options: JobContainerOptions, main: boolean,
  task: JobTaskShape): void {
  // Names that tie containers and volumes together, and GPU counts that choose
  // the capacity, are read at synth time: tokens are refused.
  refuseToken(validator, `${prefix}containerName`, name, 'links, volumesFrom and the exit-code check find containers by name at synth time');
  refuseToken(validator, `${prefix}gpuCount`, options.gpuCount, 'the GPU count decides which capacity providers run the job');
  for (const mount of options.mountPoints ?? []) {
    refuseToken(validator, `${prefix}mountPoints[].sourceVolume`, mount.sourceVolume, 'the volume is found by name at synth time');
  }
  for (const from of options.volumesFrom ?? []) {
    refuseToken(validator, `${prefix}volumesFrom[].sourceContainer`, from.sourceContainer, 'the container is found by name at synth time');
  }
  for (const link of options.links ?? []) {
    refuseToken(validator, `${prefix}links[].containerName`, link.containerName, 'the linked container is found by name at synth time');
    refuseToken(validator, `${prefix}links[].alias`, link.alias, 'the alias is written into the link at synth time');
  }
  validator.check(`${prefix}containerName`, name, NAME_PATTERN.test(name), 'Use 1 to 255 letters, digits, hyphens and underscores, e.g. "etl".');
  validator.check(`${prefix}containerName`, name, !task.hasContainer(name),
    'The task already has a container of that name: choose another containerName (or id).');
  if (main && options.essential === false) {
    validator.report('essential', false, 'The main container is always essential: its exit code decides whether the run succeeded. Add helpers with addContainer.');
  }

  const limit = options.memoryLimitMiB;
  const reservation = options.memoryReservationMiB;
  if (task.fargateSize) {
    checkFargateContainer(validator, prefix, options, main, task.fargateSize);
  } else if (limit === undefined && reservation === undefined) {
    validator.report(`${prefix}memoryLimitMiB`, undefined,
      'An EC2 task needs memory per container: give memoryLimitMiB (hard limit), memoryReservationMiB (soft reservation), or both, e.g. memoryLimitMiB: 512.');
  }
  validator.checkInteger(`${prefix}memoryLimitMiB`, limit, 6, 10_000_000, 'Use a whole number of MiB, at least 6 (Docker\'s minimum).');
  validator.checkInteger(`${prefix}memoryReservationMiB`, reservation, 6, 10_000_000, 'Use a whole number of MiB, at least 6 (Docker\'s minimum).');
  if (limit !== undefined && reservation !== undefined && !isUnresolved([limit, reservation]) && reservation > limit) {
    validator.report(`${prefix}memoryReservationMiB`, reservation,
      `The soft reservation cannot be above the hard limit (memoryLimitMiB: ${limit}): lower it, or raise memoryLimitMiB.`);
  }
  validator.checkInteger(`${prefix}cpu`, options.cpu, 0, 196_608, 'Use a whole number of CPU units, 0 or more (1024 = one vCPU).');
  validator.checkInteger(`${prefix}gpuCount`, options.gpuCount, 0, 16, 'Use a whole number of GPUs from 0 to 16.');
  checkContainerSettings(validator, options, { fargate: task.fargateSize !== undefined, containerName: name, prefix: prefix.replace(/\.$/, '') });

  const paths = new Set<string>();
  for (const mount of options.mountPoints ?? []) {
    validator.check(`${prefix}mountPoints[].sourceVolume`, mount.sourceVolume, task.volumeNames.has(mount.sourceVolume),
      `Name one of the job's volumes (${[...task.volumeNames].map(v => JSON.stringify(v)).join(', ') || 'none declared'}), or declare it in volumes.`);
    validator.check(`${prefix}mountPoints[].containerPath`, mount.containerPath, mount.containerPath.startsWith('/'),
      'Use an absolute path inside the container, e.g. "/scratch".');
    validator.check(`${prefix}mountPoints[].containerPath`, mount.containerPath, !paths.has(mount.containerPath),
      'Each mount point of a container needs its own containerPath.');
    paths.add(mount.containerPath);
  }
  for (const from of options.volumesFrom ?? []) {
    validator.check(`${prefix}volumesFrom[].sourceContainer`, from.sourceContainer, from.sourceContainer !== name,
      'A container cannot mount its own volumes: name another container of the task.');
  }
  for (const link of options.links ?? []) {
    if (task.fargateSize) {
      validator.report(`${prefix}links`, link.containerName,
        'Fargate runs tasks in awsvpc mode, which has no links: the containers of a task reach each other on localhost (remove links), ' +
        'or run the job on EC2 in bridge mode (taskCapacity: TaskCapacity.ec2()).');
    } else if (task.networkMode !== ecs.NetworkMode.BRIDGE) {
      validator.report(`${prefix}links`, link.containerName,
        `Links only work in bridge network mode (networkMode is ${networkModeName(task.networkMode)}): ` +
        'in awsvpc mode the containers of a task reach each other on localhost.');
    }
    validator.check(`${prefix}links[].containerName`, link.containerName, link.containerName !== name,
      'A container cannot link to itself: name another container of the task.');
    if (link.alias !== undefined) {
      validator.check(`${prefix}links[].alias`, link.alias, /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/.test(link.alias),
        'An alias is a host name: letters, digits, ".", "_" and "-", starting with a letter or digit.');
    }
  }
}

/** A container naming another one (in `volumesFrom` or `links`). */
export interface ContainerReference {
  /** The container that names another. */
  readonly container: string;
  /** The name it gives. */
  readonly target: string;
}

/**
 * Links and volumesFrom that name no container of the task, known once every
 * container was added: `links` are the links still waiting for their target.
 */
export function unknownContainerProblems(constructName: string, containerNames: readonly string[], volumesFrom: readonly ContainerReference[],
  links: readonly ContainerReference[], startDependencies: readonly ContainerReference[]): string[] {
  const problems: string[] = [];
  const names = containerNames.map(n => JSON.stringify(n)).join(', ');
  const unknown = (prop: string, ref: ContainerReference) => `${constructName}: ${prop} of container "${ref.container}" received "${ref.target}". ` +
    `The task has no container of that name (it has ${names}): add it with addContainer('${ref.target}', …) or fix the name.`;
  for (const ref of volumesFrom) {
    if (!containerNames.includes(ref.target)) problems.push(unknown('volumesFrom', ref));
  }
  for (const link of links) problems.push(unknown('links', link));
  for (const dependency of startDependencies) problems.push(unknown('dependsOn', dependency));
  return problems;
}

/** `ecs.NetworkMode.AWS_VPC` rather than `awsvpc`: the name the user typed. */
export function networkModeName(mode: ecs.NetworkMode): string {
  const name = enumMemberName(ecs.NetworkMode, mode);
  return name ? `ecs.NetworkMode.${name}` : String(mode);
}

function checkDuration(validator: PropValidator, prop: string, duration: Duration | undefined, fix: string): void {
  if (duration === undefined || duration.isUnresolved()) return;
  const seconds = duration.toMilliseconds({ integral: false }) / 1000;
  validator.check(prop, duration.toHumanString(), Number.isInteger(seconds) && seconds >= 1 && seconds <= 99_999_999, fix);
}

/**
 * Refuses an unresolved token for a prop the job must read at synth time,
 * saying why. Other props take tokens (see README, "Tokens").
 */
function refuseToken(validator: PropValidator, prop: string, value: unknown, why: string): void {
  if (value === undefined || !(value instanceof Duration ? value.isUnresolved() : isUnresolved(value))) return;
  const shown = value instanceof Duration ? 'a Duration from a token' : typeof value === 'number' ? Token.asString(value) : value;
  validator.report(prop, shown, `This prop cannot be an unresolved token (a parameter, an attribute or an import): ${why}. Give a literal value.`);
}

/** A subnet selection as the user wrote it (subnet objects by id or path). */
function describeSubnetSelection(selection: ec2.SubnetSelection): Record<string, unknown> {
  const described: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(selection)) {
    if (value === undefined) continue;
    if (key === 'subnetType') {
      const name = enumMemberName(ec2.SubnetType, value);
      described[key] = name ? `ec2.SubnetType.${name}` : value;
    } else if (key === 'subnets' && Array.isArray(value)) {
      described[key] = value.map((subnet: ec2.ISubnet) => (Token.isUnresolved(subnet.subnetId) ? subnet.node.path : subnet.subnetId));
    } else if (key === 'subnetFilters' && Array.isArray(value)) {
      described[key] = `${value.length} filter(s)`;
    } else {
      described[key] = value;
    }
  }
  return described;
}

/** A schedule as received: its expression, and its time zone when one was given. */
function describeSchedule(schedule: JobSchedule): string {
  return schedule.timeZone ? `${schedule.expressionString} in ${schedule.timeZone.timezoneName}` : schedule.expressionString;
}
