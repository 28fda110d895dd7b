/**
 * Reads volumes: the top-level named volumes (EFS access points) and the
 * `volumes` and `tmpfs` mounts of a service, with what each bind mount becomes
 * on AWS (`readBindMount`).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { ComposeBuild, ComposeMount } from '../model';
import { isMapping, parseMemoryMiB, scalarString } from '../values';
import { ComposeReader, RESOURCE_NAME, ServiceContext } from './reader';

/** A named volume is also a directory of the EFS file system: an EFS path of at most 100 characters. */
const VOLUME_NAME_MAX = 99;

export function readTopLevelVolumes(reader: ComposeReader, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!isMapping(value)) {
    reader.problem('volumes', value, 'Top-level `volumes` is a mapping of volume names, e.g. "volumes:\\n  db-data: {}".');
    return [];
  }
  for (const [name, spec] of Object.entries(value)) {
    if (!RESOURCE_NAME.test(name) || name.length > VOLUME_NAME_MAX) {
      reader.problem(`volumes.${name}`, name,
        `A named volume becomes a directory of the app's EFS file system: use 1 to ${VOLUME_NAME_MAX} letters, digits, "_", "." and "-", starting with a letter or digit.`);
    }
    if (spec === null || spec === undefined) continue;
    if (!isMapping(spec)) {
      reader.problem(`volumes.${name}`, spec, 'A named volume is declared as an empty mapping ({}) or with options.');
      continue;
    }
    for (const key of Object.keys(spec)) {
      reader.ignoreTopLevel(`volumes.${name}.${key}`,
        'every named volume becomes an access point of the app\'s encrypted EFS file system; Docker volume drivers, options, labels, names and external volumes do not apply');
    }
  }
  return Object.keys(value);
}

export function readVolumes(reader: ComposeReader, ctx: ServiceContext, value: unknown, volumes: string[], build?: ComposeBuild): ComposeMount[] {
  if (value === undefined || value === null) return [];
  const volPath = `${ctx.base}.volumes`;
  if (!Array.isArray(value)) {
    reader.problem(volPath, value, 'Give `volumes` as a list, e.g. ["db-data:/var/lib/postgresql/data"].');
    return [];
  }
  const mounts: ComposeMount[] = [];
  const dropped: string[] = [];
  value.forEach((entry, index) => {
    const entryPath = `${volPath}[${index}]`;
    const mount = isMapping(entry) ? readLongVolume(reader, ctx, entry, entryPath) : readShortVolume(reader, ctx, entry, entryPath);
    if (!mount) return;
    if (!mount.target.startsWith('/')) {
      reader.problem(entryPath, entry, 'The container path of a volume is absolute, e.g. "/data".');
      return;
    }
    if (mount.kind === 'volume' && !volumes.includes(mount.source!)) {
      reader.problem(entryPath, entry, `The named volume "${mount.source}" is not declared: add it under the top-level \`volumes\` (e.g. "volumes:\\n  ${mount.source}: {}").`);
      return;
    }
    if (mount.kind === 'bind') {
      const bind = readBindMount(reader, ctx, mount, { entry, entryPath, build });
      if (bind === 'dropped') dropped.push(mount.target);
      if (bind === 'dropped' || bind === undefined) return;
      mounts.push(bind);
      return;
    }
    mounts.push(mount);
  });
  return withoutShieldsOf(reader, ctx, mounts, dropped);
}

/** Where a bind mount is in the file, and the service's build, if it has one. */
interface BindEntry {
  readonly entry: unknown;
  readonly entryPath: string;
  readonly build?: ComposeBuild;
}

/**
 * A bind mount on AWS:
 * - an absolute host path: a host volume on EC2, refused on Fargate (no host);
 * - a relative path into the service's own build context: dropped, as the image built from that context has the files;
 * - another relative path: the files are copied into a thin image derived from the service's image (`copy`).
 */
