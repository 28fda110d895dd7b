import * as fs from 'fs';
import * as path from 'path';
import {
  Annotations,
  Aws,
  Duration,
  Names,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
  aws_ec2 as ec2,
  aws_ecr as ecr,
  aws_ecs as ecs,
  aws_efs as efs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_logs as logs,
  aws_secretsmanager as secretsmanager,
  aws_servicediscovery as servicediscovery,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ComposeFile } from './compose-file';
import type { ComposeMount, ComposeProblem, ComposeProject, ComposeService, LoadResult } from './model';
import { httpNamespaceName, portMappingName, serviceDnsName, taskVolumeName } from './names';
import type { Unit } from './plan';
import { FARGATE_CAPACITY_PROVIDERS, checkCapacityProviderStrategy } from '../cluster/capacity-provider-checks';
import { EcsCluster } from '../cluster/ecs-cluster';
import { logStreamPrefix, plainDescription, securityGroupDescription } from '../core/names';
import { PropValidator, enumMemberName, isUnresolved } from '../core/validation';
import { FargateWebService } from '../service/fargate-web-service';
import { ISharedLoadBalancer, SharedLoadBalancer } from '../service/shared-load-balancer';
import { WebLoadBalancerOptions, checkOptionsWithoutLoadBalancer, webLoadBalancerOptions } from '../service/web-load-balancer-options';

/*
 * The Compose model, its YAML reader and the planner are loaded when a ComposeApp
 * reads its file, not when the library is loaded: most apps have no Compose file,
 * and they would pay about 5 ms at every synthesis for these modules.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const model = (): typeof import('./model') => require('./model');
const yamlTree = (): typeof import('./parse') => require('./parse');
const planner = (): typeof import('./plan') => require('./plan');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Where the services of a `ComposeApp` run.
 */
export enum ComposeLaunchType {
  /** Fargate: no instances to manage; every task has its own network interface (awsvpc). */
  FARGATE = 'FARGATE',
  /**
   * The cluster's EC2 container instances, with tasks in bridge network mode:
   * bind mounts (host paths), `links` and `volumes_from` work as on a Docker host.
   */
  EC2 = 'EC2',
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
  /** The cluster to run in (an `EcsCluster`, or any `ecs.ICluster` with a VPC). */
  readonly cluster: ecs.ICluster;

  /** The Compose file: `ComposeFile.fromFile('compose.yaml')` or `ComposeFile.fromString(yaml)`. */
  readonly composeFile: ComposeFile;

  /**
   * Where the services run.
   *
   * @default ComposeLaunchType.FARGATE
   */
  readonly launchType?: ComposeLaunchType;

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
   * Web services, by Compose service name, and how requests reach them.
   * Naming a service here makes it a web service even when no published port
   * looks like HTTP.
   *
   * @default - services that publish an HTTP port are web services, routed as
   * described in `ComposeWebServiceOptions`
   */
  readonly webServices?: { [service: string]: ComposeWebServiceOptions };

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
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * EC2 only: the capacity provider strategy of the services.
   *
   * @default - the first EC2 capacity group of an `EcsCluster`; for other
   * clusters, launch type EC2 on the instances already registered
   */
  readonly capacityProviderStrategies?: ecs.CapacityProviderStrategy[];
}

/** First port of the range Docker picks dynamic host ports from (bridge mode). */
const EPHEMERAL_PORTS = ec2.Port.tcpRange(32768, 65535);

/** An image in a private ECR repository: account, region, repository, tag, digest. */
const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)(?::([^@]+))?(?:@(sha256:[a-f0-9]{64}))?$/;

/** What was created for one unit (an ECS service running one or more Compose services). */
interface CreatedUnit {
  readonly unit: Unit;
  readonly service: ecs.BaseService;
  readonly taskDefinition: ecs.TaskDefinition;
  readonly containers: Map<string, ecs.ContainerDefinition>;
  readonly logGroup: logs.ILogGroup;
  readonly connections: ec2.Connections;
  readonly webService?: FargateWebService;
}

/**
 * A Docker Compose application on ECS: one ECS service per Compose service
 * (services that share volumes, or are linked on EC2, share one task), all
 * reachable from each other by their Compose service names through Service
 * Connect.
 *
 * - Services that publish an HTTP port become web services behind one shared
 *   Application Load Balancer (`FargateWebService`s on Fargate).
 * - Named volumes are access points of one encrypted EFS file system (retained).
 * - `secrets` become environment variables read from Secrets Manager.
 * - Every Compose key that is not mapped gives one warning
 *   (`cdk-ecs-kit:ComposeApp.ignoredKey`, context `{ service, key }`); bad input
 *   fails with the file, the line and the key.
 *
 * @exampleMetadata nofixture
 * @example
 * import { Stack } from 'aws-cdk-lib';
 * import { ComposeApp, ComposeFile, EcsCluster } from 'cdk-ecs-kit';
 *
 * declare const stack: Stack;
 * const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'shop' });
 * const app = new ComposeApp(stack, 'Shop', {
 *   cluster,
 *   composeFile: ComposeFile.fromFile('compose.yaml'),
 *   environment: { TAG: 'v1.4.2' },
 * });
 * app.webService('web')?.scaling.scaleOnRequestCount('Requests', {
 *   requestsPerTarget: 1000,
 *   targetGroup: app.webService('web')!.targetGroup,
 * });
 */
export class ComposeApp extends Construct {
  /** The Compose services that run (selected by `profiles`), in file order. */
  public readonly serviceNames: string[];

  /** The Compose file's top-level `name`, if it has one. */
  public readonly projectName?: string;

  /**
   * The Cloud Map namespace in which the services reach each other by name
   * (Service Connect): `serviceConnectNamespace`, the cluster's default
   * namespace, or the HTTP namespace this construct created.
   */
  public readonly serviceConnectNamespace: servicediscovery.INamespace;

