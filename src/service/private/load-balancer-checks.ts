import { Token, aws_ec2 as ec2, aws_elasticloadbalancingv2 as elbv2 } from 'aws-cdk-lib';
import { PropValidator, isUnresolved } from '../../core/validation';
import type { SharedLoadBalancerAttributes } from '../shared-load-balancer-props';
import type { WebLoadBalancerOptions } from '../web-load-balancer-options';
import { certificateNameCovers, certificateNames, checkCidrs, checkDomainName, display, isInZone } from './checks';
import { wildcardCount } from './wildcard-patterns';

/** ALB limits: values per condition, values per listener rule, wildcards per listener rule. */
const MAX_VALUES_PER_CONDITION = 3;
const MAX_CONDITION_VALUES = 5;
const MAX_WILDCARDS_PER_RULE = 5;
const HOST_HEADER = /^[A-Za-z0-9*?.-]{1,128}$/;
/** A host condition has at least one "." and only letters after the last one. */
const HOST_HEADER_ENDING = /\.[A-Za-z]+$/;
const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+&*?]{0,127}$/;

/**
 * Checks the load balancer options shared by SharedLoadBalancer and FargateWebService
 * (`region`: the load balancer's, when known, to check a web ACL's Region).
 */
export function checkWebLoadBalancerOptions(validator: PropValidator, props: WebLoadBalancerOptions, region?: string): void {
  checkCidrs(validator, 'ingressCidrs', props.ingressCidrs);
  checkDomainName(validator, 'domainName', props.domainName, false);

  if (props.hostedZone && props.domainName === undefined) {
    validator.report('hostedZone', props.hostedZone.zoneName,
      'A hosted zone is used for the certificate and alias record of domainName: give domainName too (e.g. "app.example.com"), or remove hostedZone.');
  }
  if (props.domainName !== undefined && !props.hostedZone && !props.certificate) {
    validator.report('domainName', props.domainName,
      'A domain name needs its Route 53 hostedZone (to create and validate a certificate and an alias record), ' +
      'or a certificate that covers it: give hostedZone or certificate.');
  }
  if (props.domainName !== undefined && props.hostedZone && !isUnresolved(props.domainName) && !isUnresolved(props.hostedZone.zoneName)) {
    validator.check('domainName', props.domainName, isInZone(props.domainName, props.hostedZone.zoneName),
      `The domain name must be in the hosted zone ${display(props.hostedZone.zoneName)}: use a name ending in ".${props.hostedZone.zoneName.replace(/\.$/, '')}", or the zone of your domain.`);
  }
  if (props.certificate && props.domainName !== undefined && !isUnresolved(props.domainName)) {
    const names = certificateNames(props.certificate);
    if (names && !names.some(name => certificateNameCovers(name, props.domainName!))) {
      validator.report('domainName', props.domainName,
        `The certificate covers ${names.map(n => JSON.stringify(n)).join(', ')}, not this domain name: use a certificate for it, ` +
        'or remove certificate to have one created (with hostedZone).');
    }
  }

  if (props.accessLogsRetention !== undefined) {
    if (props.accessLogsBucket) {
      validator.report('accessLogsRetention', props.accessLogsRetention.toHumanString(),
        'The retention applies only to the bucket this construct creates: set a lifecycle rule on your accessLogsBucket, or remove accessLogsRetention.');
    } else if (props.accessLogsRetention.isUnresolved()) {
      validator.check('accessLogsRetention', '(a token in ' + props.accessLogsRetention.unitLabel() + ')', props.accessLogsRetention.unitLabel() === 'days',
        'A retention from a token must be given in days (Duration.days(token)): the bucket\'s lifecycle rule counts days, and a token in another unit cannot be converted before deployment.');
    } else {
      const days = props.accessLogsRetention.toMilliseconds({ integral: false }) / 86_400_000;
      validator.check('accessLogsRetention', props.accessLogsRetention.toHumanString(), Number.isInteger(days) && days >= 1,
        'Use a whole number of days, at least Duration.days(1).');
    }
  }
  for (const option of ['accessLogsBucketVersioned', 'accessLogsBucketLogging'] as const) {
    if (props[option] !== undefined && props.accessLogsBucket) {
      validator.report(option, props[option],
        'It configures the access-log bucket this construct creates, and accessLogsBucket is given (the kit leaves a bucket ' +
        `you give as it is): configure versioning or server access logging on your bucket, or remove ${option}.`);
    }
  }
  checkWebAclArn(validator, props.webAclArn, region);
  if (props.accessLogsPrefix !== undefined && !isUnresolved(props.accessLogsPrefix)) {
    const prefix = props.accessLogsPrefix;
    validator.check('accessLogsPrefix', prefix,
      prefix.length > 0 && !prefix.startsWith('/') && !prefix.endsWith('/') && !/AWSLogs/i.test(prefix),
      'Use a key prefix without leading or trailing "/" that does not contain "AWSLogs" (Elastic Load Balancing adds that itself), e.g. "alb/web".');
  }
}

