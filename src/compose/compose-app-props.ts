/**
 * The props of a `ComposeApp`: where its services run, how its web services
 * are routed, and what the Compose file cannot say (images, secrets, namespace).
 */
import {
  aws_ecs as ecs,
  aws_efs as efs,
  aws_kms as kms,
  aws_logs as logs,
  aws_secretsmanager as secretsmanager,
  aws_servicediscovery as servicediscovery,
} from 'aws-cdk-lib';
import { ComposeFile } from './compose-file';
import { TaskCapacity } from '../cluster/task-capacity';
import { ISharedLoadBalancer } from '../service/shared-load-balancer';
import { WebLoadBalancerOptions } from '../service/web-load-balancer-options';

/**
 * How a published Compose port (`ports`) is reached from outside the app.
 */
export enum ComposePortEndpoint {
  /**
   * A listener of the app's Application Load Balancer on the host port (HTTP,
   * or HTTPS when the load balancer has a certificate); port 80 or 443 is the
   * main listener.
   */
  APPLICATION_LOAD_BALANCER = 'APPLICATION_LOAD_BALANCER',
  /** A listener of the app's Network Load Balancer on the host port: TCP, UDP, or both (TCP_UDP). */
  NETWORK_LOAD_BALANCER = 'NETWORK_LOAD_BALANCER',
  /** Nothing outside the app: only the app's services reach the port, by the service's name. */
  NONE = 'NONE',
}

/**
 * How the services of a `ComposeApp` receive their Compose `secrets`.
 */
export enum ComposeSecretsAs {
  /**
   * As files, as under Compose: each secret is a file at
   * `/run/secrets/<name>` (or its long syntax `target`), with its `mode`,
   * `uid` and `gid`, on a volume mounted read-only. A short-lived init
   * container of the task receives the values from Secrets Manager (as ECS
   * secrets: they never appear in the template) and writes the files before
   * the service's container starts.
   */
  FILES = 'FILES',

  /**
   * As environment variables read from Secrets Manager, named after the
   * long syntax `target` (its last path segment) or the secret's name in
   * upper case (`db_password` gives `DB_PASSWORD`); nothing is mounted at
   * `/run/secrets`.
   */
  ENVIRONMENT_VARIABLES = 'ENVIRONMENT_VARIABLES',
}

/**
 * How a Compose service is served behind the app's load balancer.
 */
export interface ComposeWebServiceOptions {
  /**
   * The container port that serves HTTP.
   *
   * @default - the service's first published HTTP port (see the README for
   * what counts as HTTP), else its first published TCP port
   */
  readonly containerPort?: number;

  /**
   * Path patterns routed to the service, e.g. `['/api/*']`.
   *
   * @default - the first web service of the file is the load balancer's default
   * target; every other one gets `['/<name>', '/<name>/*']`
   */
  readonly pathPatterns?: string[];

  /**
   * Host names routed to the service (`Host` header).
   *
   * @default - any host
   */
  readonly hostHeaders?: string[];

  /**
   * Priority of the listener rule (1–50000).
   *
   * @default - the next free multiple of 10
   */
  readonly priority?: number;

  /**
   * Path of the load balancer's health check.
   *
   * @default - the path of a `http://localhost...` URL in the service's
   * Compose `healthcheck`, else `/`
   */
  readonly healthCheckPath?: string;

  /**
   * HTTP codes that count as healthy, e.g. `'200'` or `'200-299'`.
   *
   * @default '200-399'
   */
  readonly healthyHttpCodes?: string;
}

/**
 * Properties of a `ComposeApp`.
 *
 * The load balancer options (`internetFacing`, `certificate`, `domainName`,
 * `hostedZone`, `ingressCidrs`, `accessLogs*`, `loadBalancerSubnets`) configure
 * the load balancer the app creates for its web services; with
 * `loadBalancer` (a shared one) they are set on that `SharedLoadBalancer` instead.
 */
export interface ComposeAppProps extends WebLoadBalancerOptions {
  /**
   * The cluster to run in: an `EcsCluster`, one imported with
   * `EcsCluster.fromClusterAttributes`, or an `ecs.Cluster` of this app.
   */
  readonly cluster: ecs.ICluster;