  /** The load balancer of the web services, when there are any. */
  public readonly loadBalancer?: ISharedLoadBalancer;

  /** The EFS file system of the named volumes, when there are any. */
  public readonly fileSystem?: efs.FileSystem;

  private readonly props: ComposeAppProps;
  private readonly fargate: boolean;
  private readonly units = new Map<string, CreatedUnit>();
  private readonly accessPoints = new Map<string, efs.AccessPoint>();
  private readonly secretsByName = new Map<string, secretsmanager.ISecret>();
  private readonly project: ComposeProject;

  constructor(scope: Construct, id: string, props: ComposeAppProps) {
    super(scope, id);
    this.props = props;
    const launchType = props.launchType ?? ComposeLaunchType.FARGATE;
    this.fargate = launchType === ComposeLaunchType.FARGATE;
    const file = props.composeFile;

    const validator = new PropValidator(this, 'ComposeApp');
    const content = file._readContent();
    if (content === undefined) {
      validator.report('composeFile', file.fileName, `The file cannot be read (resolved to ${path.resolve(file.fileName)}): check the path, which is relative to the working directory of \`cdk synth\`.`);
      validator.throwIfInvalid();
    }
    const variables = this.readVariables(validator);
    this.checkProps(validator, launchType);
    validator.throwIfInvalid();

    const loaded: LoadResult = model().loadProject(content!, {
      fileName: file.fileName,
      directory: file.directory,
      fargate: this.fargate,
      variables,
      profiles: props.profiles ?? [],
      imageOverrides: Object.keys(props.images ?? {}),
    });
    reportProblems(validator, loaded.problems);
    validator.throwIfInvalid();
    const project = loaded.project!;
    this.project = project;
    this.projectName = project.name;

    const selected = project.services.filter(s => s.selected);
    this.serviceNames = selected.map(s => s.name);
    for (const [prop, names] of [['images', props.images], ['webServices', props.webServices]] as const) {
      for (const name of Object.keys(names ?? {})) {
        if (!this.serviceNames.includes(name)) {
          validator.report(`${prop}.${name}`, name, `The Compose file has no running service "${name}": use one of ${quoteList(this.serviceNames)}.`);
        }
      }
    }
    for (const name of Object.keys(props.secrets ?? {})) {
      if (!project.secrets.some(s => s.name === name)) {
        validator.report(`secrets.${name}`, name, `The Compose file declares no secret "${name}": use one of ${quoteList(project.secrets.map(s => s.name))}.`);
      }
    }
    const tree = yamlTree().parseYaml(content!).tree!;
    const plan = planner().planUnits(project.services, {
      fargate: this.fargate,
      webServices: props.webServices ?? {},
      lineOf: p => yamlTree().lineOf(tree, p),
      fileName: file.fileName,
    });
    reportProblems(validator, plan.problems);
    reportProblems(validator, this.derivedNameProblems(plan.units, p => yamlTree().lineOf(tree, p)));
    validator.throwIfInvalid();

    for (const warning of loaded.warnings) {
      Annotations.of(this).addWarningV2(`cdk-ecs-kit:ComposeApp.${warning.code}`, warning.message, { context: warning.context });
    }

    this.serviceConnectNamespace = props.serviceConnectNamespace ?? props.cluster.defaultCloudMapNamespace ?? new servicediscovery.HttpNamespace(this, 'Namespace', {
      name: project.name !== undefined && project.name !== '' ? httpNamespaceName(project.name)
        : Names.uniqueResourceName(this, { maxLength: 64, separator: '-' }).toLowerCase(),
      description: plainDescription(`Service Connect namespace of the Compose app ${this.node.path}`, 1024),
    });

    if (selected.some(s => s.mounts.some(m => m.kind === 'volume'))) {
      this.fileSystem = this.createFileSystem(selected);
    }

    if (plan.units.some(u => u.web)) {
      this.loadBalancer = props.loadBalancer ?? new SharedLoadBalancer(this, 'LoadBalancer', {
        ...webLoadBalancerOptions(props),
        vpc: props.cluster.vpc,
      });
    }

    for (const unit of plan.units) {
      const created = unit.web && this.fargate ? this.createFargateWebUnit(unit) : this.createUnit(unit);
      // A one-shot service runs in every task that waits for it; the accessors return the first.
      for (const member of unit.members) if (!this.units.has(member.name)) this.units.set(member.name, created);
      this.warnInternalPorts(unit);
    }
    this.connectUnits(plan.units);
    this.orderUnits(plan.units);
  }

  // ---- accessors

  /** The ECS service running a Compose service (an `ecs.FargateService` or `ecs.Ec2Service`). */
  public service(name: string): ecs.BaseService {
    return this.unit(name, 'service').service;
  }

  /** The ECS service running a Compose service on Fargate, or `undefined` on EC2. */
  public fargateService(name: string): ecs.FargateService | undefined {
    const service = this.unit(name, 'fargateService').service;
    return service instanceof ecs.FargateService ? service : undefined;
  }

  /** The ECS service running a Compose service on EC2, or `undefined` on Fargate. */
  public ec2Service(name: string): ecs.Ec2Service | undefined {
    const service = this.unit(name, 'ec2Service').service;
    return service instanceof ecs.Ec2Service ? service : undefined;
  }

  /** The `FargateWebService` of a Compose service that serves HTTP on Fargate, or `undefined` for other services. */
  public webService(name: string): FargateWebService | undefined {
    return this.unit(name, 'webService').webService;
  }

  /** The task definition a Compose service runs in (shared with the services of its task). */
  public taskDefinition(name: string): ecs.TaskDefinition {
    return this.unit(name, 'taskDefinition').taskDefinition;
  }

