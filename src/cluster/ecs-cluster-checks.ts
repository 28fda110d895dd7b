import {
  Annotations,
  aws_ecs as ecs,
  aws_logs as logs,
  aws_servicediscovery as cloudmap,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { IEc2Capacity } from './ec2-capacity';
import { EcsClusterProps } from './ecs-cluster-props';
import { PropValidator, enumMember, isEnumMember, isUnresolved, renderedAs } from '../core/validation';

/** Checks the props of an `EcsCluster`, reporting every problem to `validator`. */
export function validateClusterProps(validator: PropValidator, props: EcsClusterProps): void {
  const name = props.clusterName;
  if (name !== undefined && !isUnresolved(name)) {
    validator.check('clusterName', name, typeof name === 'string' && /^[A-Za-z0-9_-]{1,255}$/.test(name),
      'Use 1 to 255 letters, digits, hyphens and underscores, e.g. "shop-production".');
  }
  if (props.vpc) {
    const vpcProps: Array<[string, unknown]> = [
      ['maxAzs', props.maxAzs],
      ['natGateways', props.natGateways],
      ['flowLogRetention', enumMember('RetentionDays', logs.RetentionDays, props.flowLogRetention)],
    ];
    for (const [prop, value] of vpcProps.filter(([, v]) => v !== undefined)) {
      validator.report(prop, value, 'It configures the VPC the cluster creates, but a vpc was given: configure that VPC instead, or remove it.');
    }
  } else {
    // Both shape the VPC at synth time (subnets per zone, routes per NAT gateway).
    for (const prop of ['maxAzs', 'natGateways'] as const) {
      if (isUnresolved(props[prop])) {
        validator.report(prop, renderedAs('a token'), 'It cannot be a token: the VPC\'s subnets and routes are laid out at synth time. Use a literal number.');
      }
    }
    const maxAzs = props.maxAzs ?? 2;
    validator.checkInteger('maxAzs', props.maxAzs, 1, 6, 'Use a whole number of Availability Zones from 1 to 6.');
    validator.checkInteger('natGateways', props.natGateways, 0, 6, 'Use a whole number, 0 or more (each costs about $36.50 a month).');
    const maxAzsValid = Number.isInteger(maxAzs) && maxAzs >= 1 && maxAzs <= 6;
    if (props.natGateways !== undefined && !isUnresolved(props.natGateways) && maxAzsValid && props.natGateways > maxAzs) {
      validator.report('natGateways', props.natGateways,
        `There is at most one NAT gateway per Availability Zone, and the VPC has ${maxAzs}: use at most ${maxAzs}, or raise maxAzs.`);
    }
  }
  const key = props.encryptionKey as unknown;
  if (key !== undefined && (typeof key !== 'object' || key === null || typeof (key as { keyArn?: unknown }).keyArn !== 'string')) {
    validator.report('encryptionKey', key, 'Give a KMS key (kms.IKey), e.g. new kms.Key(...) or kms.Key.fromKeyArn(...), or leave it out.');
  }
  checkEnum(validator, 'flowLogRetention', 'RetentionDays', logs.RetentionDays, props.flowLogRetention,
    'Use a logs.RetentionDays value, e.g. logs.RetentionDays.ONE_MONTH.');
  checkEnum(validator, 'executeCommandLogRetention', 'RetentionDays', logs.RetentionDays, props.executeCommandLogRetention,
    'Use a logs.RetentionDays value, e.g. logs.RetentionDays.ONE_YEAR.');
  checkEnum(validator, 'containerInsights', 'ContainerInsights', ecs.ContainerInsights, props.containerInsights,
    'Use ecs.ContainerInsights.ENABLED, ENHANCED or DISABLED.');
  checkEnum(validator, 'cloudMapNamespaceType', 'NamespaceType', cloudmap.NamespaceType, props.cloudMapNamespaceType,
    'Use cloudmap.NamespaceType.HTTP, DNS_PRIVATE or DNS_PUBLIC.');
  validateNamespaceName(validator, props);
}

/** Reports a value that is not a member of its enum (tokens are skipped: CloudFormation checks them). */
function checkEnum(validator: PropValidator, prop: string, enumName: string, enumObject: object, value: unknown, fix: string): void {
  if (value === undefined) return;
  validator.check(prop, enumMember(enumName, enumObject, value), isEnumMember(enumObject, value), fix);
}

/**
 * Cloud Map namespace names: HTTP namespaces take 1 to 1024 printable ASCII
 * characters without spaces; DNS namespaces a domain name of at most 253
 * characters with labels of 1 to 63 letters, digits and hyphens.
 */
function validateNamespaceName(validator: PropValidator, props: EcsClusterProps): void {
  const name = props.cloudMapNamespaceName;
  if (name === undefined || isUnresolved(name)) return;
  const type = props.cloudMapNamespaceType ?? cloudmap.NamespaceType.HTTP;
  if (typeof name !== 'string') {
    validator.report('cloudMapNamespaceName', name, 'Use a name such as "internal".');
  } else if (type === cloudmap.NamespaceType.HTTP) {
    validator.check('cloudMapNamespaceName', name, /^[!-~]{1,1024}$/.test(name),
      'An HTTP namespace name is 1 to 1024 printable ASCII characters without spaces, e.g. "internal".');
  } else if (type === cloudmap.NamespaceType.DNS_PRIVATE || type === cloudmap.NamespaceType.DNS_PUBLIC) {
    const labels = name.replace(/\.$/, '').split('.');
    validator.check('cloudMapNamespaceName', name,
      name.length <= 253 && labels.every(label => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(label)),
      'A DNS namespace name is a domain name: labels of 1 to 63 letters, digits and hyphens separated by dots, e.g. "internal.local".');
  }
}

/**
 * What the default strategy needs beyond the shared checks: EC2 providers
 * known at synth time (the strategy is the cluster's own, rendered now).
 */
export function validateDefaultStrategy(validator: PropValidator, strategy: ecs.CapacityProviderStrategy[], named: Map<string, string>,
  capacities: IEc2Capacity[]): void {
  // The cluster's own providers, by the name the user gave or by their reference.
  const own = new Set([...named.keys(), ...named.values(), ...capacities.map(c => c.capacityProviderName)]);
  for (const entry of strategy) {
    if (isUnresolved(entry.capacityProvider) && !own.has(entry.capacityProvider)) {
      validator.report('defaultTaskCapacity[].capacityProvider', renderedAs('a token'),
        'The default can only name capacity providers of this cluster, known at synth time: use TaskCapacity.fargate(...), TaskCapacity.ec2(), ' +
        'or the capacityProviderName given to ec2Capacity.');
    }
  }
}

/** Props that only matter with another prop, given without it: warn, so the user knows they do nothing. */
export function warnAboutIgnoredProps(scope: Construct, props: EcsClusterProps): void {
  if (props.executeCommandLogRetention !== undefined && !props.enableExecuteCommand) {
    Annotations.of(scope).addWarningV2('cdk-ecs-kit:EcsCluster.executeCommandLogRetentionIgnored',
      'executeCommandLogRetention is ignored because enableExecuteCommand is not true: enable ECS Exec, or remove it.');
  }
  if (props.encryptionKey !== undefined && props.vpc !== undefined && !props.enableExecuteCommand) {
    Annotations.of(scope).addWarningV2('cdk-ecs-kit:EcsCluster.encryptionKeyIgnored',
      'encryptionKey is ignored because the cluster creates no log group: a vpc is given (no flow logs of the cluster\'s own) ' +
      'and enableExecuteCommand is not true. Enable ECS Exec, or remove it.');
  }
  if (props.cloudMapNamespaceType !== undefined && props.cloudMapNamespaceName === undefined) {
    Annotations.of(scope).addWarningV2('cdk-ecs-kit:EcsCluster.cloudMapNamespaceTypeIgnored',
      'cloudMapNamespaceType is ignored because no cloudMapNamespaceName is given: name the namespace, or remove it.');
  }
}
