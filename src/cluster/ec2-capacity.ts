import {
  Annotations,
  Size,
  Validations,
  aws_autoscaling as autoscaling,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_iam as iam,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { agentConfigUserData } from './agent-config';
import { derivedCapacityProviderName, isValidCapacityProviderName } from './capacity-provider-names';
import { Ec2CapacityOptions, resolveInstanceTypes, validateEc2CapacityOptions } from './ec2-capacity-options';
import type { EcsCluster } from './ecs-cluster';
import { EcsImageFamily, EcsMachineImage } from './machine-image';
import { hardeningOf } from '../core/hardening';
import { useManagedPolicies } from '../core/managed-policies';
import { PropValidator } from '../core/validation';

/**
 * EC2 capacity of a cluster: container instances registered through one
 * Auto Scaling group capacity provider. What constructs need to place tasks
 * on it, and to open the instances to other resources.
 */
export interface IEc2Capacity extends IConstruct, ec2.IConnectable {
  /**
   * The capacity provider's name, as a capacity provider strategy names it
   * (a token for a provider of this app whose name CloudFormation generates).
   */
  readonly capacityProviderName: string;

  /** Whether the instances are Spot instances (tasks may be stopped with two minutes' notice). */
  readonly spot: boolean;

  /** Whether the instances have NVIDIA GPUs and the ECS GPU image. */
  readonly gpu: boolean;

  /** The processor architecture of the instances. */
  readonly architecture: ec2.InstanceArchitecture;
}

/**
 * Properties of an `Ec2Capacity`.
 */
export interface Ec2CapacityProps extends Ec2CapacityOptions {
  /**
   * The cluster whose tasks the instances run. The capacity provider is
   * associated with it, so it must be an `EcsCluster` of this app (an imported
   * cluster's associations cannot be added to safely: import its capacity with
   * `Ec2Capacity.fromCapacityProviderAttributes`).
   */
  readonly cluster: EcsCluster;
}

/**
 * Attributes of an existing capacity provider, to import it with
 * `Ec2Capacity.fromCapacityProviderAttributes`.
 */
export interface Ec2CapacityAttributes {
  /** The capacity provider's name. */
  readonly capacityProviderName: string;

  /**
   * Whether its instances are Spot instances.
   *
   * @default false
   */
  readonly spot?: boolean;

  /**
   * Whether its instances have NVIDIA GPUs and the ECS GPU image.
   *
   * @default false
   */
  readonly gpu?: boolean;

  /**
   * The processor architecture of its instances.
   *
   * @default ec2.InstanceArchitecture.X86_64
   */
  readonly architecture?: ec2.InstanceArchitecture;

  /**
   * The security groups of its instances, for `connections`.
   *
   * @default - none: `connections` opens nothing
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/**
 * A group of EC2 container instances of an `EcsCluster`: a launch template on
 * an ECS-optimized image (IMDSv2 only, encrypted gp3 volumes, no SSH key), an
 * Auto Scaling group (0 instances by default) and a capacity provider with
 * managed scaling and draining. `EcsCluster.addEc2Capacity` creates one;
 * `EcsCluster.addAutoScalingGroupCapacity` adopts an existing Auto Scaling group,
 * and `Ec2Capacity.fromCapacityProviderAttributes` imports an existing provider.
 */
export class Ec2Capacity extends Construct implements IEc2Capacity {
  /**
   * Imports an existing capacity provider (of an imported cluster, for example),
   * so that constructs can place tasks on it with `TaskCapacity.ec2(capacity)`.
   */
  public static fromCapacityProviderAttributes(scope: Construct, id: string, attrs: Ec2CapacityAttributes): IEc2Capacity {
    const validator = new PropValidator(scope, 'Ec2Capacity');
    validator.check('capacityProviderName', attrs.capacityProviderName,
      typeof attrs.capacityProviderName === 'string' && isValidCapacityProviderName(attrs.capacityProviderName),
      'Give the EC2 capacity provider\'s name: 1 to 255 letters, digits, hyphens and underscores, not starting with "aws", "ecs" or "fargate" ' +
      '(FARGATE and FARGATE_SPOT are Fargate: use TaskCapacity.fargate(...)).');
    validator.throwIfInvalid();
    return new ImportedEc2Capacity(scope, id, {
      capacityProviderName: attrs.capacityProviderName,
      spot: attrs.spot ?? false,
      gpu: attrs.gpu ?? false,
      architecture: attrs.architecture ?? ec2.InstanceArchitecture.X86_64,
      connections: new ec2.Connections({ securityGroups: attrs.securityGroups ?? [] }),
    });
  }

  /** The launch template of the instances. */
  public readonly launchTemplate: ec2.LaunchTemplate;
  /** The Auto Scaling group. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /** The capacity provider that scales the group for the cluster's tasks. */
  public readonly capacityProvider: ecs.AsgCapacityProvider;
  /** The security group of the instances. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The instances' role. */
  public readonly instanceRole: iam.Role;
  /** Whether the group runs on Spot instances. */
  public readonly spot: boolean;
  /** Whether the instances have NVIDIA GPUs and a GPU image. */
  public readonly gpu: boolean;
  /** The processor architecture of the instances. */
  public readonly architecture: ec2.InstanceArchitecture;
  /** The instances' security group, to open them to other resources (bridge-mode tasks listen on the instances). */
  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: Ec2CapacityProps) {
    super(scope, id);
    const { cluster, ...options } = props;
    // EcsCluster.addEc2Capacity has checked its options already, naming them as its own props.
    if (!PREVALIDATED.has(props)) {
      const validator = new PropValidator(this, 'Ec2Capacity');
      validateEc2CapacityOptions(validator, '', options, cluster._ec2CapacityContext());
      validator.throwIfInvalid();
    }

    const types = resolveInstanceTypes(options);
    const architecture = types[0].architecture;
    const image = options.machineImage ?? EcsMachineImage.amazonLinux2023();
    const { image: machineImage, machineImageType } = image._bind(architecture);
    const spot = options.spot ?? false;
    const bottlerocket = image.family === EcsImageFamily.BOTTLEROCKET;
    const vpcSubnets = options.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
    // Public subnets need not assign public IPs on launch (the cluster's own VPC does not):
    // instances there ask for one, to reach ECS and the image registries without a NAT gateway.
    const inPublicSubnets = cluster.vpc.selectSubnets(vpcSubnets).hasPublic;
    const detailedMonitoring = options.detailedMonitoring ?? hardeningOf(this) !== undefined;

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: cluster.vpc,
      description: 'ECS container instances: no inbound traffic unless a service opens it',
      allowAllOutbound: true,
    });

    // Only what the ECS agent and SSM Session Manager need; aws-cdk-lib adds the ECS
    // agent's permissions when the group joins the cluster. Statements go into managed policies.
    const instanceRole = new InstanceRole(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'ECS container instances: ECS agent and SSM Session Manager',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSSMManagedInstanceCore')],
    });

    const volumeGiB = (options.volumeSize ?? Size.gibibytes(30)).toGibibytes();
    const encryptedGp3 = (size: number) => ec2.BlockDeviceVolume.ebs(size, {
      volumeType: ec2.EbsDeviceVolumeType.GP3,
      encrypted: true,
      deleteOnTermination: true,
    });
    const blockDevices: ec2.BlockDevice[] = bottlerocket
      // Bottlerocket keeps its OS on /dev/xvda and images and containers on /dev/xvdb.
      ? [{ deviceName: '/dev/xvda', volume: encryptedGp3(4) }, { deviceName: '/dev/xvdb', volume: encryptedGp3(volumeGiB) }]
      : [{ deviceName: '/dev/xvda', volume: encryptedGp3(volumeGiB) }];

    const userData = bottlerocket ? ec2.UserData.custom('') : ec2.UserData.forLinux();
    const launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage,
      instanceType: spot || types.length > 1 ? undefined : types[0],
      userData,
      role: instanceRole,
      securityGroup,
      blockDevices,
      // IMDSv2 only, and a hop limit of 1 so that bridge-mode containers cannot reach the
      // instance's credentials (tasks get theirs from the ECS credentials endpoint).
      // No SSH key pair: shell access goes through SSM Session Manager.
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      detailedMonitoring: detailedMonitoring || undefined,
      associatePublicIpAddress: inPublicSubnets || undefined,
    });

    const autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'AutoScalingGroup', {
      vpc: cluster.vpc,
      vpcSubnets,
      minCapacity: options.minCapacity ?? 0,
      maxCapacity: options.maxCapacity ?? 10,
      desiredCapacity: options.desiredCapacity,
      ...(spot || types.length > 1
        ? {
          mixedInstancesPolicy: {
            launchTemplate,
            launchTemplateOverrides: types.map(instanceType => ({ instanceType })),
            instancesDistribution: spot
              ? {
                onDemandBaseCapacity: 0,
                onDemandPercentageAboveBaseCapacity: 0,
                spotAllocationStrategy: autoscaling.SpotAllocationStrategy.CAPACITY_OPTIMIZED,
              }
              : {
                onDemandAllocationStrategy: autoscaling.OnDemandAllocationStrategy.PRIORITIZED,
                onDemandPercentageAboveBaseCapacity: 100,
              },
          },
        }
        : { launchTemplate }),
      notifications: options.notificationsTopic ? [{ topic: options.notificationsTopic }] : undefined,
      // Instances are not protected from scale-in, so that `cdk destroy` can always delete the group.
      newInstancesProtectedFromScaleIn: false,
    });

    const capacityProvider = new ecs.AsgCapacityProvider(this, 'CapacityProvider', {
      autoScalingGroup,
      capacityProviderName: options.capacityProviderName ?? derivedCapacityProviderName(this),
      machineImageType,
      enableManagedScaling: true,
      targetCapacityPercent: options.targetCapacityPercent ?? 100,
      // Managed termination protection keeps instances that run tasks from being
      // terminated, which also blocks stack deletion while tasks run (aws/aws-cdk#18179).
      // Managed draining moves tasks off an instance before it terminates instead.
      enableManagedTerminationProtection: false,
      enableManagedDraining: true,
      spotInstanceDraining: spot,
    });
    // aws-cdk-lib adds the ECS agent's statements to the group's role here: they go into the
    // kit's own policy, where their findings are acknowledged; the role's default policy is the user's.
    instanceRole.withStatementsIn(new iam.ManagedPolicy(instanceRole, ECS_AGENT_POLICY_ID), policy => {
      cluster.cluster.addAsgCapacityProvider(capacityProvider, { spotInstanceDraining: spot });
      acknowledgeAgentPolicy(policy);
    });
    cluster.cluster.connections.addSecurityGroup(securityGroup);

    // aws-cdk-lib writes ECS_CLUSTER (and, for Bottlerocket, [settings.ecs] with the cluster
    // name) from the cluster's Ref: a name ECS accepted, so only letters, digits, - and _.
    // The rest is ours, and no value reaches a shell (see agent-config.ts).
    if (bottlerocket) {
      if (spot) autoScalingGroup.addUserData('enable-spot-instance-draining = true');
    } else {
      const settings: Record<string, string> = {
        // Keep task metadata and containers from reaching the instance's own credentials.
        ECS_AWSVPC_BLOCK_IMDS: 'true',
        ...(spot ? { ECS_ENABLE_SPOT_INSTANCE_DRAINING: 'true' } : {}),
        ...options.agentSettings,
      };
      autoScalingGroup.addUserData(...agentConfigUserData(settings));
    }

    // The image's own snapshot sets a floor EC2 enforces at launch, when the group scales
    // out, long after deploy: warn (the sizes are AWS's current ones, not a contract).
    const imageVolumeGiB = bottlerocket ? 20 : 30;
    if (options.volumeSize && !options.volumeSize.isUnresolved() && volumeGiB < imageVolumeGiB) {
      Annotations.of(this).addWarningV2('cdk-ecs-kit:EcsCluster.volumeSmallerThanImage',
        `volumeSize is ${volumeGiB} GiB, but the ${image.family} image's ${bottlerocket ? 'data' : 'root'} volume snapshot is ${imageVolumeGiB} GiB: ` +
        `EC2 refuses to launch instances with a smaller volume. Use at least Size.gibibytes(${imageVolumeGiB}).`);
    }

    acknowledgeInstanceFindings(autoScalingGroup, instanceRole, options);
    if (spot || types.length > 1) acknowledgeMixedInstancesPolicy(autoScalingGroup);

    this.launchTemplate = launchTemplate;
    this.autoScalingGroup = autoScalingGroup;
    this.capacityProvider = capacityProvider;
    this.securityGroup = securityGroup;
    this.instanceRole = instanceRole;
    this.spot = spot;
    this.gpu = image.gpu;
    this.architecture = architecture;
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });
    cluster._registerEc2Capacity(this, options.capacityProviderName);
  }

  /** The capacity provider's name (a token when CloudFormation generates it). */
  public get capacityProviderName(): string {
    return this.capacityProvider.capacityProviderName;
  }
}