  /** The container of a Compose service. */
  public container(name: string): ecs.ContainerDefinition {
    return this.unit(name, 'container').containers.get(name)!;
  }

  /** The log group of a Compose service's task. */
  public logGroup(name: string): logs.ILogGroup {
    return this.unit(name, 'logGroup').logGroup;
  }

  /** The EFS access point of a named volume. */
  public accessPoint(volumeName: string): efs.AccessPoint {
    const accessPoint = this.accessPoints.get(volumeName);
    if (!accessPoint) {
      const validator = new PropValidator(this, 'ComposeApp.accessPoint');
      validator.report('volumeName', volumeName, `No running service mounts a named volume "${volumeName}": use one of ${quoteList([...this.accessPoints.keys()])}.`);
      validator.throwIfInvalid();
    }
    return accessPoint!;
  }

  /** The Secrets Manager secret behind a Compose secret used by a running service. */
  public secret(name: string): secretsmanager.ISecret {
    const secret = this.secretsByName.get(name);
    if (!secret) {
      const validator = new PropValidator(this, 'ComposeApp.secret');
      validator.report('name', name, `No running service uses a secret "${name}": use one of ${quoteList([...this.secretsByName.keys()])}.`);
      validator.throwIfInvalid();
    }
    return secret!;
  }

  private unit(name: string, method: string): CreatedUnit {
    const unit = this.units.get(name);
    if (!unit) {
      const validator = new PropValidator(this, `ComposeApp.${method}`);
      validator.report('name', name, `The app runs no Compose service "${name}": use one of ${quoteList(this.serviceNames)}.`);
      validator.throwIfInvalid();
    }
    return unit!;
  }

  // ---- input

  private readVariables(validator: PropValidator): Record<string, string> {
    const file = this.props.composeFile;
    const given = this.props.environment ?? {};
    let envFile: string | undefined;
    let displayName: string | undefined;
    if (this.props.envFile !== undefined && !Token.isUnresolved(this.props.envFile)) {
      envFile = path.resolve(this.props.envFile);
      displayName = this.props.envFile;
      if (!fs.existsSync(envFile)) {
        validator.report('envFile', this.props.envFile, `The env file does not exist (resolved to ${envFile}): the path is relative to the working directory of \`cdk synth\`.`);
        return { ...given };
      }
    } else if (file.isOnDisk && fs.existsSync(path.join(file.directory, '.env'))) {
      envFile = path.join(file.directory, '.env');
      displayName = path.join(path.dirname(file.fileName), '.env');
    }
    if (envFile === undefined) return { ...given };
    const result = model().readEnvFile(envFile, displayName!, given);
    reportProblems(validator, result.problems);
    return result.values;
  }

  private checkProps(validator: PropValidator, launchType: ComposeLaunchType): void {
    const props = this.props;
    checkOptionsWithoutLoadBalancer(validator, props, props.loadBalancer !== undefined);
    const cluster = props.cluster;
    const strategies = props.capacityProviderStrategies;
    if (launchType === ComposeLaunchType.EC2) {
      // ecs.Cluster (and EcsCluster) know whether they have EC2 capacity; an imported cluster says so in its attributes.
      if ((cluster as { hasEc2Capacity?: unknown }).hasEc2Capacity === false) {
        validator.report('launchType', 'ComposeLaunchType.EC2',
          `The cluster ${cluster.node.path} has no EC2 capacity, so no task could be placed: add some (EcsCluster: ec2Capacity or addEc2Capacity(...); ` +
          'ecs.Cluster: addAsgCapacityProvider(...)) before creating the ComposeApp, or use ComposeLaunchType.FARGATE.');
      }
      if (strategies !== undefined) {
        checkCapacityProviderStrategy(validator, 'capacityProviderStrategies', strategies, cluster);
        // The checker compares literal names only; the same token twice is the same provider too (EC2 providers are named by tokens).
        const tokenNames = strategies.map(s => s.capacityProvider).filter(name => Token.isUnresolved(name));
        const repeated = tokenNames.filter((name, i) => tokenNames.indexOf(name) !== i);
        if (repeated.length > 0) {
          validator.report('capacityProviderStrategies[].capacityProvider', [...new Set(repeated)].map(name => Stack.of(this).resolve(name)),
            'Each capacity provider can appear once in a strategy: merge the entries into one (add their weights).');
        }
        // Mixed with literal EC2 provider names, the checker reports the mix; with EC2 providers named by tokens (or none), report here.
        const resolvedNames = strategies.map(s => s.capacityProvider).filter(name => !Token.isUnresolved(name));
        const fargateProviders = resolvedNames.filter(name => FARGATE_CAPACITY_PROVIDERS.includes(name));
        if (fargateProviders.length > 0 && fargateProviders.length === resolvedNames.length) {
          validator.report('capacityProviderStrategies[].capacityProvider', fargateProviders,
            'With launchType EC2 the services run on the cluster\'s EC2 capacity providers; FARGATE and FARGATE_SPOT run Fargate tasks: ' +
            'name an EC2 capacity provider of the cluster, or use ComposeLaunchType.FARGATE (without capacityProviderStrategies).');
        }
      }
    } else if (strategies !== undefined) {
      validator.report('capacityProviderStrategies', isUnresolved(strategies) ? strategies : strategies.map(s => s.capacityProvider),
        'Only used with launchType EC2; Fargate services run on regular Fargate: remove it, or use ComposeLaunchType.EC2.');
    }
    if (props.logRetention !== undefined && !Token.isUnresolved(props.logRetention)) {
      const name = enumMemberName(logs.RetentionDays, props.logRetention);
      validator.check('logRetention', name === undefined ? props.logRetention : `logs.RetentionDays.${name}`,
        name !== undefined && props.logRetention !== logs.RetentionDays.INFINITE,
        'Logs must expire: choose a finite logs.RetentionDays value such as logs.RetentionDays.THREE_MONTHS.');
    }
    this.checkTokens(validator);
  }

