import { Duration, RemovalPolicy, aws_ec2 as ec2, aws_ecs as ecs, aws_logs as logs } from 'aws-cdk-lib';
import { checkSeconds, isSecondsBetween } from './checks';
import { checkTargetConditions, checkWebLoadBalancerOptions } from './load-balancer-checks';
import type { WebServiceInput } from './web-service-input';
import { PropValidator, enumMemberName, isUnresolved } from '../../core/validation';
import { checkOptionsWithoutLoadBalancer } from '../web-load-balancer-options';
import type { WebServiceOptions } from '../web-service-options';

// The checks every web service shares, whatever its compute (Fargate, EC2),
// each reporting its problems to the service's PropValidator.

/** Renders an enum value by its name (`RetentionDays.FIVE_DAYS`, not `5`), or as it is when it is not a member. */
export function enumName(enumObject: object, enumLabel: string, value: unknown): string {
  const key = enumMemberName(enumObject, value);
  return key !== undefined ? `${enumLabel}.${key}` : String(value);
}

/** The routing conditions and the load balancer options (refused with a given `loadBalancer`). */
export function checkLoadBalancer(validator: PropValidator, props: WebServiceInput): void {
  checkTargetConditions(validator, props);
  checkOptionsWithoutLoadBalancer(validator, props, props.loadBalancer !== undefined);
  if (!props.loadBalancer) checkWebLoadBalancerOptions(validator, props);
}

/** The target group's health check, deregistration delay, stickiness and slow start. */
export function checkTargetGroup(validator: PropValidator, props: WebServiceOptions): void {
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

/** The task counts (given, and after defaults: `min`, `max`) and the scaling targets. */
export function checkScaling(validator: PropValidator, props: WebServiceOptions, min: number, max: number): void {
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

function checkScalingTargets(validator: PropValidator, props: WebServiceOptions): void {
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

/** The deployment limits (after defaults: `min`, `max`), the grace period and the rollback alarms. */
export function checkDeployment(validator: PropValidator, props: WebServiceOptions, min: number, max: number): void {
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

/** A container health check within ECS's limits (aws-cdk-lib checks some only while synthesizing, without naming the prop). */
export function checkContainerHealthCheck(validator: PropValidator, prop: string, healthCheck: ecs.HealthCheck | undefined): void {
  if (healthCheck === undefined) return;
  validator.check(`${prop}.command`, healthCheck.command, healthCheck.command.length > 0,
    'Give the command to run, e.g. ["CMD-SHELL", "curl -f http://localhost/ || exit 1"].');
  checkSeconds(validator, `${prop}.interval`, healthCheck.interval, 5, 300, 'Use a whole number of seconds from 5 to 300.');
  checkSeconds(validator, `${prop}.timeout`, healthCheck.timeout, 2, 120, 'Use a whole number of seconds from 2 to 120.');
  checkSeconds(validator, `${prop}.startPeriod`, healthCheck.startPeriod, 0, 300, 'Use a whole number of seconds from 0 to 300.');
  validator.checkInteger(`${prop}.retries`, healthCheck.retries, 1, 10);
}

/** The service name, the log group options and the alarm topic. */
export function checkOperations(validator: PropValidator, props: WebServiceInput, enableAlarms: boolean): void {
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
      encryptionKey: props.encryptionKey?.node.path,
    };
    for (const prop of ['logRetention', 'logRemovalPolicy', 'encryptionKey'] as const) {
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
}


/** The Service Connect options: a namespace when it is on, none of its options when it is off. */
export function checkServiceConnectOptions(validator: PropValidator, props: WebServiceInput): void {
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
 * Container names (ECS: up to 255 letters, digits, `_` and `-`) are refused
 * rather than derived: the user typed them, and they appear in the console,
 * in `docker` commands and in log stream names. They must be known at synth
 * time: the log stream prefix and the Service Connect names derive from them,
 * and they must be unique in the task definition.
 */
export function checkContainerName(validator: PropValidator, name: string, prop: string): void {
  if (isUnresolved(name)) {
    validator.report(prop, name, 'A container name cannot come from a token: the log stream prefix and the Service Connect ' +
      'names are derived from it and it must be unique in the task. Use a plain string (e.g. "web").');
    return;
  }
  validator.check(prop, name, /^[A-Za-z0-9][A-Za-z0-9_-]{0,254}$/.test(name),
    'Use 1 to 255 letters, digits, "_" and "-", starting with a letter or digit (e.g. "web").');
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

/** ECS quota (not adjustable): containers in one task definition. */
export const MAX_CONTAINERS = 10;

/**
 * Checks that the task subnets exist before aws-cdk-lib selects them (its
 * error names neither the construct nor the prop to change). A VPC without
 * NAT gateways has no private subnets with egress, the default. `publicIpOption`:
 * whether the service offers `assignPublicIp` (Fargate does; ECS refuses it for EC2 tasks).
 */
export function checkTaskSubnets(validator: PropValidator, vpc: ec2.IVpc, given: ec2.SubnetSelection | undefined,
  assignPublicIp: boolean, publicIpOption: boolean): void {
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
    const fix = selection.subnetType === ec2.SubnetType.PRIVATE_WITH_EGRESS && !given && !publicIpOption
      ? 'set taskSubnets to subnets whose tasks reach ECR, S3 and CloudWatch Logs (e.g. isolated subnets with VPC endpoints), give the ' +
        'VPC a NAT gateway (EcsCluster: natGateways: 1), or use the bridge network mode (the default), where tasks share the network of ' +
        'their instance and need no subnet of their own.'
      : selection.subnetType === ec2.SubnetType.PRIVATE_WITH_EGRESS && !given
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

/** A sidecar's container name (its `containerName`, else its id) and the prop it came from. */
export interface SidecarName {
  readonly containerName: string;
  readonly nameProp: string;
}

/** Checks a sidecar's name and health check; returns its container name. */
export function checkSidecarOptions(validator: PropValidator, id: string, options: ecs.ContainerDefinitionOptions): SidecarName {
  const containerName = options.containerName ?? id;
  const nameProp = options.containerName !== undefined ? 'options.containerName' : 'id';
  checkContainerName(validator, containerName, nameProp);
  checkContainerHealthCheck(validator, 'options.healthCheck', options.healthCheck);
  return { containerName, nameProp };
}

/** Checks that the task has room for one more container, under an id and a name of its own. */
export function checkSidecarRoom(validator: PropValidator, taskDefinition: ecs.TaskDefinition, containerNames: ReadonlySet<string>,
  id: string, name: SidecarName): void {
  if (containerNames.size >= MAX_CONTAINERS) {
    validator.report('id', id, `A task definition holds at most ${MAX_CONTAINERS} containers (an ECS quota), and this one has ${MAX_CONTAINERS} already.`);
  } else if (taskDefinition.node.tryFindChild(id) !== undefined) {
    validator.report('id', id, 'Each container needs its own id: this one is already used in the task definition.');
  } else if (containerNames.has(name.containerName)) {
    validator.report(name.nameProp, name.containerName,
      'ECS refuses a task definition with two containers of the same name: give the sidecar another containerName.');
  }
}