/** A regional AWS WAF web ACL: `arn:<partition>:wafv2:<region>:<account>:regional/webacl/<name>/<id>`. */
const REGIONAL_WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:([a-z0-9-]+):\d{12}:regional\/webacl\/[A-Za-z0-9_-]{1,128}\/[A-Za-z0-9-]{1,128}$/;

/**
 * Checks that a web ACL ARN names a regional AWS WAF web ACL (the only kind a
 * load balancer takes) of the load balancer's Region, when both are known.
 */
export function checkWebAclArn(validator: PropValidator, webAclArn: string | undefined, region: string | undefined, prop = 'webAclArn'): void {
  if (webAclArn === undefined || isUnresolved(webAclArn)) return;
  const match = REGIONAL_WEB_ACL_ARN.exec(webAclArn);
  if (!match) {
    validator.report(prop, webAclArn, /:global\/webacl\//.test(webAclArn)
      ? 'This web ACL has the CloudFront (global) scope, which only CloudFront distributions take: create a web ACL with the ' +
        'REGIONAL scope in the load balancer\'s Region and give its ARN.'
      : 'Give the ARN of an AWS WAF (wafv2) web ACL with the REGIONAL scope, ' +
        'e.g. "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/my-acl/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111" (webAcl.attrArn of a wafv2.CfnWebACL).');
  } else if (region !== undefined && !isUnresolved(region) && match[1] !== region) {
    validator.report(prop, webAclArn,
      `A load balancer takes a web ACL of its own Region only, and this stack deploys to ${region}: ` +
      `create the web ACL in ${region} and give its ARN.`);
  }
}

/**
 * Checks host headers, path patterns and an explicit priority of a listener
 * rule against what Elastic Load Balancing accepts: at most 3 values per
 * condition and 5 per rule, at most 5 wildcards per rule, no value twice, host
 * names with a dot and only letters after the last one.
 */
export function checkTargetConditions(
  validator: PropValidator,
  options: { hostHeaders?: string[]; pathPatterns?: string[]; priority?: number },
): void {
  const hostHeaders = options.hostHeaders ?? [];
  const pathPatterns = options.pathPatterns ?? [];
  const listTokens = ([['hostHeaders', hostHeaders, 'host names'], ['pathPatterns', pathPatterns, 'path patterns']] as const)
    .filter(([, values]) => Token.isUnresolved(values));
  for (const [prop, , what] of listTokens) {
    validator.report(prop, '(a token for the whole list)',
      `Give a list of ${what} whose items may be tokens: the number of values must be known to check the load balancer's limits.`);
  }
  if (listTokens.length > 0) return;
  for (const host of hostHeaders) {
    if (isUnresolved(host)) continue;
    if (!HOST_HEADER.test(host)) {
      validator.report('hostHeaders', host,
        'Use a host name of up to 128 letters, digits, ".", "-" and the wildcards "*" and "?", e.g. "api.example.com".');
    } else if (!HOST_HEADER_ENDING.test(host)) {
      validator.report('hostHeaders', host,
        'A load balancer host condition needs at least one "." and only letters after the last one (e.g. "api.example.com" or ' +
        '"*.example.com"; not "localhost" or "api.v2"): use the full host name, or leave hostHeaders out to match any host.');
    }
  }
  for (const path of pathPatterns) {
    validator.check('pathPatterns', path, PATH_PATTERN.test(path),
      'Use a path pattern of up to 128 characters starting with "/", with "*" and "?" wildcards, e.g. "/api/*".');
  }
  for (const [prop, values, caseInsensitive] of [['hostHeaders', hostHeaders, true], ['pathPatterns', pathPatterns, false]] as const) {
    if (values.length > MAX_VALUES_PER_CONDITION) {
      validator.report(prop, values,
        `A listener rule condition matches at most ${MAX_VALUES_PER_CONDITION} values: use fewer or broader patterns, or attach the target group twice.`);
    }
    const known = values.filter(v => !isUnresolved(v)).map(v => (caseInsensitive ? v.toLowerCase() : v));
    const repeated = known.filter((v, i) => known.indexOf(v) !== i);
    if (repeated.length > 0) {
      validator.report(prop, [...new Set(repeated)], `Each value can appear once${caseInsensitive ? ' (host names compare case-insensitively)' : ''}: remove the repeated ones.`);
    }
  }
  if (hostHeaders.length + pathPatterns.length > MAX_CONDITION_VALUES) {
    validator.report('hostHeaders/pathPatterns', [...hostHeaders, ...pathPatterns],
      `A listener rule matches at most ${MAX_CONDITION_VALUES} host headers and path patterns together: use fewer or broader patterns.`);
  }
  const wildcards = [...hostHeaders, ...pathPatterns].filter(v => !isUnresolved(v)).reduce((sum, v) => sum + wildcardCount(v), 0);
  if (wildcards > MAX_WILDCARDS_PER_RULE) {
    validator.report('hostHeaders/pathPatterns', [...hostHeaders, ...pathPatterns],
      `A listener rule may use at most ${MAX_WILDCARDS_PER_RULE} wildcards ("*" and "?") in all its host headers and path patterns together, ` +
      `and these have ${wildcards}: use fewer wildcards (e.g. "/api/*" rather than "/api/*/v?/*"), or split the values over two services.`);
  }
  if (options.priority !== undefined) {
    validator.checkInteger('priority', options.priority, 1, 50_000, 'Use a whole number from 1 to 50000, or leave priority out to have one chosen.');
  }
}