  /** Props read at synth time cannot be unresolved tokens (values in the Compose file are checked when it is read). */
  private checkTokens(validator: PropValidator): void {
    const props = this.props;
    const file = props.composeFile;
    const refuse = (prop: string, value: unknown, fix: string) => {
      if (isUnresolved(value)) validator.report(prop, value, `${fix} It is read at synth time, so it cannot be an unresolved token.`);
    };
    refuse('composeFile', file.fileName, 'Give the Compose file\'s path or name as a literal string.');
    if (!file.isOnDisk) refuse('composeFile', file._readContent(), 'Give the YAML text itself; pass deploy-time values as variables of the `environment` prop.');
    refuse('envFile', props.envFile, 'Give the env file\'s path as a literal string.');
    refuse('profiles', props.profiles, 'Name the profiles as literal strings.');
    for (const key of Object.keys(props.environment ?? {})) {
      refuse(`environment.${key}`, key, 'Variable names are literal strings (their values may be tokens).');
    }
    for (const [name, options] of Object.entries(props.webServices ?? {})) {
      refuse(`webServices.${name}.containerPort`, options.containerPort, 'Give the container port as a number: it is matched with the service\'s Compose ports.');
      validator.checkInteger(`webServices.${name}.containerPort`, options.containerPort, 1, 65535, 'Give the port the container serves HTTP on, from 1 to 65535.');
    }
  }

  // ---- shared resources

  private createFileSystem(selected: ComposeService[]): efs.FileSystem {
    const vpc = this.props.cluster.vpc;
    const securityGroup = new ec2.SecurityGroup(this, 'FileSystemSecurityGroup', {
      vpc,
      description: securityGroupDescription(`EFS file system of ${this.node.path}: NFS only from the tasks that mount its named volumes`),
      allowAllOutbound: false,
    });
    const fileSystem = new efs.FileSystem(this, 'FileSystem', {
      vpc,
      encrypted: true,
      removalPolicy: RemovalPolicy.RETAIN,
      securityGroup,
      enableAutomaticBackups: true,
      allowAnonymousAccess: false,
      performanceMode: efs.PerformanceMode.GENERAL_PURPOSE,
      throughputMode: efs.ThroughputMode.ELASTIC,
    });
    const used = [...new Set(selected.flatMap(s => s.mounts.filter(m => m.kind === 'volume').map(m => m.source!)))];
    for (const volume of used) {
      this.accessPoints.set(volume, fileSystem.addAccessPoint(`AccessPoint-${volume}`, {
        path: `/${volume}`,
        // Containers run as any user (databases often switch users at start): the volume's directory is
        // writable by all of them. Only this app's tasks reach the file system (security group, IAM).
        createAcl: { ownerUid: '0', ownerGid: '0', permissions: '777' },
      }));
    }
    return fileSystem;
  }

