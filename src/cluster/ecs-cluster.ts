import {
  Aspects,
  Aws,
  ArnFormat,
  RemovalPolicy,
  Resource,
  Stack,
  Token,
  aws_autoscaling as autoscaling,
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
  aws_servicediscovery as cloudmap,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { AutoScalingGroupCapacity, AutoScalingGroupCapacityOptions, validateAutoScalingGroupCapacityOptions } from './auto-scaling-group-capacity';
import { checkCapacityProviderStrategy } from './capacity-provider-checks';
import { createVpc } from './cluster-vpc';
import { Ec2Capacity, IEc2Capacity, prevalidated } from './ec2-capacity';
import { Ec2CapacityContext, Ec2CapacityOptions, validateEc2CapacityOptions } from './ec2-capacity-options';
import { validateClusterProps, validateDefaultStrategy, warnAboutIgnoredProps } from './ecs-cluster-checks';
import { EcsClusterAttributes, IEcsCluster, markAsKitCluster } from './ecs-cluster-interface';
import { EcsClusterProps } from './ecs-cluster-props';
import { ImportedEcsCluster } from './imported-ecs-cluster';
import { SafeNameTags } from './name-tags';
import { TaskCapacity, TaskCompute } from './task-capacity';
import { resolveTaskCapacity } from './task-capacity-resolution';
import { logGroupSecurity } from '../core/hardening';
import { PropValidator, enumMember, isEnumMember } from '../core/validation';

/**
 * An ECS cluster with production defaults: its own VPC (or yours), EC2 capacity
 * groups on launch templates with ECS-optimized images, IMDSv2, encrypted gp3
 * volumes and capacity providers that scale from zero, plus Fargate and Fargate
 * Spot, Container Insights, and optional ECS Exec and Service Connect namespace.
 *
 * It implements `ecs.ICluster`, so task definitions, services and
 * `aws-ecs-patterns` accept it.
 *
 * @example
 * const cluster = new EcsCluster(this, 'Cluster', {
 *   ec2Capacity: { instanceTypes: [new ec2.InstanceType('m7g.large')], maxCapacity: 4 },
 * });
 * cluster.addEc2Capacity('Spot', {
 *   spot: true,
 *   instanceTypes: [new ec2.InstanceType('m7g.large'), new ec2.InstanceType('m6g.large')],
 * });
 */
export class EcsCluster extends Resource implements IEcsCluster {
  /**
   * Imports an existing cluster from its attributes, with the capacity the
   * kit's constructs may place tasks on (`ec2Capacities`, Fargate providers,
   * default task capacity).
   */
  public static fromClusterAttributes(scope: Construct, id: string, attrs: EcsClusterAttributes): IEcsCluster {
    const validator = new PropValidator(scope, 'EcsCluster');
    validator.check('fromClusterAttributes(attrs).clusterName', attrs.clusterName,
      typeof attrs.clusterName === 'string' && /^[A-Za-z0-9_-]{1,255}$/.test(attrs.clusterName),
      'Give the cluster\'s name: 1 to 255 letters, digits, hyphens and underscores.');
    if (attrs.vpc === undefined || attrs.vpc === null) {
      validator.report('fromClusterAttributes(attrs).vpc', attrs.vpc, 'Give the cluster\'s VPC (ec2.Vpc.fromVpcAttributes or fromLookup).');
    }
    validator.throwIfInvalid();
    return new ImportedEcsCluster(scope, id, attrs);
  }

  /**
   * Imports an existing cluster from its ARN. Its VPC and capacity are unknown:
   * constructs that need them (services, jobs) need `fromClusterAttributes`.
   */
  public static fromClusterArn(scope: Construct, id: string, clusterArn: string): IEcsCluster {
    const clusterName = Stack.of(scope).splitArn(clusterArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName;
    const validator = new PropValidator(scope, 'EcsCluster');
    validator.check('fromClusterArn(clusterArn)', clusterArn, clusterName !== undefined && clusterName.length > 0,
      'Give a cluster ARN such as "arn:aws:ecs:us-east-1:123456789012:cluster/shop".');
    validator.throwIfInvalid();
    return new ImportedEcsCluster(scope, id, { clusterName: clusterName!, clusterArn, vpc: undefined as unknown as ec2.IVpc });
  }

  /** The aws-cdk-lib cluster this construct configures. */
  public readonly cluster: ecs.Cluster;

  /** The VPC of the cluster. */
  public readonly vpc: ec2.IVpc;

  /** The log group of the VPC flow logs, when this construct created the VPC. */
  public readonly flowLogGroup?: logs.LogGroup;

  /**
   * The KMS key that encrypts ECS Exec sessions, when ECS Exec is enabled, and
   * their logs unless `encryptionKey` (or the hardened profile) gives another key.
   */
  public readonly executeCommandKey?: kms.Key;

  /** The log group of ECS Exec sessions, when ECS Exec is enabled. */
  public readonly executeCommandLogGroup?: logs.LogGroup;

  /** Whether the FARGATE and FARGATE_SPOT capacity providers are associated. */
  public readonly fargateCapacityProviders: boolean;

  /** Where tasks run when a construct is given no `taskCapacity`, if set. */
  public readonly defaultTaskCapacity?: TaskCapacity;

  private readonly _ec2Capacities: IEc2Capacity[] = [];
  /**
   * The EC2 capacity providers named with `capacityProviderName`, by that name:
   * aws-cdk-lib knows them by their deploy-time reference only.
   */
  private readonly namedCapacityProviders = new Map<string, string>();
  /** NAT gateways of the VPC this construct created; undefined when the user gave the VPC. */
  private readonly ownVpcNatGateways?: number;

  constructor(scope: Construct, id: string, props: EcsClusterProps = {}) {
    super(scope, id, { physicalName: props.clusterName });
    markAsKitCluster(this);

    const validator = new PropValidator(this, 'EcsCluster');
    validateClusterProps(validator, props);
    const natGateways = props.natGateways ?? 1;
    this.ownVpcNatGateways = props.vpc ? undefined : natGateways;
    if (props.ec2Capacity) {
      validateEc2CapacityOptions(validator, 'ec2Capacity', props.ec2Capacity, {
        vpc: props.vpc,
        ownVpcNatGateways: this.ownVpcNatGateways,
        capacityProviderNames: [],
      });
    }
    validator.throwIfInvalid();
    warnAboutIgnoredProps(this, props);
    // After aws-cdk-lib's tag aspects (priority 200 or 500), before read-only ones (1000).
    Aspects.of(this).add(new SafeNameTags(), { priority: 700 });

    if (props.vpc) {
      this.vpc = props.vpc;
    } else {
      const flowLogs = logGroupSecurity(this, { logRetention: props.flowLogRetention, encryptionKey: props.encryptionKey },
        logs.RetentionDays.ONE_MONTH);
      this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', {
        retention: flowLogs.retention,
        encryptionKey: flowLogs.encryptionKey,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      this.vpc = createVpc(this, props.maxAzs ?? 2, natGateways, this.flowLogGroup);
    }

    let executeCommandConfiguration: ecs.ExecuteCommandConfiguration | undefined;
    if (props.enableExecuteCommand) {
      this.executeCommandKey = new kms.Key(this, 'ExecuteCommandKey', {
        description: 'Encrypts ECS Exec sessions and their logs',
        enableKeyRotation: true,
      });
      allowLogsToUseKey(this.executeCommandKey);
      const sessionLogs = logGroupSecurity(this, { logRetention: props.executeCommandLogRetention, encryptionKey: props.encryptionKey },
        logs.RetentionDays.ONE_YEAR);
      this.executeCommandLogGroup = new logs.LogGroup(this, 'ExecuteCommandLogs', {
        retention: sessionLogs.retention,
        encryptionKey: sessionLogs.encryptionKey ?? this.executeCommandKey,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      executeCommandConfiguration = {
        kmsKey: this.executeCommandKey,
        logging: ecs.ExecuteCommandLogging.OVERRIDE,
        logConfiguration: { cloudWatchLogGroup: this.executeCommandLogGroup, cloudWatchEncryptionEnabled: true },
      };
    }

    // The main child's id is 'Cluster', not 'Resource': aws-cdk-lib adds the capacity
    // provider associations as a child of the cluster named after the cluster's own id,
    // which collides with the cluster's 'Resource' child when that id is 'Resource'
    // (and 'Default' makes its default child ambiguous). It is declared the default
    // child below, so escape hatches (`node.defaultChild`) reach it as usual.
    this.cluster = new ecs.Cluster(this, 'Cluster', {
      clusterName: props.clusterName,
      vpc: this.vpc,
      enableFargateCapacityProviders: props.enableFargateCapacityProviders ?? true,
      containerInsightsV2: props.containerInsights ?? ecs.ContainerInsights.ENABLED,
      executeCommandConfiguration,
    });
    this.node.defaultChild = this.cluster;

    if (props.cloudMapNamespaceName) {
      this.cluster.addDefaultCloudMapNamespace({
        name: props.cloudMapNamespaceName,
        type: props.cloudMapNamespaceType ?? cloudmap.NamespaceType.HTTP,
        vpc: this.vpc,
        useForServiceConnect: true,
      });
    }
    if (props.ec2Capacity) {
      this.addEc2Capacity('Ec2Capacity', props.ec2Capacity);
    }
    this.fargateCapacityProviders = props.enableFargateCapacityProviders ?? true;
    if (props.defaultTaskCapacity) {
      this.setDefaultTaskCapacity(props.defaultTaskCapacity);
      this.defaultTaskCapacity = props.defaultTaskCapacity;
    }
  }

  /**
   * Checked once the cluster's Fargate providers and first EC2 group exist, so
   * that the default can only name providers the cluster has.
   */
  private setDefaultTaskCapacity(capacity: TaskCapacity): void {
    const validator = new PropValidator(this, 'EcsCluster');
    const resolved = resolveTaskCapacity(validator, capacity, this, {
      prop: 'defaultTaskCapacity',
      computes: [TaskCompute.FARGATE, TaskCompute.EC2],
      fallback: capacity,
    });
    // On-demand Fargate is a launch type, not a provider: as the cluster's default, it is the FARGATE provider.
    const strategies = resolved?.strategies ?? [{ capacityProvider: 'FARGATE', weight: 1 }];
    if (resolved && resolved.strategies === undefined) checkCapacityProviderStrategy(validator, 'defaultTaskCapacity', strategies, this);
    if (resolved) validateDefaultStrategy(validator, strategies, this.namedCapacityProviders, this._ec2Capacities);
    validator.throwIfInvalid();
    // A provider named by its capacityProviderName becomes its reference, which aws-cdk-lib
    // requires (and which makes the association wait for the provider).
    this.cluster.addDefaultCapacityProviderStrategy(strategies.map(entry => ({
      ...entry,
      capacityProvider: this.namedCapacityProviders.get(entry.capacityProvider) ?? entry.capacityProvider,
    })));
  }

  /**
   * Adds a group of EC2 container instances: a launch template, an Auto Scaling
   * group (min 0 by default) and a capacity provider with managed scaling and
   * draining. Call it several times for, e.g., on-demand plus Spot capacity.
   */
  public addEc2Capacity(id: string, options: Ec2CapacityOptions = {}): Ec2Capacity {
    const validator = new PropValidator(this, 'EcsCluster');
    this.checkCapacityId(validator, 'addEc2Capacity', id);
    validateEc2CapacityOptions(validator, `addEc2Capacity(${id})`, options, this._ec2CapacityContext());
    validator.throwIfInvalid();
    return new Ec2Capacity(this, id, prevalidated({ ...options, cluster: this }));
  }

  /**
   * Adopts an Auto Scaling group of yours as EC2 capacity: a capacity provider
   * with managed scaling and draining over it, associated with the cluster.
   * Constructs then place tasks on it like on the kit's own groups.
   */
  public addAutoScalingGroupCapacity(id: string, options: AutoScalingGroupCapacityOptions): IEc2Capacity {
    const validator = new PropValidator(this, 'EcsCluster');
    this.checkCapacityId(validator, 'addAutoScalingGroupCapacity', id);
    validateAutoScalingGroupCapacityOptions(validator, `addAutoScalingGroupCapacity(${id})`, options ?? {} as AutoScalingGroupCapacityOptions,
      [...this.namedCapacityProviders.keys()].filter(name => !Token.isUnresolved(name)));
    validator.throwIfInvalid();
    const capacity = new AutoScalingGroupCapacity(this, id, options, this.cluster);
    this._registerEc2Capacity(capacity, options.capacityProviderName);
    return capacity;
  }

  /** A new capacity's id: a literal that no child of the cluster has. */
  private checkCapacityId(validator: PropValidator, method: string, id: string): void {
    if (typeof id !== 'string' || id.length === 0 || Token.isUnresolved(id)) {
      validator.report(`${method}(id)`, id, 'Give the group a non-empty literal id, e.g. "Spot".');
      validator.throwIfInvalid();
    }
    if (this.node.tryFindChild(id) !== undefined) {
      const what = this._ec2Capacities.some(c => c.node.id === id) ? 'an EC2 capacity group' : 'a child';
      validator.report(`${method}(id)`, id,
        `The cluster has ${what} with this id already (the group from the ec2Capacity prop is "Ec2Capacity"): give each group its own id.`);
    }
  }

  /** Every EC2 capacity, in the order it was added (or adopted). */
  public get ec2Capacities(): IEc2Capacity[] {
    return [...this._ec2Capacities];
  }

  /**
   * What `Ec2Capacity` checks its options against.
   *
   * @internal
   */
  public _ec2CapacityContext(): Ec2CapacityContext {
    return {
      vpc: this.vpc,
      ownVpcNatGateways: this.ownVpcNatGateways,
      capacityProviderNames: [...this.namedCapacityProviders.keys()].filter(name => !Token.isUnresolved(name)),
    };
  }

  /**
   * Records a capacity of this cluster (its provider is associated already).
   *
   * @internal
   */
  public _registerEc2Capacity(capacity: IEc2Capacity, capacityProviderName?: string): void {
    this._ec2Capacities.push(capacity);
    if (capacityProviderName !== undefined) {
      this.namedCapacityProviders.set(capacityProviderName, capacity.capacityProviderName);
    }
  }

  public get clusterName(): string {
    return this.cluster.clusterName;
  }

  public get clusterArn(): string {
    return this.cluster.clusterArn;
  }

  public get clusterRef(): ecs.ClusterReference {
    return this.cluster.clusterRef;
  }

  /** The security groups of the container instances (Fargate tasks have their own). */
  public get connections(): ec2.Connections {
    return this.cluster.connections;
  }

  /** Whether the cluster has EC2 capacity. */
  public get hasEc2Capacity(): boolean {
    return this.cluster.hasEc2Capacity;
  }

  /** The default Cloud Map namespace, when `cloudMapNamespaceName` was given. */
  public get defaultCloudMapNamespace(): cloudmap.INamespace | undefined {
    return this.cluster.defaultCloudMapNamespace;
  }

  /** The Auto Scaling group of the first EC2 capacity group. */
  public get autoscalingGroup(): autoscaling.IAutoScalingGroup | undefined {
    return (this._ec2Capacities[0] as Partial<Ec2Capacity> | undefined)?.autoScalingGroup;
  }

  /** ECS Exec settings, when enabled. */
  public get executeCommandConfiguration(): ecs.ExecuteCommandConfiguration | undefined {
    return this.cluster.executeCommandConfiguration;
  }

  /** Names of the capacity providers attached to the cluster (Fargate and EC2). */
  public get capacityProviderNames(): string[] {
    return this.cluster.capacityProviderNames;
  }

  /**
   * Applies a removal policy to the cluster resource.
   */
  public applyRemovalPolicy(policy: RemovalPolicy): void {
    const validator = new PropValidator(this, 'EcsCluster');
    validator.check('applyRemovalPolicy(policy)', enumMember('RemovalPolicy', RemovalPolicy, policy),
      isEnumMember(RemovalPolicy, policy) && policy !== RemovalPolicy.SNAPSHOT,
      'An ECS cluster cannot be snapshotted: use RemovalPolicy.RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY.');
    validator.throwIfInvalid();
    this.cluster.applyRemovalPolicy(policy);
  }

  /** CPU reserved by tasks, as a percentage of the registered container instances' CPU. */
  public metricCpuReservation(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.cluster.metricCpuReservation(props);
  }

  /** CPU used by tasks, as a percentage of the registered container instances' CPU. */
  public metricCpuUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.cluster.metricCpuUtilization(props);
  }

  /** Memory reserved by tasks, as a percentage of the registered container instances' memory. */
  public metricMemoryReservation(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.cluster.metricMemoryReservation(props);
  }

  /** Memory used by tasks, as a percentage of the registered container instances' memory. */
  public metricMemoryUtilization(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.cluster.metricMemoryUtilization(props);
  }
}

/** CloudWatch Logs encrypts a log group with a customer key only if the key policy lets it. */
function allowLogsToUseKey(key: kms.Key): void {
  key.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: {
        'kms:EncryptionContext:aws:logs:arn': Stack.of(key).formatArn({
          service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    },
  }));
}
