import {
  Duration,
  RemovalPolicy,
  Validations,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { WebServiceInput } from './web-service-input';
import { HARDENED_DEFAULT_USER, addScratchVolumes } from '../../core/container-settings';
import { hardeningOf, logGroupSecurity } from '../../core/hardening';
import { logStreamPrefix, plainDescription } from '../../core/names';
import { isUnresolved } from '../../core/validation';
import { ISharedLoadBalancer, SharedLoadBalancer } from '../shared-load-balancer';
import { webLoadBalancerOptions } from '../web-load-balancer-options';
import type { WebServiceOptions } from '../web-service-options';

// The building steps every web service shares, whatever its compute: its load
// balancer, logs, listener rule, scaling, alarms and ECS Exec policy. Each
// creates its constructs in the service's scope, with the ids the service has
// always had (they are part of the service's public contract).

/** The load balancer given, or one created for the service (`LoadBalancer`) from its load balancer options. */
export function serviceLoadBalancer(scope: Construct, props: WebServiceInput): ISharedLoadBalancer {
  return props.loadBalancer ?? new SharedLoadBalancer(scope, 'LoadBalancer', {
    ...webLoadBalancerOptions(props),
    vpc: props.cluster.vpc,
  });
}

/** Where a service's containers log. */
export interface ServiceLogging {
  /** The log group given, or the one created (`LogGroup`). */
  readonly logGroup: logs.ILogGroup;
  /** The main container's log driver. */
  readonly logDriver: ecs.LogDriver;
  /** The service's id when its log group is shared: the prefix of all its log streams. */
  readonly sharedLogStreamPrefix?: string;
}

/** The service's log group and the main container's log driver. */
export function serviceLogging(scope: Construct, id: string, props: WebServiceInput, containerName: string): ServiceLogging {
  const logGroup = props.logGroup ?? createLogGroup(scope, props);
  // In a shared log group, the service's id tells its log streams apart from those of the other services
  // (made a valid log stream name part: ids may hold ":" and "*", which log stream names refuse).
  const sharedLogStreamPrefix = props.logGroup ? logStreamPrefix(id) : undefined;
  return { logGroup, sharedLogStreamPrefix, logDriver: containerLogDriver(logGroup, sharedLogStreamPrefix, containerName) };
}

/**
 * The log group a service creates (`LogGroup`): its own retention and key
 * win, then the hardened profile's (a year, the profile's key), then a month
 * and CloudWatch Logs' own encryption.
 */
export function createLogGroup(scope: Construct, props: {
  logRetention?: logs.RetentionDays;
  logRemovalPolicy?: RemovalPolicy;
  encryptionKey?: kms.IKey;
}): logs.LogGroup {
  const security = logGroupSecurity(scope, props, logs.RetentionDays.ONE_MONTH);
  return new logs.LogGroup(scope, 'LogGroup', {
    retention: security.retention,
    encryptionKey: security.encryptionKey,
    removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
  });
}

/**
 * A container's log driver: to the service's log group, in streams named
 * `<prefix>/<container name>/<task id>`, at most 512 characters (logStreamPrefix
 * keeps a prefix from a 255-character container name within that).
 */
export function containerLogDriver(logGroup: logs.ILogGroup, sharedLogStreamPrefix: string | undefined, containerName: string): ecs.LogDriver {
  return ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: sharedLogStreamPrefix ?? logStreamPrefix(containerName) });
}

/** Acknowledges the environment finding on the task definition when the user gave `environment`. */
export function acknowledgeEnvironment(taskDefinition: ecs.TaskDefinition, environment: { [name: string]: string } | undefined): void {
  if (environment && Object.keys(environment).length > 0) {
    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason: 'The environment variables were passed as `environment`: non-secret configuration; secrets go through `secrets`.',
    });
  }
}

/**
 * Builds the ECS service (`build`), with ECS Exec when `enable`: aws-cdk-lib adds
 * its statements to the task role while it builds the service; they go into a
 * customer managed policy of their own (a child of the task role, which the
 * service depends on), the only place where their wildcard finding is
 * acknowledged: statements the user adds to the task role keep their findings.
 */
