/**
 * Reads one service: every key is mapped by a reader, or ignored with one
 * warning.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseEnvFile } from '../interpolate';
import type { ComposeSecret, ComposeService } from '../model';
import { isMapping, parseDuration, scalarString } from '../values';
import { readBuild } from './build';
import { readDependsOn, readLinks, readVolumesFrom } from './dependencies';
import { readResources } from './deploy';
import { readHealthCheck } from './healthcheck';
import { readLinuxSettings } from './linux';
import { readPorts } from './ports';
import { ComposeReader, ServiceContext } from './reader';
import { readServiceSecrets } from './secrets';
import { readTmpfs, readVolumes, uniqueTargets } from './volumes';

/** Service keys that are mapped (each handled by a reader). */
export const SERVICE_KEYS = new Set([
  'image', 'build', 'ports', 'expose', 'environment', 'env_file', 'command', 'entrypoint', 'working_dir', 'user', 'labels',
  'healthcheck', 'depends_on', 'deploy', 'scale', 'cpus', 'mem_limit', 'mem_reservation', 'secrets', 'volumes', 'tmpfs',
  'profiles', 'links', 'volumes_from', 'read_only', 'stop_grace_period', 'init', 'platform',
  'cap_add', 'cap_drop', 'sysctls', 'ulimits', 'privileged', 'network_mode',
]);

const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/;

/** Reads a service of the file; `volumes` and `secrets` are the top-level ones it may use. */
export function readService(reader: ComposeReader, name: string, value: unknown, volumes: string[], secrets: ComposeSecret[]): ComposeService {
  const base = `services.${name}`;
  const spec = isMapping(value) ? value : {};
  if (!isMapping(value)) {
    reader.problem(base, value ?? null, 'A service is a mapping of Compose keys, e.g. "web:\\n  image: nginx".');
  }
  if (!SERVICE_NAME.test(name)) {
    reader.problem(base, name, 'Service names become container names and Service Connect DNS names: use 1 to 63 letters, digits, "_" and "-", starting with a letter or digit.');
  }
  const profiles = reader.stringList(spec.profiles, `${base}.profiles`) ?? [];
  const selected = profiles.length === 0 || profiles.some(p => reader.options.profiles.includes(p));
  const ctx: ServiceContext = { name, base, selected };

  for (const key of Object.keys(spec)) {
    if (!SERVICE_KEYS.has(key)) reader.ignore(ctx, key, `${base}.${key}`);
  }

  const image = readImage(reader, ctx, spec);
  const build = readBuild(reader, ctx, spec.build);
  const absent = (key: string) => spec[key] === undefined || spec[key] === null;
  if (absent('image') && absent('build') && !reader.options.imageOverrides.includes(name) && isMapping(value)) {
    reader.problem(base, Object.keys(spec), 'Give the service an `image` or a `build`, or pass its image in code with the `images` prop.');
  }
  const environment = { ...readEnvFiles(reader, ctx, spec.env_file), ...reader.readKeyValues(spec.environment, `${base}.environment`, true) };
  const resources = readResources(reader, ctx, spec);
  return {
    name,
    selected,
    image,
    build,
    ports: readPorts(reader, ctx, spec),
    environment,
    command: reader.readCommand(spec.command, `${base}.command`),
    entrypoint: reader.readCommand(spec.entrypoint, `${base}.entrypoint`),
    workingDir: reader.readString(spec.working_dir, `${base}.working_dir`),
    user: reader.readString(spec.user, `${base}.user`),
    labels: reader.readKeyValues(spec.labels, `${base}.labels`, false),
    healthCheck: readHealthCheck(reader, ctx, spec.healthcheck),
    dependsOn: readDependsOn(reader, ctx, spec.depends_on),
    links: readLinks(reader, ctx, spec.links),
    volumesFrom: readVolumesFrom(reader, ctx, spec.volumes_from),
    ...resources,
    secrets: readServiceSecrets(reader, ctx, spec.secrets, secrets),
    mounts: uniqueTargets(reader, ctx, [...readVolumes(reader, ctx, spec.volumes, volumes, build), ...readTmpfs(reader, ctx, spec.tmpfs)]),
    readOnly: reader.readBoolean(spec.read_only, `${base}.read_only`),
    stopTimeoutSeconds: readStopGracePeriod(reader, spec.stop_grace_period, `${base}.stop_grace_period`),
    init: reader.readBoolean(spec.init, `${base}.init`),
    cpuArchitecture: readPlatform(reader, spec.platform, `${base}.platform`),
    ...readLinuxSettings(reader, ctx, spec),
  };
}

