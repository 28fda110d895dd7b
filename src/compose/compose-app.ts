import * as fs from 'fs';
import * as path from 'path';
import {
  Annotations,
  Duration,
  Names,
  Token,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_efs as efs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_logs as logs,
  aws_secretsmanager as secretsmanager,
  aws_servicediscovery as servicediscovery,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ComposeAppProps, ComposePortEndpoint, ComposeSecretsAs } from './compose-app-props';
import type { EndpointKind } from './endpoints';
import type { ComposeProblem, LoadResult } from './model';
import { httpNamespaceName } from './names';
import type { Unit } from './plan';
import { connectUnits, orderUnits, warnInternalPorts } from './private/connections';
import { AppEndpoints, ingressSources } from './private/endpoints';
import { connectHostNetworkUnit, hostNetworkProblems, usesHostNetwork } from './private/host-network';
import { derivedNameProblems, serviceConnectServices } from './private/service-connect';
import { acknowledgeEnvironment, acknowledgeImagePull, createTaskDefinition } from './private/task-definition';
import { ComposeAppContext, CreatedUnit, deploymentLimits } from './private/unit';
import { createFileSystem, mountVolumes } from './private/volumes';
import { attachEc2WebUnit, createFargateWebUnit } from './private/web-units';
import { DEFAULT_FARGATE_SIZE } from './resources';
import { TaskCapacity, TaskCompute } from '../cluster/task-capacity';
import { ResolvedTaskCapacity, checkTaskCluster, resolveTaskCapacity, serviceEc2Capacities } from '../cluster/task-capacity-resolution';
import { hardeningOf, logGroupSecurity } from '../core/hardening';
import { plainDescription, securityGroupDescription } from '../core/names';
import { PropValidator, enumMemberName, isUnresolved } from '../core/validation';
import type { FargateWebService } from '../service/fargate-web-service';
import { ISharedLoadBalancer, SharedLoadBalancer } from '../service/shared-load-balancer';
import { checkOptionsWithoutLoadBalancer, webLoadBalancerOptions } from '../service/web-load-balancer-options';

