/**
 * Reads volumes: the top-level named volumes (EFS access points) and the
 * `volumes` and `tmpfs` mounts of a service.
 */
import type { ComposeMount } from '../model';
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

export function readVolumes(reader: ComposeReader, ctx: ServiceContext, value: unknown, volumes: string[]): ComposeMount[] {
  if (value === undefined || value === null) return [];
  const volPath = `${ctx.base}.volumes`;
  if (!Array.isArray(value)) {
    reader.problem(volPath, value, 'Give `volumes` as a list, e.g. ["db-data:/var/lib/postgresql/data"].');
    return [];
  }
  const mounts: ComposeMount[] = [];
  value.forEach((entry, index) => {
    const entryPath = `${volPath}[${index}]`;
    const mount = isMapping(entry) ? readLongVolume(reader, ctx, entry, entryPath) : readShortVolume(reader, entry, entryPath);
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
      if (reader.options.fargate) {
        reader.problem(entryPath, entry,
          'A bind mount needs a directory on the host, and Fargate has no host: use a named volume (an EFS access point), bake the files into the image, or run on EC2 (taskCapacity: TaskCapacity.ec2()) with an absolute host path.');
        return;
      }
      if (!mount.source!.startsWith('/')) {
        reader.problem(entryPath, entry,
          'On EC2 a bind mount mounts a directory of the container instance, so its host path is absolute (e.g. "/var/log/app:/logs"); files next to the Compose file are not on the instance: bake them into the image.');
        return;
      }
    }
    mounts.push(mount);
  });
  return mounts;
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

function readShortVolume(reader: ComposeReader, entry: unknown, entryPath: string): ComposeMount | undefined {
  const text = scalarString(entry);
  const parts = text?.split(':') ?? [];
  if (text === undefined || parts.length > 3 || parts.some(p => p === '')) {
    reader.problem(entryPath, entry, 'Use SOURCE:TARGET[:MODE] (e.g. "db-data:/var/lib/postgresql/data", "/var/log:/logs:ro") or just TARGET for an anonymous volume.');
    return undefined;
  }
  if (parts.length === 1) return { kind: 'anonymous', target: parts[0], readOnly: false };
  const [source, target, mode] = parts;
  const readOnly = (mode ?? '').split(',').includes('ro');
  const isPath = /^[./~]/.test(source);
  return { kind: isPath ? 'bind' : 'volume', source, target, readOnly };
}

function readLongVolume(reader: ComposeReader, ctx: ServiceContext, entry: Record<string, unknown>, entryPath: string): ComposeMount | undefined {
  const type = scalarString(entry.type) ?? 'volume';
  const target = scalarString(entry.target);
  const source = scalarString(entry.source);
  for (const key of Object.keys(entry)) {
    if (!['type', 'source', 'target', 'read_only', 'tmpfs', 'bind', 'volume'].includes(key)) {
      reader.ignore(ctx, `volumes.${key}`, `${entryPath}.${key}`);
    }
  }
  for (const nested of ['bind', 'volume'] as const) {
    if (isMapping(entry[nested])) {
      for (const key of Object.keys(entry[nested] as object)) {
        if (!(nested === 'bind' && key === 'create_host_path')) reader.ignore(ctx, `volumes.${nested}.${key}`, `${entryPath}.${nested}.${key}`);
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
