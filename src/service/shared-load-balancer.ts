import {
  Annotations,
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
  aws_certificatemanager as acm,
  aws_ec2 as ec2,
  aws_elasticloadbalancingv2 as elbv2,
  aws_route53 as route53,
  aws_route53_targets as route53targets,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { enableAccessLogs } from './private/access-logs';
import { isIpv6Cidr, isService, isWorldCidr } from './private/checks';
import {
  RuleConditions, RuleOverlap, automaticPriority, bandOf, compareRules, freePriority, isAnalyzable, ruleConditions, specificityScore,
} from './private/listener-priorities';
import { checkTargetConditions, checkWebLoadBalancerOptions } from './private/load-balancer-checks';
import { WebLoadBalancerOptions } from './web-load-balancer-options';
import { securityGroupDescription } from '../core/names';
import { PropValidator, isUnresolved } from '../core/validation';

/**
 * Properties of a `SharedLoadBalancer`.
 */
export interface SharedLoadBalancerProps extends WebLoadBalancerOptions {
  /** The VPC of the load balancer and of the services behind it. */
  readonly vpc: ec2.IVpc;
}

/**
 * How a target group is attached to a shared load balancer's listener.
 */
export interface SharedLoadBalancerTargetOptions {
  /** The target group that receives the matching requests. */
  readonly targetGroup: elbv2.IApplicationTargetGroup;

  /**
   * Host names (`Host` header, `*` and `?` wildcards allowed) routed to the target group.
   *
   * @default - any host
   */
  readonly hostHeaders?: string[];

  /**
   * Path patterns (`*` and `?` wildcards allowed, starting with `/`) routed to
   * the target group, e.g. `['/api/*']`.
   *
   * @default - any path
   */
  readonly pathPatterns?: string[];

  /**
   * Priority of the listener rule, 1 to 50000 (lower is evaluated first).
   * Each priority can be used once per listener. An explicit priority never
   * changes; give one to choose the order of rules that overlap partly, or
   * when synthesis reports that two automatic priorities collide.
   *
   * @default - an automatic priority that depends only on this rule, so it
   * never moves when other services are added, removed or reordered: more
   * specific conditions get lower numbers (`/api/admin/*` before `/api/*`),
   * and a hash of the rule's construct path places it within its band
   */
  readonly priority?: number;
}

/**
 * A load balancer that several web services share.
 */
export interface ISharedLoadBalancer extends IConstruct {
  /** The Application Load Balancer. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;

  /** The listener services attach to: HTTPS when the load balancer has a certificate, HTTP otherwise. */
  readonly listener: elbv2.IApplicationListener;

  /** The VPC of the load balancer. */
  readonly vpc: ec2.IVpc;

  /** The base URL of the load balancer, e.g. `https://app.example.com` or `http://<dns name>`. */
  readonly url: string;

  /**
   * Routes requests matching the host headers and/or path patterns to a
   * target group, through a listener rule created in `scope` with `id`.
   *
   * A target group with neither host headers nor path patterns becomes the
   * listener's default target (requests no rule matches); a listener has only
   * one default target. From a stack other than the load balancer's (e.g. a
   * nested stack), the default target is a rule matching every path at priority 50000.
   *
   * @returns the listener rule, or `undefined` when the target group became the listener's default action
   */
  addTargetGroup(scope: Construct, id: string, options: SharedLoadBalancerTargetOptions): elbv2.ApplicationListenerRule | undefined;
}

/**
 * Checks that the load balancer's subnets exist and span two Availability
 * Zones, as Elastic Load Balancing requires at deploy time (aws-cdk-lib only
 * refuses a selection that finds no subnet at all, with its own message).
 */
function checkLoadBalancerSubnets(validator: PropValidator, vpc: ec2.IVpc, internetFacing: boolean, selection?: ec2.SubnetSelection): void {
  const subnets = selectedSubnets(vpc, selection ?? (internetFacing ? { subnetType: ec2.SubnetType.PUBLIC } : {}));
  // Selections by group name, Availability Zone or filter are left to aws-cdk-lib, which knows the group names.
  if (subnets === undefined) return;
  const prop = selection ? 'loadBalancerSubnets' : 'internetFacing';
  const received = selection ? describeSelection(selection) : internetFacing;
  if (subnets.length === 0) {
    validator.report(prop, received, internetFacing && !selection
      ? 'An internet-facing load balancer needs public subnets, and this VPC has none: give loadBalancerSubnets that exist, ' +
        'set internetFacing: false, or use a VPC with public subnets.'
      : 'The VPC has no subnets of this kind: give loadBalancerSubnets that exist.');
  } else if (selection?.subnets === undefined && new Set(subnets.map(subnet => subnet.availabilityZone)).size < 2) {
    // (Subnets given one by one may be imported without their zone, which aws-cdk-lib cannot tell: not checked.)
    validator.report(prop, received,
      'An Application Load Balancer needs subnets in at least two Availability Zones, and these are in one ' +
      '(e.g. an EcsCluster with maxAzs: 1): use a VPC with two or more Availability Zones, or give loadBalancerSubnets in two.');
  }
}

/**
 * The subnets a selection by subnet type (or by subnets) picks, as aws-cdk-lib
 * picks them; `undefined` for selections this does not model.
 */
function selectedSubnets(vpc: ec2.IVpc, selection: ec2.SubnetSelection): ec2.ISubnet[] | undefined {
  if (selection.subnetGroupName !== undefined || selection.availabilityZones !== undefined || selection.subnetFilters !== undefined) {
    return undefined;
  }
  if (selection.subnets !== undefined) return selection.subnets;
  switch (selection.subnetType) {
    case undefined:
      // No type: the private subnets, else the isolated ones, else the public ones.
      return [vpc.privateSubnets, vpc.isolatedSubnets, vpc.publicSubnets].find(group => group.length > 0) ?? [];
    case ec2.SubnetType.PUBLIC: return vpc.publicSubnets;
    case ec2.SubnetType.PRIVATE_ISOLATED: return vpc.isolatedSubnets;
    case ec2.SubnetType.PRIVATE_WITH_EGRESS:
    case ec2.SubnetType.PRIVATE_WITH_NAT: return vpc.privateSubnets;
    default: return undefined;
  }
}

function describeSelection(selection: ec2.SubnetSelection): string {
  if (selection.subnets) return `${selection.subnets.length} subnet(s)`;
  return selection.subnetType !== undefined ? `ec2.SubnetType.${selection.subnetType}` : 'a subnet selection';
}

/**
 * The VPC's CIDR block, the default ingress of an internal load balancer. A VPC
 * imported without one cannot give it (aws-cdk-lib throws): that is reported as
 * our error, naming the prop that avoids it.
 */
function vpcCidrOf(validator: PropValidator, vpc: ec2.IVpc): string[] {
  const cidr = vpcCidrIfKnown(vpc);
  if (cidr === undefined) {
    validator.report('ingressCidrs', undefined,
      'An internal load balancer accepts traffic from its VPC\'s CIDR block by default, but this VPC was imported without one: ' +
      'give ingressCidrs (e.g. ["10.0.0.0/16"]), or import the VPC with vpcCidrBlock.');
  }
  return cidr === undefined ? [] : [cidr];
}

/** The VPC's CIDR block, or `undefined` for a VPC imported without one (only to label the ingress rules). */
function vpcCidrIfKnown(vpc: ec2.IVpc): string | undefined {
  try {
    return vpc.vpcCidrBlock;
  } catch {
    return undefined;
  }
}

/** A listener rule attached with `addTargetGroup`, as the routing-order check compares it. */
interface AttachedRule {
  /** The rule's construct path. */
  readonly path: string;
  /** The construct that attached it (a service), as messages name it. */
  readonly owner: string;
  readonly priority: number;
  /** Whether the priority was given, rather than derived. */
  readonly explicit: boolean;
  readonly conditions: RuleConditions;
}

/** The condition values of a rule, as an error message shows them. */
function conditionValues(conditions: RuleConditions): string[] {
  return [...conditions.hostHeaders, ...conditions.pathPatterns];
}

/** `host a.example.com, path /api/*`: a rule's conditions for a sentence. */
function describeConditions(conditions: RuleConditions): string {
  const parts: string[] = [];
  if (conditions.hostHeaders.length > 0) parts.push(`host ${conditions.hostHeaders.join(' or ')}`);
  if (conditions.pathPatterns.length > 0) parts.push(`path ${conditions.pathPatterns.join(' or ')}`);
  return parts.join(', ');
}

const HTTP_PORT = 80;
const HTTPS_PORT = 443;

/**
 * Default quotas of an Application Load Balancer: target groups per load
 * balancer, and rules per load balancer not counting the listeners' default
 * actions. A load balancer is refused beyond them at deploy time.
 */
const MAX_TARGET_GROUPS_PER_LOAD_BALANCER = 100;
const MAX_RULES_PER_LOAD_BALANCER = 100;
/** The last priority of a listener: that of the rule standing in for the default action (see `addTargetGroup`). */
const CATCH_ALL_PRIORITY = 50_000;

/**
 * One Application Load Balancer that many `FargateWebService`s share, each
 * attached by host header and/or path pattern with a listener rule — one ALB
 * (and its hourly cost) instead of one per service.
 *
 * - HTTPS on port 443 with a redirect from port 80 when a certificate is given
 *   or can be created (`domainName` + `hostedZone`, DNS validated); plain HTTP
 *   on port 80 otherwise, with a warning.
 * - Listener ports open only to `ingressCidrs`; the load balancer's security
 *   group sends traffic only to the services attached to it.
 * - Access logs to an encrypted, TLS-only bucket whose logs expire.
 * - Requests no rule matches get a 404 until a service attaches without conditions.
 *
 * @exampleMetadata nofixture
 * @example
 * import { Stack, aws_ecs as ecs } from 'aws-cdk-lib';
 * import { FargateWebService, SharedLoadBalancer } from 'cdk-ecs-kit';
 *
 * declare const stack: Stack;
 * declare const cluster: ecs.ICluster;
 * declare const webImage: ecs.ContainerImage;
 * declare const apiImage: ecs.ContainerImage;
 * const alb = new SharedLoadBalancer(stack, 'Alb', { vpc: cluster.vpc });
 * // No condition: the default target, for every request no other rule matches.
 * new FargateWebService(stack, 'Web', { cluster, image: webImage, loadBalancer: alb });
 * new FargateWebService(stack, 'Api', { cluster, image: apiImage, loadBalancer: alb, pathPatterns: ['/api/*'] });
 */
export class SharedLoadBalancer extends Construct implements ISharedLoadBalancer {
  /** The Application Load Balancer (the construct's `Resource`). */
  public readonly loadBalancer: elbv2.IApplicationLoadBalancer;

  /** The listener services attach to: `httpsListener` when there is one, `httpListener` otherwise. */
  public readonly listener: elbv2.IApplicationListener;

  /** The port 80 listener: a redirect to HTTPS when there is a certificate, the service listener otherwise. */
  public readonly httpListener: elbv2.ApplicationListener;

  /** The port 443 listener, when the load balancer has a certificate. */
  public readonly httpsListener?: elbv2.ApplicationListener;

  /** The certificate of the HTTPS listener (given or created), if any. */
  public readonly certificate?: acm.ICertificate;

  /** The load balancer's security group. */
  public readonly securityGroup: ec2.SecurityGroup;

  /** The bucket that receives the access logs. */
  public readonly accessLogsBucket: s3.IBucket;

  /** The Route 53 alias record for `domainName`, when a hosted zone was given. */
  public readonly aliasRecord?: route53.ARecord;

  public readonly vpc: ec2.IVpc;
  public readonly url: string;

  private defaultTargetPath?: string;
  /** The construct path of the rule holding each priority of the listener. */
  private readonly rulePriorities = new Map<number, string>();
  private readonly attachedRules: AttachedRule[] = [];
  private attachedTargetGroups = 0;
  private rules = 0;

  constructor(scope: Construct, id: string, props: SharedLoadBalancerProps) {
    super(scope, id);

    // A FargateWebService creating its own load balancer passes its own props through:
    // problems and warnings are reported under the service, where the user wrote them.
    const owner: IConstruct = isService(scope) ? scope : this;
    const constructName = isService(scope) ? 'FargateWebService' : 'SharedLoadBalancer';
    const internetFacing = props.internetFacing ?? true;

    const validator = new PropValidator(owner, constructName);
    checkWebLoadBalancerOptions(validator, props);
    checkLoadBalancerSubnets(validator, props.vpc, internetFacing, props.loadBalancerSubnets);
    const vpcCidr = props.ingressCidrs === undefined && !internetFacing ? vpcCidrOf(validator, props.vpc) : undefined;
    const ingressCidrs = props.ingressCidrs ?? (internetFacing ? ['0.0.0.0/0'] : vpcCidr!);
    validator.throwIfInvalid();

    this.vpc = props.vpc;
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: securityGroupDescription(
        `Load balancer ${this.node.path}: listener ports from ${internetFacing ? 'the allowed CIDR blocks' : 'inside the network'}, out to its targets only`),
      allowAllOutbound: false,
    });

    const loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'Resource', {
      vpc: props.vpc,
      internetFacing,
      vpcSubnets: props.loadBalancerSubnets,
      securityGroup: this.securityGroup,
      dropInvalidHeaderFields: true,
    });
    this.loadBalancer = loadBalancer;

    this.accessLogsBucket = props.accessLogsBucket ?? this.createAccessLogsBucket(props.accessLogsRetention ?? Duration.days(90));
    enableAccessLogs(this, loadBalancer, this.accessLogsBucket, props.accessLogsPrefix);

    this.certificate = props.certificate ?? (props.domainName && props.hostedZone
      ? new acm.Certificate(this, 'Certificate', {
        domainName: props.domainName,
        validation: acm.CertificateValidation.fromDns(props.hostedZone),
      })
      : undefined);

    const notFound = elbv2.ListenerAction.fixedResponse(404, { contentType: 'text/plain', messageBody: 'Not found' });
    if (this.certificate) {
      this.httpsListener = new elbv2.ApplicationListener(this, 'HttpsListener', {
        loadBalancer,
        port: HTTPS_PORT,
        protocol: elbv2.ApplicationProtocol.HTTPS,
        certificates: [this.certificate],
        sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
        open: false,
        defaultAction: notFound,
      });
      this.httpListener = new elbv2.ApplicationListener(this, 'HttpListener', {
        loadBalancer,
        port: HTTP_PORT,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: false,
        defaultAction: elbv2.ListenerAction.redirect({ protocol: 'HTTPS', port: String(HTTPS_PORT), permanent: true }),
      });
      this.listener = this.httpsListener;
    } else {
      this.httpListener = new elbv2.ApplicationListener(this, 'HttpListener', {
        loadBalancer,
        port: HTTP_PORT,
        protocol: elbv2.ApplicationProtocol.HTTP,
        open: false,
        defaultAction: notFound,
      });
      this.listener = this.httpListener;
      Annotations.of(owner).addWarningV2(`cdk-ecs-kit:${constructName}.httpOnly`,
        'The load balancer serves plain HTTP on port 80: traffic is not encrypted. To serve HTTPS on port 443 ' +
        'with a redirect from HTTP, give `certificate` (an ACM certificate), or `domainName` with `hostedZone` to ' +
        'have a DNS-validated certificate created.');
    }
    // Services replace the 404 default action when they attach without conditions.
    Annotations.of(this.listener).acknowledgeWarning('@aws-cdk/aws-elbv2:listenerExistingDefaultActionReplaced',
      'The listener answers 404 until a service attaches as its default target, which replaces that action.');

    const ports = this.httpsListener ? [HTTP_PORT, HTTPS_PORT] : [HTTP_PORT];
    for (const cidr of ingressCidrs) {
      const peer = isUnresolved(cidr) || !isIpv6Cidr(cidr) ? ec2.Peer.ipv4(cidr) : ec2.Peer.ipv6(cidr);
      for (const port of ports) {
        const source = cidr === (vpcCidr?.[0] ?? vpcCidrIfKnown(props.vpc)) ? 'the VPC' : isUnresolved(cidr) ? 'a referenced CIDR block' : cidr;
        this.securityGroup.addIngressRule(peer, ec2.Port.tcp(port), `${port === HTTPS_PORT ? 'HTTPS' : 'HTTP'} from ${source}`);
      }
    }
    if (props.ingressCidrs === undefined && !internetFacing) {
      // cdk-nag cannot evaluate the VPC's CIDR block, a reference, and reports that it could not check it.
      Validations.of(this.securityGroup).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: 'The only ingress CIDR block of this internal load balancer is its VPC\'s own CIDR block ' +
          '(a CloudFormation reference cdk-nag cannot evaluate), on the listener ports only.',
      });
    }
    if (props.ingressCidrs?.some(cidr => isUnresolved(cidr))) {
      // cdk-nag's EC23 rule cannot evaluate a CIDR block from a parameter or reference and reports that it threw.
      Validations.of(this.securityGroup).acknowledge({
        id: 'AwsSolutions::AwsSolutions-EC23',
        reason: 'Some ingress CIDR blocks of this load balancer are deploy-time values (parameters or references) that cdk-nag ' +
          'cannot evaluate; they open only the listener ports, and the tasks accept traffic only from this security group.',
      });
    }
    if (internetFacing && ingressCidrs.some(cidr => !isUnresolved(cidr) && isWorldCidr(cidr))) {
      Validations.of(this.securityGroup).acknowledge({
        id: 'AwsSolutions-EC23',
        reason: `This internet-facing load balancer serves the public: only its listener ports (${ports.join(', ')}) are open ` +
          'to the internet, and the tasks behind it accept traffic only from this security group.',
      });
    }

    if (props.hostedZone && props.domainName) {
      this.aliasRecord = new route53.ARecord(this, 'AliasRecord', {
        zone: props.hostedZone,
        recordName: props.domainName,
        target: route53.RecordTarget.fromAlias(new route53targets.LoadBalancerTarget(loadBalancer)),
      });
    }

    const protocol = this.certificate ? 'https' : 'http';
    this.url = `${protocol}://${props.domainName ?? loadBalancer.loadBalancerDnsName}`;
  }

  /**
   * Routes requests matching the host headers and/or path patterns to a
   * target group, through a listener rule created in `scope` with `id`.
   *
   * Without a priority, the rule gets an automatic one that depends only on
   * the rule (see `SharedLoadBalancerTargetOptions.priority`), and rules whose
   * requests overlap are checked to be evaluated in a working order. A target
   * group with neither host headers nor path patterns becomes the listener's
   * default target; there can be only one. From a stack other than the load
   * balancer's (e.g. a nested stack), the default target is a rule matching
   * every path at priority 50000, evaluated after every other rule: the
   * listener's default action cannot refer to a resource of that stack without
   * a circular dependency.
   *
   * An Application Load Balancer takes at most 100 target groups and 100 rules:
   * attaching more fails with an error.
   *
   * @returns the listener rule, or `undefined` when the target group became the listener's default action
   */
  public addTargetGroup(scope: Construct, id: string, options: SharedLoadBalancerTargetOptions): elbv2.ApplicationListenerRule | undefined {
    const validator = new PropValidator(scope, isService(scope) ? 'FargateWebService' : 'SharedLoadBalancer.addTargetGroup');
    checkTargetConditions(validator, options);
    const hasConditions = (options.hostHeaders?.length ?? 0) + (options.pathPatterns?.length ?? 0) > 0;
    const spread = 'Spread the services over several load balancers (a FargateWebServiceGroup adds them as needed).';
    if (this.attachedTargetGroups >= MAX_TARGET_GROUPS_PER_LOAD_BALANCER) {
      validator.report('loadBalancer', this.node.path,
        `The load balancer already has ${this.attachedTargetGroups} target groups, the quota of an Application Load Balancer. ${spread}`);
    } else if (hasConditions && this.rules >= MAX_RULES_PER_LOAD_BALANCER) {
      validator.report('loadBalancer', this.node.path,
        `The load balancer already has ${this.rules} listener rules, the quota of an Application Load Balancer. ${spread}`);
    }
    if (!hasConditions) {
      if (options.priority !== undefined) {
        validator.report('priority', options.priority,
          'A priority only applies to a listener rule: give hostHeaders or pathPatterns too, or leave priority out to make this the default target.');
      }
      if (this.defaultTargetPath !== undefined) {
        validator.report('hostHeaders/pathPatterns', [],
          `The load balancer ${this.node.path} already sends unmatched requests to '${this.defaultTargetPath}': ` +
          'give hostHeaders and/or pathPatterns (e.g. pathPatterns: ["/api/*"]) to route only some requests here.');
      }
      const inOwnStack = Stack.of(scope) === Stack.of(this);
      const catchAllUser = this.rulePriorities.get(CATCH_ALL_PRIORITY);
      if (catchAllUser !== undefined && !inOwnStack) {
        validator.report('priority', CATCH_ALL_PRIORITY,
          `'${catchAllUser}' uses priority ${CATCH_ALL_PRIORITY}, which the default target of another stack needs: give it a lower priority.`);
      }
      validator.throwIfInvalid();
      this.defaultTargetPath = scope.node.path;
      this.attachedTargetGroups++;
      if (inOwnStack) {
        this.listener.addTargetGroups(id, { targetGroups: [options.targetGroup] });
        return undefined;
      }
      // The listener's default action cannot name a target group of another (e.g. nested) stack: that stack
      // already refers to the listener, and the two references would make a circular dependency. A rule of
      // the other stack that matches every path, evaluated last, routes the same requests.
      this.rulePriorities.set(CATCH_ALL_PRIORITY, `${scope.node.path}/${id}`);
      this.rules++;
      return new elbv2.ApplicationListenerRule(scope, id, {
        listener: this.listener,
        priority: CATCH_ALL_PRIORITY,
        conditions: [elbv2.ListenerCondition.pathPatterns(['/*'])],
        targetGroups: [options.targetGroup],
      });
    }

    const conditions = ruleConditions(options.hostHeaders, options.pathPatterns);
    const rulePath = `${scope.node.path}/${id}`;
    const explicit = options.priority !== undefined;
    const priority = options.priority ?? automaticPriority(rulePath, conditions);
    if (!isUnresolved(priority)) {
      const user = this.rulePriorities.get(priority);
      if (user !== undefined) {
        validator.report('priority', explicit ? priority : undefined, explicit
          ? `Priority ${priority} is already used by '${user}' on the listener of ${this.node.path}: choose another one, or leave priority out to have one chosen.`
          : `The automatic priority of this rule, ${priority} (derived from its construct path '${rulePath}' and the specificity of its ` +
            `conditions), is already used by '${user}' on the listener of ${this.node.path}. Give the one of the two that is not ` +
            `deployed yet an explicit priority${this.suggestion(priority, conditions)}, so that the deployed one keeps ${priority}; ` +
            'an explicit priority never changes whatever is added or removed later.');
      }
    }
    const rule: AttachedRule = { path: rulePath, owner: scope.node.path, priority, explicit, conditions };
    // Match sets of malformed conditions mean nothing: their problems are reported first.
    if (!validator.hasProblems) this.checkRoutingOrder(validator, scope, rule);
    validator.throwIfInvalid();
    if (!isUnresolved(priority)) this.rulePriorities.set(priority, rulePath);
    this.attachedRules.push(rule);
    this.attachedTargetGroups++;
    this.rules++;

    const listenerConditions: elbv2.ListenerCondition[] = [];
    if (options.hostHeaders?.length) listenerConditions.push(elbv2.ListenerCondition.hostHeaders(options.hostHeaders));
    if (options.pathPatterns?.length) listenerConditions.push(elbv2.ListenerCondition.pathPatterns(options.pathPatterns));
    return new elbv2.ApplicationListenerRule(scope, id, {
      listener: this.listener,
      priority,
      conditions: listenerConditions,
      targetGroups: [options.targetGroup],
    });
  }

  /** How many target groups are attached (at most 100, the quota of an Application Load Balancer). */
  public get targetGroupCount(): number {
    return this.attachedTargetGroups;
  }

  /** How many listener rules route to target groups (at most 100, the quota of an Application Load Balancer). */
  public get ruleCount(): number {
    return this.rules;
  }

  /** Whether another target group can attach, with a listener rule unless `asDefaultTarget`, within the quotas. */
  public hasRoomFor(asDefaultTarget: boolean): boolean {
    if (this.attachedTargetGroups >= MAX_TARGET_GROUPS_PER_LOAD_BALANCER) return false;
    return asDefaultTarget ? this.defaultTargetPath === undefined : this.rules < MAX_RULES_PER_LOAD_BALANCER;
  }

  /**
   * Checks that the new rule is evaluated in the right order against every
   * rule already attached whose requests overlap its own: a rule whose match
   * set lies within another's must come first (or it never receives a
   * request), two rules matching the same requests are refused, and rules that
   * overlap only partly get a warning when both priorities are automatic.
   */
  private checkRoutingOrder(validator: PropValidator, scope: Construct, rule: AttachedRule): void {
    if (!isAnalyzable(rule.conditions) || isUnresolved(rule.priority)) return;
    for (const other of this.attachedRules) {
      if (!isAnalyzable(other.conditions) || isUnresolved(other.priority)) continue;
      const relation = compareRules(rule.conditions, other.conditions);
      if (relation === RuleOverlap.DISJOINT) continue;
      const self = `'${rule.owner}' (${describeConditions(rule.conditions)})`;
      const them = `'${other.owner}' (${describeConditions(other.conditions)})`;
      if (relation === RuleOverlap.SAME) {
        validator.report('hostHeaders/pathPatterns', conditionValues(rule.conditions),
          `${self} and ${them} match the same requests, so the one evaluated second never receives any: give them different ` +
          'conditions, or attach one service only.');
      } else if (relation === RuleOverlap.FIRST_WITHIN_SECOND && rule.priority > other.priority) {
        validator.report('priority', rule.explicit ? rule.priority : undefined,
          `Every request ${self} matches also matches ${them}, which is evaluated first (priority ${other.priority} < ` +
          `${rule.priority}), so this rule would never receive a request. Give this one an explicit priority below ` +
          `${other.priority}${this.suggestion(other.priority - 1, rule.conditions, 1, other.priority - 1)}.`);
      } else if (relation === RuleOverlap.SECOND_WITHIN_FIRST && other.priority > rule.priority) {
        validator.report('priority', rule.explicit ? rule.priority : undefined,
          `Every request ${them} matches also matches this rule ${self}, which would be evaluated first (priority ${rule.priority} < ` +
          `${other.priority}), so '${other.owner}' would never receive a request. Give this one an explicit priority above ` +
          `${other.priority}${this.suggestion(other.priority + 1, rule.conditions, other.priority + 1, CATCH_ALL_PRIORITY - 1)}.`);
      } else if (relation === RuleOverlap.PARTIAL && !rule.explicit && !other.explicit) {
        const [first, second] = rule.priority < other.priority ? [rule, other] : [other, rule];
        Annotations.of(scope).addWarningV2(`cdk-ecs-kit:${isService(scope) ? 'FargateWebService' : 'SharedLoadBalancer'}.overlappingRules`,
          `Some requests match both ${self} and ${them}: they go to '${first.owner}' (automatic priority ${first.priority}, before ` +
          `${second.priority}), though neither rule is more specific than the other. If '${second.owner}' should receive them, ` +
          'give the two services explicit priorities in the order you want (lower is evaluated first).');
      }
    }
  }

  /** `, e.g. N` with a free priority near `near` between `low` and `high` (the rule's band by default), or nothing. */
  private suggestion(near: number, conditions: RuleConditions, low?: number, high?: number): string {
    const band = bandOf(specificityScore(conditions));
    const free = freePriority(new Set(this.rulePriorities.keys()), near, low ?? band.first, high ?? band.last);
    return free === undefined ? '' : ` (e.g. priority: ${free}, which is free)`;
  }

  private createAccessLogsBucket(retention: Duration): s3.Bucket {
    const bucket = new s3.Bucket(this, 'AccessLogs', {
      // Elastic Load Balancing writes access logs only to SSE-S3 encrypted buckets.
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{
        id: 'ExpireAccessLogs',
        expiration: retention,
        abortIncompleteMultipartUploadAfter: Duration.days(1),
      }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This bucket holds the load balancer\'s access logs, which already record every request; logging access ' +
        'to it would need another log bucket, which would need one in turn. Access is TLS-only and public access is blocked.',
    });
    return bucket;
  }
}