function readBindMount(reader: ComposeReader, ctx: ServiceContext, mount: ComposeMount, where: BindEntry): ComposeMount | 'dropped' | undefined {
  const { entry, entryPath, build } = where;
  const source = mount.source!;
  const target = mount.target;
  const name = path.basename(source.replace(/\/+$/, '')) || 'files';
  if (source.startsWith('~')) {
    reader.problem(entryPath, entry,
      `A path in the home directory of the machine running Compose does not exist on AWS: copy the files next to the Compose file and mount them with a relative path ("./${name}:${target}"), which builds them into the service's image, or remove the mount (on AWS the task role gives the containers their AWS credentials).`);
    return undefined;
  }
  if (source.startsWith('/')) {
    if (reader.options.fargate) {
      reader.problem(entryPath, entry,
        `A bind mount of a host path needs a host, and Fargate has none: copy ${source} next to the Compose file and mount it with a relative path ("./${name}:${target}${mount.readOnly ? ':ro' : ''}"), which builds its files into the service's image; ` +
        `for data the service writes, use a named volume (an EFS access point, e.g. "${ctx.name}-data:${target}" declared under the top-level \`volumes\`); or run on EC2 (taskCapacity: TaskCapacity.ec2()), where host paths are mounted.`);
      return undefined;
    }
    return mount;
  }
  if (!ctx.selected) return { kind: 'copy', source, target, readOnly: mount.readOnly };
  const absolute = path.resolve(reader.options.directory, source);
  const shown = `"${source}:${target}"`;
  if (reader.options.imageOverrides.includes(ctx.name)) {
    reader.warn('bindMountDropped', { service: ctx.name, target },
      `The bind mount ${shown} of service "${ctx.name}" (${reader.where(entryPath)}) is dropped: the service's image is given in code (the \`images\` prop), ` +
      `so it must contain these files at ${target} itself.`);
    return 'dropped';
  }
  if (build && isInside(absolute, build.context)) {
    const relative = path.relative(build.context, absolute).split(path.sep).join('/') || '.';
    reader.warn('bindMountDropped', { service: ctx.name, target },
      `The bind mount ${shown} of service "${ctx.name}" (${reader.where(entryPath)}) is dropped: it mounts files of the service's own build context, ` +
      'a development convenience (e.g. for hot reload), and the image built from that context already contains them. ' +
      `If the Dockerfile does not copy them to ${target}, add "COPY ${relative} ${target}" to it.`);
    return 'dropped';
  }
  if (!fs.existsSync(absolute)) {
    reader.problem(entryPath, entry,
      `${source} does not exist (resolved to ${absolute}): the paths of bind mounts are relative to the Compose file's directory (${reader.options.directory}), ` +
      'and their files are copied into the service\'s image. Create it, fix the path, or, for data the service writes, use a named volume ' +
      `(an EFS access point, e.g. "${ctx.name}-data:${target}" declared under the top-level \`volumes\`).`);
    return undefined;
  }
  if (build) {
    reader.problem(entryPath, entry,
      `${source} is outside the build context of service "${ctx.name}" (${build.context}), so the image built from it cannot contain these files: ` +
      `move them into the build context, add "COPY <their path in the context> ${target}" to its Dockerfile and remove this mount.`);
    return undefined;
  }
  const directory = fs.statSync(absolute).isDirectory();
  if (directory && !mount.readOnly) {
    reader.warn('bindMountCopied', { service: ctx.name, target },
      `The folder ${source}, mounted writable at ${target} by service "${ctx.name}" (${reader.where(entryPath)}), is copied into the service's image: ` +
      'the service can change its copy, but the changes are lost when the task stops, are not shared between tasks and never reach the folder. ' +
      `For data the service writes, use a named volume (an EFS access point, e.g. "${ctx.name}-data:${target}" declared under the top-level \`volumes\`); ` +
      'for configuration, mount it read-only (":ro") to acknowledge that it is copied.');
  }
  return { kind: 'copy', source: absolute, target, readOnly: mount.readOnly, directory };
}

