/**
 * The Compose model `ComposeApp` builds from: what `loadProject` (load.ts)
 * reads from a Compose file, as plain values.
 */
import type { Variables } from './interpolate';
import type { ComposePort } from './ports';

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
  /** The ports the Dockerfile's built stage declares with `EXPOSE` (empty when it declares none or cannot be read). */
  readonly exposedPorts?: ComposePort[];
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
  /**
   * `volume`: a named volume (EFS); `bind`: a host path (EC2); `anonymous`: task storage; `tmpfs`: memory (EC2) or task storage (Fargate);
   * `copy`: files next to the Compose file (a relative bind mount), copied into an image derived from the service's image.
   */
  readonly kind: 'volume' | 'bind' | 'anonymous' | 'tmpfs' | 'copy';
  /** The named volume, the host path, or the absolute path of the files to copy. */
  readonly source?: string;
  readonly target: string;
  readonly readOnly: boolean;
  /** Size of a tmpfs mount in MiB. */
  readonly sizeMiB?: number;
  /** Whether the files to copy are a directory. */
  readonly directory?: boolean;
}

export interface ComposeSecretUse {
  /** The top-level secret. */
  readonly secret: string;
  /** The environment variable it is exposed as (`secretsAs: ENVIRONMENT_VARIABLES`). */
  readonly variable: string;
  /** The absolute path of its file in the container: `/run/secrets/<target or source>`, or an absolute `target`. */
  readonly target: string;
  /** The file's permission bits (long syntax `mode`, default 0o444). */
  readonly mode: number;
  /** The file's numeric owner and group (long syntax `uid`, `gid`); undefined: the container's user. */
  readonly uid?: string;
  readonly gid?: string;
  /** Where it is declared, e.g. `services.db.secrets[0]`. */
  readonly path: string;
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
  /** Linux capabilities added (`cap_add`), ECS names such as `NET_ADMIN` or `ALL`. */
  readonly capAdd?: string[];
  /** Linux capabilities dropped (`cap_drop`). */
  readonly capDrop?: string[];
  /** Namespaced kernel parameters (`sysctls`), by name. */
  readonly sysctls?: Record<string, string>;
  /** Resource limits (`ulimits`); -1 is unlimited (EC2 only). */
  readonly ulimits?: ComposeUlimit[];
  /** `privileged: true` (EC2 only). */
  readonly privileged?: boolean;
  /** `network_mode: host` (EC2 only): the task uses its instance's network. */
  readonly hostNetwork?: boolean;
}

export interface ComposeUlimit {
  /** Docker's name: `nofile`, `nproc`, `memlock`, ... */
  readonly name: string;
  readonly softLimit: number;
  readonly hardLimit: number;
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
  /** `secretsAs: ENVIRONMENT_VARIABLES`: secrets become variables, not files (their `mode`, `uid`, `gid` are ignored). */
  readonly secretsAsEnvironment?: boolean;
}

export interface LoadResult {
  /** Undefined when the file is not a Compose file at all. */
  readonly project?: ComposeProject;
  readonly problems: ComposeProblem[];
  readonly warnings: ComposeWarning[];
}