/** Props that `EcsCluster` checked before creating the capacity. */
const PREVALIDATED = new WeakSet<Ec2CapacityProps>();

/** Marks props as checked by the cluster, so that the capacity does not check them again. */
export function prevalidated(props: Ec2CapacityProps): Ec2CapacityProps {
  PREVALIDATED.add(props);
  return props;
}

/** What an imported or adopted capacity is. */
interface Ec2CapacityFacts {
  readonly capacityProviderName: string;
  readonly spot: boolean;
  readonly gpu: boolean;
  readonly architecture: ec2.InstanceArchitecture;
  readonly connections: ec2.Connections;
}

/** A capacity provider that exists already, known by its attributes. */
export class ImportedEc2Capacity extends Construct implements IEc2Capacity {
  public readonly capacityProviderName: string;
  public readonly spot: boolean;
  public readonly gpu: boolean;
  public readonly architecture: ec2.InstanceArchitecture;
  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, facts: Ec2CapacityFacts) {
    super(scope, id);
    this.capacityProviderName = facts.capacityProviderName;
    this.spot = facts.spot;
    this.gpu = facts.gpu;
    this.architecture = facts.architecture;
    this.connections = facts.connections;
  }
}

/**
 * Construct id of the kit's managed policy with the ECS agent's statements, a child of the
 * instance role. Not the former inline policy's `EcsAgent`: CloudFormation refuses to change
 * the type of a resource under the same logical id, so the managed policy takes a new one
 * (created before the inline policy is deleted, so the instances never lack the permissions).
 */
