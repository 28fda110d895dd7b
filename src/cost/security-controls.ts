/**
 * What the security controls of a template cost, for the cost estimate (the
 * hardened profile's, whatever construct created them): AWS WAF web ACLs, which
 * cost money every month, and what only adds usage — long log retention and
 * S3 buckets that receive server access logs — which the estimate names in notes.
 */
import type { CostLineItem } from './estimate';
import { PRICE } from './prices';
import { arrayOf, isIntrinsic, objectOf, pathOf, propertyOf, refOf, resourceOf, shown, stringOf, unknownNote } from './template-values';

const WEB_ACL = 'AWS::WAFv2::WebACL';
const ASSOCIATION = 'AWS::WAFv2::WebACLAssociation';

/** AWS Managed Rules groups with a subscription fee of their own, on top of the rule's $1. */
const PAID_MANAGED_RULE_GROUP = /BotControl|ATPRuleSet|ACFPRuleSet|AntiDDoS/;

/**
 * A web ACL of the template: $5 a month and $1 for each of its rules (a rule
 * group it references is one rule). Rules that cannot be read are noted.
 */
export function priceWebAcl(logicalId: string, rawProps: unknown, items: CostLineItem[], notes: string[]): void {
  // Rules is optional: a web ACL without rules applies its default action only.
  const readable = rawProps === undefined || (objectOf(rawProps) !== undefined && !isIntrinsic(rawProps));
  const [what, value] = readable ? ['Rules', propertyOf(rawProps, 'Rules')] : ['its Properties', rawProps];
  const rules = !readable ? undefined : value === undefined ? [] : arrayOf(value);
  if (rules === undefined) {
    notes.push(unknownNote(logicalId, what, value, `its rules ($${PRICE.wafRuleMonth.toFixed(2)} a month each) are not priced`));
  }
  const count = rules?.length ?? 0;
  items.push({
    logicalId,
    resourceType: WEB_ACL,
    description: rules === undefined ? 'AWS WAF web ACL (its rules not priced)' : `AWS WAF web ACL with ${count} rule(s)`,
    monthlyUsd: round(PRICE.wafWebAclMonth + count * PRICE.wafRuleMonth),
  });
  const paid = (rules ?? []).map(rule => stringOf(pathOf(rule, 'Statement', 'ManagedRuleGroupStatement', 'Name')))
    .filter((name): name is string => name !== undefined && PAID_MANAGED_RULE_GROUP.test(name));
  if (paid.length > 0) {
    notes.push(`${logicalId} uses ${paid.join(', ')}: these AWS Managed Rules add a subscription fee and per-request charges, not priced.`);
  }
}

/**
 * A web ACL association: the web ACL of the template it references is priced
 * on its own resource; one given by its ARN (the user's, maybe shared with other
 * resources and stacks) is priced once per distinct ARN in the template, at $5
 * a month — its rules cannot be known from the ARN, and the line says so.
 */
export function priceWebAclAssociation(
  logicalId: string, props: Record<string, unknown>, resources: Record<string, unknown>, pricedArns: Set<string>,
  items: CostLineItem[], notes: string[],
): void {
  const arn = propertyOf(props, 'WebACLArn');
  if (arn === undefined) {
    notes.push(unknownNote(logicalId, 'WebACLArn', arn, 'its web ACL is not priced'));
    return;
  }
  if (propertyOf(resourceOf(arn, resources), 'Type') === WEB_ACL) return;
  const key = JSON.stringify(arn);
  if (pricedArns.has(key)) return;
  pricedArns.add(key);
  items.push({
    logicalId,
    resourceType: ASSOCIATION,
    description: `AWS WAF web ACL ${shown(arn)} (given by its ARN: its rules, $${PRICE.wafRuleMonth.toFixed(2)} a month each, not priced; ` +
      'paid once however many resources and stacks share it)',
    monthlyUsd: PRICE.wafWebAclMonth,
  });
}

/** The note on the usage-based part of AWS WAF, when the estimate priced a web ACL. */
export function wafRequestsNote(items: CostLineItem[]): string[] {
  return items.some(item => item.resourceType === WEB_ACL || item.resourceType === ASSOCIATION)
    ? [`AWS WAF also charges $${PRICE.wafMillionRequests.toFixed(2)} per million requests its web ACLs inspect (usage-based, not priced).`]
    : [];
}

/** Log groups named in a note before the rest are counted. */
const NAMED = 5;

/**
 * The note on log groups that keep their events a year or more: CloudWatch Logs
 * storage is usage-based ($0.03 per GB-month), but it holds as many months of
 * logs as the retention, so a year's retention stores about 12× what a month's does.
 * Log groups without a literal retention of a year or more are left out.
 */
export function logRetentionNotes(resources: Record<string, unknown>): string[] {
  const byDays = new Map<number, string[]>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (propertyOf(resource, 'Type') !== 'AWS::Logs::LogGroup') continue;
    const days = pathOf(resource, 'Properties', 'RetentionInDays');
    if (typeof days !== 'number' || !Number.isInteger(days) || days < 365) continue;
    byDays.set(days, [...byDays.get(days) ?? [], logicalId]);
  }
  return [...byDays.entries()].sort(([a], [b]) => a - b).map(([days, logGroups]) => {
    const named = logGroups.length > NAMED ? `${logGroups.slice(0, NAMED).join(', ')} and ${logGroups.length - NAMED} more` : logGroups.join(', ');
    return `${logGroups.length} log group(s) keep their events ${days} days (${named}): CloudWatch Logs storage, ` +
      `$${PRICE.logStorageGbMonth.toFixed(2)} per GB-month, is usage-based and not priced, but they hold about ` +
      `${Math.round(days * 12 / 365)}× the logs of one month (a 30-day retention holds 1×).`;
  });
}

/**
 * The note on S3 buckets of the template that receive the server access logs of
 * another (the access-log bucket's own log bucket, for one): storage only, usage-based.
 */
export function serverAccessLogNotes(resources: Record<string, unknown>): string[] {
  const notes: string[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (propertyOf(resource, 'Type') !== 'AWS::S3::Bucket') continue;
    const destination = pathOf(resource, 'Properties', 'LoggingConfiguration', 'DestinationBucketName');
    const target = refOf(destination) !== undefined && propertyOf(resourceOf(destination, resources), 'Type') === 'AWS::S3::Bucket'
      ? refOf(destination) : undefined;
    if (target === undefined) continue;
    notes.push(`${logicalId} writes its server access logs to the bucket ${target}: S3 storage ($${PRICE.s3StandardGbMonth.toFixed(3)} per ` +
      'GB-month, S3 Standard) and requests are usage-based, not priced.');
  }
  return notes;
}

function round(usd: number): number {
  return Math.round(usd * 100) / 100;
}
