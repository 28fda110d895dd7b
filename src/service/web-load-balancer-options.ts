import { Duration, aws_certificatemanager as acm, aws_ec2 as ec2, aws_route53 as route53, aws_s3 as s3 } from 'aws-cdk-lib';
import { PropValidator } from '../core/validation';

/**
 * How a load balancer is reached: public or internal, HTTP or HTTPS, from
 * where, and where its access logs go.
 *
 * `SharedLoadBalancerProps` takes these options, and so do the props of the
 * constructs that can create load balancers of their own:
 * `FargateWebServiceProps`, `FargateWebServiceGroupProps` and `ComposeAppProps`
 * (each refuses them together with a `loadBalancer` it is given).
 */
export interface WebLoadBalancerOptions {
  /**
   * Whether the load balancer has a public DNS name in public subnets, or is
   * internal (reachable only from within the VPC and connected networks).
   *
   * @default true
   */
  readonly internetFacing?: boolean;

  /**
   * Subnets of the load balancer.
   *
   * @default - public subnets when internet-facing, private subnets otherwise
   */
  readonly loadBalancerSubnets?: ec2.SubnetSelection;

  /**
   * CIDR blocks (IPv4 or IPv6) allowed to reach the listener ports (80, and 443 with HTTPS).
   *
   * @default - ['0.0.0.0/0'] when internet-facing, the VPC's CIDR block when internal
   */
  readonly ingressCidrs?: string[];

  /**
   * An ACM certificate for the HTTPS listener. With it, the load balancer
   * serves HTTPS on port 443 and redirects HTTP (port 80) to HTTPS.
   *
   * When `domainName` is also given, the certificate must cover it.
   *
   * @default - a DNS-validated certificate is created when `domainName` and
   * `hostedZone` are given; otherwise plain HTTP with a warning
   */
  readonly certificate?: acm.ICertificate;

  /**
   * The domain name the service is reached at, e.g. `app.example.com`.
   *
   * With `hostedZone`, a certificate for it is created and validated through
   * DNS (unless `certificate` is given) and an alias record is added to the
   * zone. Without `hostedZone`, `certificate` is required.
   *
   * @default - the load balancer's own DNS name
   */
  readonly domainName?: string;

  /**
   * The Route 53 hosted zone of `domainName`: used to validate the created
   * certificate and to add an alias record pointing at the load balancer.
   *
   * @default - no DNS record is created
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * Bucket that receives the load balancer's access logs. It must be in the
   * same Region and use SSE-S3 encryption; when it is imported, its policy
   * must already let Elastic Load Balancing write to it.
   *
   * @default - a new bucket: SSE-S3 encrypted (the only encryption Elastic
   * Load Balancing writes to), TLS-only, public access blocked, logs expire
   * after `accessLogsRetention`, retained when the stack is deleted, versioned
   * and logged per `accessLogsBucketVersioned` and `accessLogsBucketLogging`
   * (a `FargateWebServiceGroup` creates it with its first load balancer, and
   * the others share it)
   */
  readonly accessLogsBucket?: s3.IBucket;

  /**
   * Key prefix of the access logs in the bucket (without leading or trailing `/`).
   *
   * @default - no prefix
   */
  readonly accessLogsPrefix?: string;

  /**
   * How long access logs are kept in the bucket this construct creates: a
   * whole number of days, at least 1. Not allowed with `accessLogsBucket`.
   *
   * @default Duration.days(90); in the hardened profile, its `logRetention`
   * (a year unless set; never expire with `RetentionDays.INFINITE`)
   */
  readonly accessLogsRetention?: Duration;

  /**
   * Whether the access-log bucket this construct creates keeps every version
   * of its objects, so that logs deleted or overwritten can be recovered.
   * Versions made noncurrent (by deletion, or by the expiry of
   * `accessLogsRetention`) are kept 30 more days. Not allowed with
   * `accessLogsBucket` (a bucket given is left as it is).
   *
   * @default false; true in the hardened profile
   */
  readonly accessLogsBucketVersioned?: boolean;