export function buildWithExecuteCommand<T>(taskDefinition: ecs.TaskDefinition, enable: boolean | undefined, build: () => T): T {
  // Not `ExecuteCommand`, the id of the inline policy it replaces: CloudFormation cannot change the type
  // of a logical id in place, and a new id is created before the old policy is deleted.
  const policy = enable ? new iam.ManagedPolicy(taskDefinition.taskRole, 'ExecuteCommandPolicy', { roles: [taskDefinition.taskRole] }) : undefined;
  const built = withTaskRoleStatementsIn(taskDefinition, policy, build);
  if (policy) {
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Added by aws-cdk-lib for ECS Exec (enableExecuteCommand): the ssmmessages channel actions do not support ' +
        'resource-level permissions, and the session-logging actions (logs:DescribeLogGroups, CreateLogStream, ' +
        'DescribeLogStreams, PutLogEvents) are granted on "*" because the log destination is chosen by the cluster.',
    });
  }
  return built;
}

/**
 * Builds with the task definition's `addToTaskRolePolicy` writing into `policy` (when given):
 * the statements aws-cdk-lib adds to the task role while building a service land in that policy.
 */
function withTaskRoleStatementsIn<T>(taskDefinition: ecs.TaskDefinition, policy: iam.ManagedPolicy | undefined, build: () => T): T {
  if (!policy) return build();
  taskDefinition.addToTaskRolePolicy = (statement: iam.PolicyStatement) => policy.addStatements(statement);
  try {
    return build();
  } finally {
    // Back to the class's method for every later call.
    Reflect.deleteProperty(taskDefinition, 'addToTaskRolePolicy');
  }
}

/** The service's place on the load balancer. */
export interface ServiceRoute {
  /** The listener rule, unless the service is the load balancer's default target. */
  readonly listenerRule?: elbv2.ApplicationListenerRule;
  /** The URL the service is reached at. */
  readonly url: string;
}