  /** The Compose file: `ComposeFile.fromFile('compose.yaml')` or `ComposeFile.fromString(yaml)`. */
  readonly composeFile: ComposeFile;

  /**
   * Where the services run: `TaskCapacity.fargate({ ... })` or
   * `TaskCapacity.fargateSpot()` for Fargate (every task has its own network
   * interface), or `TaskCapacity.ec2(...)` for the cluster's EC2 container
   * instances, with tasks in bridge network mode: bind mounts (host paths),
   * `links` and `volumes_from` work as on a Docker host. `TaskCapacity.ec2()`
   * without capacities uses the cluster's on-demand capacities without GPUs
   * (all its EC2 capacities when there are none of that kind).
   *
   * @default - the cluster's `defaultTaskCapacity`, otherwise `TaskCapacity.fargate()`
   */
  readonly taskCapacity?: TaskCapacity;

  /**
   * Variables for interpolation (`${VAR}`, `${VAR:-default}`, …) and for
   * `environment` entries without a value. They override the env file.
   * The shell environment of `cdk synth` is not read, so synthesis gives the
   * same template everywhere: pass `process.env` values explicitly if you want them.
   *
   * @default - only the variables of the env file
   */
  readonly environment?: { [name: string]: string };

  /**
   * An env file with interpolation variables (`KEY=value` lines); a relative
   * path is resolved against the current working directory.
   *
   * @default - `.env` next to the Compose file when it exists and the file was
   * read with `ComposeFile.fromFile`; none otherwise
   */
  readonly envFile?: string;

  /**
   * Compose profiles to activate: services with `profiles` run only when one
   * of them is listed here. Services without `profiles` always run.
   *
   * @default - no profile: only services without `profiles`
   */
  readonly profiles?: string[];

  /**
   * Images given in code, by Compose service name: they replace the service's
   * `image` and `build` (e.g. `repo.containerImage('v1.2.3')` of an `EcrRepository`).
   *
   * @default - from each service's `image` (ECR images get pull access) or `build` (a Docker image asset)
   */
  readonly images?: { [service: string]: ecs.ContainerImage };

  /**
   * Secrets Manager secrets for the Compose file's top-level `secrets`, by secret name.
   *
   * @default - a secret with `external: true` is the Secrets Manager secret of
   * that `name` (or of the secret's key); for the others (`file`, `environment`)
   * a secret with a generated value is created, retained on delete, and a
   * warning says so — the local value is never uploaded
   */
  readonly secrets?: { [name: string]: secretsmanager.ISecret };

  /**
   * How services receive their Compose `secrets`: as files at
   * `/run/secrets/<name>`, as under Compose (images such as the official
   * databases read `*_FILE` variables that point there), or as environment
   * variables.
   *
   * @default ComposeSecretsAs.FILES
   */
  readonly secretsAs?: ComposeSecretsAs;

  /**
   * The image of the init container that writes the secret files: it needs
   * a POSIX `sh` with `printf`, `mkdir`, `chmod` and `chown`, for the task's
   * CPU architecture. Give one from your own registry when the tasks cannot
   * reach ECR Public (e.g. subnets with only VPC endpoints).
   *
   * @default - BusyBox from ECR Public (`public.ecr.aws/docker/library/busybox`)
   */
  readonly secretFilesImage?: ecs.ContainerImage;

  /**
   * Web services, by Compose service name, and how requests reach them.
   * Naming a service here makes it a web service even when no published port
   * looks like HTTP.
   *
   * @default - services that publish an HTTP port are web services, routed as
   * described in `ComposeWebServiceOptions`
   */
  readonly webServices?: { [service: string]: ComposeWebServiceOptions };

  /**
   * TCP ports other services reach a Compose service on by name (Service
   * Connect), by Compose service name, added to its `ports` and `expose`.
   * Under Compose a service is reached on any port it listens on; on AWS the
   * ports must be named. Give them for services that declare none when the
   * kit cannot find them (e.g. `{ cache: [6379] }`).
   *
   * @default - a service's `ports` and `expose`; for a service that declares
   * none, the `EXPOSE` ports of its local Dockerfile, the port of a few official
   * images (postgres, mysql, mariadb, redis, mongo, rabbitmq, memcached,
   * elasticsearch) and the ports its dependants name in their environment
   * (`redis://cache:6379`), with a warning for the guesses
   */
  readonly servicePorts?: { [service: string]: number[] };

