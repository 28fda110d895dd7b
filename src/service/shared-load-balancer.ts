import {
  Annotations,
  Duration,
  Stack,
  Validations,
  aws_certificatemanager as acm,
  aws_cloudwatch as cloudwatch,
  aws_ec2 as ec2,
  aws_elasticloadbalancingv2 as elbv2,
  aws_route53 as route53,
  aws_route53_targets as route53targets,
  aws_logs as logs,
  aws_s3 as s3,
  aws_wafv2 as wafv2,
} from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { createAccessLogsBuckets } from './private/access-log-buckets';
import { enableAccessLogs } from './private/access-logs';
import { isIpv6Cidr, isService, isWorldCidr, serviceConstructName } from './private/checks';
import { ListenerTargets } from './private/listener-targets';
import { checkLoadBalancerSubnets, checkSharedLoadBalancerAttributes, checkWebLoadBalancerOptions, vpcCidrIfKnown, vpcCidrOf } from './private/load-balancer-checks';
import { SharedLoadBalancerAttributes, SharedLoadBalancerProps, SharedLoadBalancerTargetOptions } from './shared-load-balancer-props';
import { hardeningOf } from '../core/hardening';
import { securityGroupDescription } from '../core/names';
import { acknowledgeInCompliancePacks } from '../core/pack-acknowledgments';
import { PropValidator, isUnresolved } from '../core/validation';

/**
 * A load balancer that several web services share: a `SharedLoadBalancer`, or
 * an existing one imported with `SharedLoadBalancer.fromSharedLoadBalancerAttributes`.
 */
