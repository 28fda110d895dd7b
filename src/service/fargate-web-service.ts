import {
  Duration,
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { FargateWebServiceProps } from './fargate-web-service-props';
import { markAsService } from './private/checks';
import { serviceCapacityStrategies } from './private/fargate-capacity';
import { checkFargateContainerOptions, checkFargateWebServiceProps } from './private/fargate-web-service-checks';
import { mainContainerMemoryProblems, otherContainersMemory } from './private/main-container-memory';
import { registerServiceConnectNames } from './private/service-connect';
import { ServiceSettings, serviceSettings } from './private/service-settings';
import { createTargetGroup } from './private/target-group';
import { useManagedTaskPolicies } from './private/task-roles';
import { WebContainerStartOrder, checkWebContainerSettings, webContainerOptions } from './private/web-container';
import { checkSidecarOptions, checkSidecarRoom } from './private/web-service-checks';
import {
  ServiceLogging, acknowledgeEnvironment, buildWithExecuteCommand, configureScaling, createAlarms, routeToService,
  serviceLoadBalancer, serviceLogging, sidecarContainerOptions, addSidecarScratchVolumes,
} from './private/web-service-parts';
import { ISharedLoadBalancer } from './shared-load-balancer';
import { addScratchVolumes } from '../core/container-settings';
import { securityGroupDescription } from '../core/names';
import { PropValidator, isUnresolved } from '../core/validation';

/**
 * A load-balanced, auto-scaled web service on Fargate with safe deployments.
 *
 * Defaults: tasks in private subnets reachable only from the load balancer on
 * the container port; auto scaling between 2 and 10 tasks on 70% CPU; circuit
 * breaker with rollback and 100%/200% deployment limits; 30 s deregistration
 * delay; logs kept 30 days; HTTPS with a redirect when a certificate is given
 * or can be created, plain HTTP with a warning otherwise.
 *
 * @exampleMetadata nofixture
 * @example
 * import { Stack, aws_ecs as ecs } from 'aws-cdk-lib';
 * import { EcrRepository, FargateWebService } from 'cdk-ecs-kit';
 *
 * declare const stack: Stack;
 * declare const cluster: ecs.ICluster;
 * const repo = new EcrRepository(stack, 'Images');
 * const web = new FargateWebService(stack, 'Web', {
 *   cluster,
 *   image: repo.containerImage('v1.4.2'),
 *   containerPort: 8080,
 *   healthCheckPath: '/healthz',
 * });
 */
export class FargateWebService extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The ECS service (the construct's `Resource`). */
  public readonly service: ecs.FargateService;

  /** The task definition. */
  public readonly taskDefinition: ecs.FargateTaskDefinition;

  /** The web container. */
  public readonly container: ecs.ContainerDefinition;

  /** The target group the load balancer forwards to. */
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

  /** The security group of the tasks: the one given, or the one the service created. */
  public readonly securityGroup: ec2.ISecurityGroup;

  /** The auto scaling of the task count. */
  public readonly scaling: ecs.ScalableTaskCount;

  /** The alarms created by `enableAlarms` / `rollbackOnTarget5xx` (empty otherwise). */
  public readonly alarms: cloudwatch.Alarm[] = [];

  /** The URL the service is reached at, e.g. `https://app.example.com/api/`. */
  public readonly url: string;

  public readonly connections: ec2.Connections;
  public readonly grantPrincipal: iam.IPrincipal;

  /** Where the containers log. */
  private readonly logging: ServiceLogging;
  /** Names of the task's containers: ECS refuses a task definition that repeats one. */
  private readonly containerNames = new Set<string>();
  /** The web container's `dependsOn`, added as the containers it names are. */
  private readonly startOrder: WebContainerStartOrder;

  constructor(scope: Construct, id: string, props: FargateWebServiceProps) {
    super(scope, id);
    markAsService(this, 'FargateWebService');

    const settings = serviceSettings(props);
    const validator = new PropValidator(this, 'FargateWebService');
    checkFargateWebServiceProps(validator, this, props, settings);
    checkWebContainerSettings(validator, props, settings);
    const capacityProviderStrategies = serviceCapacityStrategies(validator, props, props.cluster);
    validator.throwIfInvalid();
    if (settings.serviceConnect) registerServiceConnectNames(this, props, settings.serviceConnect);

    const vpc = props.cluster.vpc;
    this.sharedLoadBalancer = serviceLoadBalancer(this, props);
    this.loadBalancer = this.sharedLoadBalancer.loadBalancer;
    this.listener = this.sharedLoadBalancer.listener;

    this.logging = serviceLogging(this, id, props, settings.containerName);
    this.logGroup = this.logging.logGroup;

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu: settings.cpu,
      memoryLimitMiB: settings.memoryLimitMiB,
      ephemeralStorageGiB: props.ephemeralStorageGiB,
      executionRole: props.executionRole,
      runtimePlatform: {
        cpuArchitecture: props.cpuArchitecture ?? ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    useManagedTaskPolicies(this.taskDefinition, props.executionRole);
    this.grantPrincipal = this.taskDefinition.taskRole;
    this.container = this.addWebContainer(props, settings);
    this.node.addValidation({
      validate: () => mainContainerMemoryProblems(this, 'FargateWebService', settings.memoryLimitMiB,
        { memoryLimitMiB: props.containerMemoryLimitMiB, memoryReservationMiB: props.containerMemoryReservationMiB },
        this.taskDefinition, this.container),
    });
    this.startOrder = new WebContainerStartOrder(this.container, props.dependsOn);
    this.node.addValidation({ validate: () => this.startOrder.resolve(this.taskDefinition, [...this.containerNames]) });

    this.securityGroup = props.securityGroup ?? new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: securityGroupDescription(`Tasks of ${this.node.path}: HTTP from the load balancer on ${
        isUnresolved(settings.containerPort) ? 'the container port' : `port ${settings.containerPort}`} only`),
      allowAllOutbound: true,
    });
    this.service = this.createService(props, settings, capacityProviderStrategies);
    this.connections = this.service.connections;

    this.targetGroup = createTargetGroup(this, props, vpc, settings.containerPort,
      this.service.loadBalancerTarget({ containerName: settings.containerName, containerPort: settings.containerPort }));
    const route = routeToService(this, props, this.sharedLoadBalancer, this.targetGroup);
    this.listenerRule = route.listenerRule;
    this.url = route.url;

    // Scaling is part of the service from the start, not an afterthought.
    this.scaling = this.service.autoScaleTaskCount({ minCapacity: settings.minCapacity, maxCapacity: settings.maxCapacity });
    configureScaling(this.scaling, props, this.targetGroup);
    createAlarms(this, this.service, props, settings.enableAlarms, this.alarms);
  }

  /**
   * Adds a sidecar container to the task (e.g. a proxy or an agent). It is
   * not essential unless `options.essential` is true, and it logs to the
   * service's log group unless `options.logging` says otherwise. In the
   * hardened profile it runs as user `1000:1000` with a read-only root file
   * system and a writable `/tmp`, unless `options.user` or
   * `options.readonlyRootFilesystem` say otherwise (e.g. `user: '0'` for an
   * agent that must start as root). An option
   * given as `undefined` is the same as an option left out. When the web
   * container waits for this one (`dependsOn`), the wait is added now.
   *
   * @returns the container definition
   */
  public addSidecar(id: string, options: ecs.ContainerDefinitionOptions): ecs.ContainerDefinition {
    const validator = new PropValidator(this, 'FargateWebService.addSidecar');
    const name = checkSidecarOptions(validator, id, options);
    checkFargateContainerOptions(validator, options);
    this.startOrder.checkTarget(validator, name.containerName,
      { essential: options.essential ?? false, hasHealthCheck: options.healthCheck !== undefined });
    checkSidecarRoom(validator, this.taskDefinition, this.containerNames, id, name);
    validator.throwIfInvalid();
    this.containerNames.add(name.containerName);
    const sidecar = this.taskDefinition.addContainer(id, sidecarContainerOptions(this, options, name.containerName, this.logging));
    addSidecarScratchVolumes(this, sidecar, options);
    this.startOrder.added(sidecar);
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

  /** CPU utilization of the service, in percent of the task CPU; Average over 5 minutes. */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.service.metricCpuUtilization(props);
  }

  /** Memory utilization of the service, in percent of the task memory; Average over 5 minutes. */
  public metricMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.service.metricMemoryUtilization(props);
  }

  /** The web container, with the service's image, port, configuration and logs. */
  private addWebContainer(props: FargateWebServiceProps, settings: ServiceSettings): ecs.ContainerDefinition {
    const { containerName, containerPort, serviceConnect } = settings;
    const container = this.taskDefinition.addContainer(containerName, {
      image: props.image,
      containerName,
      essential: true,
      portMappings: [serviceConnect
        ? { containerPort, name: serviceConnect.portName, appProtocol: ecs.AppProtocol.http }
        : { containerPort }],
      environment: props.environment,
      secrets: props.secrets,
      ...webContainerOptions(this, props, settings, () => otherContainersMemory(this.taskDefinition, () => this.container)),
      healthCheck: props.containerHealthCheck,
      logging: this.logging.logDriver,
    });
    addScratchVolumes(this, container, props);
    this.containerNames.add(containerName);
    acknowledgeEnvironment(this.taskDefinition, props.environment);
    return container;
  }

  /** The ECS service (`Resource`), in `securityGroup`, with its deployment, capacity and Service Connect settings. */
  private createService(props: FargateWebServiceProps, settings: ServiceSettings,
    capacityProviderStrategies: ecs.CapacityProviderStrategy[] | undefined): ecs.FargateService {
    const { minHealthyPercent, maxHealthyPercent, assignPublicIp, serviceConnect, containerPort } = settings;
    const service = buildWithExecuteCommand(this.taskDefinition, props.enableExecuteCommand, () => new ecs.FargateService(this, 'Resource', {
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
      assignPublicIp,
      vpcSubnets: props.taskSubnets ?? { subnetType: assignPublicIp ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [this.securityGroup],
      enableExecuteCommand: props.enableExecuteCommand ?? false,
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
      serviceConnectConfiguration: serviceConnect ? {
        namespace: props.serviceConnectNamespace?.namespaceArn,
        services: [{ portMappingName: serviceConnect.portName, dnsName: serviceConnect.dnsName, port: containerPort }],
      } : undefined,
    }));
    if (capacityProviderStrategies) {
      // A service that names capacity providers fails to create before the cluster has them associated
      // (aws-cdk-lib adds that association to the cluster at synthesis, so depend on the whole cluster).
      service.node.addDependency(props.cluster);
    }
    return service;
  }
}
