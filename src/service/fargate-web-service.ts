import {
  Duration,
  RemovalPolicy,
  Tokenization,
  Validations,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam,
  aws_logs as logs,
  aws_servicediscovery as servicediscovery,
  aws_sns as sns,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { fargateSizeProblem } from './fargate-sizes';
import { checkSeconds, isSecondsBetween, markAsService } from './private/checks';
import { checkTargetConditions, checkWebLoadBalancerOptions } from './private/load-balancer-checks';
import { ISharedLoadBalancer, SharedLoadBalancer } from './shared-load-balancer';
import { WebLoadBalancerOptions, checkOptionsWithoutLoadBalancer, webLoadBalancerOptions } from './web-load-balancer-options';
import { checkCapacityProviderStrategy } from '../cluster/capacity-provider-checks';
import { logStreamPrefix, plainDescription, securityGroupDescription, serviceConnectPortName } from '../core/names';
import { PropValidator, enumMemberName, isUnresolved } from '../core/validation';

/**
 * What a web service runs and how: its container, task size, routing on the
 * load balancer, health checks, scaling, deployments and operations.
 *
 * `FargateWebServiceProps` adds where it runs (cluster, load balancer);
 * `FargateWebServiceGroup.addService` takes these options alone.
 */
export interface FargateWebServiceOptions {
  /**
   * The container image, e.g. `repo.containerImage('v1.2.3')` for an
   * `EcrRepository`: the task's execution role is granted pull access.
   */
  readonly image: ecs.ContainerImage;

  // ---- container

  /**
   * Name of the web container (also its log stream prefix): 1 to 255 letters,
   * digits, `_` and `-`, known at synth time (not a token).
   *
   * @default 'web'
   */
  readonly containerName?: string;

  /**
   * The port the container listens on for HTTP (1–65535).
   *
   * @default 80
   */
  readonly containerPort?: number;

  /**
   * Environment variables (non-secret configuration). Values are visible in
   * the task definition: pass secrets through `secrets`.
   *
   * @default - no environment variables
   */
  readonly environment?: { [name: string]: string };

  /**
   * Secrets from Secrets Manager or SSM Parameter Store, exposed as environment
   * variables. The execution role is granted read access to each.
   *
   * @default - no secrets
   */
  readonly secrets?: { [name: string]: ecs.Secret };

  /**
   * The command of the container (overrides the image's `CMD`).
   *
   * @default - the image's command
   */
  readonly command?: string[];

  /**
   * A container health check (a command run inside the container). The load
   * balancer's health check (`healthCheckPath`) is separate and always on.
   *
   * @default - the image's health check, if any
   */
  readonly containerHealthCheck?: ecs.HealthCheck;

  /**
   * Mount the container's root filesystem read-only.
   *
   * Off by default because most stock web images (nginx, many language
   * runtimes) write caches, PID and temporary files to their root filesystem
   * and crash on start when they cannot; turn it on (recommended, AWS Security
   * Hub control ECS.5) when your image writes only to mounted volumes.
   *
   * @default false
   */
  readonly readonlyRootFilesystem?: boolean;

  // ---- sizes

  /**
   * CPU units of the task (1024 = 1 vCPU): 256, 512, 1024, 2048, 4096, 8192 or 16384.
   *
   * @default 256
   */
  readonly cpu?: number;

  /**
   * Memory of the task in MiB; must be valid for `cpu` (e.g. 512, 1024 or 2048 with 256 CPU units).
   *
   * @default 512
   */
  readonly memoryLimitMiB?: number;

  /**
   * Ephemeral storage of the task in GiB, 21 to 200.
   *
   * @default - 20 GiB, the storage included in the Fargate price
   */
  readonly ephemeralStorageGiB?: number;

  /**
   * CPU architecture of the task: `CpuArchitecture.ARM64` runs on Graviton
   * (cheaper per vCPU) and needs an arm64 image.
   *
   * @default ecs.CpuArchitecture.X86_64
   */
  readonly cpuArchitecture?: ecs.CpuArchitecture;

  // ---- routing on the load balancer

  /**
   * Host names routed to this service (`Host` header, `*` and `?` wildcards).
   *
   * @default - any host
   */
  readonly hostHeaders?: string[];

  /**
   * Path patterns routed to this service, starting with `/` (e.g. `['/api/*']`).
   *
   * Without `hostHeaders` and `pathPatterns`, the service is the load
   * balancer's default target: it receives every request no other rule matches.
   *
   * @default - any path
   */
  readonly pathPatterns?: string[];

  /**
   * Priority of the listener rule (1–50000, lower is evaluated first, unique per listener).
   * Only with `hostHeaders` or `pathPatterns`.
   *
   * @default - the next free multiple of 10, in the order services attach
   */
  readonly priority?: number;

  // ---- target group

  /**
   * Path of the load balancer's health check; starts with `/`.
   *
   * @default '/'
   */
  readonly healthCheckPath?: string;

  /**
   * HTTP codes that count as healthy: codes, ranges and lists such as
   * `'200'`, `'200-299'` or `'200,302'` (200–499).
   *
   * @default '200-399' - redirects (e.g. to a login page) count as healthy
   */
  readonly healthyHttpCodes?: string;

  /**
   * Time between health checks, 5 to 300 seconds.
   *
   * @default Duration.seconds(15)
   */
  readonly healthCheckInterval?: Duration;

  /**
   * Time after which a health check without response fails, 2 to 120 seconds,
   * less than `healthCheckInterval`.
   *
   * @default Duration.seconds(5)
   */
  readonly healthCheckTimeout?: Duration;

  /**
   * Consecutive successful health checks before a task receives traffic (2–10).
   *
   * @default 2
   */
  readonly healthyThresholdCount?: number;

  /**
   * Consecutive failed health checks before a task is taken out of service (2–10).
   *
   * @default 3
   */
  readonly unhealthyThresholdCount?: number;

  /**
   * How long the load balancer lets in-flight requests finish before a
   * stopping task is deregistered, 0 to 3600 seconds.
   *
   * @default Duration.seconds(30)
   */
  readonly deregistrationDelay?: Duration;

  /**
   * Sticky sessions with a load-balancer cookie that lasts this long (1 second to 7 days).
   *
   * @default - no stickiness
   */
  readonly stickinessCookieDuration?: Duration;

  /**
   * Ramp traffic to a new task up over this time (30 to 900 seconds).
   *
   * @default - new tasks get their full share at once
   */
  readonly slowStart?: Duration;

  // ---- scaling

  /**
   * Number of tasks to create the service with, between `minCapacity` and `maxCapacity`.
   *
   * Setting it writes `DesiredCount` into the template, and CloudFormation then
   * sets the count back to it on every update of the service (a new image, for
   * example), undoing auto scaling until it scales again. Leave it out unless
   * the service must start with more tasks than `minCapacity`.
   *
   * @default - not in the template: the service is created with one task and
   * auto scaling raises it to `minCapacity` (2) right away; deployments keep
   * the count auto scaling chose
   */
  readonly desiredCount?: number;

  /**
   * Fewest tasks auto scaling keeps running.
   *
   * @default - 2 (one task per Availability Zone of a two-AZ VPC), or
   * `desiredCount` or `maxCapacity` when smaller
   */
  readonly minCapacity?: number;

  /**
   * Most tasks auto scaling starts.
   *
   * @default - 10, or `minCapacity` or `desiredCount` when larger
   */
  readonly maxCapacity?: number;

  /**
   * Average CPU utilization (percent, 1–100) that auto scaling keeps the service at.
   *
   * @default 70
   */
  readonly targetCpuUtilizationPercent?: number;

  /**
   * Average memory utilization (percent, 1–100) that auto scaling keeps the service at.
   *
   * @default - memory does not drive scaling
   */
  readonly targetMemoryUtilizationPercent?: number;

  /**
   * Requests per task per minute that auto scaling keeps the service at (at least 1).
   *
   * @default - request count does not drive scaling
   */
  readonly targetRequestsPerTarget?: number;

  /**
   * Time after a scale-in before another scale-in (0 to 3600 seconds).
   *
   * @default Duration.minutes(5)
   */
  readonly scaleInCooldown?: Duration;

  /**
   * Time after a scale-out before another scale-out (0 to 3600 seconds).
   *
   * @default Duration.minutes(1)
   */
  readonly scaleOutCooldown?: Duration;

  // ---- deployment safety

  /**
   * Stop a deployment whose tasks keep failing to start or to pass health
   * checks, and roll back to the last working task definition.
   *
   * @default true
   */
  readonly circuitBreaker?: boolean;

  /**
   * Lower limit of running tasks during a deployment, in percent of the
   * desired count (0–100). 100 keeps full capacity while new tasks start.
   *
   * @default 100
   */
  readonly minHealthyPercent?: number;

  /**
   * Upper limit of running tasks during a deployment, in percent of the
   * desired count; more than `minHealthyPercent` and at least 100.
   *
   * @default 200
   */
  readonly maxHealthyPercent?: number;

  /**
   * CloudWatch alarms that roll a deployment back when they go off during it.
   *
   * @default - no alarm rolls back a deployment (the circuit breaker still does)
   */
  readonly deploymentAlarms?: cloudwatch.IAlarm[];

  /**
   * Roll a deployment back when the target 5xx alarm (see `enableAlarms`)
   * goes off during it; creates that alarm if `enableAlarms` is off.
   *
   * @default false
   */
  readonly rollbackOnTarget5xx?: boolean;

  /**
   * Time after a task starts during which failed load balancer health checks
   * do not stop it (0 to 7200 seconds): the application's start-up time.
   *
   * @default Duration.seconds(60)
   */
  readonly healthCheckGracePeriod?: Duration;

  // ---- capacity

  /**
   * Weight of Fargate Spot in the capacity provider strategy (0–1000): with
   * `onDemandWeight` 1 and `spotWeight` 3, three of four tasks above
   * `onDemandBase` run on Spot. The cluster needs the Fargate capacity providers
   * (checked when the cluster is defined in the app).
   *
   * @default 0 - every task runs on regular Fargate
   */
  readonly spotWeight?: number;

  /**
   * Weight of regular (on-demand) Fargate in the capacity provider strategy (0–1000).
   * Only used with `spotWeight`.
   *
   * @default 1
   */
  readonly onDemandWeight?: number;

  /**
   * Tasks that always run on regular Fargate before the weights apply (0–100000).
   * Only used with `spotWeight`.
   *
   * @default 0
   */
  readonly onDemandBase?: number;

  // ---- networking

  /**
   * Give each task a public IP address. Without other `taskSubnets`, tasks then
   * run in public subnets: no NAT gateway needed to pull images and call AWS
   * APIs. Tasks still accept traffic only from the load balancer.
   *
   * @default false
   */
  readonly assignPublicIp?: boolean;

  /**
   * Subnets of the tasks. A subnet type or group the VPC lacks is refused at
   * synth time (a VPC without NAT gateways has no private subnets with egress:
   * set `assignPublicIp: true`, or give isolated subnets with VPC endpoints).
   *
   * @default - private subnets with egress, or public subnets when `assignPublicIp` is true
   */
  readonly taskSubnets?: ec2.SubnetSelection;

  // ---- operations

  /**
   * Name of the ECS service: 1 to 255 letters, digits, `_` and `-`.
   *
   * @default - CloudFormation generates a unique name
   */
  readonly serviceName?: string;

  /**
   * How long container logs are kept (a finite retention).
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * What happens to the log group when it is removed from the stack
   * (`RemovalPolicy.SNAPSHOT` is refused: log groups cannot be snapshotted).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;

  /**
   * Allow `aws ecs execute-command` into running containers (ECS Exec).
   *
   * @default false
   */
  readonly enableExecuteCommand?: boolean;

  /**
   * Register the service with ECS Service Connect, so that other services of
   * the namespace reach it at `http://<serviceConnectDnsName>:<containerPort>`.
   *
   * @default false
   */
  readonly enableServiceConnect?: boolean;

  /**
   * Cloud Map namespace for Service Connect.
   *
   * @default - the cluster's default namespace (required when this is not given)
   */
  readonly serviceConnectNamespace?: servicediscovery.INamespace;

  /**
   * Service Connect DNS name of the service: up to 63 lowercase letters, digits
   * and `-`. It is also the port mapping name and the Cloud Map service name,
   * unique in the namespace (two services with one name are refused).
   *
   * @default - the container name in lowercase, other characters than letters,
   * digits, `_` and `-` replaced by `-`, at most 64 characters
   */
  readonly serviceConnectDnsName?: string;

  /**
   * Create alarms: target 5xx responses, unhealthy tasks, CPU and memory (see README for thresholds).
   *
   * @default - true when `alarmTopic` is given, false otherwise
   */
  readonly enableAlarms?: boolean;

  /**
   * SNS topic notified when an alarm goes off and when it recovers.
   *
   * @default - alarms have no action
   */
  readonly alarmTopic?: sns.ITopic;
}

/**
 * Properties of a `FargateWebService`.
 *
 * The load balancer options (`internetFacing`, `certificate`, `domainName`,
 * `hostedZone`, `ingressCidrs`, `accessLogs*`, `loadBalancerSubnets`) configure
 * the load balancer the service creates for itself; with `loadBalancer` (a
 * shared one) they are set on the `SharedLoadBalancer` instead.
 */
export interface FargateWebServiceProps extends FargateWebServiceOptions, WebLoadBalancerOptions {
  /** The cluster to run in (an `EcsCluster`, or any `ecs.ICluster` with a VPC). */
  readonly cluster: ecs.ICluster;

  /**
   * A shared load balancer to attach to instead of creating one (a
   * `SharedLoadBalancer`, or an existing one imported with
   * `SharedLoadBalancer.fromSharedLoadBalancerAttributes`): the service adds
   * only a target group and a listener rule to it.
   *
   * @default - the service creates its own load balancer from the load balancer options
   */
  readonly loadBalancer?: ISharedLoadBalancer;

  /**
   * Security group of the tasks, e.g. one that several services share to stay
   * within resource limits. The load balancer is allowed in on the container
   * port; anything else allowed through `connections` applies to every task
   * that uses the group.
   *
   * @default - a new security group for this service's tasks, all outbound traffic allowed
   */
  readonly securityGroup?: ec2.ISecurityGroup;

  /**
   * The role ECS uses to start the tasks (pull the image, write logs, read
   * `secrets`), e.g. one that several services share. The service grants it
   * what it needs when the role belongs to the app; an imported role must
   * already allow it.
   *
   * @default - a new role for this service, granted only what its tasks need to start
   */
  readonly executionRole?: iam.IRole;

  /**
   * Log group of the containers, e.g. one that several services share. Each
   * container writes to log streams named `<service id>/<container name>/<task id>`.
   * Not allowed with `logRetention` or `logRemovalPolicy`, which apply to the
   * log group the service creates.
   *
   * @default - a new log group for this service (see `logRetention` and `logRemovalPolicy`),
   * with log streams named `<container name>/<container name>/<task id>`
   */
  readonly logGroup?: logs.ILogGroup;
}

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

  constructor(scope: Construct, id: string, props: FargateWebServiceProps) {
    super(scope, id);
    markAsService(this);

    const containerName = props.containerName ?? 'web';
    const containerPort = props.containerPort ?? 80;
    const cpu = props.cpu ?? 256;
    const memoryLimitMiB = props.memoryLimitMiB ?? 512;
    const minHealthyPercent = props.minHealthyPercent ?? 100;
    const maxHealthyPercent = props.maxHealthyPercent ?? 200;
    const { minCapacity, maxCapacity } = capacities(props);
    const enableAlarms = props.enableAlarms ?? props.alarmTopic !== undefined;
    const assignPublicIp = props.assignPublicIp ?? false;
    const capacityProviderStrategies = spotStrategy(props);
    const serviceConnect = props.enableServiceConnect ? serviceConnectNames(props.serviceConnectDnsName, containerName) : undefined;

    const validator = new PropValidator(this, 'FargateWebService');
    validator.checkInteger('containerPort', containerPort, 1, 65535);
    checkContainerName(validator, containerName, 'containerName');
    checkSize(validator, cpu, memoryLimitMiB);
    checkContainerHealthCheck(validator, 'containerHealthCheck', props.containerHealthCheck);
    checkCpuArchitecture(validator, props.cpuArchitecture);
    validator.checkInteger('ephemeralStorageGiB', props.ephemeralStorageGiB, 21, 200,
      'Use a whole number of GiB from 21 to 200, or leave it out for the 20 GiB included with every task.');
    checkLoadBalancer(validator, props);
    checkTargetGroup(validator, props);
    checkScaling(validator, props, minCapacity, maxCapacity);
    checkDeployment(validator, props, minHealthyPercent, maxHealthyPercent);
    checkCapacity(validator, props, capacityProviderStrategies);
    checkTaskSubnets(validator, props, assignPublicIp);
    checkOperations(validator, props, enableAlarms);
    if (serviceConnect) checkServiceConnectNames(validator, this, props, serviceConnect);
    validator.throwIfInvalid();
    if (serviceConnect) registerServiceConnectNames(this, props, serviceConnect);

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
    this.logDriver = ecs.LogDrivers.awsLogs({ logGroup: this.logGroup, streamPrefix: this.sharedLogStreamPrefix ?? logStreamPrefix(containerName) });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'TaskDefinition', {
      cpu,
      memoryLimitMiB,
      ephemeralStorageGiB: props.ephemeralStorageGiB,
      executionRole: props.executionRole,
      runtimePlatform: {
        cpuArchitecture: props.cpuArchitecture ?? ecs.CpuArchitecture.X86_64,
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
      },
    });
    this.grantPrincipal = this.taskDefinition.taskRole;

    this.container = this.taskDefinition.addContainer(containerName, {
      image: props.image,
      containerName,
      essential: true,
      portMappings: [serviceConnect
        ? { containerPort, name: serviceConnect.portName, appProtocol: ecs.AppProtocol.http }
        : { containerPort }],
      environment: props.environment,
      secrets: props.secrets,
      command: props.command,
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

    this.securityGroup = props.securityGroup ?? new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: securityGroupDescription(
        `Tasks of ${this.node.path}: HTTP from the load balancer on ${isUnresolved(containerPort) ? 'the container port' : `port ${containerPort}`} only`),
      allowAllOutbound: true,
    });

    // ECS Exec: aws-cdk-lib adds its statements to the task role while it builds the service; they go into
    // a policy of their own (a child of the task role, which the service depends on), the only place where
    // their wildcard finding is acknowledged: statements the user adds to the task role keep their findings.
    const executeCommandPolicy = props.enableExecuteCommand ? new iam.Policy(this.taskDefinition.taskRole, 'ExecuteCommand') : undefined;
    if (executeCommandPolicy) this.taskDefinition.taskRole.attachInlinePolicy(executeCommandPolicy);
    this.service = withTaskRoleStatementsIn(this.taskDefinition, executeCommandPolicy, () => new ecs.FargateService(this, 'Resource', {
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
    this.connections = this.service.connections;
    if (capacityProviderStrategies) {
      // A service that names capacity providers fails to create before the cluster has them associated
      // (aws-cdk-lib adds that association to the cluster at synthesis, so depend on the whole cluster).
      this.service.node.addDependency(props.cluster);
    }
    if (executeCommandPolicy) {
      Validations.of(executeCommandPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'Added by aws-cdk-lib for ECS Exec (enableExecuteCommand): the ssmmessages channel actions do not support ' +
          'resource-level permissions, and the session-logging actions (logs:DescribeLogGroups, CreateLogStream, ' +
          'DescribeLogStreams, PutLogEvents) are granted on "*" because the log destination is chosen by the cluster.',
      });
    }

    // aws-cdk-lib checks the slow start and stickiness durations and compares the health check
    // interval with the timeout at synthesis, which values from tokens cannot pass: those are
    // written to the target group directly (in seconds, as checkSeconds made sure they are given).
    const interval = props.healthCheckInterval ?? Duration.seconds(15);
    const timeout = props.healthCheckTimeout ?? Duration.seconds(5);
    const healthCheckTimesKnown = !interval.isUnresolved() && !timeout.isUnresolved();
    this.targetGroup = new elbv2.ApplicationTargetGroup(this, 'TargetGroup', {
      vpc,
      targetType: elbv2.TargetType.IP,
      protocol: elbv2.ApplicationProtocol.HTTP,
      port: containerPort,
      targets: [this.service.loadBalancerTarget({ containerName, containerPort })],
      deregistrationDelay: props.deregistrationDelay ?? Duration.seconds(30),
      stickinessCookieDuration: props.stickinessCookieDuration?.isUnresolved() ? undefined : props.stickinessCookieDuration,
      slowStart: props.slowStart?.isUnresolved() ? undefined : props.slowStart,
      healthCheck: {
        enabled: true,
        path: props.healthCheckPath ?? '/',
        healthyHttpCodes: props.healthyHttpCodes ?? '200-399',
        interval: healthCheckTimesKnown ? interval : undefined,
        timeout: healthCheckTimesKnown ? timeout : undefined,
        healthyThresholdCount: props.healthyThresholdCount ?? 2,
        unhealthyThresholdCount: props.unhealthyThresholdCount ?? 3,
      },
    });
    if (!healthCheckTimesKnown) {
      const cfnTargetGroup = this.targetGroup.node.defaultChild as elbv2.CfnTargetGroup;
      cfnTargetGroup.healthCheckIntervalSeconds = interval.toSeconds();
      cfnTargetGroup.healthCheckTimeoutSeconds = timeout.toSeconds();
    }
    if (props.slowStart?.isUnresolved()) {
      this.targetGroup.setAttribute('slow_start.duration_seconds', Tokenization.stringifyNumber(props.slowStart.toSeconds()));
    }
    if (props.stickinessCookieDuration?.isUnresolved()) {
      this.targetGroup.setAttribute('stickiness.enabled', 'true');
      this.targetGroup.setAttribute('stickiness.type', 'lb_cookie');
      this.targetGroup.setAttribute('stickiness.lb_cookie.duration_seconds',
        Tokenization.stringifyNumber(props.stickinessCookieDuration.toSeconds()));
    }
    this.listenerRule = this.sharedLoadBalancer.addTargetGroup(this, 'ListenerRule', {
      targetGroup: this.targetGroup,
      hostHeaders: props.hostHeaders,
      pathPatterns: props.pathPatterns,
      priority: props.priority,
    });
    this.url = serviceUrl(this.sharedLoadBalancer.url, props.hostHeaders, props.pathPatterns);

    // Scaling is part of the service from the start, not an afterthought.
    const cooldowns = {
      scaleInCooldown: props.scaleInCooldown ?? Duration.minutes(5),
      scaleOutCooldown: props.scaleOutCooldown ?? Duration.minutes(1),
    };
    this.scaling = this.service.autoScaleTaskCount({ minCapacity, maxCapacity });
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
   * given as `undefined` is the same as an option left out.
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
    return this.taskDefinition.addContainer(id, {
      ...options,
      containerName,
      essential: options.essential ?? false,
      logging: options.logging ?? ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: this.sharedLogStreamPrefix ?? logStreamPrefix(containerName),
      }),
    });
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
}