  /**
   * Whether requests to the access-log bucket this construct creates are
   * recorded by S3 server access logging, into a separate log bucket the
   * construct also creates (`serverAccessLogsBucket`: TLS-only, public access
   * blocked, versioned, retained when the stack is deleted, its logs expiring
   * like the access logs; encrypted with the hardened profile's KMS key in
   * that profile, with SSE-S3 otherwise). Not allowed with `accessLogsBucket`
   * (a bucket given is left as it is).
   *
   * @default false; true in the hardened profile
   */
  readonly accessLogsBucketLogging?: boolean;

  /**
   * Whether the load balancer is protected from deletion. A stack holding a
   * protected load balancer cannot be deleted (nor can an update replace the
   * load balancer): CloudFormation fails at once on it, with an error saying
   * deletion protection is on. Turn it off (deploy with `false`) before
   * deleting the stack.
   *
   * @default false; true in the hardened profile
   */
  readonly deletionProtection?: boolean;

  /**
   * Whether the load balancer drops HTTP headers whose names are not valid
   * (anything but letters, digits and hyphens) instead of passing them to the
   * targets, which closes a family of request-smuggling and header-injection
   * tricks. Turn it off only for clients that send such headers on purpose.
   *
   * @default true (in both profiles)
   */
  readonly dropInvalidHeaderFields?: boolean;

  /**
   * The ARN of an AWS WAF web ACL to associate with the load balancer:
   * a regional web ACL (`arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>`)
   * in the load balancer's Region. AWS WAF bills the web ACL ($5 a month),
   * each rule ($1 a month) and the requests inspected ($0.60 per million).
   *
   * @default - no web ACL; in the hardened profile, its `webAclArn` when given
   * (otherwise a warning)
   */
  readonly webAclArn?: string;
}

/** Every option of `WebLoadBalancerOptions`, in the order the interface declares them. */
const WEB_LOAD_BALANCER_OPTIONS: ReadonlyArray<keyof WebLoadBalancerOptions> = [
  'internetFacing', 'loadBalancerSubnets', 'ingressCidrs', 'certificate', 'domainName', 'hostedZone',
  'accessLogsBucket', 'accessLogsPrefix', 'accessLogsRetention', 'accessLogsBucketVersioned', 'accessLogsBucketLogging',
  'deletionProtection', 'dropInvalidHeaderFields', 'webAclArn',
];

/**
 * The load balancer options of a construct's props, and nothing else: what a
 * construct that creates its own `SharedLoadBalancer` passes on to it (not
 * exported from the package).
 */
export function webLoadBalancerOptions(props: WebLoadBalancerOptions): WebLoadBalancerOptions {
  return {
    internetFacing: props.internetFacing,
    loadBalancerSubnets: props.loadBalancerSubnets,
    ingressCidrs: props.ingressCidrs,
    certificate: props.certificate,
    domainName: props.domainName,
    hostedZone: props.hostedZone,
    accessLogsBucket: props.accessLogsBucket,
    accessLogsPrefix: props.accessLogsPrefix,
    accessLogsRetention: props.accessLogsRetention,
    accessLogsBucketVersioned: props.accessLogsBucketVersioned,
    accessLogsBucketLogging: props.accessLogsBucketLogging,
    deletionProtection: props.deletionProtection,
    dropInvalidHeaderFields: props.dropInvalidHeaderFields,
    webAclArn: props.webAclArn,
  };
}

/**
 * Refuses every load balancer option given together with a `loadBalancer`:
 * they configure the load balancer a construct creates for itself, and one
 * given is used as it was defined (not exported from the package).
 */
export function checkOptionsWithoutLoadBalancer(validator: PropValidator, props: WebLoadBalancerOptions, loadBalancerGiven: boolean): void {
  if (!loadBalancerGiven) return;
  for (const option of WEB_LOAD_BALANCER_OPTIONS) {
    const value = props[option];
    if (value === undefined) continue;
    validator.report(option, value instanceof Duration && !value.isUnresolved() ? value.toHumanString() : value,
      'It configures the load balancer this construct would create, and loadBalancer is given: remove it, ' +
      `or set ${option} on that SharedLoadBalancer instead.`);
  }
}
