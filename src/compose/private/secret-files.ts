/**
 * Compose secrets as files: a short-lived init container of the task receives
 * the values from Secrets Manager (ECS `secrets`, so they never appear in the
 * template) and writes them to task volumes, which the services' containers
 * mount read-only where Compose puts them (`/run/secrets`).
 */
import * as path from 'path';
import { Annotations, aws_ecs as ecs } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { memberContainerSettings } from './containers';
import { secretFor } from './secrets';
import { ComposeAppContext } from './unit';
import { PropValidator } from '../../core/validation';
import { ComposeSecretsAs } from '../compose-app-props';
import type { ComposeSecretUse, ComposeService } from '../model';
import { taskVolumeName } from '../names';
import type { Unit } from '../plan';
import { SECRETS_DIRECTORY } from '../readers/secrets';

/**
 * The init container's image: BusyBox (about 2 MB, a POSIX `sh` with the
 * `printf`, `mkdir`, `chmod`, `chown` it needs, for x86-64 and ARM64), from
 * ECR Public's copy of the Docker official image, which has none of Docker
 * Hub's pull rate limits. A version tag, so tasks do not change under a
 * deployed app.
 */
export const SECRET_FILES_IMAGE = 'public.ecr.aws/docker/library/busybox:1.37';

/** Containers in one task definition (an ECS quota). */
const MAX_CONTAINERS = 10;

/** Where the init container mounts the task volumes it writes: `<root>/<index>`. */
export const SECRET_FILES_ROOT = '/compose-secrets';

/**
 * Docker's default capabilities, less the three the init container uses (as root, in its own volumes
 * only): `CHOWN` to give a file to the container's user, `DAC_OVERRIDE` and `FOWNER` to write and
 * chmod in a volume whatever its directory's owner. Fargate lets tasks drop capabilities, not add them.
 */
const DROPPED_CAPABILITIES = [
  ecs.Capability.AUDIT_WRITE, ecs.Capability.FSETID, ecs.Capability.KILL, ecs.Capability.MKNOD, ecs.Capability.NET_BIND_SERVICE,
  ecs.Capability.NET_RAW, ecs.Capability.SETFCAP, ecs.Capability.SETGID, ecs.Capability.SETPCAP, ecs.Capability.SETUID,
  ecs.Capability.SYS_CHROOT,
];

/** One file the init container writes. */
export interface SecretFile {
  /** The init container's environment variable that holds the value. */
  readonly variable: string;
  /** The file's path relative to the root: `<volume index>/<path in the volume>`. */
  readonly path: string;
  readonly mode: number;
  readonly uid?: string;
  readonly gid?: string;
}

/**
 * The `sh` script that writes `files` under `root`: each value is written
 * with `printf '%s' "$VAR"`, so it is never parsed by the shell and any
 * bytes (newlines, quotes, `$`, a missing final newline) are written exactly;
 * paths are single-quoted. `directories` (relative to `root`) are created and
 * made traversable, as Compose's `/run/secrets` is.
 */
export function secretFilesScript(root: string, directories: string[], files: SecretFile[]): string {
  const at = (relative: string) => shellQuote(`${root}/${relative}`);
  const lines = ['set -eu', 'umask 077'];
  if (directories.length > 0) lines.push(`mkdir -p ${directories.map(at).join(' ')}`);
  for (const file of files) {
    lines.push(`printf '%s' "$${file.variable}" > ${at(file.path)}`);
    lines.push(`chmod ${file.mode.toString(8).padStart(4, '0')} ${at(file.path)}`);
    if (file.uid !== undefined) lines.push(`chown ${file.uid}${file.gid !== undefined ? `:${file.gid}` : ''} ${at(file.path)}`);
    else if (file.gid !== undefined) lines.push(`chgrp ${file.gid} ${at(file.path)}`);
  }
  if (directories.length > 0) lines.push(`chmod 0755 ${directories.map(at).join(' ')}`);
  return lines.join('\n') + '\n';
}

/** A string as one word of `sh`: in single quotes, each `'` as `'\''`. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, '\'\\\'\'')}'`;
}

/**
 * With `secretsAs: FILES` (the default), the init container of a unit whose
 * members use secrets, its volumes and the members' read-only mounts; each
 * member starts after the files are written (`SUCCESS`). `addContainer` adds
 * a container to the task (with its logging). Returns the init container, if any.
 */