const ECS_AGENT_POLICY_ID = 'EcsAgentPolicy';

/**
 * The container instances' role. While `withStatementsIn` runs, the statements added to it
 * (by aws-cdk-lib's cluster, for the ECS agent) go into the given managed policy of the kit's own;
 * otherwise into the role's own managed policies (`useManagedPolicies`): the role has no inline policy.
 */
class InstanceRole extends iam.Role {
  private kitPolicy?: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: iam.RoleProps) {
    super(scope, id, props);
    // The role's statements go into customer managed policies (no inline policy), except
    // while withStatementsIn runs. useManagedPolicies routes them through the instance's
    // addToPrincipalPolicy, which this wraps (there is no class override to recurse into).
    useManagedPolicies(this);
    const toManagedPolicies = this.addToPrincipalPolicy;
    Object.defineProperty(this, 'addToPrincipalPolicy', {
      configurable: true,
      value: (statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult => {
        if (this.kitPolicy === undefined) return toManagedPolicies.call(this, statement);
        this.kitPolicy.addStatements(statement);
        return { statementAdded: true, policyDependable: this.kitPolicy };
      },
    });
  }

  public withStatementsIn(policy: iam.ManagedPolicy, add: (policy: iam.ManagedPolicy) => void): void {
    this.kitPolicy = policy;
    try {
      add(policy);
    } finally {
      this.kitPolicy = undefined;
    }
    if (policy.document.isEmpty) {
      this.node.tryRemoveChild(policy.node.id);
    } else {
      policy.attachToRole(this);
    }
  }
}