/*
 * The Compose file's loader (load.ts and readers/), its YAML parser and the planner are loaded when a ComposeApp
 * reads its file, not when the library is loaded: most apps have no Compose file,
 * and they would pay about 5 ms at every synthesis for these modules.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const loader = (): typeof import('./load') => require('./load');
const yamlTree = (): typeof import('./parse') => require('./parse');
const planner = (): typeof import('./plan') => require('./plan');
const reachability = (): typeof import('./private/reachability') => require('./private/reachability');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * A Docker Compose application on ECS: one ECS service per Compose service
 * (services that share volumes, or are linked on EC2, share one task), all
 * reachable from each other by their Compose service names through Service
 * Connect.
 *
 * - Services that publish an HTTP port become web services behind one shared
 *   Application Load Balancer (`FargateWebService`s on Fargate).
 * - Named volumes are access points of one encrypted EFS file system (retained).
 * - Files of relative bind mounts (configuration) are copied into an image
 *   derived from the service's image; mounts of its own build context (hot
 *   reload) are dropped with a warning.
 * - `secrets` are files at `/run/secrets/<name>`, written from Secrets Manager
 *   by an init container of the task (or environment variables, `secretsAs`).
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

  /**
   * The Network Load Balancer of the published TCP and UDP ports that are not
   * HTTP (see `publishedPorts`), when there are any.
   */
  public readonly networkLoadBalancer?: elbv2.INetworkLoadBalancer;

  /** The EFS file system of the named volumes, when there are any. */
  public readonly fileSystem?: efs.FileSystem;

  private readonly props: ComposeAppProps;
  private readonly fargate: boolean;
  /** Where the services run: Fargate (with a strategy for Spot) or EC2 capacity providers. */
  private readonly capacity: ResolvedTaskCapacity;
  private readonly units = new Map<string, CreatedUnit>();
  private readonly accessPoints: ReadonlyMap<string, efs.AccessPoint> = new Map();
  private readonly secretsByName = new Map<string, secretsmanager.ISecret>();
  /** What the builders in private/ share, once the namespace, file system and load balancer exist. */
  private readonly context: ComposeAppContext;

  constructor(scope: Construct, id: string, props: ComposeAppProps) {
    super(scope, id);
    this.props = props;
    const file = props.composeFile;

    const validator = new PropValidator(this, 'ComposeApp');
    const capacity = checkTaskCluster(validator, props.cluster)
      ? resolveTaskCapacity(validator, props.taskCapacity, props.cluster, {
        prop: 'taskCapacity',
        computes: [TaskCompute.FARGATE, TaskCompute.EC2],
        fallback: TaskCapacity.fargate(),
        chooseEc2: serviceEc2Capacities,
      })
      : undefined;
    validator.throwIfInvalid();
    this.capacity = capacity!;
    this.fargate = this.capacity.compute === TaskCompute.FARGATE;
    const content = file._readContent();
    if (content === undefined) {
      validator.report('composeFile', file.fileName, `The file cannot be read (resolved to ${path.resolve(file.fileName)}): check the path, which is relative to the working directory of \`cdk synth\`.`);
      validator.throwIfInvalid();
    }
    const variables = this.readVariables(validator);
    this.checkProps(validator);
    validator.throwIfInvalid();

    const loaded: LoadResult = loader().loadProject(content!, {
      fileName: file.fileName,
      directory: file.directory,
      fargate: this.fargate,
      variables,
      profiles: props.profiles ?? [],
      imageOverrides: Object.keys(props.images ?? {}),
      secretsAsEnvironment: props.secretsAs === ComposeSecretsAs.ENVIRONMENT_VARIABLES,
    });
    reportProblems(validator, loaded.problems);
    validator.throwIfInvalid();
    const project = loaded.project!;
    this.projectName = project.name;

    const selected = project.services.filter(s => s.selected);
    this.serviceNames = selected.map(s => s.name);
    for (const [prop, names] of [['images', props.images], ['webServices', props.webServices], ['servicePorts', props.servicePorts]] as const) {
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
    // Services that declare no ports are still reached by name under Compose: find their ports (Dockerfile EXPOSE, …).
    const reach = reachability().inferReachability(project.services, {
      fargate: this.fargate,
      servicePorts: props.servicePorts ?? {},
      imageOverrides: Object.keys(props.images ?? {}),
    });
    const tree = yamlTree().parseYaml(content!).tree!;
    const plan = planner().planUnits(reach.services, {
      fargate: this.fargate,
      webServices: props.webServices ?? {},
      lineOf: p => yamlTree().lineOf(tree, p),
      fileName: file.fileName,
      defaultSize: { cpu: props.defaultCpu ?? DEFAULT_FARGATE_SIZE.cpu, memoryMiB: props.defaultMemoryMiB ?? DEFAULT_FARGATE_SIZE.memoryMiB },
      publishedPorts: endpointKinds(props.publishedPorts),
      ownListeners: props.loadBalancer === undefined,
    });
    reportProblems(validator, plan.problems);
    reportProblems(validator, hostNetworkProblems(file.fileName, plan.units, p => yamlTree().lineOf(tree, p)));
    reportProblems(validator, derivedNameProblems(file.fileName, this.fargate, plan.units, p => yamlTree().lineOf(tree, p)));
    validator.throwIfInvalid();

    for (const warning of [...loaded.warnings, ...reach.warnings, ...plan.warnings]) {
      Annotations.of(this).addWarningV2(`cdk-ecs-kit:ComposeApp.${warning.code}`, warning.message, { context: warning.context });
    }

    this.serviceConnectNamespace = props.serviceConnectNamespace ?? props.cluster.defaultCloudMapNamespace ?? new servicediscovery.HttpNamespace(this, 'Namespace', {
      name: project.name !== undefined && project.name !== '' ? httpNamespaceName(project.name)
        : Names.uniqueResourceName(this, { maxLength: 64, separator: '-' }).toLowerCase(),
      description: plainDescription(`Service Connect namespace of the Compose app ${this.node.path}`, 1024),
    });

    const profile = hardeningOf(this);
    const logSecurity = logGroupSecurity(this, props, logs.RetentionDays.ONE_MONTH);
    const encryptionKey = props.encryptionKey ?? profile?.encryptionKey();

    if (selected.some(s => s.mounts.some(m => m.kind === 'volume'))) {
      const storage = createFileSystem(this, props.cluster.vpc, selected, {
        encryptionKey,
        posixUser: props.volumePosixUser,
        hardened: profile !== undefined,
      });
      this.fileSystem = storage.fileSystem;
      this.accessPoints = storage.accessPoints;
      if (props.encryptionKey === undefined && profile !== undefined) {
        // EFS cannot change the key of a file system: CloudFormation replaces it, and the tasks then mount a new, empty one.
        Annotations.of(this).addWarningV2('cdk-ecs-kit:ComposeApp.fileSystemKey',
          'The hardened profile encrypts the named volumes\' EFS file system with its KMS key. On an app deployed before ' +
          'in the default profile, this replaces the file system: the old one is retained with its data, the tasks mount ' +
          'a new, empty one. Copy the data over (e.g. with AWS DataSync) before switching, or keep the default profile for this app. ' +
          'Acknowledge this warning for a new app.');
      }
    }

    let ownLoadBalancer: SharedLoadBalancer | undefined;
    if (plan.units.some(u => u.web || u.endpoints.some(e => e.kind === 'http'))) {
      ownLoadBalancer = props.loadBalancer ? undefined : new SharedLoadBalancer(this, 'LoadBalancer', {
        ...webLoadBalancerOptions(props),
        vpc: props.cluster.vpc,
      });
      this.loadBalancer = props.loadBalancer ?? ownLoadBalancer;
    }
    const endpoints = plan.units.some(u => u.web?.listenerPort !== undefined || u.endpoints.length > 0) ? new AppEndpoints(this, {
      loadBalancer: this.loadBalancer,
      certificate: ownLoadBalancer?.certificate,
      host: props.domainName,
      network: {
        vpc: props.cluster.vpc,
        internetFacing: props.internetFacing ?? true,
        subnets: props.loadBalancerSubnets,
        ingress: ingressSources(props.cluster.vpc, props.ingressCidrs, props.internetFacing ?? true),
        deletionProtection: props.deletionProtection ?? profile !== undefined,
      },
    }) : undefined;

    this.context = {
      app: this,
      props,
      fargate: this.fargate,
      fargateCapacity: this.fargate && this.capacity.strategies
        ? TaskCapacity.fromCapacityProviderStrategies(this.capacity.strategies)
        : TaskCapacity.fargate(),
      project,
      serviceConnectNamespace: this.serviceConnectNamespace,
      loadBalancer: this.loadBalancer,
      fileSystem: this.fileSystem,
      accessPoints: this.accessPoints,
      logGroupSecurity: logSecurity,
      encryptionKey,
      hardened: profile !== undefined,
      secretsByName: this.secretsByName,
      endpoints,
    };
    for (const unit of plan.units) {
      const created = unit.web && this.fargate ? createFargateWebUnit(this.context, unit) : this.createUnit(unit);
      // A one-shot service runs in every task that waits for it; the accessors return the first.
      for (const member of unit.members) if (!this.units.has(member.name)) this.units.set(member.name, created);
      warnInternalPorts(this.context, unit);
      endpoints?.attach(this.context, created);
    }
    this.networkLoadBalancer = endpoints?.networkLoadBalancer?.loadBalancer;
    connectUnits(this.context, plan.units, this.units);
    orderUnits(plan.units, this.units);
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
    const result = loader().readEnvFile(envFile, displayName!, given);
    reportProblems(validator, result.problems);
    return result.values;
  }

  private checkProps(validator: PropValidator): void {
    const props = this.props;
    checkOptionsWithoutLoadBalancer(validator, props, props.loadBalancer !== undefined);
    if (props.logRetention !== undefined && !Token.isUnresolved(props.logRetention)) {
      const name = enumMemberName(logs.RetentionDays, props.logRetention);
      validator.check('logRetention', name === undefined ? props.logRetention : `logs.RetentionDays.${name}`,
        name !== undefined && props.logRetention !== logs.RetentionDays.INFINITE,
        'Logs must expire: choose a finite logs.RetentionDays value such as logs.RetentionDays.THREE_MONTHS.');
    }
    this.checkVolumePosixUser(validator);
    this.checkTokens(validator);
    // The largest Fargate task: 16 vCPU, 120 GiB; Docker gives a container at least 6 MiB.
    validator.checkInteger('defaultCpu', props.defaultCpu, 1, 16_384, 'Give CPU units from 1 to 16384 (1024 = 1 vCPU), e.g. 512.');
    validator.checkInteger('defaultMemoryMiB', props.defaultMemoryMiB, 6, 122_880, 'Give MiB from 6 to 122880 (120 GiB), e.g. 1024.');
  }

  /** EFS takes a POSIX user of numeric ids from 0 to 2^32 - 1 (tokens are passed on). */
  private checkVolumePosixUser(validator: PropValidator): void {
    const user = this.props.volumePosixUser;
    if (user === undefined) return;
    const ids: [string, string | undefined][] = [['uid', user.uid], ['gid', user.gid]];
    for (const gid of user.secondaryGids ?? []) ids.push(['secondaryGids', gid]);
    for (const [name, id] of ids) {
      if (id === undefined || isUnresolved(id)) continue;
      validator.check(`volumePosixUser.${name}`, id, /^\d{1,10}$/.test(id) && Number(id) <= 4_294_967_295,
        'EFS access points take numeric ids from 0 to 4294967295, e.g. { uid: "1000", gid: "1000" } (not user names).');
    }
    if ((user.secondaryGids?.length ?? 0) > 16) {
      validator.report('volumePosixUser.secondaryGids', user.secondaryGids!.length, 'EFS allows at most 16 secondary group ids.');
    }
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
    refuse('defaultCpu', props.defaultCpu, 'Give the CPU units as a number: they choose the Fargate task size.');
    refuse('defaultMemoryMiB', props.defaultMemoryMiB, 'Give the memory as a number: it chooses the Fargate task size.');
    for (const key of Object.keys(props.environment ?? {})) {
      refuse(`environment.${key}`, key, 'Variable names are literal strings (their values may be tokens).');
    }
    for (const [name, options] of Object.entries(props.webServices ?? {})) {
      refuse(`webServices.${name}.containerPort`, options.containerPort, 'Give the container port as a number: it is matched with the service\'s Compose ports.');
      validator.checkInteger(`webServices.${name}.containerPort`, options.containerPort, 1, 65535, 'Give the port the container serves HTTP on, from 1 to 65535.');
    }
    for (const [name, ports] of Object.entries(props.servicePorts ?? {})) {
      if (Token.isUnresolved(ports)) {
        refuse(`servicePorts.${name}`, ports, 'Give the ports as a list of numbers: they become port mappings and Service Connect names.');
        continue;
      }
      ports.forEach((port, index) => {
        refuse(`servicePorts.${name}[${index}]`, port, 'Give the port as a number: it becomes a port mapping and a Service Connect name.');
        validator.checkInteger(`servicePorts.${name}[${index}]`, port, 1, 65535, 'Give a TCP port the container listens on, from 1 to 65535.');
      });
    }
  }

  // ---- units

  /** A unit that is not a Fargate web service: an ecs.FargateService or an ecs.Ec2Service, created here. */
  private createUnit(unit: Unit): CreatedUnit {
    const scope = new Construct(this, unit.id);
    const cluster = this.props.cluster;
    const { logGroup, taskDefinition, containers } = createTaskDefinition(this.context, scope, unit);

    // Service Connect does not run in host network mode (network_mode: host, EC2 only).
    const hostNetwork = usesHostNetwork(unit);
    const serviceConnectConfiguration: ecs.ServiceConnectProps | undefined = hostNetwork ? undefined : {
      namespace: this.serviceConnectNamespace.namespaceArn,
      services: serviceConnectServices(unit),
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
        capacityProviderStrategies: this.capacity.strategies,
        propagateTags: ecs.PropagatedTagSource.SERVICE,
        enableECSManagedTags: true,
        serviceConnectConfiguration,
      });
      // Fargate Spot is a capacity provider: the service waits for the cluster's associations.
      if (this.capacity.strategies) service.node.addDependency(cluster);
      connections = service.connections;
    } else {
      const strategies = this.capacity.strategies;
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
      if (unit.web) attachEc2WebUnit(this.context, scope, unit, service);
      if (hostNetwork) connectHostNetworkUnit(this.context, unit);
    }
    const created: CreatedUnit = { unit, service, taskDefinition, containers, logGroup, connections };
    mountVolumes(this.context, created);
    acknowledgeEnvironment(unit, taskDefinition);
    acknowledgeImagePull(this.context, unit, taskDefinition);
    return created;
  }
}

/** The `publishedPorts` prop as the planner reads it. */
function endpointKinds(given: { [port: string]: ComposePortEndpoint } | undefined): Record<string, EndpointKind> {
  const kinds: Record<string, EndpointKind> = {};
  for (const [key, endpoint] of Object.entries(given ?? {})) {
    kinds[key] = endpoint === ComposePortEndpoint.APPLICATION_LOAD_BALANCER ? 'http'
      : endpoint === ComposePortEndpoint.NETWORK_LOAD_BALANCER ? 'network' : 'internal';
  }
  return kinds;
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