/**
 * Container options that a Fargate task definition refuses when it is
 * registered: the ones Fargate does not support at all
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html),
 * `hostname`, which the awsvpc network mode refuses, and inference
 * accelerators, which a Fargate task definition cannot declare.
 */
const NOT_ON_FARGATE: ReadonlyArray<keyof ecs.ContainerDefinitionOptions> = [
  'disableNetworking', 'dnsSearchDomains', 'dnsServers', 'dockerSecurityOptions', 'extraHosts',
  'gpuCount', 'hostname', 'inferenceAcceleratorResources', 'privileged',
];

/** Refuses the sidecar options of `NOT_ON_FARGATE` unless left at their neutral value (false, 0, empty). */
function checkFargateContainerOptions(validator: PropValidator, options: ecs.ContainerDefinitionOptions): void {
  for (const name of NOT_ON_FARGATE) {
    const value: unknown = options[name];
    const neutral = value === undefined || value === false || value === 0
      || (Array.isArray(value) && value.length === 0)
      || (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0);
    validator.check(`options.${name}`, value, neutral,
      `Fargate tasks (awsvpc network mode) do not accept ${name}, and ECS refuses the task definition: leave it out, or run the container on EC2 capacity.`);
  }
}

const DEFAULT_MIN_CAPACITY = 2;
const DEFAULT_MAX_CAPACITY = 10;