export function addSecretFiles(context: ComposeAppContext, scope: Construct, unit: Unit, taskDefinition: ecs.TaskDefinition,
  containers: Map<string, ecs.ContainerDefinition>,
  addContainer: (id: string, options: ecs.ContainerDefinitionOptions) => ecs.ContainerDefinition): ecs.ContainerDefinition | undefined {
  if (context.props.secretsAs === ComposeSecretsAs.ENVIRONMENT_VARIABLES) return undefined;
  const users = unit.members.filter(member => member.secrets.length > 0);
  if (users.length === 0) return undefined;
  if (unit.members.length >= MAX_CONTAINERS) {
    const validator = new PropValidator(context.app, 'ComposeApp');
    validator.report('secretsAs', 'ComposeSecretsAs.FILES',
      `The services ${unit.members.map(m => `"${m.name}"`).join(', ')} share one task, which holds at most ${MAX_CONTAINERS} containers ` +
      '(an ECS quota), and their secret files need one more, the init container that writes them: ' +
      'set `secretsAs: ComposeSecretsAs.ENVIRONMENT_VARIABLES`, or join fewer services with `volumes_from` / `links`.');
    validator.throwIfInvalid();
  }

  const variables = new Map<string, string>();
  const secrets: { [variable: string]: ecs.Secret } = {};
  const usedVolumeNames = new Set([
    ...context.project.volumes.map(taskVolumeName),
    ...unit.members.flatMap(m => m.mounts.map((mount, index) => `${m.name}-${mount.kind}-${index}`)),
  ]);
  const initMounts: ecs.MountPoint[] = [];
  const directories: string[] = [];
  const files: SecretFile[] = [];
  for (const member of users) {
    const owner = numericOwner(memberContainerSettings(context, member).user);
    [...byMountDirectory(member.secrets)].forEach(([mountDirectory, uses], ofMember) => {
      const index = initMounts.length;
      const volumeName = uniqueName(`${member.name}-secrets${ofMember === 0 ? '' : `-${ofMember}`}`, usedVolumeNames);
      taskDefinition.addVolume({ name: volumeName });
      containers.get(member.name)!.addMountPoints({ sourceVolume: volumeName, containerPath: mountDirectory, readOnly: true });
      initMounts.push({ sourceVolume: volumeName, containerPath: `${SECRET_FILES_ROOT}/${index}`, readOnly: false });
      directories.push(`${index}`);
      if (mountDirectory !== SECRETS_DIRECTORY) warnDirectoryMounted(context, member, mountDirectory, uses);
      for (const use of uses) {
        if (!variables.has(use.secret)) {
          const variable = `SECRET_${variables.size}`;
          variables.set(use.secret, variable);
          secrets[variable] = ecs.Secret.fromSecretsManager(secretFor(context, use.secret));
        }
        const relative = path.posix.relative(mountDirectory, use.target);
        for (let dir = path.posix.dirname(relative); dir !== '.'; dir = path.posix.dirname(dir)) {
          if (!directories.includes(`${index}/${dir}`)) directories.push(`${index}/${dir}`);
        }
        const uid = use.uid ?? owner.uid;
        const gid = use.gid ?? owner.gid;
        // Others may not read (the last octal digit has no 4): only the owner's user, or root, can.
        if (uid === undefined && use.mode % 8 < 4) warnUnknownOwner(context, member, use);
        files.push({ variable: variables.get(use.secret)!, path: `${index}/${relative}`, mode: use.mode, uid, gid });
      }
      warnTargetsLikeVariables(context, member, uses);
    });
  }
  // Parents before children (mkdir -p does not care; chmod then reads top-down).
  directories.sort((a, b) => a.split('/').length - b.split('/').length);

  const name = uniqueName('compose-secrets', new Set(unit.members.map(m => m.name)));
  const linuxParameters = new ecs.LinuxParameters(scope, 'SecretFilesLinuxParameters');
  linuxParameters.dropCapabilities(...DROPPED_CAPABILITIES);
  const init = addContainer(name, {
    image: context.props.secretFilesImage ?? ecs.ContainerImage.fromRegistry(SECRET_FILES_IMAGE),
    containerName: name,
    essential: false,
    entryPoint: ['sh', '-c'],
    command: [secretFilesScript(SECRET_FILES_ROOT, directories, files)],
    secrets,
    // Root, to give each file to the user of the container that reads it; it only sees its own volumes.
    user: '0',
    readonlyRootFilesystem: true,
    linuxParameters,
    // EC2 tasks (no task size) need a memory value for each container; Fargate containers share the task's.
    memoryLimitMiB: context.fargate ? undefined : 32,
  });
  init.addMountPoints(...initMounts);
  for (const member of users) {
    containers.get(member.name)!.addContainerDependencies({ container: init, condition: ecs.ContainerDependencyCondition.SUCCESS });
  }
  return init;
}