  /**
   * How published ports are reached from outside the app, by
   * `"<service>:<host port>"` (both protocols) or `"<service>:<host port>/tcp"`
   * / `"/udp"`, e.g. `{ 'db:5432': ComposePortEndpoint.NETWORK_LOAD_BALANCER, 'game:27015/udp': ComposePortEndpoint.NONE }`.
   *
   * @default - HTTP ports (see the README) on the Application Load Balancer;
   * ports bound to a loopback host IP (`127.0.0.1:5432:5432`) and the usual
   * ports of databases, brokers and debuggers (see the README) inside the app;
   * every other TCP or UDP port on the Network Load Balancer
   */
  readonly publishedPorts?: { [port: string]: ComposePortEndpoint };

  /**
   * A shared load balancer for the web services, instead of creating one.
   *
   * @default - a `SharedLoadBalancer` is created (from the load balancer options)
   * when at least one service is a web service
   */
  readonly loadBalancer?: ISharedLoadBalancer;

  /**
   * The Cloud Map namespace in which services reach each other by their
   * Compose names (Service Connect).
   *
   * @default - the cluster's default namespace (`EcsCluster`'s
   * `cloudMapNamespaceName`); without one, an HTTP namespace named after the
   * Compose file's `name` (or this construct's path) is created
   */
  readonly serviceConnectNamespace?: servicediscovery.INamespace;

  /**
   * Give Fargate tasks a public IP address, in public subnets (no NAT gateway needed).
   * They still accept traffic only from the load balancer and the app's services.
   *
   * @default false
   */
  readonly assignPublicIp?: boolean;

  /**
   * How long container logs are kept. Log groups are retained on delete.
   *
   * @default logs.RetentionDays.ONE_MONTH; in the hardened profile, the profile's retention (a year unless `Hardening.enable` says more)
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The customer managed KMS key of what the app creates that holds data:
   * the log groups of its tasks, the EFS file system of its named volumes,
   * and the secrets it generates. The tasks' execution roles may decrypt the
   * secrets with it. The kit lets CloudWatch Logs (`logs.<region>.amazonaws.com`)
   * use a key of the app; an imported key's policy must already allow it.
   *
   * The key of an EFS file system is fixed when it is created: giving a key
   * to an app whose file system exists replaces the file system (a new,
   * empty one; the old one is retained). Give it to new apps only, or move
   * the data yourself.
   *
   * @default - AWS managed encryption (CloudWatch Logs' own, the `aws/elasticfilesystem`
   * and `aws/secretsmanager` keys); in the hardened profile, the profile's key
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * The CPU units (1024 = 1 vCPU) of what declares none in the Compose file
   * (`deploy.resources`, `cpus`): on Fargate, the least CPU of a task one of
   * whose containers declares none (the task gets the smallest Fargate size
   * that fits); on EC2, the CPU units each such container reserves.
   * From 1 to 16384.
   *
   * @default 256 on Fargate (a quarter vCPU per task); on EC2, no reservation (containers share the instance's CPU)
   */
  readonly defaultCpu?: number;

  /**
   * The memory, in MiB, of what declares none in the Compose file
   * (`deploy.resources`, `mem_limit`, `mem_reservation`): on Fargate, the
   * least memory of a task one of whose containers declares none (the task
   * gets the smallest Fargate size that fits); on EC2, the memory each such
   * container reserves (a soft limit). From 6 to 122880.
   *
   * @default 512
   */
  readonly defaultMemoryMiB?: number;

  /**
   * The POSIX user and group the EFS access points of the named volumes
   * enforce: every file operation through them runs as this user, whatever
   * user the container runs as, and each volume's directory is created owned
   * by it (mode 750).
   *
   * Without one, a volume's directory is writable by every user (mode 777)
   * and files keep the container's user: images that start as root and
   * switch users (e.g. the official Postgres image) work unchanged.
   *
   * @default - none; in the hardened profile, the numeric `uid:gid` the containers that mount the
   * volume run as (their Compose `user`, else the profile's `1000:1000`) when they all agree, else 1000:1000
   */
  readonly volumePosixUser?: efs.PosixUser;
}
