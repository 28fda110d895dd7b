import {
  Duration,
  RemovalPolicy,
  Validations,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
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
import {
  MAX_CONTAINERS, checkContainerHealthCheck, checkContainerName, checkFargateContainerOptions, checkFargateWebServiceProps,
} from './private/fargate-web-service-checks';
import { registerServiceConnectNames } from './private/service-connect';
import { ServiceSettings, serviceSettings } from './private/service-settings';
import { createTargetGroup } from './private/target-group';
import { WebContainerStartOrder, checkWebContainerSettings, webContainerOptions } from './private/web-container';
import { ISharedLoadBalancer, SharedLoadBalancer } from './shared-load-balancer';
import { webLoadBalancerOptions } from './web-load-balancer-options';
import { logStreamPrefix, plainDescription, securityGroupDescription } from '../core/names';
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

  private readonly logDriver: ecs.LogDriver;
  /** The service's id when its log group is shared: the prefix of all its log streams. */
  private readonly sharedLogStreamPrefix?: string;
  /** Names of the task's containers: ECS refuses a task definition that repeats one. */
  private readonly containerNames = new Set<string>();
  /** The web container's `dependsOn`, added as the containers it names are. */
  private readonly startOrder: WebContainerStartOrder;

  constructor(scope: Construct, id: string, props: FargateWebServiceProps) {
    super(scope, id);
    markAsService(this);

    const settings = serviceSettings(props);
    const validator = new PropValidator(this, 'FargateWebService');
    checkFargateWebServiceProps(validator, this, props, settings);
    checkWebContainerSettings(validator, props, settings);
    const capacityProviderStrategies = serviceCapacityStrategies(validator, props, props.cluster);
    validator.throwIfInvalid();
    if (settings.serviceConnect) registerServiceConnectNames(this, props, settings.serviceConnect);

    const vpc = props.cluster.vpc;
    this.sharedLoadBalancer = props.loadBalancer ?? new SharedLoadBalancer(this, 'LoadBalancer', {
      ...webLoadBalancerOptions(props),
      vpc,
    });
    this.loadBalancer = this.sharedLoadBalancer.loadBalancer;
    this.listener = this.sharedLoadBalancer.listener;

    this.logGroup = props.logGroup ?? new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    // In a shared log group, the service's id tells its log streams apart from those of the other services
    // (made a valid log stream name part: ids may hold ":" and "*", which log stream names refuse).
    this.sharedLogStreamPrefix = props.logGroup ? logStreamPrefix(id) : undefined;
    // Log stream names are <prefix>/<container name>/<task id>, at most 512 characters: logStreamPrefix
    // keeps a prefix from a 255-character container name within that.
    this.logDriver = ecs.LogDrivers.awsLogs({
      logGroup: this.logGroup,
      streamPrefix: this.sharedLogStreamPrefix ?? logStreamPrefix(settings.containerName),
    });

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
    this.grantPrincipal = this.taskDefinition.taskRole;
    this.container = this.addWebContainer(props, settings);
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
    this.listenerRule = this.sharedLoadBalancer.addTargetGroup(this, 'ListenerRule', {
      targetGroup: this.targetGroup,
      hostHeaders: props.hostHeaders,
      pathPatterns: props.pathPatterns,
      priority: props.priority,
    });
    this.url = serviceUrl(this.sharedLoadBalancer.url, props.hostHeaders, props.pathPatterns);

    // Scaling is part of the service from the start, not an afterthought.
    this.scaling = this.service.autoScaleTaskCount({ minCapacity: settings.minCapacity, maxCapacity: settings.maxCapacity });
    this.configureScaling(props);
    const target5xxAlarm = this.createAlarms(props, settings.enableAlarms);
    const rollbackAlarms = [...props.deploymentAlarms ?? [], ...(props.rollbackOnTarget5xx && target5xxAlarm ? [target5xxAlarm] : [])];
    if (rollbackAlarms.length > 0) {
      this.service.enableDeploymentAlarms(rollbackAlarms.map(alarm => alarm.alarmName), {
        behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM,
      });
    }
  }

  /**
   * Adds a sidecar container to the task (e.g. a proxy or an agent). It is
   * not essential unless `options.essential` is true, and it logs to the
   * service's log group unless `options.logging` says otherwise. An option
   * given as `undefined` is the same as an option left out. When the web
   * container waits for this one (`dependsOn`), the wait is added now.
   *
   * @returns the container definition
   */
  public addSidecar(id: string, options: ecs.ContainerDefinitionOptions): ecs.ContainerDefinition {
    const validator = new PropValidator(this, 'FargateWebService.addSidecar');
    const containerName = options.containerName ?? id;
    const nameProp = options.containerName !== undefined ? 'options.containerName' : 'id';
    checkContainerName(validator, containerName, nameProp);
    checkContainerHealthCheck(validator, 'options.healthCheck', options.healthCheck);
    checkFargateContainerOptions(validator, options);
    this.startOrder.checkTarget(validator, containerName,
      { essential: options.essential ?? false, hasHealthCheck: options.healthCheck !== undefined });
    if (this.containerNames.size >= MAX_CONTAINERS) {
      validator.report('id', id, `A task definition holds at most ${MAX_CONTAINERS} containers (an ECS quota), and this one has ${MAX_CONTAINERS} already.`);
    } else if (this.taskDefinition.node.tryFindChild(id) !== undefined) {
      validator.report('id', id, 'Each container needs its own id: this one is already used in the task definition.');
    } else if (this.containerNames.has(containerName)) {
      validator.report(nameProp, containerName,
        'ECS refuses a task definition with two containers of the same name: give the sidecar another containerName.');
    }
    validator.throwIfInvalid();
    this.containerNames.add(containerName);
    // The user's options first, then each default only where the option is
    // unset: spreading `options` last would let an explicit `undefined` (e.g.
    // `logging: undefined`) erase the default and drop the sidecar's logs.
    const sidecar = this.taskDefinition.addContainer(id, {
      ...options,
      containerName,
      essential: options.essential ?? false,
      logging: options.logging ?? ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: this.sharedLogStreamPrefix ?? logStreamPrefix(containerName),
      }),
    });
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
      ...webContainerOptions(this, props),
      healthCheck: props.containerHealthCheck,
      readonlyRootFilesystem: props.readonlyRootFilesystem ?? false,
      logging: this.logDriver,
    });
    this.containerNames.add(containerName);
    if (props.environment && Object.keys(props.environment).length > 0) {
      Validations.of(this.taskDefinition).acknowledge({
        id: 'AwsSolutions-ECS2',
        reason: 'The environment variables were passed as `environment`: non-secret configuration; secrets go through `secrets`.',
      });
    }
    return container;
  }

  /** The ECS service (`Resource`), in `securityGroup`, with its deployment, capacity and Service Connect settings. */
  private createService(props: FargateWebServiceProps, settings: ServiceSettings,
    capacityProviderStrategies: ecs.CapacityProviderStrategy[] | undefined): ecs.FargateService {
    // ECS Exec: aws-cdk-lib adds its statements to the task role while it builds the service; they go into
    // a policy of their own (a child of the task role, which the service depends on), the only place where
    // their wildcard finding is acknowledged: statements the user adds to the task role keep their findings.
    const executeCommandPolicy = props.enableExecuteCommand ? new iam.Policy(this.taskDefinition.taskRole, 'ExecuteCommand') : undefined;
    if (executeCommandPolicy) this.taskDefinition.taskRole.attachInlinePolicy(executeCommandPolicy);
    const { minHealthyPercent, maxHealthyPercent, assignPublicIp, serviceConnect, containerPort } = settings;
    const service = withTaskRoleStatementsIn(this.taskDefinition, executeCommandPolicy, () => new ecs.FargateService(this, 'Resource', {
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
    if (executeCommandPolicy) {
      Validations.of(executeCommandPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'Added by aws-cdk-lib for ECS Exec (enableExecuteCommand): the ssmmessages channel actions do not support ' +
          'resource-level permissions, and the session-logging actions (logs:DescribeLogGroups, CreateLogStream, ' +
          'DescribeLogStreams, PutLogEvents) are granted on "*" because the log destination is chosen by the cluster.',
      });
    }
    return service;
  }

  /** Target tracking on CPU, and on memory and requests per task when their targets are given. */
  private configureScaling(props: FargateWebServiceProps): void {
    const cooldowns = {
      scaleInCooldown: props.scaleInCooldown ?? Duration.minutes(5),
      scaleOutCooldown: props.scaleOutCooldown ?? Duration.minutes(1),
    };
    this.scaling.scaleOnCpuUtilization('CpuScaling', {
      targetUtilizationPercent: props.targetCpuUtilizationPercent ?? 70,
      ...cooldowns,
    });
    if (props.targetMemoryUtilizationPercent !== undefined) {
      this.scaling.scaleOnMemoryUtilization('MemoryScaling', {
        targetUtilizationPercent: props.targetMemoryUtilizationPercent,
        ...cooldowns,
      });
    }
    if (props.targetRequestsPerTarget !== undefined) {
      this.scaling.scaleOnRequestCount('RequestScaling', {
        requestsPerTarget: props.targetRequestsPerTarget,
        targetGroup: this.targetGroup,
        ...cooldowns,
      });
    }
  }

  /**
   * The alarms of `enableAlarms` (and the target 5xx alarm of `rollbackOnTarget5xx`), into `alarms`.
   *
   * @returns the target 5xx alarm, if there is one
   */
  private createAlarms(props: FargateWebServiceProps, enableAlarms: boolean): cloudwatch.Alarm | undefined {
    let target5xxAlarm: cloudwatch.Alarm | undefined;
    if (enableAlarms || props.rollbackOnTarget5xx) {
      target5xxAlarm = new cloudwatch.Alarm(this, 'Target5xxAlarm', {
        alarmDescription: alarmDescription(this, '10 or more 5xx responses from the tasks within 5 minutes'),
        metric: this.metricTarget5xxCount({ period: Duration.minutes(5) }),
        threshold: 10,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.alarms.push(target5xxAlarm);
    }
    if (enableAlarms) {
      this.alarms.push(
        new cloudwatch.Alarm(this, 'UnhealthyHostsAlarm', {
          alarmDescription: alarmDescription(this, 'at least one task failed the load balancer health check for 3 minutes'),
          metric: this.metricUnhealthyHostCount({ period: Duration.minutes(1) }),
          threshold: 1,
          evaluationPeriods: 3,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        }),
        new cloudwatch.Alarm(this, 'CpuAlarm', {
          alarmDescription: alarmDescription(this, 'average CPU utilization at or above 90% for 5 minutes'),
          metric: this.metricCpuUtilization({ period: Duration.minutes(1) }),
          threshold: 90,
          evaluationPeriods: 5,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        }),
        new cloudwatch.Alarm(this, 'MemoryAlarm', {
          alarmDescription: alarmDescription(this, 'average memory utilization at or above 90% for 5 minutes'),
          metric: this.metricMemoryUtilization({ period: Duration.minutes(1) }),
          threshold: 90,
          evaluationPeriods: 5,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        }),
      );
      if (props.alarmTopic) {
        const action = new cloudwatchActions.SnsAction(props.alarmTopic);
        for (const alarm of this.alarms) {
          alarm.addAlarmAction(action);
          alarm.addOkAction(action);
        }
      }
    }
    return target5xxAlarm;
  }
}

/** The service's URL: the load balancer's, or its first host header, plus the fixed part of its first path pattern. */
function serviceUrl(loadBalancerUrl: string, hostHeaders?: string[], pathPatterns?: string[]): string {
  const protocol = loadBalancerUrl.startsWith('https://') ? 'https' : 'http';
  const host = hostHeaders?.[0];
  const base = host !== undefined && !isUnresolved(host) && !/[*?]/.test(host) ? `${protocol}://${host}` : loadBalancerUrl;
  const path = pathPatterns?.[0];
  if (path === undefined || isUnresolved(path)) return base;
  const fixed = path.split(/[*?]/)[0];
  return `${base}${fixed.startsWith('/') ? fixed : `/${fixed}`}`;
}

/** An alarm description with the construct path (any characters, any length) made to fit CloudWatch's 1024 characters. */
function alarmDescription(scope: Construct, what: string): string {
  return plainDescription(`${scope.node.path}: ${what}`, 1024);
}

/**
 * Builds with the task definition's `addToTaskRolePolicy` writing into `policy` (when given):
 * the statements aws-cdk-lib adds to the task role while building a service land in that policy.
 */
function withTaskRoleStatementsIn<T>(taskDefinition: ecs.TaskDefinition, policy: iam.Policy | undefined, build: () => T): T {
  if (!policy) return build();
  taskDefinition.addToTaskRolePolicy = (statement: iam.PolicyStatement) => policy.addStatements(statement);
  try {
    return build();
  } finally {
    // Back to the class's method for every later call.
    Reflect.deleteProperty(taskDefinition, 'addToTaskRolePolicy');
  }
}
