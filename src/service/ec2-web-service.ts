import {
  Annotations,
  Duration,
  Validations,
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Ec2WebServiceProps } from './ec2-web-service-props';
import { markAsService } from './private/checks';
import { ec2ServiceCapacity } from './private/ec2-service-capacity';
import { Ec2WebServiceSettings, RESERVED_HOST_PORTS, checkEc2WebServiceProps } from './private/ec2-web-service-checks';
import { checkInstanceFit } from './private/instance-fit';
import { registerServiceConnectNames } from './private/service-connect';
import { webServiceSettings } from './private/service-settings';
import { createTargetGroup } from './private/target-group';
import { useManagedTaskPolicies } from './private/task-roles';
import { checkSidecarOptions, checkSidecarRoom } from './private/web-service-checks';
import {
  ServiceLogging, acknowledgeEnvironment, buildWithExecuteCommand, configureScaling, createAlarms, routeToService,
  serviceLoadBalancer, serviceLogging, sidecarContainerOptions, addSidecarScratchVolumes,
} from './private/web-service-parts';
import { ISharedLoadBalancer } from './shared-load-balancer';
import type { IEc2Capacity } from '../cluster/ec2-capacity';
import { addScratchVolumes, addStartDependencies, containerDefinitionSettings } from '../core/container-settings';
import { securityGroupDescription } from '../core/names';
import { PropValidator, isUnresolved } from '../core/validation';

/** The ephemeral port range ECS draws dynamic host ports from, which the load balancer must reach on the instances. */
const EPHEMERAL_PORTS = ec2.Port.tcpRange(32768, 65535);

/**
 * A load-balanced, auto-scaled web service whose tasks run on the cluster's
 * EC2 instances, with safe deployments.
 *
 * Defaults: bridge network mode with dynamic host ports behind the load
 * balancer (the instances open to the load balancer on the ephemeral ports
 * 32768–65535 only); the cluster's EC2 capacities (without GPUs) through their
 * capacity providers, which scale the instances; tasks spread across
 * Availability Zones, then packed on memory; 256 CPU units and 512 MiB for the
 * web container; the same load balancer, health check, scaling, deployment and
 * logging defaults as a `FargateWebService`.
 *
 * @exampleMetadata nofixture
 * @example
 * import { Stack, aws_ecs as ecs } from 'aws-cdk-lib';
 * import { Ec2WebService, EcsCluster } from 'cdk-ecs-kit';
 *
 * declare const stack: Stack;
 * declare const cluster: EcsCluster;
 * new Ec2WebService(stack, 'Web', {
 *   cluster,
 *   image: ecs.ContainerImage.fromRegistry('public.ecr.aws/nginx/nginx:stable'),
 *   cpu: 1000,
 *   memoryLimitMiB: 500,
 * });
 */
