import {
  CfnResource,
  NestedStack,
  RemovalPolicy,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_kms as kms,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { FargateWebService } from './fargate-web-service';
import { FargateWebServiceOptions } from './fargate-web-service-props';
import { checkWebLoadBalancerOptions } from './private/load-balancer-checks';
import { createLogGroup } from './private/web-service-parts';
import { SharedLoadBalancer } from './shared-load-balancer';
import { WebLoadBalancerOptions, webLoadBalancerOptions } from './web-load-balancer-options';
import { useManagedPolicies } from '../core/managed-policies';
import { plainDescription, securityGroupDescription } from '../core/names';
import { PropValidator } from '../core/validation';

/** CloudFormation's limit of resources in one stack (nested stacks included). */
const MAX_RESOURCES_PER_STACK = 500;

/**
 * Properties of a `FargateWebServiceGroup`.
 *
 * The load balancer options apply to every load balancer of the group: a
 * `certificate` (e.g. a wildcard one, with services routed by `hostHeaders`)
 * serves HTTPS on each, and one access logs bucket receives the logs of all.
 * `domainName` and `hostedZone` are refused: each load balancer of the group
 * has its own DNS name (`service.url` says which one serves a service).
 */
export interface FargateWebServiceGroupProps extends WebLoadBalancerOptions {
  /** The cluster every service of the group runs in (an `EcsCluster`, or any `ecs.ICluster` with a VPC). */
  readonly cluster: ecs.ICluster;

  /**
   * How many services one nested stack holds. A service with the defaults
   * adds 7 resources; with alarms and every scaling policy, 13. The group
   * refuses to synthesize a stack past CloudFormation's 500 resources, and
   * says to lower this.
   *
   * @default 30
   */
  readonly servicesPerStack?: number;

  /**
   * How long the containers' logs are kept (a finite retention). The services
   * share one log group, each writing to log streams named
   * `<service id>/<container name>/<task id>`.
   *
   * @default logs.RetentionDays.ONE_MONTH; in the hardened profile, its `logRetention` (a year)
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The customer managed KMS key that encrypts the services' log group. The
   * kit lets CloudWatch Logs (`logs.<region>.amazonaws.com`) use a key of the
   * app; an imported key's policy must already allow it.
   *
   * @default - CloudWatch Logs' own encryption; in the hardened profile, the profile's key
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * What happens to the services' log group when it is removed from the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * Many `FargateWebService`s — tens or hundreds — declared one by one with
 * `addService`, without running into the limits of one stack or one load
 * balancer.
 *
 * - **Load balancers are shared and added as needed.** A service attaches to
 *   the first load balancer of the group with room for it: an Application Load
 *   Balancer takes at most 100 target groups and 100 listener rules, and one
 *   default target (a service without `hostHeaders` and `pathPatterns`). Each
 *   load balancer has its own DNS name: `service.url` says which one serves a service.
 * - **Services are spread over nested stacks**, `servicesPerStack` each
 *   (`Services1`, `Services2`, …), so that no stack nears CloudFormation's 500
 *   resources; references between them are parameters of the nested stacks,
 *   which aws-cdk-lib wires up. One `cdk deploy` deploys them all.
 * - **Per service, 7 resources**: task definition, task role, target group,
 *   listener rule, ECS service, scalable target and CPU scaling policy. The
 *   services of the group share one task security group (in only from the
 *   group's load balancers, on the container ports), one execution role and
 *   one log group (log streams `<service id>/<container name>/<task id>`).
 *
 * Placement follows the order of `addService` calls: add new services after
 * the existing ones. Removing or reordering services moves the services after
 * them to another nested stack or load balancer, which replaces them. Listener
 * rule priorities never move on their own (see
 * `SharedLoadBalancerTargetOptions.priority`): a service moved to another
 * nested stack gets a new rule at another priority, created before the old
 * one is deleted. With many services on one load balancer, two automatic
 * priorities may collide; synthesis then fails and names a free priority to
 * give one of them.
 *
 * @exampleMetadata nofixture
 * @example
 * import { Stack, aws_ecs as ecs } from 'aws-cdk-lib';
 * import { FargateWebServiceGroup } from 'cdk-ecs-kit';
 *
 * declare const stack: Stack;
 * declare const cluster: ecs.ICluster;
 * declare const images: Record<string, ecs.ContainerImage>;
 * const services = new FargateWebServiceGroup(stack, 'Services', { cluster });
 * for (const [name, image] of Object.entries(images)) {
 *   services.addService(name, { image, pathPatterns: [`/${name}/*`] });
 * }
 */
export class FargateWebServiceGroup extends Construct implements ec2.IConnectable {
  /**
   * The security group of every task of the group: in only from the group's
   * load balancers, on the services' container ports; all outbound traffic
   * allowed. Rules added to it (or to a service's `connections`) apply to
   * every service of the group.
   */
  public readonly securityGroup: ec2.SecurityGroup;

  /** The cluster the services run in. */
  public readonly cluster: ecs.ICluster;

  /**
   * The network connections of every task of the group (its `securityGroup`),
   * e.g. `group.connections.allowTo(database, ec2.Port.tcp(5432))`.
   */
  public readonly connections: ec2.Connections;

  /**
   * The role ECS uses to start the tasks of every service of the group: it
   * can write to `logGroup`, and each service grants it what its image and
   * secrets need.
   */
  public readonly executionRole: iam.Role;

  /** The log group of every container of the group. */
  public readonly logGroup: logs.LogGroup;

  private readonly props: FargateWebServiceGroupProps;
  private readonly servicesPerStack: number;
  private readonly sharedLoadBalancers: SharedLoadBalancer[] = [];
  private readonly nestedStacks: { stack: NestedStack; services: number }[] = [];
  private readonly allServices: FargateWebService[] = [];

  constructor(scope: Construct, id: string, props: FargateWebServiceGroupProps) {
    super(scope, id);
    const validator = new PropValidator(this, 'FargateWebServiceGroup');
    validator.checkInteger('servicesPerStack', props.servicesPerStack, 1, 60,
      'Use a whole number from 1 to 60: a web service adds 7 to 13 resources, and a stack holds at most 500.');
    validator.check('logRetention', 'INFINITE', props.logRetention !== logs.RetentionDays.INFINITE,
      'Logs must expire: choose a finite retention such as logs.RetentionDays.THREE_MONTHS.');
    validator.check('logRetention', props.logRetention, props.logRetention === undefined || Object.values(logs.RetentionDays).includes(props.logRetention),
      'Use a logs.RetentionDays value, such as logs.RetentionDays.ONE_MONTH.');
    validator.check('logRemovalPolicy', 'RemovalPolicy.SNAPSHOT', props.logRemovalPolicy !== RemovalPolicy.SNAPSHOT,
      'A log group cannot be snapshotted (CloudFormation would refuse the template): use RemovalPolicy.RETAIN (the default) or RemovalPolicy.DESTROY.');
    // Checked here, not when the first service adds a load balancer: the error then points at the group.
    checkWebLoadBalancerOptions(validator, props);
    for (const prop of ['domainName', 'hostedZone'] as const) {
      if (props[prop] !== undefined) {
        validator.report(prop, prop === 'domainName' ? props.domainName : props.hostedZone,
          'The group adds load balancers as needed, each with its own DNS name, so one domain name cannot point at all of them: ' +
          'give a certificate that covers the services\' host names (e.g. "*.example.com"), route them with hostHeaders, ' +
          'and point each name at the load balancer of its service (service.loadBalancer) in your hosted zone.');
      }
    }
    validator.throwIfInvalid();

    this.props = props;
    this.cluster = props.cluster;
    this.servicesPerStack = props.servicesPerStack ?? 30;
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.cluster.vpc,
      description: securityGroupDescription(`Tasks of the services of ${this.node.path}: from their load balancers on the container ports only`),
      allowAllOutbound: true,
    });
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup] });
    this.logGroup = createLogGroup(this, props);
    this.executionRole = new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      description: plainDescription(`Starts the tasks of the services of ${this.node.path}: pulls their images, writes their logs, reads their secrets`, 1000),
    });
    useManagedPolicies(this.executionRole);
    this.node.addValidation({ validate: () => this.validateStackSizes() });
  }

  /** The load balancers of the group, in the order they were added. */
  public get loadBalancers(): SharedLoadBalancer[] {
    return [...this.sharedLoadBalancers];
  }

  /** The nested stacks holding the services, in the order they were added. */
  public get stacks(): NestedStack[] {
    return this.nestedStacks.map(s => s.stack);
  }

  /** The services of the group, in the order they were added. */
  public get services(): FargateWebService[] {
    return [...this.allServices];
  }

  /**
   * Adds a web service to the group: to the current nested stack (a new one
   * once it holds `servicesPerStack` services) and to the first load balancer
   * with room for it (a new one when none has).
   *
   * @param id the service's construct id, unique in the group
   * @returns the service
   */
  public addService(id: string, options: FargateWebServiceOptions): FargateWebService {
    const taken = this.allServices.find(service => service.node.id === id);
    if (taken) {
      const validator = new PropValidator(this, 'FargateWebServiceGroup.addService');
      validator.report('id', id, `A service with this id is already in the group (${taken.node.path}): give each service its own id.`);
      validator.throwIfInvalid();
    }
    const asDefaultTarget = (options.hostHeaders?.length ?? 0) + (options.pathPatterns?.length ?? 0) === 0;
    const loadBalancer = this.loadBalancerWithRoom(asDefaultTarget);
    const placement = this.stackWithRoom();
    const service = new FargateWebService(placement.stack, id, {
      ...options,
      cluster: this.cluster,
      loadBalancer,
      securityGroup: this.securityGroup,
      executionRole: this.executionRole,
      logGroup: this.logGroup,
    });
    placement.services++;
    this.allServices.push(service);
    return service;
  }

  private loadBalancerWithRoom(asDefaultTarget: boolean): SharedLoadBalancer {
    const existing = this.sharedLoadBalancers.find(lb => lb.hasRoomFor(asDefaultTarget));
    if (existing) return existing;
    const first = this.sharedLoadBalancers[0];
    const loadBalancer = new SharedLoadBalancer(this, `LoadBalancer${this.sharedLoadBalancers.length + 1}`, {
      ...webLoadBalancerOptions(this.props),
      vpc: this.cluster.vpc,
      // One bucket for the group: every load balancer writes under the same prefix (file names carry its name).
      accessLogsBucket: this.props.accessLogsBucket ?? first?.accessLogsBucket,
      accessLogsRetention: first ? undefined : this.props.accessLogsRetention,
      accessLogsBucketVersioned: first ? undefined : this.props.accessLogsBucketVersioned,
      accessLogsBucketLogging: first ? undefined : this.props.accessLogsBucketLogging,
    });
    this.sharedLoadBalancers.push(loadBalancer);
    return loadBalancer;
  }

  private stackWithRoom(): { stack: NestedStack; services: number } {
    const current = this.nestedStacks[this.nestedStacks.length - 1];
    if (current && current.services < this.servicesPerStack) return current;
    const stack = new NestedStack(this, `Services${this.nestedStacks.length + 1}`, {
      description: plainDescription(`Web services ${this.nestedStacks.length * this.servicesPerStack + 1}+ of ${this.node.path}`, 1024),
    });
    // The execution role's policy (in this stack) must allow pulling images and writing logs before tasks start.
    stack.node.addDependency(this.executionRole);
    const placement = { stack, services: 0 };
    this.nestedStacks.push(placement);
    return placement;
  }

  private validateStackSizes(): string[] {
    const problems: string[] = [];
    for (const { stack, services } of this.nestedStacks) {
      const resources = countResources(stack);
      if (resources > MAX_RESOURCES_PER_STACK) {
        problems.push(`[FargateWebServiceGroup] ${stack.node.path} holds ${services} services and ${resources} resources, ` +
          `more than the ${MAX_RESOURCES_PER_STACK} CloudFormation allows in one stack: lower servicesPerStack ` +
          `(now ${this.servicesPerStack}) to spread the services over more nested stacks.`);
      }
    }
    return problems;
  }
}

/** The CloudFormation resources a stack's template will hold (not those of its own nested stacks). */
function countResources(stack: NestedStack): number {
  let count = 0;
  const visit = (construct: IConstruct): void => {
    if (CfnResource.isCfnResource(construct)) count++;
    for (const child of construct.node.children) {
      if (!NestedStack.isNestedStack(child)) visit(child);
    }
  };
  for (const child of stack.node.children) visit(child);
  return count;
}