/** Minimum and maximum task counts after defaults. */
function capacities(props: FargateWebServiceProps): { minCapacity: number; maxCapacity: number } {
  const minCapacity = props.minCapacity
    ?? Math.min(DEFAULT_MIN_CAPACITY, props.desiredCount ?? DEFAULT_MIN_CAPACITY, props.maxCapacity ?? DEFAULT_MIN_CAPACITY);
  const maxCapacity = props.maxCapacity ?? Math.max(DEFAULT_MAX_CAPACITY, minCapacity, props.desiredCount ?? 0);
  return { minCapacity, maxCapacity };
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

/**
 * Container names (ECS: up to 255 letters, digits, `_` and `-`) are refused
 * rather than derived: the user typed them, and they appear in the console,
 * in `docker` commands and in log stream names. They must be known at synth
 * time: the log stream prefix and the Service Connect names derive from them,
 * and they must be unique in the task definition.
 */
function checkContainerName(validator: PropValidator, name: string, prop: string): void {
  if (isUnresolved(name)) {
    validator.report(prop, name, 'A container name cannot come from a token: the log stream prefix and the Service Connect ' +
      'names are derived from it and it must be unique in the task. Use a plain string (e.g. "web").');
    return;
  }
  validator.check(prop, name, /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(name),
    'Use 1 to 255 letters, digits, "_" and "-", starting with a letter or digit (e.g. "web").');
}

/** An alarm description with the construct path (any characters, any length) made to fit CloudWatch's 1024 characters. */
function alarmDescription(scope: Construct, what: string): string {
  return plainDescription(`${scope.node.path}: ${what}`, 1024);
}

/** The capacity provider strategy the service writes: Fargate Spot with on-demand Fargate, or none (launch type FARGATE). */
function spotStrategy(props: FargateWebServiceProps): ecs.CapacityProviderStrategy[] | undefined {
  if (!props.spotWeight) return undefined;
  return [
    { capacityProvider: 'FARGATE', base: props.onDemandBase ?? 0, weight: props.onDemandWeight ?? 1 },
    { capacityProvider: 'FARGATE_SPOT', weight: props.spotWeight },
  ];
}

/** The Service Connect port mapping name (also the Cloud Map discovery name) and client DNS name of a service. */
interface ServiceConnectNames {
  readonly portName: string;
  readonly dnsName: string;
}

/**
 * The port mapping name must be lowercase letters, digits, `_` and `-` (at most
 * 64), and becomes the Cloud Map service name; the DNS name (lowercase letters,
 * digits, `_`, `-` and `.`) is what clients call. Both are derived from the
 * container name unless `serviceConnectDnsName` is given.
 */
function serviceConnectNames(dnsName: string | undefined, containerName: string): ServiceConnectNames {
  const fromContainer = serviceConnectPortName(containerName);
  if (dnsName === undefined) return { portName: fromContainer, dnsName: fromContainer };
  return { portName: isUnresolved(dnsName) ? fromContainer : serviceConnectPortName(dnsName), dnsName };
}

/** The Service Connect names taken in each namespace (the namespace object, or the cluster for its default one). */
const SERVICE_CONNECT_NAMES = new WeakMap<object, Map<string, string>>();

function serviceConnectScope(props: FargateWebServiceProps): object | undefined {
  return props.serviceConnectNamespace ?? props.cluster.defaultCloudMapNamespace;
}

function serviceConnectKeys(names: ServiceConnectNames): string[] {
  return [`discovery:${names.portName}`, ...isUnresolved(names.dnsName) ? [] : [`dns:${names.dnsName}`]];
}

/**
 * Two services of one namespace with the same discovery or DNS name: the
 * second fails to deploy (Cloud Map names are unique in a namespace).
 */
function checkServiceConnectNames(validator: PropValidator, scope: Construct, props: FargateWebServiceProps, names: ServiceConnectNames): void {
  const namespace = serviceConnectScope(props);
  const taken = namespace ? SERVICE_CONNECT_NAMES.get(namespace) : undefined;
  if (!taken) return;
  for (const key of serviceConnectKeys(names)) {
    const other = taken.get(key);
    if (other === undefined || other === scope.node.path) continue;
    const name = key.slice(key.indexOf(':') + 1);
    validator.report(props.serviceConnectDnsName !== undefined ? 'serviceConnectDnsName' : 'containerName', name,
      `The service ${other} already uses the Service Connect name "${name}" in this namespace, and Cloud Map names are unique ` +
      'in a namespace: give this service its own serviceConnectDnsName (e.g. "api").');
    return;
  }
}

function registerServiceConnectNames(scope: Construct, props: FargateWebServiceProps, names: ServiceConnectNames): void {
  const namespace = serviceConnectScope(props);
  if (!namespace) return;
  const taken = SERVICE_CONNECT_NAMES.get(namespace) ?? new Map<string, string>();
  SERVICE_CONNECT_NAMES.set(namespace, taken);
  for (const key of serviceConnectKeys(names)) taken.set(key, scope.node.path);
}

/** The subnets of a VPC of the type a selection names (as aws-cdk-lib's selectSubnets groups them). */
function subnetsOfType(vpc: ec2.IVpc, type: ec2.SubnetType): ec2.ISubnet[] {
  switch (type) {
    case ec2.SubnetType.PUBLIC: return vpc.publicSubnets;
    case ec2.SubnetType.PRIVATE_ISOLATED: return vpc.isolatedSubnets;
    default: return vpc.privateSubnets;
  }
}

const SUBNET_TYPE_NAMES: [ec2.SubnetType, string][] = [
  [ec2.SubnetType.PUBLIC, 'SubnetType.PUBLIC'],
  [ec2.SubnetType.PRIVATE_WITH_EGRESS, 'SubnetType.PRIVATE_WITH_EGRESS'],
  [ec2.SubnetType.PRIVATE_ISOLATED, 'SubnetType.PRIVATE_ISOLATED'],
];

function subnetTypeName(type: ec2.SubnetType): string {
  return enumName(ec2.SubnetType, 'SubnetType', type);
}

/**
 * Checks that the task subnets exist before aws-cdk-lib selects them (its
 * error names neither the construct nor the prop to change). A VPC without
 * NAT gateways has no private subnets with egress, the default.
 */
function checkTaskSubnets(validator: PropValidator, props: FargateWebServiceProps, assignPublicIp: boolean): void {
  const vpc = props.cluster.vpc;
  const given = props.taskSubnets;
  const selection = given ?? { subnetType: assignPublicIp ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS };
  // Looked-up VPCs may not list every subnet; explicit subnets are taken as they are.
  if (selection.subnets !== undefined || (vpc as unknown as { incompleteSubnetDefinition?: boolean }).incompleteSubnetDefinition) return;
  const types = SUBNET_TYPE_NAMES.filter(([type]) => subnetsOfType(vpc, type).length > 0).map(([, name]) => name);
  const has = types.length > 0 ? `it has ${types.join(', ')}` : 'it has none';
  if (selection.subnetType !== undefined && selection.subnetGroupName !== undefined) {
    validator.report('taskSubnets', `${subnetTypeName(selection.subnetType)} and "${selection.subnetGroupName}"`,
      'Give either subnetType or subnetGroupName, not both.');
  } else if (selection.subnetType !== undefined && subnetsOfType(vpc, selection.subnetType).length === 0) {
    const received = given ? subnetTypeName(selection.subnetType) : `${subnetTypeName(selection.subnetType)} (the default)`;
    const fix = selection.subnetType === ec2.SubnetType.PRIVATE_WITH_EGRESS && !given
      ? 'set assignPublicIp: true to run the tasks in public subnets (they need no NAT gateway and still accept traffic only from ' +
        'the load balancer), set taskSubnets to subnets whose tasks reach ECR, S3 and CloudWatch Logs (e.g. isolated subnets with VPC ' +
        'endpoints), or give the VPC a NAT gateway (EcsCluster: natGateways: 1).'
      : selection.subnetType === ec2.SubnetType.PUBLIC && !given
        ? 'set taskSubnets to subnets the tasks can reach ECR, S3 and CloudWatch Logs from (with assignPublicIp: false: private ' +
          'subnets with a NAT gateway, or isolated subnets with VPC endpoints), or add public subnets to the VPC.'
        : 'choose a subnet type the VPC has.';
    validator.report('taskSubnets', received, `The VPC ${vpc.node.path} has no subnets of this type (${has}): ${fix}`);
  } else if (selection.subnetGroupName !== undefined && !isUnresolved(selection.subnetGroupName)) {
    // aws-cdk-lib's own naming: a subnet group's name is its subnets' construct id without "Subnet<n>".
    const all = [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets];
    const names = [...new Set(all.map(subnet => subnet.node.id.replace(/Subnet\d+$/, '')))];
    if (!names.includes(selection.subnetGroupName)) {
      validator.report('taskSubnets', selection.subnetGroupName,
        `The VPC ${vpc.node.path} has no subnet group of this name (it has ${names.map(n => JSON.stringify(n)).join(', ') || 'none'}): ` +
        'give the name of one of its subnet groups, or a subnetType.');
    }
  }
}

/** Renders an enum value by its name (`RetentionDays.FIVE_DAYS`, not `5`), or as it is when it is not a member. */
function enumName(enumObject: object, enumLabel: string, value: unknown): string {
  const key = enumMemberName(enumObject, value);
  return key !== undefined ? `${enumLabel}.${key}` : String(value);
}

function checkSize(validator: PropValidator, cpu: number, memoryLimitMiB: number): void {
  if (isUnresolved(cpu) || isUnresolved(memoryLimitMiB)) return;
  const problem = fargateSizeProblem(cpu, memoryLimitMiB);
  if (problem) validator.report(problem.prop, problem.prop === 'cpu' ? cpu : memoryLimitMiB, problem.fix);
}

function checkLoadBalancer(validator: PropValidator, props: FargateWebServiceProps): void {
  checkTargetConditions(validator, props);
  checkOptionsWithoutLoadBalancer(validator, props, props.loadBalancer !== undefined);
  if (!props.loadBalancer) checkWebLoadBalancerOptions(validator, props);
}

function checkTargetGroup(validator: PropValidator, props: FargateWebServiceProps): void {
  if (props.healthCheckPath !== undefined) {
    validator.check('healthCheckPath', props.healthCheckPath, /^\/\S{0,1023}$/.test(props.healthCheckPath),
      'Use a path that starts with "/" (e.g. "/healthz"), up to 1024 characters without spaces.');
  }
  if (props.healthyHttpCodes !== undefined) {
    const valid = props.healthyHttpCodes.split(',').every(part => {
      const match = /^(\d{3})(?:-(\d{3}))?$/.exec(part);
      if (!match) return false;
      const from = Number(match[1]);
      const to = Number(match[2] ?? match[1]);
      return from >= 200 && to <= 499 && from <= to;
    });
    validator.check('healthyHttpCodes', props.healthyHttpCodes, valid,
      'Use HTTP codes from 200 to 499 as a code, a range or a comma-separated list, e.g. "200", "200-299" or "200,302".');
  }
  const interval = props.healthCheckInterval ?? Duration.seconds(15);
  const timeout = props.healthCheckTimeout ?? Duration.seconds(5);
  checkSeconds(validator, 'healthCheckInterval', props.healthCheckInterval, 5, 300, 'Use a whole number of seconds from 5 to 300.');
  checkSeconds(validator, 'healthCheckTimeout', props.healthCheckTimeout, 2, 120, 'Use a whole number of seconds from 2 to 120.');
  const inRange = isSecondsBetween(interval, 5, 300) && isSecondsBetween(timeout, 2, 120);
  if (inRange && !interval.isUnresolved() && !timeout.isUnresolved() && timeout.toMilliseconds() >= interval.toMilliseconds()) {
    validator.report('healthCheckTimeout', timeout.toHumanString(),
      `The timeout must be shorter than healthCheckInterval (${interval.toHumanString()}): shorten it or lengthen the interval.`);
  }
  validator.checkInteger('healthyThresholdCount', props.healthyThresholdCount, 2, 10);
  validator.checkInteger('unhealthyThresholdCount', props.unhealthyThresholdCount, 2, 10);
  checkSeconds(validator, 'deregistrationDelay', props.deregistrationDelay, 0, 3600, 'Use a whole number of seconds from 0 to 3600.');
  checkSeconds(validator, 'stickinessCookieDuration', props.stickinessCookieDuration, 1, 604_800,
    'Use a whole number of seconds from 1 second to 7 days.');
  checkSeconds(validator, 'slowStart', props.slowStart, 30, 900, 'Use a whole number of seconds from 30 to 900.');
}

function checkScaling(validator: PropValidator, props: FargateWebServiceProps, min: number, max: number): void {
  const desired = props.desiredCount;
  const fromToken = (['desiredCount', 'minCapacity', 'maxCapacity'] as const).filter(prop => isUnresolved(props[prop]));
  const missing = (['minCapacity', 'maxCapacity'] as const).filter(prop => props[prop] === undefined);
  if (fromToken.length > 0 && missing.length > 0) {
    validator.report(missing[0], undefined, `${fromToken.join(' and ')} ${fromToken.length > 1 ? 'come' : 'comes'} from a token, and the ` +
      'default task counts are computed from the other counts, which cannot be done before deployment: give both minCapacity and maxCapacity.');
  }
  validator.checkInteger('desiredCount', props.desiredCount, 0, 5000);
  validator.checkInteger('minCapacity', props.minCapacity, 0, 5000);
  validator.checkInteger('maxCapacity', props.maxCapacity, 1, 5000);
  // The counts are compared only when each is a valid count, so that one wrong value is reported once.
  const validCount = (value: number | undefined) =>
    value === undefined || isUnresolved(value) || (Number.isInteger(value) && value >= 0 && value <= 5000);
  const comparable = [desired, props.minCapacity, props.maxCapacity].every(validCount);
  if (comparable && !isUnresolved(min) && !isUnresolved(max) && min > max) {
    validator.report('minCapacity', min, `minCapacity must not exceed maxCapacity (${max}): lower minCapacity or raise maxCapacity.`);
  } else if (comparable && desired !== undefined && !isUnresolved(desired) && (desired < min || desired > max)) {
    validator.report('desiredCount', desired, `The desired count must lie between minCapacity (${min}) and maxCapacity (${max}).`);
  }
  checkScalingTargets(validator, props);
}

function checkScalingTargets(validator: PropValidator, props: FargateWebServiceProps): void {
  for (const prop of ['targetCpuUtilizationPercent', 'targetMemoryUtilizationPercent'] as const) {
    const value = props[prop];
    if (value !== undefined) {
      validator.check(prop, value, value >= 1 && value <= 100, 'Use a percentage from 1 to 100 (e.g. 70).');
    }
  }
  validator.checkInteger('targetRequestsPerTarget', props.targetRequestsPerTarget, 1, 1_000_000,
    'Use a whole number of requests per task per minute, at least 1.');
  checkSeconds(validator, 'scaleInCooldown', props.scaleInCooldown, 0, 3600, 'Use a whole number of seconds from 0 to 3600.');
  checkSeconds(validator, 'scaleOutCooldown', props.scaleOutCooldown, 0, 3600, 'Use a whole number of seconds from 0 to 3600.');
}

function checkDeployment(validator: PropValidator, props: FargateWebServiceProps, min: number, max: number): void {
  validator.checkInteger('minHealthyPercent', props.minHealthyPercent, 0, 100);
  validator.checkInteger('maxHealthyPercent', props.maxHealthyPercent, 100, 1000,
    'Use a whole number from 100 to 1000 (percent of the desired count).');
  if (!isUnresolved(min) && !isUnresolved(max) && max <= min) {
    validator.report('maxHealthyPercent', max,
      `Must be more than minHealthyPercent (${min}), or a deployment cannot start a new task: e.g. 200.`);
  }
  checkSeconds(validator, 'healthCheckGracePeriod', props.healthCheckGracePeriod, 0, 7200, 'Use a whole number of seconds from 0 to 7200.');
  if (props.deploymentAlarms !== undefined && props.deploymentAlarms.length === 0) {
    validator.report('deploymentAlarms', [], 'Give at least one alarm, or leave deploymentAlarms out.');
  }
}

function checkCapacity(validator: PropValidator, props: FargateWebServiceProps, strategies: ecs.CapacityProviderStrategy[] | undefined): void {
  const ranges = { spotWeight: 1000, onDemandWeight: 1000, onDemandBase: 100_000 };
  let inRange = true;
  for (const [prop, max] of Object.entries(ranges) as [keyof typeof ranges, number][]) {
    const value = props[prop];
    validator.checkInteger(prop, value, 0, max);
    inRange &&= value === undefined || isUnresolved(value) || (Number.isInteger(value) && value >= 0 && value <= max);
  }
  if (!strategies) {
    for (const prop of ['onDemandWeight', 'onDemandBase'] as const) {
      if (props[prop] !== undefined) {
        validator.report(prop, props[prop], 'Only used with Fargate Spot: set spotWeight too (e.g. 1), or remove it.');
      }
    }
    // Without spotWeight the service runs with the FARGATE launch type, which needs no capacity provider on the cluster.
    return;
  }
  // The strategy the service writes, against the providers the cluster has (when it is defined in this app).
  if (inRange) checkCapacityProviderStrategy(validator, 'spotWeight', strategies, props.cluster);
}

/** The name of a CPU architecture (kept private by CpuArchitecture; `of('ARM64')` is another instance than `ARM64`). */
function architectureName(architecture: ecs.CpuArchitecture): unknown {
  return (architecture as unknown as { _cpuArchitecture?: unknown })._cpuArchitecture;
}

function checkCpuArchitecture(validator: PropValidator, architecture: ecs.CpuArchitecture | undefined): void {
  if (architecture === undefined) return;
  const name = architectureName(architecture);
  validator.check('cpuArchitecture', name, name === 'X86_64' || name === 'ARM64',
    'Fargate runs Linux tasks on CpuArchitecture.X86_64 or CpuArchitecture.ARM64 only.');
}

/** ECS quota (not adjustable): containers in one task definition. */
const MAX_CONTAINERS = 10;

/** A container health check within ECS's limits (aws-cdk-lib checks some only while synthesizing, without naming the prop). */
function checkContainerHealthCheck(validator: PropValidator, prop: string, healthCheck: ecs.HealthCheck | undefined): void {
  if (healthCheck === undefined) return;
  validator.check(`${prop}.command`, healthCheck.command, healthCheck.command.length > 0,
    'Give the command to run, e.g. ["CMD-SHELL", "curl -f http://localhost/ || exit 1"].');
  checkSeconds(validator, `${prop}.interval`, healthCheck.interval, 5, 300, 'Use a whole number of seconds from 5 to 300.');
  checkSeconds(validator, `${prop}.timeout`, healthCheck.timeout, 2, 120, 'Use a whole number of seconds from 2 to 120.');
  checkSeconds(validator, `${prop}.startPeriod`, healthCheck.startPeriod, 0, 300, 'Use a whole number of seconds from 0 to 300.');
  validator.checkInteger(`${prop}.retries`, healthCheck.retries, 1, 10);
}

function checkOperations(validator: PropValidator, props: FargateWebServiceProps, enableAlarms: boolean): void {
  if (props.serviceName !== undefined) {
    validator.check('serviceName', props.serviceName, /^[A-Za-z0-9_-]{1,255}$/.test(props.serviceName),
      'Use 1 to 255 letters, digits, "_" and "-" (e.g. "shop-web").');
  }
  const retention = props.logRetention;
  if (retention !== undefined && !isUnresolved(retention)) {
    if (retention === logs.RetentionDays.INFINITE) {
      validator.report('logRetention', enumName(logs.RetentionDays, 'RetentionDays', retention),
        'Logs must expire: choose a finite retention such as logs.RetentionDays.THREE_MONTHS.');
    } else if (!Object.values(logs.RetentionDays).includes(retention)) {
      validator.report('logRetention', retention,
        'CloudWatch Logs accepts only the retentions of logs.RetentionDays: use one of them, e.g. logs.RetentionDays.ONE_MONTH.');
    }
  }
  if (props.logRemovalPolicy === RemovalPolicy.SNAPSHOT) {
    validator.report('logRemovalPolicy', enumName(RemovalPolicy, 'RemovalPolicy', props.logRemovalPolicy),
      'A log group cannot be snapshotted, so CloudFormation would refuse the template: use RemovalPolicy.RETAIN or RemovalPolicy.DESTROY.');
  }
  if (props.logGroup) {
    const rendered = {
      logRetention: enumName(logs.RetentionDays, 'RetentionDays', props.logRetention),
      logRemovalPolicy: enumName(RemovalPolicy, 'RemovalPolicy', props.logRemovalPolicy),
    };
    for (const prop of ['logRetention', 'logRemovalPolicy'] as const) {
      if (props[prop] !== undefined) {
        validator.report(prop, rendered[prop], `It applies only to the log group the service creates, and logGroup is given (${props.logGroup.node.path}): ` +
          'set it on that log group (for a FargateWebServiceGroup: on the group), or remove it.');
      }
    }
  }
  if (props.alarmTopic && !enableAlarms) {
    validator.report('alarmTopic', props.alarmTopic,
      'The topic is notified by the alarms, which enableAlarms: false turns off: remove alarmTopic or enable the alarms.');
  }
  if (props.taskSubnets?.subnetType === ec2.SubnetType.PUBLIC && !props.assignPublicIp) {
    validator.report('taskSubnets', 'PUBLIC',
      'Tasks in public subnets need a public IP to pull images and reach AWS APIs: set assignPublicIp: true, or use private subnets.');
  }
  if (props.enableServiceConnect) {
    validator.check('enableServiceConnect', true, props.serviceConnectNamespace !== undefined || props.cluster.defaultCloudMapNamespace !== undefined,
      'Service Connect needs a Cloud Map namespace: give serviceConnectNamespace, or give the cluster a default namespace.');
  } else if (props.serviceConnectNamespace || props.serviceConnectDnsName) {
    validator.report(props.serviceConnectNamespace ? 'serviceConnectNamespace' : 'serviceConnectDnsName',
      props.serviceConnectNamespace ?? props.serviceConnectDnsName,
      'Only used with Service Connect: set enableServiceConnect: true, or remove it.');
  }
  if (props.serviceConnectDnsName !== undefined) {
    validator.check('serviceConnectDnsName', props.serviceConnectDnsName, /^[a-z0-9]([a-z0-9-]{0,62})$/.test(props.serviceConnectDnsName),
      'Use up to 63 lowercase letters, digits and "-", starting with a letter or digit (e.g. "api").');
  }
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