export class Ec2WebService extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The ECS service (the construct's `Resource`). */
  public readonly service: ecs.Ec2Service;

  /** The task definition. */
  public readonly taskDefinition: ecs.Ec2TaskDefinition;

  /** The web container. */
  public readonly container: ecs.ContainerDefinition;

  /** The target group the load balancer forwards to (instance targets in bridge mode, IP targets in awsvpc mode). */
  public readonly targetGroup: elbv2.ApplicationTargetGroup;

  /** The listener the service is attached to (HTTPS when the load balancer has a certificate). */
  public readonly listener: elbv2.IApplicationListener;

  /** The listener rule of the service, unless it is the load balancer's default target. */
  public readonly listenerRule?: elbv2.ApplicationListenerRule;

  /** The Application Load Balancer in front of the service. */
  public readonly loadBalancer: elbv2.IApplicationLoadBalancer;

  /** The shared load balancer: the one given, or the one the service created. */
  public readonly sharedLoadBalancer: ISharedLoadBalancer;

  /** The log group of the containers: the one given, or the one the service created. */
  public readonly logGroup: logs.ILogGroup;

  /** The security group of the tasks in awsvpc mode (given or created); `undefined` in bridge mode, where tasks use their instance's. */
  public readonly securityGroup?: ec2.ISecurityGroup;

  /** The EC2 capacities the tasks run on, when the kit knows them (empty for a strategy naming providers it does not know). */
  public readonly ec2Capacities: IEc2Capacity[];

  /** The auto scaling of the task count. */
  public readonly scaling: ecs.ScalableTaskCount;

  /** The alarms created by `enableAlarms` / `rollbackOnTarget5xx` (empty otherwise). */
  public readonly alarms: cloudwatch.Alarm[] = [];

  /** The URL the service is reached at, e.g. `https://app.example.com/api/`. */
  public readonly url: string;

  /**
   * The network connections of the tasks: in bridge mode, those of the
   * instances they run on (the capacities' security groups); in awsvpc mode,
   * the tasks' own security group.
   */
  public readonly connections: ec2.Connections;
  public readonly grantPrincipal: iam.IPrincipal;

  private readonly props: Ec2WebServiceProps;
  private readonly settings: Ec2WebServiceSettings;
  private readonly logging: ServiceLogging;
  /** Names of the task's containers: ECS refuses a task definition that repeats one. */
  private readonly containerNames = new Set<string>();
  /** Ports the task's containers take: fixed host ports in bridge mode, container ports in awsvpc mode. */
  private readonly usedPorts = new Map<number, string>();

  constructor(scope: Construct, id: string, props: Ec2WebServiceProps) {
    super(scope, id);
    markAsService(this, 'Ec2WebService');
    this.props = props;

    const settings = ec2WebServiceSettings(props);
    this.settings = settings;
    const validator = new PropValidator(this, 'Ec2WebService');
    checkEc2WebServiceProps(validator, this, props, settings);
    const capacity = ec2ServiceCapacity(validator, props.cluster, props.taskCapacity);
    if (capacity?.ec2Capacities) checkInstanceFit(validator, this, capacity.ec2Capacities, settings);
    validator.throwIfInvalid();
    this.ec2Capacities = capacity?.ec2Capacities ?? [];
    if (settings.serviceConnect) registerServiceConnectNames(this, props, settings.serviceConnect);

    const vpc = props.cluster.vpc;
    const awsVpc = settings.networkMode === ecs.NetworkMode.AWS_VPC;
    this.sharedLoadBalancer = serviceLoadBalancer(this, props);
    this.loadBalancer = this.sharedLoadBalancer.loadBalancer;
    this.listener = this.sharedLoadBalancer.listener;

    this.logging = serviceLogging(this, id, props, settings.containerName);
    this.logGroup = this.logging.logGroup;

    this.taskDefinition = new ecs.Ec2TaskDefinition(this, 'TaskDefinition', {
      networkMode: settings.networkMode,
      executionRole: props.executionRole,
      volumes: props.volumes?.map(volume => ({
        name: volume.name,
        host: volume.sourcePath !== undefined ? { sourcePath: volume.sourcePath } : undefined,
      })),
    });
    useManagedTaskPolicies(this.taskDefinition, props.executionRole);
    this.grantPrincipal = this.taskDefinition.taskRole;
    this.container = this.addWebContainer(props, settings);

    this.securityGroup = awsVpc ? props.securityGroup ?? new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: securityGroupDescription(`Tasks of ${this.node.path}: HTTP from the load balancer on ${
        isUnresolved(settings.containerPort) ? 'the container port' : `port ${settings.containerPort}`} only`),
      allowAllOutbound: true,
    }) : undefined;
    this.service = this.createService(props, settings, capacity?.strategies ?? []);
    if (!awsVpc) this.useInstanceConnections();
    this.connections = this.service.connections;

    this.targetGroup = createTargetGroup(this, props, vpc, settings.containerPort,
      this.service.loadBalancerTarget({ containerName: settings.containerName, containerPort: settings.containerPort }),
      awsVpc ? elbv2.TargetType.IP : elbv2.TargetType.INSTANCE);
    const route = routeToService(this, props, this.sharedLoadBalancer, this.targetGroup);
    this.listenerRule = route.listenerRule;
    this.url = route.url;

    // Scaling is part of the service from the start; the capacity providers scale the instances to fit the tasks.
    this.scaling = this.service.autoScaleTaskCount({ minCapacity: settings.minCapacity, maxCapacity: settings.maxCapacity });
    configureScaling(this.scaling, props, this.targetGroup);
    createAlarms(this, this.service, props, settings.enableAlarms, this.alarms);

    // Links, volumesFrom and dependsOn may name sidecars added after the constructor: known once every container is.
    this.node.addValidation({ validate: () => this.unknownContainerProblems() });
  }

  /**
   * Adds a sidecar container to the task (e.g. a proxy, an agent, or the
   * container the web container links to or takes volumes from). It is not
   * essential unless `options.essential` is true, and it logs to the
   * service's log group unless `options.logging` says otherwise. In the
   * hardened profile it runs as user `1000:1000` with a read-only root file
   * system and a writable `/tmp`, unless `options.user` or
   * `options.readonlyRootFilesystem` say otherwise (e.g. `user: '0'` for an
   * agent that must start as root). It needs
   * `memoryLimitMiB` or `memoryReservationMiB` (EC2 tasks size each container).
   *
   * @returns the container definition
   */
  public addSidecar(id: string, options: ecs.ContainerDefinitionOptions): ecs.ContainerDefinition {
    const validator = new PropValidator(this, 'Ec2WebService.addSidecar');
    const name = checkSidecarOptions(validator, id, options);
    if (options.memoryLimitMiB === undefined && options.memoryReservationMiB === undefined) {
      validator.report('options.memoryLimitMiB', undefined,
        'An EC2 task needs memory per container: give memoryLimitMiB (hard limit), memoryReservationMiB (soft reservation), or both, e.g. memoryLimitMiB: 128.');
    }
    const ports = this.checkSidecarPorts(validator, options.portMappings ?? []);
    checkSidecarRoom(validator, this.taskDefinition, this.containerNames, id, name);
    validator.throwIfInvalid();
    this.containerNames.add(name.containerName);
    for (const port of ports) this.usedPorts.set(port, `sidecar "${name.containerName}"`);
    const sidecar = this.taskDefinition.addContainer(id, sidecarContainerOptions(this, options, name.containerName, this.logging));
    addSidecarScratchVolumes(this, sidecar, options);
    this.connectToMainContainer(sidecar);
    return sidecar;
  }

  /** Number of 5xx responses from the tasks (not from the load balancer itself); Sum over 5 minutes. */
  public metricTarget5xxCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { statistic: 'Sum', ...props });
  }

  /** Time from the request leaving the load balancer to the response from a task; Average over 5 minutes. */
  public metricTargetResponseTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.targetResponseTime(props);
  }

  /** Number of tasks failing the load balancer health check; Maximum over 5 minutes. */
  public metricUnhealthyHostCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.unhealthyHostCount({ statistic: 'Maximum', ...props });
  }

  /** Number of requests the load balancer sent to the service; Sum over 5 minutes. */
  public metricRequestCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.targetGroup.metrics.requestCount(props);
  }

  /** CPU utilization of the service, in percent of the CPU units its containers reserve; Average over 5 minutes. */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.service.metricCpuUtilization(props);
  }

  /** Memory utilization of the service, in percent of its containers' memory; Average over 5 minutes. */
  public metricMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.service.metricMemoryUtilization(props);
  }

  /** The web container, with the service's image, size, port, settings, volumes and logs. */
  private addWebContainer(props: Ec2WebServiceProps, settings: Ec2WebServiceSettings): ecs.ContainerDefinition {
    const { containerName, containerPort, serviceConnect } = settings;
    const portMapping: ecs.PortMapping = { containerPort, hostPort: settings.hostPort, protocol: ecs.Protocol.TCP };
    const containerSettings = containerDefinitionSettings(this, containerName, props);
    const container = this.taskDefinition.addContainer(containerName, {
      ...containerSettings,
      image: props.image,
      containerName,
      essential: true,
      cpu: settings.cpu,
      memoryLimitMiB: settings.memoryLimitMiB,
      memoryReservationMiB: settings.memoryReservationMiB,
      portMappings: [serviceConnect ? { ...portMapping, name: serviceConnect.portName, appProtocol: ecs.AppProtocol.http } : portMapping],
      environment: props.environment,
      secrets: props.secrets,
      healthCheck: props.containerHealthCheck,
      readonlyRootFilesystem: containerSettings.readonlyRootFilesystem ?? false,
      logging: this.logging.logDriver,
    });
    addScratchVolumes(this, container, props);
    this.containerNames.add(containerName);
    const takenPort = settings.networkMode === ecs.NetworkMode.AWS_VPC ? containerPort : settings.hostPort;
    if (takenPort !== undefined && takenPort !== 0 && !isUnresolved(takenPort)) this.usedPorts.set(takenPort, 'the web container');
    container.addMountPoints(...(props.mountPoints ?? []).map(mount => ({
      sourceVolume: mount.sourceVolume,
      containerPath: mount.containerPath,
      readOnly: mount.readOnly ?? false,
    })));
    container.addVolumesFrom(...(props.volumesFrom ?? []).map(from => ({
      sourceContainer: from.sourceContainer,
      readOnly: from.readOnly ?? false,
    })));
    acknowledgeEnvironment(this.taskDefinition, props.environment);
    if (settings.networkMode === ecs.NetworkMode.AWS_VPC) {
      Validations.of(this.taskDefinition).acknowledge({
        id: 'AwsSolutions-ECS2',
        reason: 'aws-cdk-lib sets AWS_REGION (the stack\'s region, not a secret) in every container of an EC2 task in awsvpc mode; ' +
          'the service\'s own variables are non-secret configuration, and secrets go through `secrets`.',
      });
    }
    return container;
  }

  /** The ECS service (`Resource`), with its deployment, capacity, placement and network settings. */
  private createService(props: Ec2WebServiceProps, settings: Ec2WebServiceSettings,
    capacityProviderStrategies: ecs.CapacityProviderStrategy[]): ecs.Ec2Service {
    const { minHealthyPercent, maxHealthyPercent, serviceConnect, containerPort } = settings;
    const awsVpc = settings.networkMode === ecs.NetworkMode.AWS_VPC;
    const service = buildWithExecuteCommand(this.taskDefinition, props.enableExecuteCommand, () => new ecs.Ec2Service(this, 'Resource', {
      cluster: props.cluster,
      taskDefinition: this.taskDefinition,
      serviceName: props.serviceName,
      // Left out by default: a DesiredCount in the template resets the count at every update of the service.
      desiredCount: props.desiredCount,
      minHealthyPercent,
      maxHealthyPercent,
      circuitBreaker: (props.circuitBreaker ?? true) ? { enable: true, rollback: true } : undefined,
      healthCheckGracePeriod: props.healthCheckGracePeriod ?? Duration.seconds(60),
      capacityProviderStrategies,
      placementStrategies: props.placementStrategies ?? [
        ecs.PlacementStrategy.spreadAcross(ecs.BuiltInAttributes.AVAILABILITY_ZONE),
        ecs.PlacementStrategy.packedByMemory(),
      ],
      placementConstraints: props.placementConstraints,
      vpcSubnets: awsVpc ? props.taskSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } : undefined,
      securityGroups: awsVpc ? [this.securityGroup!] : undefined,
      enableExecuteCommand: props.enableExecuteCommand ?? false,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
      serviceConnectConfiguration: serviceConnect ? {
        namespace: props.serviceConnectNamespace?.namespaceArn,
        services: [{ portMappingName: serviceConnect.portName, dnsName: serviceConnect.dnsName, port: containerPort }],
      } : undefined,
    }));
    // A service that names capacity providers fails to create before the cluster has them associated
    // (aws-cdk-lib adds that association to the cluster at synthesis, so depend on the whole cluster).
    service.node.addDependency(props.cluster);
    return service;
  }

  /**
   * Bridge mode: the tasks listen on their instances, so the load balancer
   * must reach the instances of the capacities the service runs on, and those
   * only. aws-cdk-lib's Ec2Service takes the security groups of the whole
   * cluster as its connections (every capacity, GPU groups included, and none
   * of an imported cluster's): the service's connections become the
   * capacities' own, which the target group then opens to the load balancer
   * (the ephemeral ports, or the fixed `hostPort`).
   */
  private useInstanceConnections(): void {
    const securityGroups = this.ec2Capacities.flatMap(c => c.connections.securityGroups);
    const ports = this.settings.hostPort ? `port ${this.settings.hostPort}` : 'ports 32768-65535';
    if (securityGroups.length > 0) {
      Object.defineProperty(this.service, 'connections', {
        value: new ec2.Connections({ securityGroups, defaultPort: this.settings.hostPort ? ec2.Port.tcp(this.settings.hostPort) : EPHEMERAL_PORTS }),
        writable: false,
      });
    } else if (this.service.connections.securityGroups.length === 0) {
      Annotations.of(this).addWarningV2('cdk-ecs-kit:Ec2WebService.instancesNotOpened',
        `The kit knows no security group of the instances the tasks run on, so the load balancer cannot be allowed to reach them on ${ports}: ` +
        'use capacities the kit knows (an EcsCluster\'s, or imported with Ec2Capacity.fromCapacityProviderAttributes and their ' +
        'securityGroups), or allow it yourself, e.g. autoScalingGroup.connections.allowFrom(service.loadBalancer, ec2.Port.tcpRange(32768, 65535)).');
    }
  }

  /** Checks a sidecar's port mappings against the ports the task's containers take; returns the ports it takes. */
  private checkSidecarPorts(validator: PropValidator, portMappings: ecs.PortMapping[]): number[] {
    const taken: number[] = [];
    const awsVpc = this.settings.networkMode === ecs.NetworkMode.AWS_VPC;
    for (const mapping of portMappings) {
      if (awsVpc && mapping.hostPort !== undefined && mapping.hostPort !== mapping.containerPort) {
        validator.report('options.portMappings[].hostPort', mapping.hostPort,
          `In ecs.NetworkMode.AWS_VPC the host port is the container port (${mapping.containerPort}): leave hostPort out.`);
        continue;
      }
      const port = awsVpc ? mapping.containerPort : mapping.hostPort;
      if (port === undefined || port === 0 || isUnresolved(port)) continue;
      if (!awsVpc && RESERVED_HOST_PORTS.includes(port)) {
        validator.report('options.portMappings[].hostPort', port,
          `The ECS agent reserves ports ${RESERVED_HOST_PORTS.join(', ')} on every container instance: choose another port, or leave hostPort out.`);
      }
      const user = this.usedPorts.get(port);
      if (user !== undefined || taken.includes(port)) {
        validator.report(awsVpc ? 'options.portMappings[].containerPort' : 'options.portMappings[].hostPort', port,
          `${user ?? 'another mapping of this sidecar'} already takes port ${port} (${awsVpc
            ? 'in awsvpc mode the containers of a task share one network interface'
            : 'a host port is published once per instance'}): choose another port${awsVpc ? '' : ', or leave hostPort out for a dynamic one'}.`);
      }
      taken.push(port);
    }
    return taken;
  }

  /** The web container's links and start order naming this sidecar, now that it exists. */
  private connectToMainContainer(sidecar: ecs.ContainerDefinition): void {
    for (const link of this.props.links ?? []) {
      if (link.containerName === sidecar.containerName) this.container.addLink(sidecar, link.alias);
    }
    addStartDependencies(this.container, { dependsOn: (this.props.dependsOn ?? []).filter(d => d.containerName === sidecar.containerName) },
      () => sidecar);
  }

  /** Links, volumesFrom and dependsOn of the web container that name no container of the task. */
  private unknownContainerProblems(): string[] {
    const names = [...this.containerNames];
    const listed = names.map(n => JSON.stringify(n)).join(', ');
    const references: [string, string][] = [
      ...(this.props.links ?? []).map(l => ['links', l.containerName] as [string, string]),
      ...(this.props.volumesFrom ?? []).map(v => ['volumesFrom', v.sourceContainer] as [string, string]),
      ...(this.props.dependsOn ?? []).map(d => ['dependsOn', d.containerName] as [string, string]),
    ];
    return references
      .filter(([, target]) => !names.includes(target))
      .map(([prop, target]) => `Ec2WebService: ${prop} received "${target}". The task has no container of that name (it has ${listed}): ` +
        `add it with addSidecar('${target}', { ... }) or fix the name.`);
  }
}

/** An Ec2WebService's props after defaults. */
function ec2WebServiceSettings(props: Ec2WebServiceProps): Ec2WebServiceSettings {
  const networkMode = props.networkMode ?? ecs.NetworkMode.BRIDGE;
  return {
    ...webServiceSettings(props),
    networkMode,
    hostPort: networkMode === ecs.NetworkMode.AWS_VPC ? undefined : props.hostPort ?? 0,
    cpu: props.cpu ?? 256,
    memoryLimitMiB: props.memoryLimitMiB ?? (props.memoryReservationMiB === undefined ? 512 : undefined),
    memoryReservationMiB: props.memoryReservationMiB,
  };
}