/** The ECS agent's wildcard findings, acknowledged on the kit's policy only. */
function acknowledgeAgentPolicy(policy: iam.ManagedPolicy): void {
  Validations.of(policy).acknowledge(
    {
      id: 'AwsSolutions-IAM5[Action::ecs:Submit*]',
      reason: 'Added by cdk-ecs-kit (aws-cdk-lib\'s ECS cluster) for the ECS agent, which reports task and container state with ecs:Submit* actions, ' +
        'scoped to this cluster\'s ARN; this policy holds only the agent\'s statements.',
    },
    {
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Added by cdk-ecs-kit (aws-cdk-lib\'s ECS cluster) for the ECS agent: ecs:DiscoverPollEndpoint and ecr:GetAuthorizationToken have no ' +
        'resource type; logs:CreateLogStream/PutLogEvents are for the agent\'s task logs; ecs:Poll and ecs:StartTelemetrySession on * are ' +
        'conditioned on ecs:cluster = this cluster. This policy holds only the agent\'s statements.',
    },
  );
}

/**
 * What cdk-nag cannot see through a mixed instances policy (Spot, or several instance
 * types): its rules follow an Auto Scaling group's own LaunchTemplate property only.
 */
function acknowledgeMixedInstancesPolicy(autoScalingGroup: autoscaling.AutoScalingGroup): void {
  Validations.of(autoScalingGroup).acknowledge({
    id: 'AwsSolutions-EC26',
    reason: 'Every EBS volume is encrypted gp3 in the launch template; cdk-nag cannot follow the launch template ' +
      'version of a mixed instances policy and reports that it could not evaluate the rule.',
  });
  // cdk-nag 3's EC2IMDSv2Enabled reads an Auto Scaling group's LaunchTemplate or LaunchConfigurationName and
  // reports any other group, so a group whose launch template sits in its MixedInstancesPolicy is always non-compliant.
  const reason = 'The group\'s launch template (in its mixed instances policy) requires IMDSv2 (HttpTokens required, hop limit 1); ' +
    'cdk-nag\'s EC2IMDSv2Enabled rule only follows an Auto Scaling group\'s LaunchTemplate property and reports every group ' +
    'with a mixed instances policy, whatever its launch template says.';
  Validations.of(autoScalingGroup).acknowledge(
    { id: 'NIST.800.53.R5-EC2IMDSv2Enabled', reason },
    { id: 'HIPAA.Security-EC2IMDSv2Enabled', reason },
  );
}

function acknowledgeInstanceFindings(autoScalingGroup: autoscaling.AutoScalingGroup, instanceRole: iam.Role, options: Ec2CapacityOptions): void {
  // Managed policies attach to the role itself: each acknowledgment names the one AWS managed policy the kit
  // (or aws-cdk-lib for it) attaches, so a managed policy the user adds keeps its own finding.
  Validations.of(instanceRole).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]',
    reason: 'AWS-maintained least-privilege policy for SSM Session Manager, which replaces SSH keys on the container instances.',
  });
  if ((options.machineImage ?? EcsMachineImage.amazonLinux2023()).family === EcsImageFamily.BOTTLEROCKET) {
    Validations.of(instanceRole).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]',
      reason: 'aws-cdk-lib attaches AWS\'s ECS container instance policy to Bottlerocket instances: the ECS agent\'s own ' +
        'registration, polling, image pull and log actions, maintained by AWS as the agent changes.',
    });
  }
  if (!options.notificationsTopic) {
    Validations.of(autoScalingGroup).acknowledge({
      id: 'AwsSolutions-AS3',
      reason: 'The ECS capacity provider drives this group\'s scaling; scale events are visible in ECS and Auto Scaling activity history. ' +
        'Set notificationsTopic to also receive them by SNS.',
    });
  }
}
