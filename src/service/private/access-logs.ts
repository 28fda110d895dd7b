import {
  Aws,
  CfnCondition,
  CfnMapping,
  CfnResource,
  Fn,
  Stack,
  Token,
  aws_elasticloadbalancingv2 as elbv2,
  aws_iam as iam,
  aws_s3 as s3,
} from 'aws-cdk-lib';
import { FactName, RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct } from 'constructs';

/** The service principal that writes ALB access logs in Regions opened since August 2022. */
const LOG_DELIVERY_SERVICE = 'logdelivery.elasticloadbalancing.amazonaws.com';

/**
 * A bucket-policy statement whose principal is chosen at deploy time: the
 * Elastic Load Balancing account of the Region where one exists (Regions
 * opened before August 2022), otherwise the log delivery service principal.
 *
 * aws-cdk-lib's `logAccessLogs` needs a concrete Region to pick one; this
 * statement lets an environment-agnostic stack deploy to any Region.
 */
class RegionalLogDeliveryStatement extends iam.PolicyStatement {
  constructor(props: iam.PolicyStatementProps, private readonly principalJson: unknown) {
    // The service principal keeps the statement valid for the document's own checks.
    super({ ...props, principals: [new iam.ServicePrincipal(LOG_DELIVERY_SERVICE)] });
  }

  public toStatementJson(): any {
    return { ...super.toStatementJson(), Principal: this.principalJson };
  }
}

/**
 * Turns on access logs of `loadBalancer` into `bucket` under `prefix`, with
 * the bucket policy Elastic Load Balancing needs (when the bucket is owned by
 * this app: an imported bucket must already allow it).
 */
export function enableAccessLogs(scope: Construct, loadBalancer: elbv2.ApplicationLoadBalancer, bucket: s3.IBucket, prefix?: string): void {
  const region = Stack.of(scope).region;
  if (!Token.isUnresolved(region)) {
    // aws-cdk-lib knows the right principal for a concrete Region.
    loadBalancer.logAccessLogs(bucket, prefix);
    return;
  }

  loadBalancer.setAttribute('access_logs.s3.enabled', 'true');
  loadBalancer.setAttribute('access_logs.s3.bucket', bucket.bucketName);
  loadBalancer.setAttribute('access_logs.s3.prefix', prefix ?? '');

  const { mapping, legacyRegion } = regionalElbAccounts(Stack.of(scope));
  const elbAccount = mapping.findInMap(Aws.REGION, 'account');
  bucket.addToResourcePolicy(new RegionalLogDeliveryStatement({
    sid: 'AllowLoadBalancerAccessLogs',
    actions: ['s3:PutObject'],
    resources: [bucket.arnForObjects(`${prefix ? `${prefix}/` : ''}AWSLogs/${Aws.ACCOUNT_ID}/*`)],
  }, Fn.conditionIf(legacyRegion.logicalId,
    { AWS: `arn:${Aws.PARTITION}:iam::${elbAccount}:root` },
    { Service: LOG_DELIVERY_SERVICE })));

  // The load balancer checks that it can write to the bucket when access logs are turned on.
  const cfnLoadBalancer = loadBalancer.node.defaultChild as CfnResource;
  const cfnPolicy = bucket.policy?.node.defaultChild;
  if (cfnPolicy && CfnResource.isCfnResource(cfnPolicy)) cfnLoadBalancer.addResourceDependency(cfnPolicy);
}

/**
 * The Elastic Load Balancing account of each Region that has one, and a
 * condition true in those Regions: one of each per stack, like the Region
 * tables aws-cdk-lib itself adds to environment-agnostic stacks.
 */
function regionalElbAccounts(stack: Stack): { mapping: CfnMapping; legacyRegion: CfnCondition } {
  const mappingId = 'CdkEcsKitElbAccounts';
  const conditionId = 'CdkEcsKitElbAccountRegion';
  const existing = stack.node.tryFindChild(mappingId) as CfnMapping | undefined;
  if (existing) {
    return { mapping: existing, legacyRegion: stack.node.findChild(conditionId) as CfnCondition };
  }
  const accounts = RegionInfo.regionMap(FactName.ELBV2_ACCOUNT);
  const mapping = new CfnMapping(stack, mappingId, {
    mapping: Object.fromEntries(Object.entries(accounts).map(([region, account]) => [region, { account }])),
  });
  const legacyRegion = new CfnCondition(stack, conditionId, { expression: anyRegion(Object.keys(accounts)) });
  return { mapping, legacyRegion };
}

/** A condition true in any of `regions` (Fn::Or takes 2 to 10 conditions, so they are nested). */
function anyRegion(regions: string[]): ReturnType<typeof Fn.conditionOr> {
  const equals = regions.map(r => Fn.conditionEquals(Aws.REGION, r));
  let level: ReturnType<typeof Fn.conditionOr>[] = equals;
  while (level.length > 1) {
    const next: ReturnType<typeof Fn.conditionOr>[] = [];
    for (let i = 0; i < level.length; i += 10) {
      const chunk = level.slice(i, i + 10);
      next.push(chunk.length === 1 ? chunk[0] : Fn.conditionOr(...chunk));
    }
    level = next;
  }
  return level[0];
}
