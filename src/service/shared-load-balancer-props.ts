import { aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { WebLoadBalancerOptions } from './web-load-balancer-options';

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
 * An existing Application Load Balancer and one of its listeners, for
 * `SharedLoadBalancer.fromSharedLoadBalancerAttributes`. Nothing is looked up:
 * every value is given (or a token, e.g. an SSM parameter or a stack output).
 */
export interface SharedLoadBalancerAttributes {
  /** The VPC of the load balancer and of the services that attach to it. */
  readonly vpc: ec2.IVpc;

  /** ARN of the load balancer (`arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>`). */
  readonly loadBalancerArn: string;

  /** DNS name of the load balancer, e.g. `my-alb-1234567890.eu-west-1.elb.amazonaws.com`. */
  readonly loadBalancerDnsName: string;

  /**
   * The canonical hosted zone ID of the load balancer, for Route 53 alias records pointing at it.
   *
   * @default - unknown: alias records to the load balancer cannot be made from the import
   */
  readonly loadBalancerCanonicalHostedZoneId?: string;

  /**
   * The security groups of the load balancer (1 to 5), e.g.
   * `ec2.SecurityGroup.fromSecurityGroupId(this, 'AlbSg', 'sg-0123', { allowAllOutbound: false })`.
   * The services that attach allow them in on their container ports; an
   * imported security group that does not allow all outbound traffic also
   * gets an egress rule to each service (created in this app).
   */
  readonly securityGroups: ec2.ISecurityGroup[];

  /** ARN of the listener the services attach to (`...:listener/app/<name>/<id>/<listener id>`). */
  readonly listenerArn: string;

  /** The protocol of the listener: `HTTPS` or `HTTP`. It makes the scheme of `url`. */
  readonly listenerProtocol: elbv2.ApplicationProtocol;

  /**
   * The port of the listener.
   *
   * @default - 443 for HTTPS, 80 for HTTP
   */
  readonly listenerPort?: number;

  /**
   * The domain name the load balancer is reached at, for `url`.
   *
   * @default - the load balancer's DNS name
   */
  readonly domainName?: string;
}
