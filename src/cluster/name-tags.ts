import { IAspect, ITaggable, TagManager, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { shortenMiddle } from '../core/names';

/**
 * aws-cdk-lib tags the VPC, its subnets, route tables, gateways, the flow log's
 * role and the launch template with `Name` = the construct path. A path holds
 * whatever the construct ids hold, but tag values are at most 256 characters and
 * IAM accepts only letters, digits, spaces and `_.:/=+-@` in them, so a long or
 * unusual id (non-ASCII punctuation, quotes, `<`) fails at deploy time.
 *
 * This aspect, added to the cluster, rewrites such `Name` tags, and only those,
 * to a value that obeys both rules (other characters become `_`, the middle of
 * a long path is cut). Names that are already valid are left as they are.
 */
export class SafeNameTags implements IAspect {
  public visit(node: IConstruct): void {
    if (!TagManager.isTaggable(node)) return;
    const tags = (node as ITaggable).tags;
    const name = tags.tagValues().Name;
    if (name === undefined || Token.isUnresolved(name) || isValidTagValue(name)) return;
    // Above every priority aws-cdk-lib and users commonly use (100 by default).
    tags.setTag('Name', safeTagValue(name), 1_000);
  }
}

/** IAM's tag value rule (the strictest of the services tagged here), up to 256 characters. */
const TAG_VALUE_CHAR = /[\p{L}\p{Z}\p{N}_.:/=+\-@]/u;
const TAG_VALUE_MAX = 256;

export function isValidTagValue(value: string): boolean {
  return value.length <= TAG_VALUE_MAX && Array.from(value).every(ch => TAG_VALUE_CHAR.test(ch));
}

export function safeTagValue(value: string): string {
  const safe = Array.from(value, ch => TAG_VALUE_CHAR.test(ch) ? ch : '_').join('');
  return shortenMiddle(safe, TAG_VALUE_MAX);
}
