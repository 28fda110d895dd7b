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
   * @default - a new bucket: SSE-S3 encrypted, TLS-only, public access blocked,
   * logs expire after `accessLogsRetention`, retained when the stack is deleted
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
   * @default Duration.days(90)
   */
  readonly accessLogsRetention?: Duration;
}

/** Every option of `WebLoadBalancerOptions`, in the order the interface declares them. */
const WEB_LOAD_BALANCER_OPTIONS: ReadonlyArray<keyof WebLoadBalancerOptions> = [
  'internetFacing', 'loadBalancerSubnets', 'ingressCidrs', 'certificate', 'domainName', 'hostedZone',
  'accessLogsBucket', 'accessLogsPrefix', 'accessLogsRetention',
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
