/**
 * Reads a Compose file into the model `ComposeApp` builds from: every key is
 * either mapped, ignored with exactly one warning, or reported as a problem
 * with the file, the line and the path of the value.
 *
 * Plain functions over plain values: no constructs, so every rule can be unit tested.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import { Interpolated, InterpolationError, Variables, interpolate, parseEnvFile } from './interpolate';
import { YamlTree, childPath, lineOf, parseYaml } from './parse';
import { ComposePort, LONG_SYNTAX_KEYS, PortSyntaxError, parseExposeEntry, parsePortEntry } from './ports';
import { isMapping, parseCpuUnits, parseDuration, parseMemoryMiB, scalarString, shellSplit } from './values';

/** Something wrong with the input, located in a file. */
export interface ComposeProblem {
  /** The file: the Compose file, or an env file it reads; undefined for a prop of the ComposeApp (then `path` names the prop). */
  readonly file?: string;
  readonly line?: number;
  /** Where in the file, e.g. `services.web.ports[0]`. */
  readonly path: string;
  readonly received: unknown;
  readonly fix: string;
}

/** A warning for the user, with the context it can be acknowledged by. */
export interface ComposeWarning {
  /** The code after `cdk-ecs-kit:ComposeApp.` */
  readonly code: string;
  readonly message: string;
  readonly context: Record<string, string>;
}

export interface ComposeBuild {
  /** Absolute path of the build context. */
  readonly context: string;
  /** The Dockerfile, relative to the context. */
  readonly dockerfile?: string;
  readonly args: Record<string, string>;
  readonly target?: string;
}

export interface ComposeHealthCheck {
  readonly command: string[];
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly startPeriodSeconds?: number;
  /** The path of an HTTP URL on localhost the check requests, if it requests one (e.g. `curl -f http://localhost/health`). */
  readonly httpPath?: string;
}

export type DependencyCondition = 'started' | 'healthy' | 'completed';

export interface ComposeDependency {
  readonly service: string;
  readonly condition: DependencyCondition;
  /** `required: false`: only when that service runs. */
  readonly optional?: boolean;
}

export interface ComposeMount {
  /** `volume`: a named volume (EFS); `bind`: a host path (EC2); `anonymous`: task storage; `tmpfs`: memory (EC2) or task storage (Fargate). */
  readonly kind: 'volume' | 'bind' | 'anonymous' | 'tmpfs';
  /** The named volume or the host path. */
  readonly source?: string;
  readonly target: string;
  readonly readOnly: boolean;
  /** Size of a tmpfs mount in MiB. */
  readonly sizeMiB?: number;
}

export interface ComposeSecretUse {
  /** The top-level secret. */
  readonly secret: string;
  /** The environment variable it is exposed as. */
  readonly variable: string;
}

export interface ComposeService {
  readonly name: string;
  /** Whether the service runs with the selected profiles. */
  readonly selected: boolean;
  readonly image?: string;
  readonly build?: ComposeBuild;
  /** Published (`ports`) and internal (`expose`) ports, published first, one per container port and protocol. */
  readonly ports: ComposePort[];
  readonly environment: Record<string, string>;
  readonly command?: string[];
  readonly entrypoint?: string[];
  readonly workingDir?: string;
  readonly user?: string;
  readonly labels: Record<string, string>;
  readonly healthCheck?: ComposeHealthCheck;
  /** After loading: only dependencies on services that run. */
  dependsOn: ComposeDependency[];
  readonly links: { readonly service: string; readonly alias?: string }[];
  readonly volumesFrom: { readonly service: string; readonly readOnly: boolean }[];
  readonly replicas?: number;
  /** CPU units of the limit / reservation. */
  readonly cpuLimit?: number;
  readonly cpuReservation?: number;
  readonly memoryLimitMiB?: number;
  readonly memoryReservationMiB?: number;
  readonly secrets: ComposeSecretUse[];
  readonly mounts: ComposeMount[];
  readonly readOnly?: boolean;
  readonly stopTimeoutSeconds?: number;
  readonly init?: boolean;
  readonly cpuArchitecture?: 'X86_64' | 'ARM64';
}

export interface ComposeSecret {
  readonly name: string;
  /** `external`: an existing Secrets Manager secret; `file` / `environment`: a local value that is not uploaded. */
  readonly kind: 'external' | 'file' | 'environment';
  /** The Secrets Manager name of an external secret. */
  readonly externalName?: string;
  readonly line?: number;
}

export interface ComposeProject {
  /** The top-level `name`, if any. */
  readonly name?: string;
  /** Every service, in file order. */
  readonly services: ComposeService[];
  /** Top-level named volumes. */
  readonly volumes: string[];
  readonly secrets: ComposeSecret[];
}

export interface LoadOptions {
  /** The Compose file's name for messages. */
  readonly fileName: string;
  /** Where relative paths are resolved from. */
  readonly directory: string;
  readonly fargate: boolean;
  /** Interpolation variables (the `environment` prop over the .env file). */
  readonly variables: Variables;
  readonly profiles: string[];
  /** Services whose image is given in code: they need neither `image` nor `build`. */
  readonly imageOverrides: string[];
}

export interface LoadResult {
  /** Undefined when the file is not a Compose file at all. */
  readonly project?: ComposeProject;
  readonly problems: ComposeProblem[];
  readonly warnings: ComposeWarning[];
}

/** Why keys that cdk-ecs-kit does not map are ignored (default: `GENERIC_REASON`). */
export const IGNORED_KEY_REASONS: Record<string, string> = {
  'restart': 'an ECS service replaces stopped and failed tasks on its own and keeps deploy.replicas tasks running; Compose restart policies have no equivalent',
  'networks': 'every service of the app reaches every other one by its Compose name through Service Connect, and security groups admit only the ports a service declares (ports, expose); Compose networks are not mapped',
  'container_name': 'ECS names the container after its Compose service, which is also its Service Connect DNS name',
  'network_mode': 'tasks use the awsvpc network mode on Fargate and bridge on EC2',
  'logging': 'containers log to a CloudWatch Logs log group (awslogs) kept for logRetention',
  'extends': 'merge the files first (`docker compose config > merged.yaml`) and import the result',
  'pull_policy': 'ECS pulls the image when a task starts',
  'hostname': 'set it in code through app.container(name) on EC2; Fargate tasks cannot set a hostname',
  'extra_hosts': 'Service Connect resolves the app\'s services; other names need DNS',
  'deploy.placement': 'placement constraints of ECS are set in code on app.ec2Service(name)',
  'deploy.update_config': 'ECS deploys with a circuit breaker and rollback (minimum 100% / maximum 200% healthy, 0% / 100% for services with named volumes)',
  'deploy.rollback_config': 'the deployment circuit breaker rolls back failed deployments',
  'deploy.restart_policy': 'an ECS service replaces stopped and failed tasks on its own',
  'deploy.mode': 'only replicated services are created; a global (one per instance) service is an ECS daemon service, created in code',
  'deploy.labels': 'tag the service in code with Tags.of(app.service(name))',
  'healthcheck.start_interval': 'ECS health checks run at one interval',
  'secrets.uid': 'secrets become environment variables, not files',
  'secrets.gid': 'secrets become environment variables, not files',
  'secrets.mode': 'secrets become environment variables, not files',
  'ports.mode': 'published HTTP ports are reached through the load balancer, other ports only inside the app',
  'ports.name': 'Service Connect port names are derived from the service name and port',
  'depends_on.restart': 'ECS does not restart dependents',
};