/** Attaches the target group to the load balancer (`ListenerRule`), by the service's host headers, path patterns and priority. */
export function routeToService(scope: Construct, props: WebServiceOptions, loadBalancer: ISharedLoadBalancer,
  targetGroup: elbv2.ApplicationTargetGroup): ServiceRoute {
  const listenerRule = loadBalancer.addTargetGroup(scope, 'ListenerRule', {
    targetGroup,
    hostHeaders: props.hostHeaders,
    pathPatterns: props.pathPatterns,
    priority: props.priority,
  });
  return { listenerRule, url: serviceUrl(loadBalancer.url, props.hostHeaders, props.pathPatterns) };
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

/** Target tracking on CPU, and on memory and requests per task when their targets are given. */
export function configureScaling(scaling: ecs.ScalableTaskCount, props: WebServiceOptions, targetGroup: elbv2.ApplicationTargetGroup): void {
  const cooldowns = {
    scaleInCooldown: props.scaleInCooldown ?? Duration.minutes(5),
    scaleOutCooldown: props.scaleOutCooldown ?? Duration.minutes(1),
  };
  scaling.scaleOnCpuUtilization('CpuScaling', {
    targetUtilizationPercent: props.targetCpuUtilizationPercent ?? 70,
    ...cooldowns,
  });
  if (props.targetMemoryUtilizationPercent !== undefined) {
    scaling.scaleOnMemoryUtilization('MemoryScaling', {
      targetUtilizationPercent: props.targetMemoryUtilizationPercent,
      ...cooldowns,
    });
  }
  if (props.targetRequestsPerTarget !== undefined) {
    scaling.scaleOnRequestCount('RequestScaling', {
      requestsPerTarget: props.targetRequestsPerTarget,
      targetGroup,
      ...cooldowns,
    });
  }
}

/** The metrics a web service's alarms watch. */
export interface WebServiceMetrics {
  metricTarget5xxCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricUnhealthyHostCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
  metricMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/**
 * The alarms of `enableAlarms` (and the target 5xx alarm of
 * `rollbackOnTarget5xx`), pushed to `alarms`; then the deployment alarms that
 * roll a deployment back (`deploymentAlarms`, and the 5xx alarm with `rollbackOnTarget5xx`).
 */
export function createAlarms(scope: Construct & WebServiceMetrics, service: ecs.BaseService, props: WebServiceOptions,
  enableAlarms: boolean, alarms: cloudwatch.Alarm[]): void {
  let target5xxAlarm: cloudwatch.Alarm | undefined;
  if (enableAlarms || props.rollbackOnTarget5xx) {
    target5xxAlarm = new cloudwatch.Alarm(scope, 'Target5xxAlarm', {
      alarmDescription: alarmDescription(scope, '10 or more 5xx responses from the tasks within 5 minutes'),
      metric: scope.metricTarget5xxCount({ period: Duration.minutes(5) }),
      threshold: 10,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarms.push(target5xxAlarm);
  }
  if (enableAlarms) {
    alarms.push(
      new cloudwatch.Alarm(scope, 'UnhealthyHostsAlarm', {
        alarmDescription: alarmDescription(scope, 'at least one task failed the load balancer health check for 3 minutes'),
        metric: scope.metricUnhealthyHostCount({ period: Duration.minutes(1) }),
        threshold: 1,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      new cloudwatch.Alarm(scope, 'CpuAlarm', {
        alarmDescription: alarmDescription(scope, 'average CPU utilization at or above 90% for 5 minutes'),
        metric: scope.metricCpuUtilization({ period: Duration.minutes(1) }),
        threshold: 90,
        evaluationPeriods: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      }),
      new cloudwatch.Alarm(scope, 'MemoryAlarm', {
        alarmDescription: alarmDescription(scope, 'average memory utilization at or above 90% for 5 minutes'),
        metric: scope.metricMemoryUtilization({ period: Duration.minutes(1) }),
        threshold: 90,
        evaluationPeriods: 5,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      }),
    );
    if (props.alarmTopic) {
      const action = new cloudwatchActions.SnsAction(props.alarmTopic);
      for (const alarm of alarms) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    }
  }
  if (props.rollbackOnTarget5xx && target5xxAlarm && !(enableAlarms && props.alarmTopic)) {
    // Without a topic, the alarm's action is the rollback: ECS watches it during deployments.
    Validations.of(target5xxAlarm).acknowledge(...['NIST.800.53.R5', 'HIPAA.Security'].map(pack => ({
      id: `${pack}-CloudWatchAlarmAction`,
      reason: 'This alarm exists for rollbackOnTarget5xx: ECS watches it during each deployment (deployment alarms) and rolls the ' +
        'deployment back when it fires, which is its action. To be notified as well, give the service an alarmTopic.',
    })));
  }
  const rollbackAlarms = [...props.deploymentAlarms ?? [], ...(props.rollbackOnTarget5xx && target5xxAlarm ? [target5xxAlarm] : [])];
  if (rollbackAlarms.length > 0) {
    service.enableDeploymentAlarms(rollbackAlarms.map(alarm => alarm.alarmName), {
      behavior: ecs.AlarmBehavior.ROLLBACK_ON_ALARM,
    });
  }
}

/** An alarm description with the construct path (any characters, any length) made to fit CloudWatch's 1024 characters. */
function alarmDescription(scope: Construct, what: string): string {
  return plainDescription(`${scope.node.path}: ${what}`, 1024);
}

/**
 * A sidecar's container options: the user's options first, then each default
 * only where the option is unset (spreading `options` last would let an
 * explicit `undefined`, e.g. `logging: undefined`, erase the default and drop
 * the sidecar's logs). Not essential, and logging like the main container, by
 * default; in the hardened profile, like every container of the kit, as user
 * `1000:1000` with a read-only root file system (`addSidecarScratchVolumes`
 * then gives it a writable `/tmp`).
 */
export function sidecarContainerOptions(scope: Construct, options: ecs.ContainerDefinitionOptions, containerName: string,
  logging: ServiceLogging): ecs.ContainerDefinitionOptions {
  const hardened = hardeningOf(scope) !== undefined;
  return {
    ...options,
    containerName,
    essential: options.essential ?? false,
    logging: options.logging ?? containerLogDriver(logging.logGroup, logging.sharedLogStreamPrefix, containerName),
    user: options.user ?? (hardened ? HARDENED_DEFAULT_USER : undefined),
    readonlyRootFilesystem: options.readonlyRootFilesystem ?? (hardened ? true : undefined),
  };
}

/** A sidecar's writable `/tmp` when the hardened profile made its root file system read-only. */
export function addSidecarScratchVolumes(scope: Construct, sidecar: ecs.ContainerDefinition, options: ecs.ContainerDefinitionOptions): void {
  addScratchVolumes(scope, sidecar, { readonlyRootFilesystem: options.readonlyRootFilesystem });
}