  private secretFor(name: string): secretsmanager.ISecret {
    const existing = this.secretsByName.get(name);
    if (existing) return existing;
    const spec = this.project.secrets.find(s => s.name === name)!;
    const id = `Secret-${name}`;
    let secret: secretsmanager.ISecret;
    if (this.props.secrets?.[name]) {
      secret = this.props.secrets[name];
    } else if (spec.kind === 'external') {
      secret = secretsmanager.Secret.fromSecretNameV2(this, id, spec.externalName!);
    } else {
      const generated = new secretsmanager.Secret(this, id, {
        description: plainDescription(`Compose secret "${name}" of ${this.node.path}`, 2048),
        generateSecretString: { excludePunctuation: true, passwordLength: 32 },
        removalPolicy: RemovalPolicy.RETAIN,
      });
      Validations.of(generated).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason: 'A value generated for a Compose secret the application reads at start; rotating it needs an application-specific ' +
          'rotation function (add one with secret.addRotationSchedule).',
      });
      Annotations.of(this).addWarningV2('cdk-ecs-kit:ComposeApp.generatedSecret',
        `Compose secret "${name}" (${this.props.composeFile.fileName}${spec.line ? `:${spec.line}` : ''}) takes its value from a local ${spec.kind}, ` +
        'which is not uploaded: a Secrets Manager secret with a generated value was created instead (retained on delete). Set your value with ' +
        '`aws secretsmanager put-secret-value`, pass an existing secret in the `secrets` prop, or declare it `external: true` with its Secrets Manager `name`.',
        { context: { secret: name } });
      secret = generated;
    }
    this.secretsByName.set(name, secret);
    return secret;
  }

  // ---- units

  private image(member: ComposeService): ecs.ContainerImage {
    const given = this.props.images?.[member.name];
    if (given) return given;
    if (member.build) {
      return ecs.ContainerImage.fromAsset(member.build.context, {
        file: member.build.dockerfile,
        buildArgs: Object.keys(member.build.args).length > 0 ? member.build.args : undefined,
        target: member.build.target,
      });
    }
    const ecrImage = ECR_IMAGE.exec(member.image!);
    if (ecrImage) {
      const [, account, region, repositoryName, tag, digest] = ecrImage;
      const repository = ecr.Repository.fromRepositoryAttributes(this, `Repository-${member.name}`, {
        repositoryName,
        repositoryArn: `arn:${Aws.PARTITION}:ecr:${region}:${account}:repository/${repositoryName}`,
      });
      return ecs.ContainerImage.fromEcrRepository(repository, digest ?? tag ?? 'latest');
    }
    return ecs.ContainerImage.fromRegistry(member.image!);
  }

  /** Container options shared by both launch types and by FargateWebService sidecars. */
  private containerOptions(member: ComposeService, unit: Unit): ecs.ContainerDefinitionOptions {
    const secrets: { [name: string]: ecs.Secret } = {};
    for (const use of member.secrets) secrets[use.variable] = ecs.Secret.fromSecretsManager(this.secretFor(use.secret));
    const environment = { ...member.environment };
    for (const name of Object.keys(secrets)) delete environment[name];
    const hc = member.healthCheck;
    // A container others wait for to complete (an init job) must be allowed to stop.
    const runsToCompletion = unit.members.some(other => other.dependsOn.some(d => d.service === member.name && d.condition === 'completed'));
    const ec2DefaultMemory = !this.fargate && member.memoryLimitMiB === undefined && member.memoryReservationMiB === undefined;
    return {
      image: this.image(member),
      containerName: member.name,
      essential: !runsToCompletion,
      environment: Object.keys(environment).length > 0 ? environment : undefined,
      secrets: Object.keys(secrets).length > 0 ? secrets : undefined,
      command: member.command,
      entryPoint: member.entrypoint,
      workingDirectory: member.workingDir,
      user: member.user,
      dockerLabels: Object.keys(member.labels).length > 0 ? member.labels : undefined,
      healthCheck: hc ? {
        command: hc.command,
        interval: Duration.seconds(hc.intervalSeconds),
        timeout: Duration.seconds(hc.timeoutSeconds),
        retries: hc.retries,
        startPeriod: hc.startPeriodSeconds !== undefined ? Duration.seconds(hc.startPeriodSeconds) : undefined,
      } : undefined,
      readonlyRootFilesystem: member.readOnly ?? false,
      stopTimeout: member.stopTimeoutSeconds !== undefined ? Duration.seconds(member.stopTimeoutSeconds) : undefined,
      cpu: member.cpuLimit ?? member.cpuReservation,
      memoryLimitMiB: member.memoryLimitMiB,
      memoryReservationMiB: ec2DefaultMemory ? 512 : member.memoryReservationMiB,
    };
  }

  /** Port mappings of a member, named for Service Connect (and the web port given in `webServices`, if the service does not declare it). */
  private portMappings(member: ComposeService, unit: Unit): ecs.PortMapping[] {
    const mappings: ecs.PortMapping[] = member.ports.map(port => ({
      containerPort: port.containerPort,
      protocol: port.protocol === 'udp' ? ecs.Protocol.UDP : ecs.Protocol.TCP,
      name: portMappingName(member.name, port.containerPort, port.protocol),
      appProtocol: port.protocol === 'tcp' && unit.web?.port === port.containerPort && unit.members[0] === member ? ecs.AppProtocol.http : undefined,
    }));
    const web = unit.web;
    if (web && unit.members[0] === member && !member.ports.some(p => p.containerPort === web.port && p.protocol === 'tcp')) {
      mappings.push({ containerPort: web.port, protocol: ecs.Protocol.TCP, name: portMappingName(member.name, web.port, 'tcp'), appProtocol: ecs.AppProtocol.http });
    }
    return mappings;
  }

  /**
   * Port mapping names must be unique in a task, and Service Connect makes
   * each one a Cloud Map service of the namespace: they must be unique in the
   * app. Derived names are unique for distinct services, except when a service
   * name looks like another's port name ("api-80" and "api" publishing 80).
   */
  private derivedNameProblems(units: Unit[], lineOf: (path: string) => number | undefined): ComposeProblem[] {
    const fileName = this.props.composeFile.fileName;
    const problems: ComposeProblem[] = [];
    const owners = new Map<string, string>();
    const claim = (name: string, service: string) => {
      const owner = owners.get(name);
      if (owner === undefined) {
        owners.set(name, service);
      } else if (owner !== service) {
        const where = `services.${service}`;
        problems.push({
          file: fileName,
          line: lineOf(where),
          path: where,
          received: service,
          fix: `Its Service Connect port name "${name}" is also one of service "${owner}" (port names are "<service>-<port>", and a web service's ` +
            'is its name on Fargate): rename one of the two services.',
        });
      }
    };
    for (const unit of units) {
      const fargateWeb = this.fargate ? unit.web : undefined;
      unit.members.forEach((member, index) => {
        for (const port of member.ports) {
          const isWebPort = fargateWeb !== undefined && index === 0 && port.containerPort === fargateWeb.port && port.protocol === 'tcp';
          if (!isWebPort) claim(portMappingName(member.name, port.containerPort, port.protocol), member.name);
        }
      });
      const web = unit.web;
      if (web && !this.fargate && !unit.members[0].ports.some(p => p.containerPort === web.port && p.protocol === 'tcp')) {
        claim(portMappingName(unit.members[0].name, web.port, 'tcp'), unit.members[0].name);
      }
      if (fargateWeb) {
        const main = unit.members[0].name;
        const dnsName = serviceDnsName(main);
        claim(dnsName, main);
        // FargateWebService names its Service Connect port and DNS name after the container, in this syntax.
        if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(dnsName)) {
          problems.push({
            file: fileName,
            line: lineOf(`services.${main}`),
            path: `services.${main}`,
            received: main,
            fix: 'On Fargate a web service runs as a FargateWebService, whose Service Connect name (the service name in lowercase) takes only ' +
              'letters, digits and "-": rename the service (e.g. "my-api" for "my_api").',
          });
        }
      }
    }
    return problems;
  }

  /** Service Connect entries: every TCP port of every member, by the member's Compose name. */
  private serviceConnectServices(unit: Unit, skip?: { member: string; port: number }): ecs.ServiceConnectService[] {
    return unit.members.flatMap(member => member.ports
      .filter(port => port.protocol === 'tcp' && !(skip && skip.member === member.name && skip.port === port.containerPort))
      .map(port => ({ portMappingName: portMappingName(member.name, port.containerPort, 'tcp'), dnsName: serviceDnsName(member.name), port: port.containerPort })));
  }

  /** A unit that is not a Fargate web service: an ecs.FargateService or an ecs.Ec2Service, created here. */
  private createUnit(unit: Unit): CreatedUnit {
    const scope = new Construct(this, unit.id);
    const cluster = this.props.cluster;
    const logGroup = new logs.LogGroup(scope, 'LogGroup', {
      retention: this.props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const taskDefinition: ecs.TaskDefinition = this.fargate
      ? new ecs.FargateTaskDefinition(scope, 'TaskDefinition', {
        cpu: unit.size!.cpu,
        memoryLimitMiB: unit.size!.memoryMiB,
        runtimePlatform: {
          cpuArchitecture: unit.cpuArchitecture === 'ARM64' ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
          operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        },
      })
      : new ecs.Ec2TaskDefinition(scope, 'TaskDefinition', { networkMode: ecs.NetworkMode.BRIDGE });

    const containers = new Map<string, ecs.ContainerDefinition>();
    for (const member of unit.members) {
      const options = this.containerOptions(member, unit);
      const linuxParameters = this.linuxParameters(scope, member);
      containers.set(member.name, taskDefinition.addContainer(member.name, {
        ...options,
        linuxParameters,
        portMappings: this.portMappings(member, unit),
        logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: logStreamPrefix(member.name) }),
      }));
    }
    this.wireContainers(unit, containers);

    const serviceConnectConfiguration: ecs.ServiceConnectProps = {
      namespace: this.serviceConnectNamespace.namespaceArn,
      services: this.serviceConnectServices(unit),
    };
    const deployment = deploymentLimits(unit);
    let service: ecs.BaseService;
    let connections: ec2.Connections;
    if (this.fargate) {
      const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', {
        vpc: cluster.vpc,
        description: securityGroupDescription(`Tasks of ${scope.node.path}: only the declared ports, only from the other services of the Compose app`),
        allowAllOutbound: true,
      });
      const assignPublicIp = this.props.assignPublicIp ?? false;
      service = new ecs.FargateService(scope, 'Resource', {
        cluster,
        taskDefinition,
        desiredCount: unit.replicas ?? 1,
        ...deployment,
        circuitBreaker: { enable: true, rollback: true },
        assignPublicIp,
        vpcSubnets: { subnetType: assignPublicIp ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [securityGroup],
        propagateTags: ecs.PropagatedTagSource.SERVICE,
        enableECSManagedTags: true,
        serviceConnectConfiguration,
      });
      connections = service.connections;
    } else {
      const strategies = this.props.capacityProviderStrategies ?? defaultEc2Strategies(cluster);
      service = new ecs.Ec2Service(scope, 'Resource', {
        cluster,
        taskDefinition: taskDefinition as ecs.Ec2TaskDefinition,
        desiredCount: unit.replicas ?? 1,
        ...deployment,
        circuitBreaker: { enable: true, rollback: true },
        capacityProviderStrategies: strategies,
        propagateTags: ecs.PropagatedTagSource.SERVICE,
        enableECSManagedTags: true,
        serviceConnectConfiguration,
        healthCheckGracePeriod: unit.web ? Duration.seconds(60) : undefined,
      });
      if (strategies) service.node.addDependency(cluster);
      // Bridge mode: tasks use the instances' security groups, and Service Connect reaches other tasks on dynamic host ports.
      connections = cluster.connections;
      if (unit.web) this.attachEc2WebUnit(scope, unit, service);
    }
    const created: CreatedUnit = { unit, service, taskDefinition, containers, logGroup, connections };
    this.mountVolumes(created);
    this.acknowledgeEnvironment(unit, taskDefinition);
    this.acknowledgeImagePull(unit, taskDefinition);
    return created;
  }

  /** A unit whose main container serves HTTP on Fargate: a FargateWebService on the shared load balancer. */
  private createFargateWebUnit(unit: Unit): CreatedUnit {
    const web = unit.web!;
    const [main, ...others] = unit.members;
    const options = this.containerOptions(main, unit);
    const webService = new FargateWebService(this, unit.id, {
      cluster: this.props.cluster,
      image: options.image,
      containerName: main.name,
      containerPort: web.port,
      environment: options.environment,
      secrets: options.secrets,
      command: options.command,
      containerHealthCheck: options.healthCheck,
      readonlyRootFilesystem: options.readonlyRootFilesystem,
      cpu: unit.size!.cpu,
      memoryLimitMiB: unit.size!.memoryMiB,
      cpuArchitecture: unit.cpuArchitecture === 'ARM64' ? ecs.CpuArchitecture.ARM64 : undefined,
      loadBalancer: this.loadBalancer,
      pathPatterns: web.pathPatterns,
      hostHeaders: web.hostHeaders,
      priority: web.priority,
      healthCheckPath: web.healthCheckPath,
      healthyHttpCodes: web.healthyHttpCodes,
      minCapacity: unit.replicas,
      ...deploymentLimits(unit),
      enableServiceConnect: true,
      serviceConnectNamespace: this.serviceConnectNamespace,
      serviceConnectDnsName: serviceDnsName(main.name),
      logRetention: this.props.logRetention,
      assignPublicIp: this.props.assignPublicIp,
    });
    const container = webService.container;
    // FargateWebService has no props for these container settings: set them on the container definition (the first one).
    const cfnTaskDefinition = webService.taskDefinition.node.defaultChild as ecs.CfnTaskDefinition;
    const overrides: Record<string, unknown> = {
      EntryPoint: options.entryPoint,
      WorkingDirectory: options.workingDirectory,
      User: options.user,
      StopTimeout: options.stopTimeout?.toSeconds(),
      Cpu: options.cpu,
      Memory: options.memoryLimitMiB,
      MemoryReservation: options.memoryReservationMiB,
      Essential: options.essential === false ? false : undefined,
      LinuxParameters: main.init ? { InitProcessEnabled: true } : undefined,
    };
    for (const [key, value] of Object.entries(overrides)) {
      if (value !== undefined) cfnTaskDefinition.addPropertyOverride(`ContainerDefinitions.0.${key}`, value);
    }
    for (const [name, value] of Object.entries(options.dockerLabels ?? {})) container.addDockerLabel(name, value);
    // The web port is the service's own port mapping; its other ports are mapped too (reachable by IP inside the app).
    const extraPorts = this.portMappings(main, unit).filter(p => !(p.containerPort === web.port && p.protocol !== ecs.Protocol.UDP));
    if (extraPorts.length > 0) container.addPortMappings(...extraPorts);

    const containers = new Map<string, ecs.ContainerDefinition>([[main.name, container]]);
    for (const member of others) {
      const sidecar = webService.addSidecar(member.name, {
        ...this.containerOptions(member, unit),
        linuxParameters: this.linuxParameters(webService, member),
        portMappings: this.portMappings(member, unit),
      });
      containers.set(member.name, sidecar);
    }
    this.wireContainers(unit, containers);
    const created: CreatedUnit = {
      unit,
      service: webService.service,
      taskDefinition: webService.taskDefinition,
      containers,
      logGroup: webService.logGroup,
      connections: webService.connections,
      webService,
    };
    this.mountVolumes(created);
    this.acknowledgeEnvironment(unit, webService.taskDefinition);
    this.acknowledgeImagePull(unit, webService.taskDefinition);

    const unreachable = [
      ...extraPorts.filter(p => p.protocol !== ecs.Protocol.UDP).map(p => `${main.name}:${p.containerPort}`),
      ...this.serviceConnectServices({ ...unit, members: others }).map(s => `${s.dnsName}:${s.port}`),
    ];
    if (unreachable.length > 0) {
      Annotations.of(this).addWarningV2('cdk-ecs-kit:ComposeApp.portNotReachableByName',
        `Service "${main.name}" is a web service: other services reach it by name on port ${web.port} only; ${unreachable.join(', ')} ` +
        'are mapped in its task but have no Service Connect name. Move them to a service of their own to reach them by name.',
        { context: { service: main.name } });
    }
    return created;
  }

  /** EC2 web units: a target group (instance targets on dynamic host ports) on the shared load balancer. */
  private attachEc2WebUnit(scope: Construct, unit: Unit, service: ecs.BaseService): void {
    const web = unit.web!;
    const targetGroup = new elbv2.ApplicationTargetGroup(scope, 'TargetGroup', {
      vpc: this.props.cluster.vpc,
      protocol: elbv2.ApplicationProtocol.HTTP,
      port: web.port,
      targets: [service.loadBalancerTarget({ containerName: unit.members[0].name, containerPort: web.port })],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        enabled: true,
        path: web.healthCheckPath,
        healthyHttpCodes: web.healthyHttpCodes ?? '200-399',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
    this.loadBalancer!.addTargetGroup(scope, 'ListenerRule', {
      targetGroup,
      pathPatterns: web.pathPatterns,
      hostHeaders: web.hostHeaders,
      priority: web.priority,
    });
  }

  private linuxParameters(scope: Construct, member: ComposeService): ecs.LinuxParameters | undefined {
    const tmpfs = this.fargate ? [] : member.mounts.filter(m => m.kind === 'tmpfs');
    if (!member.init && tmpfs.length === 0) return undefined;
    const parameters = new ecs.LinuxParameters(scope, `LinuxParameters-${member.name}`, { initProcessEnabled: member.init });
    for (const mount of tmpfs) parameters.addTmpfs({ containerPath: mount.target, size: mount.sizeMiB ?? 64 });
    return parameters;
  }

  /** Links, volumes_from and dependencies between the containers of one task. */
  private wireContainers(unit: Unit, containers: Map<string, ecs.ContainerDefinition>): void {
    const conditions = {
      started: ecs.ContainerDependencyCondition.START,
      healthy: ecs.ContainerDependencyCondition.HEALTHY,
      completed: ecs.ContainerDependencyCondition.SUCCESS,
    };
    for (const member of unit.members) {
      const container = containers.get(member.name)!;
      if (!this.fargate) {
        for (const link of member.links) container.addLink(containers.get(link.service)!, link.alias);
      }
      for (const from of member.volumesFrom) {
        container.addVolumesFrom({ sourceContainer: from.service, readOnly: from.readOnly });
      }
      for (const dependency of member.dependsOn) {
        const target = containers.get(dependency.service);
        if (target) container.addContainerDependencies({ container: target, condition: conditions[dependency.condition] });
      }
    }
  }

  /** Named volumes (EFS), bind mounts (EC2 host paths), anonymous volumes and tmpfs on Fargate (task storage). */
  private mountVolumes(created: CreatedUnit): void {
    const { unit, taskDefinition, containers, service, connections } = created;
    let writes = false;
    let mountsEfs = false;
    const added = new Set<string>();
    for (const member of unit.members) {
      const container = containers.get(member.name)!;
      member.mounts.forEach((mount: ComposeMount, index) => {
        if (mount.kind === 'tmpfs' && !this.fargate) return; // EC2: linux parameters
        const volumeName = mount.kind === 'volume' ? taskVolumeName(mount.source!) : `${member.name}-${mount.kind}-${index}`;
        if (!added.has(volumeName)) {
          added.add(volumeName);
          if (mount.kind === 'volume') {
            taskDefinition.addVolume({
              name: volumeName,
              efsVolumeConfiguration: {
                fileSystemId: this.fileSystem!.fileSystemId,
                transitEncryption: 'ENABLED',
                authorizationConfig: { accessPointId: this.accessPoints.get(mount.source!)!.accessPointId, iam: 'ENABLED' },
              },
            });
          } else if (mount.kind === 'bind') {
            taskDefinition.addVolume({ name: volumeName, host: { sourcePath: mount.source } });
          } else {
            taskDefinition.addVolume({ name: volumeName });
          }
        }
        container.addMountPoints({ sourceVolume: volumeName, containerPath: mount.target, readOnly: mount.readOnly });
        if (mount.kind === 'volume') {
          mountsEfs = true;
          writes = writes || !mount.readOnly;
        }
      });
    }
    if (mountsEfs) {
      const fileSystem = this.fileSystem!;
      const actions = writes ? ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'] : ['elasticfilesystem:ClientMount'];
      fileSystem.grant(taskDefinition.taskRole, ...actions);
      fileSystem.connections.allowDefaultPortFrom(connections, `NFS from ${unit.id}`);
      service.node.addDependency(fileSystem.mountTargetsAvailable);
    }
  }

  private acknowledgeEnvironment(unit: Unit, taskDefinition: ecs.TaskDefinition): void {
    if (unit.members.some(m => Object.keys(m.environment).length > 0)) {
      Validations.of(taskDefinition).acknowledge({
        id: 'AwsSolutions-ECS2',
        reason: 'The environment variables come from the Compose file (environment, env_file): non-secret configuration; ' +
          'Compose secrets are passed from Secrets Manager.',
      });
    }
  }

  /** Images from `build` (assets) and ECR image URIs: pull access includes the docker login token, which has no resource. */
  private acknowledgeImagePull(unit: Unit, taskDefinition: ecs.TaskDefinition): void {
    const pullsFromEcr = unit.members.some(m => !this.props.images?.[m.name] && (m.build !== undefined || ECR_IMAGE.test(m.image ?? '')));
    if (pullsFromEcr && taskDefinition.executionRole) {
      Validations.of(taskDefinition.executionRole).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'Pulling from ECR (image assets built from the Compose `build`, ECR image URIs) needs ecr:GetAuthorizationToken, ' +
          'the 12-hour docker login token, which only supports resource "*"; the pull actions are scoped to the repository.',
      });
    }
  }

  private warnInternalPorts(unit: Unit): void {
    const byService = new Map<string, string[]>();
    for (const { service, port } of unit.internalPublishedPorts) {
      byService.set(service, [...byService.get(service) ?? [], `${port.hostPort ?? port.containerPort}:${port.containerPort}/${port.protocol}`]);
    }
    for (const [service, ports] of byService) {
      Annotations.of(this).addWarningV2('cdk-ecs-kit:ComposeApp.portNotPublic',
        `Service "${service}" publishes ${ports.join(', ')} (ports), which are not HTTP ports served through the load balancer: ` +
        'only the app\'s other services reach them, nothing outside the VPC does (the host ports are not used). ' +
        'To serve a port over HTTP, name the service in `webServices`; for other protocols add a Network Load Balancer in code.',
        { context: { service } });
    }
  }

  /** Every service may reach every other one on its declared ports (Service Connect), and nothing else. */
  private connectUnits(units: Unit[]): void {
    if (!this.fargate) {
      const connections = this.props.cluster.connections;
      if (units.length > 0 && connections.securityGroups.length > 0) {
        connections.allowInternally(EPHEMERAL_PORTS, 'Service Connect between bridge-mode tasks on dynamic host ports');
      }
      return;
    }
    for (const unit of units) {
      const target = this.units.get(unit.members[0].name)!;
      const ports = unit.members.flatMap(m => m.ports);
      for (const other of units) {
        if (other === unit) continue;
        const source = this.units.get(other.members[0].name)!;
        for (const port of ports) {
          const ec2Port = port.protocol === 'udp' ? ec2.Port.udp(port.containerPort) : ec2.Port.tcp(port.containerPort);
          target.connections.allowFrom(source.connections, ec2Port, `${port.containerPort}/${port.protocol} from Compose service ${other.id}`);
        }
      }
    }
  }

  /** depends_on, links and volumes_from across tasks: CloudFormation creates (and stabilizes) the dependency first. */
  private orderUnits(units: Unit[]): void {
    for (const unit of units) {
      const service = this.units.get(unit.members[0].name)!.service;
      for (const member of unit.members) {
        const targets = [...member.dependsOn.map(d => d.service), ...member.links.map(l => l.service)];
        for (const target of targets) {
          const other = this.units.get(target);
          if (other && other.unit !== unit) service.node.addDependency(other.service);
        }
      }
    }
  }
}

/** Deployment limits: services with named volumes stop the old task before the new one starts (no two writers). */
function deploymentLimits(unit: Unit): { minHealthyPercent: number; maxHealthyPercent: number } {
  return unit.stateful ? { minHealthyPercent: 0, maxHealthyPercent: 100 } : { minHealthyPercent: 100, maxHealthyPercent: 200 };
}

function defaultEc2Strategies(cluster: ecs.ICluster): ecs.CapacityProviderStrategy[] | undefined {
  if (cluster instanceof EcsCluster && cluster.ec2Capacities.length > 0) {
    return [{ capacityProvider: cluster.ec2Capacities[0].capacityProvider.capacityProviderName, weight: 1 }];
  }
  return undefined;
}

function quoteList(names: string[]): string {
  return names.length === 0 ? '(none)' : names.map(n => `"${n}"`).join(', ');
}

function reportProblems(validator: PropValidator, problems: ComposeProblem[]): void {
  for (const problem of problems) {
    const where = problem.file === undefined ? '' : `${problem.file}${problem.line !== undefined ? `:${problem.line}` : ''} `;
    validator.report(`${where}${problem.path}`, problem.received, problem.fix);
  }
}