export const GENERIC_REASON = 'cdk-ecs-kit does not map it; customise the container in code through app.container(name) or app.taskDefinition(name)';
const EXTENSION_REASON = 'extension fields (x-*) are for other tools and for YAML anchors; cdk-ecs-kit does not read them';

/** Service keys that are mapped (each handled below). */
const SERVICE_KEYS = new Set([
  'image', 'build', 'ports', 'expose', 'environment', 'env_file', 'command', 'entrypoint', 'working_dir', 'user', 'labels',
  'healthcheck', 'depends_on', 'deploy', 'scale', 'cpus', 'mem_limit', 'mem_reservation', 'secrets', 'volumes', 'tmpfs',
  'profiles', 'links', 'volumes_from', 'read_only', 'stop_grace_period', 'init', 'platform',
]);

const TOP_LEVEL_REASONS: Record<string, string> = {
  version: 'the Compose Specification made it obsolete',
  networks: IGNORED_KEY_REASONS.networks,
  configs: 'configs are not mapped: bake configuration files into the image or pass them as environment variables',
  include: 'merge the files first (`docker compose config > merged.yaml`) and import the result',
};

/**
 * Where a value interpolated from an unresolved token (a variable of the
 * `environment` prop such as a CloudFormation parameter) is passed to the
 * template unchanged, and so works at deploy time. Everywhere else the value is
 * read at synth time (ports, durations, sizes, names, paths) and a token is refused.
 */
const TOKEN_PATHS = [
  /^services\.[^.]+\.(image|working_dir|user)$/,
  /^services\.[^.]+\.(command|entrypoint)(\[\d+\])?$/,
  /^services\.[^.]+\.(environment|labels)(\..+|\[\d+\])$/,
  /^services\.[^.]+\.healthcheck\.test(\[\d+\])?$/,
  /^services\.[^.]+\.build\.args(\..+|\[\d+\])$/,
  /^secrets\.[^.]+\.name$/,
];

/** Whether a value is read by the import (keys that are ignored, with a warning, are not). */
function readAtSynth(valuePath: string): boolean {
  const [top, service, key] = valuePath.split('.');
  if (top === 'services') return service !== undefined && key !== undefined && SERVICE_KEYS.has(key.replace(/\[.*$/, ''));
  return ['name', 'volumes', 'secrets'].includes(top.replace(/\[.*$/, ''));
}

const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,62}$/;
/** Named volumes and secrets (the Compose Specification's key pattern); a volume is also an EFS path of at most 100 characters. */
const RESOURCE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
const VOLUME_NAME_MAX = 99;
/** What Secrets Manager accepts in a secret name. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Reads the interpolation variables: the env file, overridden by `variables`. */
export function readEnvFile(file: string, displayName: string, variables: Variables): { values: Record<string, string>; problems: ComposeProblem[] } {
  const parsed = parseEnvFile(fs.readFileSync(file, 'utf-8'), variables);
  return {
    values: { ...parsed.values, ...definedOnly(variables) },
    problems: parsed.problems.map(p => ({ file: displayName, line: p.line, path: `line ${p.line}`, received: p.text, fix: p.fix })),
  };
}

function definedOnly(variables: Variables): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) if (value !== undefined) out[key] = value;
  return out;
}

/** Loads a Compose file's text into the model. */
export function loadProject(content: string, options: LoadOptions): LoadResult {
  return new Loader(options).load(content);
}

class Loader {
  private readonly problems: ComposeProblem[] = [];
  private readonly warnings: ComposeWarning[] = [];
  private readonly warned = new Set<string>();
  private tree: YamlTree = { value: undefined, lines: new Map() };
  private readonly unsetVariables = new Map<string, string>();

  constructor(private readonly options: LoadOptions) {}

  public load(content: string): LoadResult {
    const { tree, errors } = parseYaml(content);
    if (!tree) {
      for (const error of errors) {
        this.problems.push({ file: this.options.fileName, line: error.line, path: '(YAML)', received: error.message, fix: 'Fix the YAML syntax.' });
      }
      return this.result(undefined);
    }
    this.tree = tree;
    const root = this.interpolateTree(tree.value, '');
    if (!isMapping(root) || !isMapping(root.services) || Object.keys(root.services).length === 0) {
      const received = !isMapping(root) ? root : root.services;
      this.problem(isMapping(root) ? 'services' : '', received ?? null,
        'This is not a Compose file: it needs a top-level `services:` mapping with at least one service, e.g. "services:\\n  web:\\n    image: nginx".');
      return this.result(undefined);
    }
    for (const [variable, where] of this.unsetVariables) {
      this.warn('unsetVariable', { variable },
        `The variable ${variable} is not set (${where}), so it became an empty string: set it in the \`environment\` prop or the .env file, or give a default with \${${variable}:-default}.`);
    }

    const name = scalarString(root.name);
    for (const key of Object.keys(root)) {
      if (['services', 'volumes', 'secrets', 'name'].includes(key)) continue;
      const reason = key.startsWith('x-') ? EXTENSION_REASON : TOP_LEVEL_REASONS[key] ?? 'it is not a top-level key of the Compose Specification';
      this.ignoreTopLevel(key, reason);
    }
    const volumes = this.readTopLevelVolumes(root.volumes);
    const secrets = this.readTopLevelSecrets(root.secrets);
    const services = Object.entries(root.services).map(([serviceName, value]) => this.readService(serviceName, value, volumes, secrets));
    this.checkNamesDifferInLowercase(services.map(s => s.name));
    this.checkReferences(services);
    return this.result({ name, services, volumes, secrets });
  }

  private result(project: ComposeProject | undefined): LoadResult {
    return { project, problems: this.problems, warnings: this.warnings };
  }