/**
 * An anonymous volume inside the target of a dropped bind mount (`.:/code` with `/code/node_modules`) only kept the
 * bind mount from hiding the image's files there: without the bind mount the image's files show, so it is dropped too.
 */
function withoutShieldsOf(reader: ComposeReader, ctx: ServiceContext, mounts: ComposeMount[], dropped: string[]): ComposeMount[] {
  if (dropped.length === 0) return mounts;
  return mounts.filter(mount => {
    const under = mount.kind === 'anonymous' ? dropped.find(target => isInside(mount.target, target, true)) : undefined;
    if (under === undefined) return true;
    reader.warn('bindMountDropped', { service: ctx.name, target: mount.target },
      `The anonymous volume ${mount.target} of service "${ctx.name}" is dropped with the bind mount at ${under}: it only kept that bind mount from ` +
      `hiding the image's files at ${mount.target}, which the image now shows.`);
    return false;
  });
}

/** Whether `child` is `parent` or under it (POSIX container paths with `posix`, else paths of this machine). */
function isInside(child: string, parent: string, posix = false): boolean {
  const p = posix ? path.posix : path;
  const relative = p.relative(parent, child);
  return relative === '' || (!relative.startsWith('..') && !p.isAbsolute(relative));
}

/** Docker refuses two mounts at one container path, and ECS two identical mount points. */
export function uniqueTargets(reader: ComposeReader, ctx: ServiceContext, mounts: ComposeMount[]): ComposeMount[] {
  const out: ComposeMount[] = [];
  for (const mount of mounts) {
    const first = out.find(m => m.target.replace(/\/+$/, '') === mount.target.replace(/\/+$/, ''));
    if (first) {
      reader.problem(`${ctx.base}.volumes`, mount.target, `Two mounts (volumes, tmpfs) use the container path ${mount.target}: keep one.`);
      continue;
    }
    out.push(mount);
  }
  return out;
}

/** The options of a short-syntax volume after its target (`ro`, `z`, ...), and the key each is reported under when it is ignored. */
const SHORT_MODES: Record<string, string | undefined> = {
  ro: undefined,
  rw: undefined,
  z: 'volumes.bind.selinux',
  Z: 'volumes.bind.selinux',
  nocopy: 'volumes.volume.nocopy',
  consistent: 'volumes.consistency',
  cached: 'volumes.consistency',
  delegated: 'volumes.consistency',
  shared: 'volumes.bind.propagation',
  rshared: 'volumes.bind.propagation',
  slave: 'volumes.bind.propagation',
  rslave: 'volumes.bind.propagation',
  private: 'volumes.bind.propagation',
  rprivate: 'volumes.bind.propagation',
};

/** Why volume options that do not apply on AWS are ignored. */
const VOLUME_OPTION_REASONS: Record<string, string> = {
  'volumes.bind.selinux': 'SELinux relabeling applies to a directory shared with the host: on AWS the files of a relative bind mount are copied into the service\'s image, and ECS mounts an EC2 host path as it is',
  'volumes.bind.propagation': 'ECS mounts host paths with the default (private) propagation',
  'volumes.volume.nocopy': 'ECS volumes (EFS access points, task storage) are not filled from the image by Docker',
  'volumes.consistency': 'it tunes file sharing on Docker Desktop only',
};