/**
 * Checks that the load balancer's subnets exist and span two Availability
 * Zones, as Elastic Load Balancing requires at deploy time (aws-cdk-lib only
 * refuses a selection that finds no subnet at all, with its own message).
 */
export function checkLoadBalancerSubnets(validator: PropValidator, vpc: ec2.IVpc, internetFacing: boolean, selection?: ec2.SubnetSelection): void {
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
export function vpcCidrOf(validator: PropValidator, vpc: ec2.IVpc): string[] {
  const cidr = vpcCidrIfKnown(vpc);
  if (cidr === undefined) {
    validator.report('ingressCidrs', undefined,
      'An internal load balancer accepts traffic from its VPC\'s CIDR block by default, but this VPC was imported without one: ' +
      'give ingressCidrs (e.g. ["10.0.0.0/16"]), or import the VPC with vpcCidrBlock.');
  }
  return cidr === undefined ? [] : [cidr];
}

/** The VPC's CIDR block, or `undefined` for a VPC imported without one (only to label the ingress rules). */
export function vpcCidrIfKnown(vpc: ec2.IVpc): string | undefined {
  try {
    return vpc.vpcCidrBlock;
  } catch {
    return undefined;
  }
}

/** ARNs of an Application Load Balancer and of a listener of one; group 1 is `app/<name>/<id>`. */
const LOAD_BALANCER_ARN = /^arn:[\w-]+:elasticloadbalancing:[\w-]+:\d{12}:loadbalancer\/(app\/[^/]+\/[^/]+)$/;
const LISTENER_ARN = /^arn:[\w-]+:elasticloadbalancing:[\w-]+:\d{12}:listener\/(app\/[^/]+\/[^/]+)\/[^/]+$/;
/** Elastic Load Balancing quota: security groups per load balancer. */
const MAX_SECURITY_GROUPS = 5;

/** Checks the attributes of an imported shared load balancer (values from tokens are taken as they are). */
export function checkSharedLoadBalancerAttributes(validator: PropValidator, attrs: SharedLoadBalancerAttributes): void {
  const arnFix = (what: string, example: string) =>
    `Give the ARN of ${what}, e.g. "${example}" (network and gateway load balancers cannot take the services' listener rules).`;
  validator.check('loadBalancerArn', attrs.loadBalancerArn, LOAD_BALANCER_ARN.test(attrs.loadBalancerArn),
    arnFix('an Application Load Balancer', 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/shop/50dc6c495c0c9188'));
  validator.check('listenerArn', attrs.listenerArn, LISTENER_ARN.test(attrs.listenerArn),
    arnFix('a listener of an Application Load Balancer',
      'arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/shop/50dc6c495c0c9188/f2f7dc8efc522ab2'));
  const ofLoadBalancer = LOAD_BALANCER_ARN.exec(attrs.loadBalancerArn)?.[1];
  const ofListener = LISTENER_ARN.exec(attrs.listenerArn)?.[1];
  if (ofLoadBalancer !== undefined && ofListener !== undefined && ofLoadBalancer !== ofListener) {
    validator.report('listenerArn', attrs.listenerArn,
      `The listener belongs to the load balancer ${ofListener}, not to ${ofLoadBalancer} (loadBalancerArn): give a listener of that load balancer.`);
  }
  validator.check('loadBalancerDnsName', attrs.loadBalancerDnsName, attrs.loadBalancerDnsName.length > 0,
    'Give the DNS name of the load balancer, e.g. "shop-1234567890.eu-west-1.elb.amazonaws.com".');
  if (attrs.securityGroups.length === 0 || attrs.securityGroups.length > MAX_SECURITY_GROUPS) {
    validator.report('securityGroups', attrs.securityGroups.map(sg => sg.securityGroupId),
      `Give the load balancer's security groups (1 to ${MAX_SECURITY_GROUPS}): the services allow them in on their container ports.`);
  }
  const protocols = [elbv2.ApplicationProtocol.HTTP, elbv2.ApplicationProtocol.HTTPS];
  validator.check('listenerProtocol', attrs.listenerProtocol, protocols.includes(attrs.listenerProtocol),
    'Use elbv2.ApplicationProtocol.HTTPS or elbv2.ApplicationProtocol.HTTP, the protocol of the listener.');
  validator.checkInteger('listenerPort', attrs.listenerPort, 1, 65535);
  checkDomainName(validator, 'domainName', attrs.domainName, false);
}