  // ---- reporting

  private problem(valuePath: string, received: unknown, fix: string): void {
    // One problem per value: a value refused when interpolated is not reported again when it is read.
    const where = valuePath || '(document)';
    if (this.problems.some(p => p.file === this.options.fileName && p.path === where)) return;
    this.problems.push({ file: this.options.fileName, line: lineOf(this.tree, valuePath), path: valuePath || '(document)', received, fix });
  }

  private where(valuePath: string): string {
    const line = lineOf(this.tree, valuePath);
    return `${this.options.fileName}${line !== undefined ? `:${line}` : ''}`;
  }

  private warn(code: string, context: Record<string, string>, message: string): void {
    const key = `${code}|${JSON.stringify(context)}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warnings.push({ code, context, message });
  }

  /** One warning per service and key, for selected services only. */
  private ignore(service: ServiceContext, key: string, valuePath: string, reason?: string): void {
    if (!service.selected) return;
    const why = reason ?? (key.startsWith('x-') ? EXTENSION_REASON : IGNORED_KEY_REASONS[key] ?? GENERIC_REASON);
    this.warn('ignoredKey', { service: service.name, key },
      `Compose key \`${key}\` of service "${service.name}" (${this.where(valuePath)}) is ignored: ${why}.`);
  }

  private ignoreTopLevel(key: string, reason: string): void {
    this.warn('ignoredKey', { key }, `Compose key \`${key}\` (${this.where(key)}) is ignored: ${reason}.`);
  }

  // ---- interpolation

  private interpolateTree(value: unknown, valuePath: string): unknown {
    if (typeof value === 'string') {
      let result: Interpolated;
      try {
        result = interpolate(value, this.options.variables);
      } catch (e) {
        if (!(e instanceof InterpolationError)) throw e;
        this.problem(valuePath, value, `${capitalize(e.message)}. ${e.fix}`);
        return value;
      }
      for (const variable of result.unset) {
        if (!this.unsetVariables.has(variable)) this.unsetVariables.set(variable, `${this.where(valuePath)} ${valuePath}`);
      }
      if (Token.isUnresolved(result.value) && readAtSynth(valuePath) && !TOKEN_PATHS.some(pattern => pattern.test(valuePath))) {
        this.problem(valuePath, value,
          'A variable here holds an unresolved token (e.g. a CloudFormation parameter), but this value is read at synth time: give it a literal value. ' +
          'Tokens work in image, command, entrypoint, working_dir, user, environment, labels, healthcheck.test, build.args and the name of an external secret.');
        return value;
      }
      return result.value;
    }
    if (Array.isArray(value)) return value.map((item, index) => this.interpolateTree(item, childPath(valuePath, index)));
    if (isMapping(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) out[key] = this.interpolateTree(inner, childPath(valuePath, key));
      return out;
    }
    return value;
  }

  // ---- top level

  private readTopLevelVolumes(value: unknown): string[] {
    if (value === undefined || value === null) return [];
    if (!isMapping(value)) {
      this.problem('volumes', value, 'Top-level `volumes` is a mapping of volume names, e.g. "volumes:\\n  db-data: {}".');
      return [];
    }
    for (const [name, spec] of Object.entries(value)) {
      if (!RESOURCE_NAME.test(name) || name.length > VOLUME_NAME_MAX) {
        this.problem(`volumes.${name}`, name,
          `A named volume becomes a directory of the app's EFS file system: use 1 to ${VOLUME_NAME_MAX} letters, digits, "_", "." and "-", starting with a letter or digit.`);
      }
      if (spec === null || spec === undefined) continue;
      if (!isMapping(spec)) {
        this.problem(`volumes.${name}`, spec, 'A named volume is declared as an empty mapping ({}) or with options.');
        continue;
      }
      for (const key of Object.keys(spec)) {
        this.ignoreTopLevel(`volumes.${name}.${key}`,
          'every named volume becomes an access point of the app\'s encrypted EFS file system; Docker volume drivers, options, labels, names and external volumes do not apply');
      }
    }
    return Object.keys(value);
  }

  private readTopLevelSecrets(value: unknown): ComposeSecret[] {
    if (value === undefined || value === null) return [];
    if (!isMapping(value)) {
      this.problem('secrets', value, 'Top-level `secrets` is a mapping of secret names, e.g. "secrets:\\n  db_password:\\n    external: true".');
      return [];
    }
    const secrets: ComposeSecret[] = [];
    for (const [name, spec] of Object.entries(value)) {
      const specPath = `secrets.${name}`;
      if (!RESOURCE_NAME.test(name)) {
        this.problem(specPath, name, 'Use letters, digits, "_", "." and "-" in secret names, starting with a letter or digit (the Compose Specification\'s rule).');
      }
      if (!isMapping(spec)) {
        this.problem(specPath, spec ?? null, 'Declare the secret with `file`, `environment` or `external: true` (an existing Secrets Manager secret, named by `name`).');
        continue;
      }
      for (const key of Object.keys(spec)) {
        if (!['file', 'environment', 'external', 'name'].includes(key)) {
          this.ignoreTopLevel(`${specPath}.${key}`, 'only file, environment, external and name are read for secrets');
        }
      }
      const line = lineOf(this.tree, specPath);
      if (spec.external === true || spec.external === 'true') {
        const externalName = scalarString(spec.name) ?? name;
        if (!SECRET_NAME.test(externalName) && !Token.isUnresolved(externalName)) {
          this.problem(spec.name === undefined ? specPath : `${specPath}.name`, externalName,
            'An external secret is the Secrets Manager secret of this name, and Secrets Manager names are 1 to 512 letters, digits and "/_+=.@-": give the secret\'s name with `name`.');
        }
        secrets.push({ name, kind: 'external', externalName, line });
      } else if (spec.file !== undefined) {
        secrets.push({ name, kind: 'file', line });
      } else if (spec.environment !== undefined) {
        secrets.push({ name, kind: 'environment', line });
      } else {
        this.problem(specPath, spec, 'Declare the secret with `file`, `environment` or `external: true` (an existing Secrets Manager secret, named by `name`).');
      }
    }
    return secrets;
  }

  // ---- services

  private readService(name: string, value: unknown, volumes: string[], secrets: ComposeSecret[]): ComposeService {
    const base = `services.${name}`;
    const spec = isMapping(value) ? value : {};
    if (!isMapping(value)) {
      this.problem(base, value ?? null, 'A service is a mapping of Compose keys, e.g. "web:\\n  image: nginx".');
    }
    if (!SERVICE_NAME.test(name)) {
      this.problem(base, name, 'Service names become container names and Service Connect DNS names: use 1 to 63 letters, digits, "_" and "-", starting with a letter or digit.');
    }
    const profiles = this.stringList(spec.profiles, `${base}.profiles`) ?? [];
    const selected = profiles.length === 0 || profiles.some(p => this.options.profiles.includes(p));
    const ctx: ServiceContext = { name, base, selected };

    for (const key of Object.keys(spec)) {
      if (!SERVICE_KEYS.has(key)) this.ignore(ctx, key, `${base}.${key}`);
    }

    const image = this.readImage(ctx, spec);
    const build = this.readBuild(ctx, spec.build);
    const absent = (key: string) => spec[key] === undefined || spec[key] === null;
    if (absent('image') && absent('build') && !this.options.imageOverrides.includes(name) && isMapping(value)) {
      this.problem(base, Object.keys(spec), 'Give the service an `image` or a `build`, or pass its image in code with the `images` prop.');
    }
    const environment = { ...this.readEnvFiles(ctx, spec.env_file), ...this.readKeyValues(spec.environment, `${base}.environment`, true) };
    const resources = this.readResources(ctx, spec);
    return {
      name,
      selected,
      image,
      build,
      ports: this.readPorts(ctx, spec),
      environment,
      command: this.readCommand(spec.command, `${base}.command`),
      entrypoint: this.readCommand(spec.entrypoint, `${base}.entrypoint`),
      workingDir: this.readString(spec.working_dir, `${base}.working_dir`),
      user: this.readString(spec.user, `${base}.user`),
      labels: this.readKeyValues(spec.labels, `${base}.labels`, false),
      healthCheck: this.readHealthCheck(ctx, spec.healthcheck),
      dependsOn: this.readDependsOn(ctx, spec.depends_on),
      links: this.readLinks(ctx, spec.links),
      volumesFrom: this.readVolumesFrom(ctx, spec.volumes_from),
      ...resources,
      secrets: this.readServiceSecrets(ctx, spec.secrets, secrets),
      mounts: this.uniqueTargets(ctx, [...this.readVolumes(ctx, spec.volumes, volumes), ...this.readTmpfs(ctx, spec.tmpfs)]),
      readOnly: this.readBoolean(spec.read_only, `${base}.read_only`),
      stopTimeoutSeconds: this.readStopGracePeriod(spec.stop_grace_period, `${base}.stop_grace_period`),
      init: this.readBoolean(spec.init, `${base}.init`),
      cpuArchitecture: this.readPlatform(spec.platform, `${base}.platform`),
    };
  }

  private readImage(ctx: ServiceContext, spec: Record<string, unknown>): string | undefined {
    if (spec.image === undefined || spec.image === null) return undefined;
    const image = scalarString(spec.image);
    if (image === undefined || image.trim() === '' || /\s/.test(image.trim())) {
      this.problem(`${ctx.base}.image`, spec.image, 'Name an image such as "nginx:1.27", "public.ecr.aws/docker/library/redis:7" or "111122223333.dkr.ecr.eu-west-1.amazonaws.com/shop/web:v1".');
      return undefined;
    }
    return image.trim();
  }

  private readBuild(ctx: ServiceContext, value: unknown): ComposeBuild | undefined {
    if (value === undefined || value === null) return undefined;
    const buildPath = `${ctx.base}.build`;
    const spec: Record<string, unknown> = typeof value === 'string' ? { context: value } : isMapping(value) ? value : {};
    if (!isMapping(value) && typeof value !== 'string') {
      this.problem(buildPath, value, 'Give `build` as a context directory ("./web") or a mapping with context, dockerfile, args and target.');
      return undefined;
    }
    for (const key of Object.keys(spec)) {
      if (!['context', 'dockerfile', 'args', 'target'].includes(key)) {
        this.ignore(ctx, `build.${key}`, `${buildPath}.${key}`, 'the image is built by `cdk deploy` as a Docker image asset from context, dockerfile, args and target only');
      }
    }
    const context = scalarString(spec.context) ?? '.';
    if (/^[a-z]+:\/\/|^git@|\.git(#.*)?$/.test(context)) {
      this.problem(`${buildPath}${typeof value === 'string' ? '' : '.context'}`, context,
        'A Git or URL build context cannot be staged as an asset: clone it next to the Compose file and give the local directory.');
      return undefined;
    }
    const contextDir = path.resolve(this.options.directory, context);
    const dockerfile = this.readString(spec.dockerfile, `${buildPath}.dockerfile`);
    const args = this.readKeyValues(spec.args, `${buildPath}.args`, true);
    const target = this.readString(spec.target, `${buildPath}.target`);
    if (ctx.selected && !this.options.imageOverrides.includes(ctx.name)) {
      if (!fs.existsSync(contextDir) || !fs.statSync(contextDir).isDirectory()) {
        this.problem(`${buildPath}${typeof value === 'string' ? '' : '.context'}`, context,
          `The build context ${contextDir} is not a directory: paths are relative to the Compose file's directory (${this.options.directory}).`);
        return undefined;
      }
      const dockerfilePath = path.resolve(contextDir, dockerfile ?? 'Dockerfile');
      if (!fs.existsSync(dockerfilePath)) {
        this.problem(dockerfile ? `${buildPath}.dockerfile` : buildPath, dockerfile ?? context,
          `There is no Dockerfile at ${dockerfilePath}: \`dockerfile\` is relative to the build context.`);
        return undefined;
      }
    }
    return { context: contextDir, dockerfile, args, target };
  }

  private readPorts(ctx: ServiceContext, spec: Record<string, unknown>): ComposePort[] {
    const ports: ComposePort[] = [];
    const add = (entries: ComposePort[]) => {
      for (const port of entries) {
        if (!ports.some(p => p.containerPort === port.containerPort && p.protocol === port.protocol)) ports.push(port);
      }
    };
    for (const [key, parse] of [['ports', parsePortEntry], ['expose', parseExposeEntry]] as const) {
      const list = spec[key];
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list)) {
        this.problem(`${ctx.base}.${key}`, list, `\`${key}\` is a list, e.g. ${key === 'ports' ? '["8080:80"]' : '["3000"]'}.`);
        continue;
      }
      list.forEach((entry, index) => {
        const entryPath = `${ctx.base}.${key}[${index}]`;
        try {
          add(parse(entry));
        } catch (e) {
          if (!(e instanceof PortSyntaxError)) throw e;
          this.problem(entryPath, entry, e.fix);
        }
        if (key === 'ports' && isMapping(entry)) {
          for (const longKey of Object.keys(entry)) {
            if (!LONG_SYNTAX_KEYS.includes(longKey) || longKey === 'mode' || longKey === 'name') {
              this.ignore(ctx, `ports.${longKey}`, `${entryPath}.${longKey}`);
            }
          }
        }
      });
    }
    // Published ports first: the first published HTTP port is the one the load balancer sends to.
    return [...ports.filter(p => p.published), ...ports.filter(p => !p.published)];
  }

  private readEnvFiles(ctx: ServiceContext, value: unknown): Record<string, string> {
    if (value === undefined || value === null) return {};
    const entries = Array.isArray(value) ? value : [value];
    const environment: Record<string, string> = {};
    entries.forEach((entry, index) => {
      const entryPath = Array.isArray(value) ? `${ctx.base}.env_file[${index}]` : `${ctx.base}.env_file`;
      const file = isMapping(entry) ? scalarString(entry.path) : scalarString(entry);
      const required = isMapping(entry) ? entry.required !== false && entry.required !== 'false' : true;
      if (file === undefined) {
        this.problem(entryPath, entry, 'An env_file entry is a path, or a mapping with `path` and `required`.');
        return;
      }
      if (!ctx.selected) return;
      const absolute = path.resolve(this.options.directory, file);
      if (!fs.existsSync(absolute)) {
        if (required) this.problem(entryPath, file, `The env file ${absolute} does not exist: paths are relative to the Compose file's directory; set \`required: false\` to make it optional.`);
        return;
      }
      const parsed = parseEnvFile(fs.readFileSync(absolute, 'utf-8'), this.options.variables);
      this.problems.push(...parsed.problems.map(p => ({ file, line: p.line, path: `line ${p.line}`, received: p.text, fix: p.fix })));
      Object.assign(environment, parsed.values);
    });
    return environment;
  }

  private readKeyValues(value: unknown, valuePath: string, fromVariables: boolean): Record<string, string> {
    const out: Record<string, string> = {};
    if (value === undefined || value === null) return out;
    if (Array.isArray(value)) {
      value.forEach((entry, index) => {
        const text = scalarString(entry);
        if (text === undefined) {
          this.problem(`${valuePath}[${index}]`, entry, 'A list entry is "KEY=value" (or "KEY" to take the value from the interpolation variables).');
          return;
        }
        const eq = text.indexOf('=');
        if (eq < 0) {
          const fromVars = fromVariables ? this.options.variables[text] : undefined;
          if (fromVars !== undefined) out[text] = fromVars;
          else if (!fromVariables) out[text] = '';
          return;
        }
        out[text.slice(0, eq)] = text.slice(eq + 1);
      });
      return out;
    }
    if (!isMapping(value)) {
      this.problem(valuePath, value, 'Give a mapping (KEY: value) or a list of "KEY=value" strings.');
      return out;
    }
    for (const [key, inner] of Object.entries(value)) {
      if (inner === null || inner === undefined) {
        const fromVars = fromVariables ? this.options.variables[key] : undefined;
        if (fromVars !== undefined) out[key] = fromVars;
        else if (!fromVariables) out[key] = '';
        continue;
      }
      const text = scalarString(inner);
      if (text === undefined) {
        this.problem(childPath(valuePath, key), inner, 'A value is a string, a number or a boolean.');
        continue;
      }
      out[key] = text;
    }
    return out;
  }

  private readCommand(value: unknown, valuePath: string): string[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') {
      const words = shellSplit(value);
      if (words === undefined) this.problem(valuePath, value, 'Close the quote, or give the command as a list of arguments.');
      return words;
    }
    if (Array.isArray(value)) {
      const words = value.map(scalarString);
      if (words.some(w => w === undefined)) {
        this.problem(valuePath, value, 'Every argument of the list is a string.');
        return undefined;
      }
      return words as string[];
    }
    this.problem(valuePath, value, 'Give a string ("npm start") or a list (["npm", "start"]).');
    return undefined;
  }

  private readString(value: unknown, valuePath: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    const text = scalarString(value);
    if (text === undefined) this.problem(valuePath, value, 'Give a string.');
    return text;
  }

  private readBoolean(value: unknown, valuePath: string): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    this.problem(valuePath, value, 'Give true or false.');
    return undefined;
  }

  private stringList(value: unknown, valuePath: string): string[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some(v => scalarString(v) === undefined)) {
      this.problem(valuePath, value, 'Give a list of strings.');
      return undefined;
    }
    return value.map(v => scalarString(v)!);
  }

  private readHealthCheck(ctx: ServiceContext, value: unknown): ComposeHealthCheck | undefined {
    if (value === undefined || value === null) return undefined;
    const hcPath = `${ctx.base}.healthcheck`;
    if (!isMapping(value)) {
      this.problem(hcPath, value, 'Give `healthcheck` as a mapping with test, interval, timeout, retries and start_period.');
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!['test', 'interval', 'timeout', 'retries', 'start_period', 'disable'].includes(key)) this.ignore(ctx, `healthcheck.${key}`, `${hcPath}.${key}`);
    }
    if (value.disable === true) return undefined;
    let command: string[] | undefined;
    if (typeof value.test === 'string') {
      command = ['CMD-SHELL', value.test];
    } else if (Array.isArray(value.test) && value.test.length > 0 && value.test.every(v => typeof v === 'string')) {
      const [kind, ...rest] = value.test as string[];
      if (kind === 'NONE') return undefined;
      if ((kind === 'CMD' || kind === 'CMD-SHELL') && rest.length > 0) command = [kind, ...rest];
    }
    if (command === undefined) {
      this.problem(`${hcPath}.test`, value.test ?? null,
        'Give `test` as a shell command string, ["CMD", "executable", "arg"...], ["CMD-SHELL", "command"] or ["NONE"].');
      return undefined;
    }
    const seconds = (key: string, min: number, max: number, fallback: number | undefined): number | undefined => {
      const raw = value[key];
      if (raw === undefined || raw === null) return fallback;
      const ms = parseDuration(raw);
      const s = ms === undefined ? undefined : Math.ceil(ms / 1000);
      if (s === undefined || s < min || s > max) {
        this.problem(`${hcPath}.${key}`, raw, `ECS health checks accept a ${key} from ${min} to ${max} seconds, as a Compose duration ("30s", "1m").`);
        return fallback;
      }
      return s;
    };
    let retries = 3;
    if (value.retries !== undefined && value.retries !== null) {
      const n = Number(value.retries);
      if (Number.isInteger(n) && n >= 1 && n <= 10) retries = n;
      else this.problem(`${hcPath}.retries`, value.retries, 'ECS health checks accept 1 to 10 retries.');
    }
    const httpMatch = /https?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0)(?::\d+)?(\/[^\s'"|;&]*)?/.exec(command.slice(1).join(' '));
    const intervalSeconds = seconds('interval', 5, 300, 30)!;
    // Compose's default timeout is 30 s; ECS wants it shorter than the interval.
    const timeoutSeconds = seconds('timeout', 2, 120, Math.min(30, intervalSeconds - 1))!;
    if (timeoutSeconds >= intervalSeconds && value.timeout !== undefined && value.timeout !== null) {
      this.problem(`${hcPath}.timeout`, value.timeout, `ECS health checks need a timeout shorter than the interval (${intervalSeconds} s).`);
    }
    return {
      command,
      intervalSeconds,
      timeoutSeconds,
      retries,
      startPeriodSeconds: seconds('start_period', 0, 300, undefined),
      httpPath: httpMatch ? httpMatch[1] || '/' : undefined,
    };
  }

  private readDependsOn(ctx: ServiceContext, value: unknown): ComposeDependency[] {
    if (value === undefined || value === null) return [];
    const dpPath = `${ctx.base}.depends_on`;
    const out: ComposeDependency[] = [];
    if (Array.isArray(value)) {
      value.forEach((entry, index) => {
        const name = scalarString(entry);
        if (name === undefined) this.problem(`${dpPath}[${index}]`, entry, 'Name a service of this file.');
        else out.push({ service: name, condition: 'started' });
      });
      return out;
    }
    if (!isMapping(value)) {
      this.problem(dpPath, value, 'Give `depends_on` as a list of services or a mapping of service: { condition }.');
      return out;
    }
    const conditions: Record<string, DependencyCondition> = {
      service_started: 'started', service_healthy: 'healthy', service_completed_successfully: 'completed',
    };
    for (const [name, spec] of Object.entries(value)) {
      const entryPath = `${dpPath}.${name}`;
      const long = isMapping(spec) ? spec : {};
      for (const key of Object.keys(long)) {
        if (!['condition', 'required'].includes(key)) this.ignore(ctx, `depends_on.${key}`, `${entryPath}.${key}`);
      }
      const conditionText = scalarString(long.condition) ?? 'service_started';
      const condition = conditions[conditionText];
      if (condition === undefined) {
        this.problem(`${entryPath}.condition`, long.condition, 'Use service_started, service_healthy or service_completed_successfully.');
        continue;
      }
      // An optional dependency applies only when that service runs (checked in checkReferences).
      out.push({ service: name, condition, optional: long.required === false || long.required === 'false' });
    }
    return out;
  }

  private readLinks(ctx: ServiceContext, value: unknown): { service: string; alias?: string }[] {
    const list = this.stringList(value, `${ctx.base}.links`) ?? [];
    return list.map(entry => {
      const [service, alias] = entry.split(':');
      return { service, alias: alias && alias !== service ? alias : undefined };
    });
  }

  private readVolumesFrom(ctx: ServiceContext, value: unknown): { service: string; readOnly: boolean }[] {
    const list = this.stringList(value, `${ctx.base}.volumes_from`) ?? [];
    const out: { service: string; readOnly: boolean }[] = [];
    list.forEach((entry, index) => {
      if (entry.startsWith('container:')) {
        this.problem(`${ctx.base}.volumes_from[${index}]`, entry, 'Only services of this file can share volumes: name the service ("db" or "db:ro").');
        return;
      }
      const [service, mode] = entry.split(':');
      out.push({ service, readOnly: mode === 'ro' });
    });
    return out;
  }

  private readResources(ctx: ServiceContext, spec: Record<string, unknown>): Pick<ComposeService, 'replicas' | 'cpuLimit' | 'cpuReservation' | 'memoryLimitMiB' | 'memoryReservationMiB'> {
    const deployPath = `${ctx.base}.deploy`;
    const deploy = isMapping(spec.deploy) ? spec.deploy : {};
    if (spec.deploy !== undefined && spec.deploy !== null && !isMapping(spec.deploy)) {
      this.problem(deployPath, spec.deploy, 'Give `deploy` as a mapping (replicas, resources).');
    }
    for (const key of Object.keys(deploy)) {
      if (key === 'mode' && (deploy.mode === 'replicated' || deploy.mode === undefined)) continue;
      if (!['replicas', 'resources'].includes(key)) this.ignore(ctx, `deploy.${key}`, `${deployPath}.${key}`);
    }
    const replicasPath = deploy.replicas !== undefined ? `${deployPath}.replicas` : `${ctx.base}.scale`;
    const replicasValue = deploy.replicas ?? spec.scale;
    let replicas: number | undefined;
    if (replicasValue !== undefined && replicasValue !== null) {
      const n = Number(replicasValue);
      if (Number.isInteger(n) && n >= 0 && n <= 1000) replicas = n;
      else this.problem(replicasPath, replicasValue, 'Give a whole number of tasks from 0 to 1000.');
    }
    const resources = isMapping(deploy.resources) ? deploy.resources : {};
    const limits = isMapping(resources.limits) ? resources.limits : {};
    const reservations = isMapping(resources.reservations) ? resources.reservations : {};
    for (const [group, values] of [['limits', limits], ['reservations', reservations]] as const) {
      for (const key of Object.keys(values)) {
        if (!['cpus', 'memory'].includes(key)) this.ignore(ctx, `deploy.resources.${group}.${key}`, `${deployPath}.resources.${group}.${key}`);
      }
    }
    for (const key of Object.keys(resources)) {
      if (!['limits', 'reservations'].includes(key)) this.ignore(ctx, `deploy.resources.${key}`, `${deployPath}.resources.${key}`);
    }
    const cpu = (raw: unknown, valuePath: string) => {
      if (raw === undefined || raw === null) return undefined;
      const units = parseCpuUnits(raw);
      if (units === undefined) this.problem(valuePath, raw, 'Give a number of CPUs greater than 0, e.g. 0.5 or "2".');
      return units;
    };
    const memory = (raw: unknown, valuePath: string) => {
      if (raw === undefined || raw === null) return undefined;
      const mib = parseMemoryMiB(raw);
      if (mib === undefined) this.problem(valuePath, raw, 'Give a size such as "512m", "1g" or "1.5gb" (units b, k, m, g; 1024-based).');
      return mib;
    };
    return {
      replicas,
      cpuLimit: cpu(limits.cpus, `${deployPath}.resources.limits.cpus`) ?? cpu(spec.cpus, `${ctx.base}.cpus`),
      cpuReservation: cpu(reservations.cpus, `${deployPath}.resources.reservations.cpus`),
      memoryLimitMiB: memory(limits.memory, `${deployPath}.resources.limits.memory`) ?? memory(spec.mem_limit, `${ctx.base}.mem_limit`),
      memoryReservationMiB: memory(reservations.memory, `${deployPath}.resources.reservations.memory`) ?? memory(spec.mem_reservation, `${ctx.base}.mem_reservation`),
    };
  }

  private readServiceSecrets(ctx: ServiceContext, value: unknown, secrets: ComposeSecret[]): ComposeSecretUse[] {
    if (value === undefined || value === null) return [];
    const secPath = `${ctx.base}.secrets`;
    if (!Array.isArray(value)) {
      this.problem(secPath, value, 'Give `secrets` as a list of secret names or { source, target } mappings.');
      return [];
    }
    const out: ComposeSecretUse[] = [];
    value.forEach((entry, index) => {
      const entryPath = `${secPath}[${index}]`;
      const long = isMapping(entry) ? entry : undefined;
      const source = long ? scalarString(long.source) : scalarString(entry);
      if (long) {
        for (const key of Object.keys(long)) {
          if (!['source', 'target'].includes(key)) this.ignore(ctx, `secrets.${key}`, `${entryPath}.${key}`);
        }
      }
      if (source === undefined) {
        this.problem(entryPath, entry, 'Name a top-level secret, or give { source, target }.');
        return;
      }
      if (!secrets.some(s => s.name === source)) {
        this.problem(entryPath, source, `Declare "${source}" under the top-level \`secrets\` (e.g. with \`external: true\` for an existing Secrets Manager secret).`);
        return;
      }
      const target = long ? scalarString(long.target) : undefined;
      const targetName = target === undefined ? undefined : path.posix.basename(target);
      const variable = targetName !== undefined && VARIABLE_NAME.test(targetName)
        ? targetName
        : source.toUpperCase().replace(/[^A-Z0-9_]/g, '_').replace(/^(\d)/, '_$1');
      const clash = out.find(use => use.variable === variable);
      if (clash) {
        this.problem(entryPath, entry,
          `The secrets "${clash.secret}" and "${source}" both become the environment variable ${variable}: give one of them another \`target\`.`);
        return;
      }
      out.push({ secret: source, variable });
    });
    return out;
  }

  private readVolumes(ctx: ServiceContext, value: unknown, volumes: string[]): ComposeMount[] {
    if (value === undefined || value === null) return [];
    const volPath = `${ctx.base}.volumes`;
    if (!Array.isArray(value)) {
      this.problem(volPath, value, 'Give `volumes` as a list, e.g. ["db-data:/var/lib/postgresql/data"].');
      return [];
    }
    const mounts: ComposeMount[] = [];
    value.forEach((entry, index) => {
      const entryPath = `${volPath}[${index}]`;
      const mount = isMapping(entry) ? this.readLongVolume(ctx, entry, entryPath) : this.readShortVolume(entry, entryPath);
      if (!mount) return;
      if (!mount.target.startsWith('/')) {
        this.problem(entryPath, entry, 'The container path of a volume is absolute, e.g. "/data".');
        return;
      }
      if (mount.kind === 'volume' && !volumes.includes(mount.source!)) {
        this.problem(entryPath, entry, `The named volume "${mount.source}" is not declared: add it under the top-level \`volumes\` (e.g. "volumes:\\n  ${mount.source}: {}").`);
        return;
      }
      if (mount.kind === 'bind') {
        if (this.options.fargate) {
          this.problem(entryPath, entry,
            'A bind mount needs a directory on the host, and Fargate has no host: use a named volume (an EFS access point), bake the files into the image, or use launchType EC2 with an absolute host path.');
          return;
        }
        if (!mount.source!.startsWith('/')) {
          this.problem(entryPath, entry,
            'On EC2 a bind mount mounts a directory of the container instance, so its host path is absolute (e.g. "/var/log/app:/logs"); files next to the Compose file are not on the instance: bake them into the image.');
          return;
        }
      }
      mounts.push(mount);
    });
    return mounts;
  }

  /** Docker refuses two mounts at one container path, and ECS two identical mount points. */
  private uniqueTargets(ctx: ServiceContext, mounts: ComposeMount[]): ComposeMount[] {
    const out: ComposeMount[] = [];
    for (const mount of mounts) {
      const first = out.find(m => m.target.replace(/\/+$/, '') === mount.target.replace(/\/+$/, ''));
      if (first) {
        this.problem(`${ctx.base}.volumes`, mount.target, `Two mounts (volumes, tmpfs) use the container path ${mount.target}: keep one.`);
        continue;
      }
      out.push(mount);
    }
    return out;
  }

  private readShortVolume(entry: unknown, entryPath: string): ComposeMount | undefined {
    const text = scalarString(entry);
    const parts = text?.split(':') ?? [];
    if (text === undefined || parts.length > 3 || parts.some(p => p === '')) {
      this.problem(entryPath, entry, 'Use SOURCE:TARGET[:MODE] (e.g. "db-data:/var/lib/postgresql/data", "/var/log:/logs:ro") or just TARGET for an anonymous volume.');
      return undefined;
    }
    if (parts.length === 1) return { kind: 'anonymous', target: parts[0], readOnly: false };
    const [source, target, mode] = parts;
    const readOnly = (mode ?? '').split(',').includes('ro');
    const isPath = /^[./~]/.test(source);
    return { kind: isPath ? 'bind' : 'volume', source, target, readOnly };
  }

  private readLongVolume(ctx: ServiceContext, entry: Record<string, unknown>, entryPath: string): ComposeMount | undefined {
    const type = scalarString(entry.type) ?? 'volume';
    const target = scalarString(entry.target);
    const source = scalarString(entry.source);
    for (const key of Object.keys(entry)) {
      if (!['type', 'source', 'target', 'read_only', 'tmpfs', 'bind', 'volume'].includes(key)) {
        this.ignore(ctx, `volumes.${key}`, `${entryPath}.${key}`);
      }
    }
    for (const nested of ['bind', 'volume'] as const) {
      if (isMapping(entry[nested])) {
        for (const key of Object.keys(entry[nested] as object)) {
          if (!(nested === 'bind' && key === 'create_host_path')) this.ignore(ctx, `volumes.${nested}.${key}`, `${entryPath}.${nested}.${key}`);
        }
      }
    }
    if (target === undefined) {
      this.problem(entryPath, entry, 'A volume needs `target`, the path in the container.');
      return undefined;
    }
    const readOnly = entry.read_only === true || entry.read_only === 'true';
    switch (type) {
      case 'volume':
        return source === undefined ? { kind: 'anonymous', target, readOnly } : { kind: 'volume', source, target, readOnly };
      case 'bind':
        if (source === undefined) {
          this.problem(entryPath, entry, 'A bind mount needs `source`, the host path.');
          return undefined;
        }
        return { kind: 'bind', source, target, readOnly };
      case 'tmpfs': {
        const tmpfs = isMapping(entry.tmpfs) ? entry.tmpfs : {};
        for (const key of Object.keys(tmpfs)) {
          if (key !== 'size') this.ignore(ctx, `volumes.tmpfs.${key}`, `${entryPath}.tmpfs.${key}`);
        }
        const sizeMiB = tmpfs.size === undefined ? undefined : parseMemoryMiB(tmpfs.size);
        if (tmpfs.size !== undefined && sizeMiB === undefined) this.problem(`${entryPath}.tmpfs.size`, tmpfs.size, 'Give a size such as "64m".');
        return { kind: 'tmpfs', target, readOnly, sizeMiB };
      }
      default:
        this.problem(`${entryPath}.type`, type, 'ECS mounts volume, bind and tmpfs volumes.');
        return undefined;
    }
  }

  private readTmpfs(ctx: ServiceContext, value: unknown): ComposeMount[] {
    if (value === undefined || value === null) return [];
    const list = typeof value === 'string' ? [value] : this.stringList(value, `${ctx.base}.tmpfs`) ?? [];
    return list.map(entry => {
      const [target, ...options] = entry.split(':');
      const size = options.join(':').split(',').find(o => o.startsWith('size='));
      return { kind: 'tmpfs' as const, target, readOnly: false, sizeMiB: size ? parseMemoryMiB(size.slice(5)) : undefined };
    });
  }

  private readStopGracePeriod(value: unknown, valuePath: string): number | undefined {
    if (value === undefined || value === null) return undefined;
    const ms = parseDuration(value);
    const max = this.options.fargate ? 120 : 3600;
    const seconds = ms === undefined ? undefined : Math.ceil(ms / 1000);
    if (seconds === undefined || seconds > max) {
      this.problem(valuePath, value, `Give a duration up to ${max} seconds${this.options.fargate ? ' (the Fargate maximum)' : ''}, e.g. "30s".`);
      return undefined;
    }
    return seconds;
  }

  private readPlatform(value: unknown, valuePath: string): 'X86_64' | 'ARM64' | undefined {
    if (value === undefined || value === null) return undefined;
    const text = scalarString(value);
    if (text === 'linux/amd64' || text === 'linux/x86_64') return 'X86_64';
    if (text === 'linux/arm64' || text === 'linux/arm64/v8') return 'ARM64';
    this.problem(valuePath, value, 'ECS runs linux/amd64 and linux/arm64 containers.');
    return undefined;
  }

  /** Service Connect DNS names and port names are lowercase: two services whose names differ only in case would get the same ones. */
  private checkNamesDifferInLowercase(serviceNames: string[]): void {
    const first = new Map<string, string>();
    for (const name of serviceNames) {
      const other = first.get(name.toLowerCase());
      if (other === undefined) {
        first.set(name.toLowerCase(), name);
        continue;
      }
      this.problem(`services.${name}`, name,
        `The services "${other}" and "${name}" differ only in case, and they would get the same Service Connect DNS name ("${name.toLowerCase()}", ` +
        'DNS names are lowercase) and port names: rename one of them.');
    }
  }

  // ---- references between services

  private checkReferences(services: ComposeService[]): void {
    const byName = new Map(services.map(s => [s.name, s]));
    for (const service of services) {
      const base = `services.${service.name}`;
      const kept: ComposeDependency[] = [];
      for (const dependency of service.dependsOn) {
        const optional = dependency.optional === true;
        const target = byName.get(dependency.service);
        const depPath = `${base}.depends_on`;
        const entryPath = this.tree.lines.has(`${depPath}.${dependency.service}`) ? `${depPath}.${dependency.service}` : depPath;
        if (!target) {
          this.problem(entryPath, dependency.service, `depends_on names a service this file does not define: use one of ${names(services)}.`);
        } else if (service.selected && !target.selected) {
          if (!optional) {
            this.problem(entryPath, dependency.service,
              `"${dependency.service}" is not in the selected profiles: add one of its profiles to the \`profiles\` prop, or make the dependency optional with \`required: false\`.`);
          }
        } else {
          if (dependency.condition === 'healthy' && !target.healthCheck) {
            this.problem(`${entryPath}.condition`, 'service_healthy',
              `"${dependency.service}" has no healthcheck, so it never becomes healthy: give it a healthcheck, or use condition service_started.`);
          }
          kept.push({ service: dependency.service, condition: dependency.condition });
        }
      }
      service.dependsOn = kept;
      for (const [key, refs] of [['links', service.links], ['volumes_from', service.volumesFrom]] as const) {
        refs.forEach((ref, index) => {
          const target = byName.get(ref.service);
          const refPath = `${base}.${key}[${index}]`;
          if (!target) {this.problem(refPath, ref.service, `${key} names a service this file does not define: use one of ${names(services)}.`);} else if (ref.service === service.name) {this.problem(refPath, ref.service, `A service cannot name itself in ${key}.`);} else if (service.selected && !target.selected) {
            this.problem(refPath, ref.service, `"${ref.service}" is not in the selected profiles: add one of its profiles to the \`profiles\` prop.`);
          }
        });
      }
    }
    const cycle = findCycle(services.filter(s => s.selected && byName.size > 0), byName);
    if (cycle) {
      this.problem(`services.${cycle[0]}`, cycle.join(' -> '),
        'Services cannot depend on each other in a circle (depends_on, links and volumes_from all order start-up): remove one of these dependencies.');
    }
  }
}

interface ServiceContext {
  readonly name: string;
  readonly base: string;
  readonly selected: boolean;
}

function names(services: ComposeService[]): string {
  return services.map(s => `"${s.name}"`).join(', ');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The services a service starts after: depends_on, links and volumes_from. */
export function startsAfter(service: ComposeService): string[] {
  return [...new Set([...service.dependsOn.map(d => d.service), ...service.links.map(l => l.service), ...service.volumesFrom.map(v => v.service)])];
}

/** A dependency cycle among the services, as names from the first back to it, or undefined. */
export function findCycle(services: ComposeService[], byName: Map<string, ComposeService>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    const service = byName.get(name);
    if (!service) return undefined;
    state.set(name, 'visiting');
    stack.push(name);
    for (const next of startsAfter(service)) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const service of services) {
    const cycle = visit(service.name);
    if (cycle) return cycle;
  }
  return undefined;
}