export interface ISharedLoadBalancer extends IConstruct, ec2.IConnectable {
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
   * nested stack), and on an imported listener (whose default action stays as
   * it is), the default target is a rule matching every path at priority 50000.
   *
   * Priorities and the routing order are checked against the rules attached
   * through this object only: rules the listener has from elsewhere are unknown.
   *
   * @returns the listener rule, or `undefined` when the target group became the listener's default action
   */
  addTargetGroup(scope: Construct, id: string, options: SharedLoadBalancerTargetOptions): elbv2.ApplicationListenerRule | undefined;

  /** Number of requests the load balancer received; Sum over 5 minutes. */
  metricRequestCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Number of HTTP responses of a class (e.g. `elbv2.HttpCodeElb.ELB_5XX_COUNT`)
   * the load balancer generated itself, not its targets (a 503 when no target
   * is registered, a 502 or 504 when a target fails); Sum over 5 minutes.
   */
  metricHttpCodeElb(code: elbv2.HttpCodeElb, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Number of HTTP responses of a class (e.g. `elbv2.HttpCodeTarget.TARGET_5XX_COUNT`)
   * from the targets of every service behind the load balancer; Sum over 5 minutes.
   */
  metricHttpCodeTarget(code: elbv2.HttpCodeTarget, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /**
   * Time from a request leaving the load balancer to the response from a
   * target, for every service behind it, in seconds; Average over 5 minutes.
   */
  metricTargetResponseTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/**
 * What created and imported shared load balancers have in common: attaching
 * target groups (priorities, routing order, quotas) and the metrics.
 */
abstract class SharedLoadBalancerBase extends Construct implements ISharedLoadBalancer {
  public abstract readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  public abstract readonly listener: elbv2.IApplicationListener;
  public abstract readonly vpc: ec2.IVpc;
  public abstract readonly url: string;
  public abstract readonly connections: ec2.Connections;

  private attachments?: ListenerTargets;

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
   * a circular dependency. An imported listener's default action cannot be
   * changed: its default target is always such a rule.
   *
   * Priorities, the routing order and the quotas are checked against the rules
   * attached through this object only: rules the listener has from elsewhere
   * (another app, the console) are unknown.
   *
   * An Application Load Balancer takes at most 100 target groups and 100 rules:
   * attaching more fails with an error.
   *
   * @returns the listener rule, or `undefined` when the target group became the listener's default action
   */
  public addTargetGroup(scope: Construct, id: string, options: SharedLoadBalancerTargetOptions): elbv2.ApplicationListenerRule | undefined {
    return this.targets.attach(scope, id, options);
  }

  /** How many target groups are attached (at most 100, the quota of an Application Load Balancer). */
  public get targetGroupCount(): number {
    return this.targets.targetGroupCount;
  }

  /** How many listener rules route to target groups (at most 100, the quota of an Application Load Balancer). */
  public get ruleCount(): number {
    return this.targets.ruleCount;
  }

  /** Whether another target group can attach, with a listener rule unless `asDefaultTarget`, within the quotas. */
  public hasRoomFor(asDefaultTarget: boolean): boolean {
    return this.targets.hasRoomFor(asDefaultTarget);
  }

  public metricRequestCount(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.loadBalancer.metrics.requestCount(props);
  }

  public metricHttpCodeElb(code: elbv2.HttpCodeElb, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.loadBalancer.metrics.httpCodeElb(code, props);
  }

  public metricHttpCodeTarget(code: elbv2.HttpCodeTarget, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.loadBalancer.metrics.httpCodeTarget(code, props);
  }

  public metricTargetResponseTime(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.loadBalancer.metrics.targetResponseTime(props);
  }

  /**
   * Whether a target group attached without conditions from `scope` can become the listener's default action.
   *
   * @internal
   */
  protected abstract _defaultActionReplaceableFrom(scope: IConstruct): boolean;

  /** The attached target groups and rules, made when the first one attaches (the listener exists by then). */
  private get targets(): ListenerTargets {
    this.attachments ??= new ListenerTargets(this, this.listener, scope => this._defaultActionReplaceableFrom(scope));
    return this.attachments;
  }
}

const HTTP_PORT = 80;
const HTTPS_PORT = 443;
/** How long the kit's access-log bucket keeps logs by default, outside the hardened profile. */
const DEFAULT_ACCESS_LOG_DAYS = 90;

/** The hardened profile's log retention as an access-log expiry (`undefined`: never expire). */
function profileRetention(retention: logs.RetentionDays): Duration | undefined {
  return retention === logs.RetentionDays.INFINITE ? undefined : Duration.days(retention);
}

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
 * - Invalid header fields dropped.
 * - Requests no rule matches get a 404 until a service attaches without conditions.
 *
 * In the hardened profile (`Hardening.enable`) the load balancer is also
 * protected from deletion, associated with the profile's AWS WAF web ACL (when
 * it has one), its access-log bucket is versioned and logs its own requests to
 * a second, KMS-encrypted bucket, and access logs are kept as long as the
 * profile's `logRetention`; each is also a prop.
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
export class SharedLoadBalancer extends SharedLoadBalancerBase {
  /**
   * Imports an existing Application Load Balancer and one of its listeners,
   * from their attributes (no lookup, no credentials needed at synthesis), so
   * that services of this app attach to it like to a `SharedLoadBalancer`:
   * `FargateWebService` and `ComposeApp` take it as `loadBalancer`.
   *
   * Services add their target groups and listener rules to the listener (in
   * their own stacks); the listener's default action is left as it is, so a
   * service without `hostHeaders` and `pathPatterns` gets a rule that matches
   * every path at priority 50000. Priorities and the routing order are checked
   * only against the rules attached in this app: rules the listener already
   * has (from another app or the console) are unknown, so give explicit
   * priorities that are free on the listener when it has some.
   */
  public static fromSharedLoadBalancerAttributes(scope: Construct, id: string, attrs: SharedLoadBalancerAttributes): ISharedLoadBalancer {
    const validator = new PropValidator(scope, 'SharedLoadBalancer.fromSharedLoadBalancerAttributes');
    checkSharedLoadBalancerAttributes(validator, attrs);
    validator.throwIfInvalid();
    const https = attrs.listenerProtocol === elbv2.ApplicationProtocol.HTTPS;
    const port = attrs.listenerPort ?? (https ? HTTPS_PORT : HTTP_PORT);

    class Import extends SharedLoadBalancerBase {
      public readonly loadBalancer: elbv2.IApplicationLoadBalancer;
      public readonly listener: elbv2.IApplicationListener;
      public readonly connections: ec2.Connections;
      public readonly vpc = attrs.vpc;
      public readonly url = `${https ? 'https' : 'http'}://${attrs.domainName ?? attrs.loadBalancerDnsName}`;

      constructor() {
        super(scope, id);
        const [first, ...others] = attrs.securityGroups;
        this.loadBalancer = elbv2.ApplicationLoadBalancer.fromApplicationLoadBalancerAttributes(this, 'LoadBalancer', {
          loadBalancerArn: attrs.loadBalancerArn,
          loadBalancerDnsName: attrs.loadBalancerDnsName,
          loadBalancerCanonicalHostedZoneId: attrs.loadBalancerCanonicalHostedZoneId,
          securityGroupId: first.securityGroupId,
          securityGroupAllowsAllOutbound: first.allowAllOutbound,
          vpc: attrs.vpc,
        });
        this.connections = new ec2.Connections({ securityGroups: attrs.securityGroups });
        const listener = elbv2.ApplicationListener.fromApplicationListenerAttributes(this, 'Listener', {
          listenerArn: attrs.listenerArn,
          securityGroup: first,
          defaultPort: port,
        });
        // Targets are allowed in from every security group of the load balancer.
        for (const securityGroup of others) listener.connections.addSecurityGroup(securityGroup);
        this.listener = listener;
      }

      /** @internal */
      protected _defaultActionReplaceableFrom(): boolean {
        // CloudFormation does not own the listener: its default action cannot be changed from here.
        return false;
      }
    }
    return new Import();
  }

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

  /**
   * The bucket that receives the S3 server access logs of `accessLogsBucket`,
   * when this construct created both (`accessLogsBucketLogging`).
   */
  public readonly serverAccessLogsBucket?: s3.IBucket;

  /** The association of the load balancer with the AWS WAF web ACL of `webAclArn`, if any. */
  public readonly webAclAssociation?: wafv2.CfnWebACLAssociation;

  /** The Route 53 alias record for `domainName`, when a hosted zone was given. */
  public readonly aliasRecord?: route53.ARecord;

  /** The network connections of the load balancer (its security group), e.g. to allow more ingress. */
  public readonly connections: ec2.Connections;

  public readonly vpc: ec2.IVpc;
  public readonly url: string;

  constructor(scope: Construct, id: string, props: SharedLoadBalancerProps) {
    super(scope, id);

    // A web service creating its own load balancer passes its own props through:
    // problems and warnings are reported under the service, where the user wrote them.
    const owner: IConstruct = isService(scope) ? scope : this;
    const constructName = serviceConstructName(scope) ?? 'SharedLoadBalancer';
    const internetFacing = props.internetFacing ?? true;

    const profile = hardeningOf(this);

    const validator = new PropValidator(owner, constructName);
    checkWebLoadBalancerOptions(validator, props, Stack.of(this).region);
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
      dropInvalidHeaderFields: props.dropInvalidHeaderFields ?? true,
      deletionProtection: props.deletionProtection ?? profile !== undefined,
    });
    this.loadBalancer = loadBalancer;
    this.connections = loadBalancer.connections;

    if (props.accessLogsBucket) {
      // A bucket given is used as it is: its versioning, logging and lifecycle are its owner's.
      this.accessLogsBucket = props.accessLogsBucket;
    } else {
      const buckets = createAccessLogsBuckets(this, {
        retention: props.accessLogsRetention ?? (profile ? profileRetention(profile.logRetention) : Duration.days(DEFAULT_ACCESS_LOG_DAYS)),
        versioned: props.accessLogsBucketVersioned ?? profile !== undefined,
        serverAccessLogs: props.accessLogsBucketLogging ?? profile !== undefined,
        serverAccessLogsKey: profile?.encryptionKey(),
      });
      this.accessLogsBucket = buckets.accessLogs;
      this.serverAccessLogsBucket = buckets.serverAccessLogs;
    }
    enableAccessLogs(this, loadBalancer, this.accessLogsBucket, props.accessLogsPrefix);

    const webAclArn = props.webAclArn ?? profile?.webAclArn;
    if (webAclArn !== undefined) {
      this.webAclAssociation = new wafv2.CfnWebACLAssociation(this, 'WebAclAssociation', {
        resourceArn: loadBalancer.loadBalancerArn,
        webAclArn,
      });
    } else if (profile) {
      Annotations.of(owner).addWarningV2(`cdk-ecs-kit:${constructName}.noWebAcl`,
        'No AWS WAF web ACL filters the requests to this load balancer (cdk-nag\'s ALBWAFEnabled rule reports it): give webAclArn ' +
        '(a regional web ACL of this Region), or Hardening.enable(scope, { webAclArn }) for every load balancer of the kit. ' +
        'AWS WAF bills $5 a month per web ACL, $1 per rule and $0.60 per million requests.');
    }

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
      acknowledgeInCompliancePacks(this.httpListener, 'ELBv2ACMCertificateRequired',
        'This port 80 listener only redirects every request to HTTPS on port 443 (whose listener has the ACM certificate); ' +
        'an HTTP listener cannot hold a certificate, and without it clients asking for http:// would get no answer.');
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
        'have a DNS-validated certificate created.' + (profile
          ? ' Until then cdk-nag\'s ALBHttpToHttpsRedirection and ELBv2ACMCertificateRequired rules report the HTTP listener ' +
            '(the hardened profile does not acknowledge them).'
          : ''));
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

  /** @internal */
  protected _defaultActionReplaceableFrom(scope: IConstruct): boolean {
    return Stack.of(scope) === Stack.of(this);
  }
}
