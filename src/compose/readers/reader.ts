/**
 * What every reader of a Compose file shares: the problems and warnings found
 * so far, and the readers of plain values (strings, lists, KEY=value maps,
 * commands) that report a value of the wrong shape.
 */
import type { ComposeProblem, ComposeWarning, LoadOptions } from '../model';
import { YamlTree, childPath, lineOf } from '../parse';
import { isMapping, scalarString, shellSplit } from '../values';

/** Why keys that cdk-ecs-kit does not map are ignored (default: `GENERIC_REASON`). */
export const IGNORED_KEY_REASONS: Record<string, string> = {
  'restart': 'an ECS service replaces stopped and failed tasks on its own and keeps deploy.replicas tasks running; Compose restart policies have no equivalent',
  'networks': 'every service of the app reaches every other one by its Compose name through Service Connect, and security groups admit only the ports a service declares (ports, expose); Compose networks are not mapped',
  'container_name': 'ECS names the container after its Compose service, which is also its Service Connect DNS name',
  'network_mode': 'only `network_mode: host` is mapped (on EC2); tasks use the awsvpc network mode on Fargate and bridge on EC2',
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
  'secrets.uid': 'with secretsAs: ComposeSecretsAs.ENVIRONMENT_VARIABLES secrets are environment variables, not files',
  'secrets.gid': 'with secretsAs: ComposeSecretsAs.ENVIRONMENT_VARIABLES secrets are environment variables, not files',
  'secrets.mode': 'with secretsAs: ComposeSecretsAs.ENVIRONMENT_VARIABLES secrets are environment variables, not files',
  'ports.mode': 'published HTTP ports are reached through the load balancer, other ports only inside the app',
  'ports.name': 'Service Connect port names are derived from the service name and port',
  'depends_on.restart': 'ECS does not restart dependents',
};

export const GENERIC_REASON = 'cdk-ecs-kit does not map it; customise the container in code through app.container(name) or app.taskDefinition(name)';
export const EXTENSION_REASON = 'extension fields (x-*) are for other tools and for YAML anchors; cdk-ecs-kit does not read them';

/** Named volumes and secrets (the Compose Specification's key pattern). */
export const RESOURCE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/** The service a reader reads a key of. */
export interface ServiceContext {
  readonly name: string;
  readonly base: string;
  readonly selected: boolean;
}

/** Collects the problems and warnings of one Compose file, and reads its plain values. */
export class ComposeReader {
  public readonly problems: ComposeProblem[] = [];
  public readonly warnings: ComposeWarning[] = [];
  /** The parsed file, for the line of each value. */
  public tree: YamlTree = { value: undefined, lines: new Map() };
  private readonly warned = new Set<string>();

  constructor(public readonly options: LoadOptions) {}

  // ---- reporting

  public problem(valuePath: string, received: unknown, fix: string): void {
    // One problem per value: a value refused when interpolated is not reported again when it is read.
    const where = valuePath || '(document)';
    if (this.problems.some(p => p.file === this.options.fileName && p.path === where)) return;
    this.problems.push({ file: this.options.fileName, line: lineOf(this.tree, valuePath), path: valuePath || '(document)', received, fix });
  }

  public where(valuePath: string): string {
    const line = lineOf(this.tree, valuePath);
    return `${this.options.fileName}${line !== undefined ? `:${line}` : ''}`;
  }

  public warn(code: string, context: Record<string, string>, message: string): void {
    const key = `${code}|${JSON.stringify(context)}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warnings.push({ code, context, message });
  }

  /** One warning per service and key, for selected services only. */
  public ignore(service: ServiceContext, key: string, valuePath: string, reason?: string): void {
    if (!service.selected) return;
    const why = reason ?? (key.startsWith('x-') ? EXTENSION_REASON : IGNORED_KEY_REASONS[key] ?? GENERIC_REASON);
    this.warn('ignoredKey', { service: service.name, key },
      `Compose key \`${key}\` of service "${service.name}" (${this.where(valuePath)}) is ignored: ${why}.`);
  }

  public ignoreTopLevel(key: string, reason: string): void {
    this.warn('ignoredKey', { key }, `Compose key \`${key}\` (${this.where(key)}) is ignored: ${reason}.`);
  }

  // ---- plain values

  public readKeyValues(value: unknown, valuePath: string, fromVariables: boolean): Record<string, string> {
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

  public readCommand(value: unknown, valuePath: string): string[] | undefined {
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

  public readString(value: unknown, valuePath: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    const text = scalarString(value);
    if (text === undefined) this.problem(valuePath, value, 'Give a string.');
    return text;
  }

  public readBoolean(value: unknown, valuePath: string): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    this.problem(valuePath, value, 'Give true or false.');
    return undefined;
  }

  public stringList(value: unknown, valuePath: string): string[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some(v => scalarString(v) === undefined)) {
      this.problem(valuePath, value, 'Give a list of strings.');
      return undefined;
    }
    return value.map(v => scalarString(v)!);
  }
}