function readShortVolume(reader: ComposeReader, ctx: ServiceContext, entry: unknown, entryPath: string): ComposeMount | undefined {
  const text = scalarString(entry);
  const parts = text?.split(':') ?? [];
  if (text === undefined || parts.length > 3 || parts.some(p => p === '')) {
    reader.problem(entryPath, entry, 'Use SOURCE:TARGET[:MODE] (e.g. "db-data:/var/lib/postgresql/data", "/var/log:/logs:ro") or just TARGET for an anonymous volume.');
    return undefined;
  }
  if (parts.length === 1) return { kind: 'anonymous', target: parts[0], readOnly: false };
  const [source, target, mode] = parts;
  const modes = mode === undefined ? [] : mode.split(',');
  const unknown = modes.filter(m => !(m in SHORT_MODES));
  if (unknown.length > 0) {
    reader.problem(entryPath, entry, `Unknown volume option ${unknown.map(m => `"${m}"`).join(', ')}: use ro or rw, optionally with z or Z, separated by commas (e.g. "./nginx.conf:/etc/nginx/nginx.conf:ro").`);
    return undefined;
  }
  for (const key of new Set(modes.map(m => SHORT_MODES[m]))) {
    if (key !== undefined) reader.ignore(ctx, key, entryPath, VOLUME_OPTION_REASONS[key]);
  }
  const readOnly = modes.includes('ro');
  const isPath = /^[./~]/.test(source);
  return { kind: isPath ? 'bind' : 'volume', source, target, readOnly };
}

function readLongVolume(reader: ComposeReader, ctx: ServiceContext, entry: Record<string, unknown>, entryPath: string): ComposeMount | undefined {
  const type = scalarString(entry.type) ?? 'volume';
  const target = scalarString(entry.target);
  const source = scalarString(entry.source);
  for (const key of Object.keys(entry)) {
    if (!['type', 'source', 'target', 'read_only', 'tmpfs', 'bind', 'volume'].includes(key)) {
      reader.ignore(ctx, `volumes.${key}`, `${entryPath}.${key}`, VOLUME_OPTION_REASONS[`volumes.${key}`]);
    }
  }
  for (const nested of ['bind', 'volume'] as const) {
    if (isMapping(entry[nested])) {
      for (const key of Object.keys(entry[nested] as object)) {
        const ignored = `volumes.${nested}.${key}`;
        if (!(nested === 'bind' && key === 'create_host_path')) reader.ignore(ctx, ignored, `${entryPath}.${nested}.${key}`, VOLUME_OPTION_REASONS[ignored]);
      }
    }
  }
  if (target === undefined) {
    reader.problem(entryPath, entry, 'A volume needs `target`, the path in the container.');
    return undefined;
  }
  const readOnly = entry.read_only === true || entry.read_only === 'true';
  switch (type) {
    case 'volume':
      return source === undefined ? { kind: 'anonymous', target, readOnly } : { kind: 'volume', source, target, readOnly };
    case 'bind':
      if (source === undefined) {
        reader.problem(entryPath, entry, 'A bind mount needs `source`, the host path.');
        return undefined;
      }
      return { kind: 'bind', source, target, readOnly };
    case 'tmpfs': {
      const tmpfs = isMapping(entry.tmpfs) ? entry.tmpfs : {};
      for (const key of Object.keys(tmpfs)) {
        if (key !== 'size') reader.ignore(ctx, `volumes.tmpfs.${key}`, `${entryPath}.tmpfs.${key}`);
      }
      const sizeMiB = tmpfs.size === undefined ? undefined : parseMemoryMiB(tmpfs.size);
      if (tmpfs.size !== undefined && sizeMiB === undefined) reader.problem(`${entryPath}.tmpfs.size`, tmpfs.size, 'Give a size such as "64m".');
      return { kind: 'tmpfs', target, readOnly, sizeMiB };
    }
    default:
      reader.problem(`${entryPath}.type`, type, 'ECS mounts volume, bind and tmpfs volumes.');
      return undefined;
  }
}

export function readTmpfs(reader: ComposeReader, ctx: ServiceContext, value: unknown): ComposeMount[] {
  if (value === undefined || value === null) return [];
  const list = typeof value === 'string' ? [value] : reader.stringList(value, `${ctx.base}.tmpfs`) ?? [];
  return list.map(entry => {
    const [target, ...options] = entry.split(':');
    const size = options.join(':').split(',').find(o => o.startsWith('size='));
    return { kind: 'tmpfs' as const, target, readOnly: false, sizeMiB: size ? parseMemoryMiB(size.slice(5)) : undefined };
  });
}