function readImage(reader: ComposeReader, ctx: ServiceContext, spec: Record<string, unknown>): string | undefined {
  if (spec.image === undefined || spec.image === null) return undefined;
  const image = scalarString(spec.image);
  if (image === undefined || image.trim() === '' || /\s/.test(image.trim())) {
    reader.problem(`${ctx.base}.image`, spec.image, 'Name an image such as "nginx:1.27", "public.ecr.aws/docker/library/redis:7" or "111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/web:v1".');
    return undefined;
  }
  return image.trim();
}

/** `env_file`: the files are read only for services that run. */
function readEnvFiles(reader: ComposeReader, ctx: ServiceContext, value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  const entries = Array.isArray(value) ? value : [value];
  const environment: Record<string, string> = {};
  entries.forEach((entry, index) => {
    const entryPath = Array.isArray(value) ? `${ctx.base}.env_file[${index}]` : `${ctx.base}.env_file`;
    const file = isMapping(entry) ? scalarString(entry.path) : scalarString(entry);
    const required = isMapping(entry) ? entry.required !== false && entry.required !== 'false' : true;
    if (file === undefined) {
      reader.problem(entryPath, entry, 'An env_file entry is a path, or a mapping with `path` and `required`.');
      return;
    }
    if (!ctx.selected) return;
    const absolute = path.resolve(reader.options.directory, file);
    if (!fs.existsSync(absolute)) {
      if (required) reader.problem(entryPath, file, `The env file ${absolute} does not exist: paths are relative to the Compose file's directory; set \`required: false\` to make it optional.`);
      return;
    }
    const parsed = parseEnvFile(fs.readFileSync(absolute, 'utf-8'), reader.options.variables);
    reader.problems.push(...parsed.problems.map(p => ({ file, line: p.line, path: `line ${p.line}`, received: p.text, fix: p.fix })));
    Object.assign(environment, parsed.values);
  });
  return environment;
}

function readStopGracePeriod(reader: ComposeReader, value: unknown, valuePath: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const ms = parseDuration(value);
  const max = reader.options.fargate ? 120 : 3600;
  const seconds = ms === undefined ? undefined : Math.ceil(ms / 1000);
  if (seconds === undefined || seconds > max) {
    reader.problem(valuePath, value, `Give a duration up to ${max} seconds${reader.options.fargate ? ' (the Fargate maximum)' : ''}, e.g. "30s".`);
    return undefined;
  }
  return seconds;
}

function readPlatform(reader: ComposeReader, value: unknown, valuePath: string): 'X86_64' | 'ARM64' | undefined {
  if (value === undefined || value === null) return undefined;
  const text = scalarString(value);
  if (text === 'linux/amd64' || text === 'linux/x86_64') return 'X86_64';
  if (text === 'linux/arm64' || text === 'linux/arm64/v8') return 'ARM64';
  reader.problem(valuePath, value, 'ECS runs linux/amd64 and linux/arm64 containers.');
  return undefined;
}

/** Service Connect DNS names and port names are lowercase: two services whose names differ only in case would get the same ones. */
export function checkNamesDifferInLowercase(reader: ComposeReader, serviceNames: string[]): void {
  const first = new Map<string, string>();
  for (const name of serviceNames) {
    const other = first.get(name.toLowerCase());
    if (other === undefined) {
      first.set(name.toLowerCase(), name);
      continue;
    }
    reader.problem(`services.${name}`, name,
      `The services "${other}" and "${name}" differ only in case, and they would get the same Service Connect DNS name ("${name.toLowerCase()}", ` +
      'DNS names are lowercase) and port names: rename one of them.');
  }
}