/**
 * The directories to mount a member's secret files in, each with its files:
 * `/run/secrets`, and the directory of an absolute `target` elsewhere (one
 * volume for a directory and the directories under it).
 */
function byMountDirectory(uses: ComposeSecretUse[]): Map<string, ComposeSecretUse[]> {
  const parents = [...new Set(uses.map(use => use.target.startsWith(`${SECRETS_DIRECTORY}/`) ? SECRETS_DIRECTORY : path.posix.dirname(use.target)))];
  const tops = parents.filter(dir => !parents.some(other => other !== dir && dir.startsWith(`${other}/`)));
  const out = new Map<string, ComposeSecretUse[]>();
  for (const use of uses) {
    const top = tops.find(dir => use.target.startsWith(`${dir}/`))!;
    out.set(top, [...out.get(top) ?? [], use]);
  }
  return out;
}

/** The numeric uid and gid of a container user (`1000`, `1000:1000`); a name cannot be looked up before the container runs. */
function numericOwner(user: string | undefined): { uid?: string; gid?: string } {
  const [uid, gid] = (user ?? '').split(':');
  return { uid: /^\d+$/.test(uid) ? uid : undefined, gid: gid !== undefined && /^\d+$/.test(gid) ? gid : undefined };
}

function uniqueName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}-${i}`;
  taken.add(name);
  return name;
}

function where(context: ComposeAppContext, use: ComposeSecretUse): string {
  return `${context.props.composeFile.fileName} ${use.path}`;
}

function warnDirectoryMounted(context: ComposeAppContext, member: ComposeService, directory: string, uses: ComposeSecretUse[]): void {
  Annotations.of(context.app).addWarningV2('cdk-ecs-kit:ComposeApp.secretDirectoryMounted',
    `Service "${member.name}" reads ${uses.map(u => `secret "${u.secret}" at ${u.target}`).join(', ')} (${where(context, uses[0])}): ` +
    `ECS mounts volumes on directories, not on single files, so ${directory} is a volume with only the secret files in it, and ` +
    `what the image has in ${directory} is hidden. If the image has other files there, give the secret a \`target\` in ${SECRETS_DIRECTORY} ` +
    'and point the application at it.',
    { context: { service: member.name, directory } });
}

function warnUnknownOwner(context: ComposeAppContext, member: ComposeService, use: ComposeSecretUse): void {
  Annotations.of(context.app).addWarningV2('cdk-ecs-kit:ComposeApp.secretFileOwner',
    `Secret "${use.secret}" of service "${member.name}" (${where(context, use)}) is the file ${use.target} with mode ` +
    `0${use.mode.toString(8)}, which other users cannot read, and the service's user ${member.user === undefined ? '(the image\'s USER)' : `"${member.user}"`} ` +
    'is not a numeric id, so the file stays owned by root: unless the service runs as root, give the numeric `uid` (and `gid`) of its user ' +
    'in the secret\'s long syntax, or a numeric `user` to the service.',
    { context: { service: member.name, secret: use.secret } });
}

/**
 * Before secrets were files, the kit made each one the environment variable named by its `target`:
 * a target such as `POSTGRES_PASSWORD` that no variable of the service points at says the file
 * was written for that behaviour (under Compose, too, it is a file).
 */
function warnTargetsLikeVariables(context: ComposeAppContext, member: ComposeService, uses: ComposeSecretUse[]): void {
  const referenced = Object.values(member.environment);
  for (const use of uses) {
    const name = path.posix.basename(use.target);
    if (!/^[A-Z][A-Z0-9]*_[A-Z0-9_]*$/.test(name) || referenced.some(value => value.includes(use.target))) continue;
    Annotations.of(context.app).addWarningV2('cdk-ecs-kit:ComposeApp.secretTargetLooksLikeVariable',
      `Secret "${use.secret}" of service "${member.name}" (${where(context, use)}) is the file ${use.target}, as under Compose, ` +
      `not the environment variable ${name}. If the image reads the variable, point it at the file instead where the image supports it ` +
      `(e.g. ${name}_FILE: ${use.target}), or set \`secretsAs: ComposeSecretsAs.ENVIRONMENT_VARIABLES\` to receive every secret as a variable.`,
      { context: { service: member.name, secret: use.secret } });
  }
}
