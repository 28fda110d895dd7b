import { Token } from 'aws-cdk-lib';

/**
 * Names and texts the kit derives from construct ids, construct paths or user
 * strings, made to obey the syntax of the AWS field they land in. Construct
 * ids accept any character but `/`, so everything derived from one is
 * sanitized here rather than refused: the user never typed the derived value.
 *
 * Values that contain unresolved tokens cannot be sanitized at synth time;
 * callers refuse them (or keep them out of derived names) instead.
 */

/** What EC2 accepts in a security group description (EC2-VPC): `a-zA-Z0-9`, spaces and `._-:/()#,@[]+=&;{}!$*`. */
const SECURITY_GROUP_DESCRIPTION_CHAR = /[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]/;
const SECURITY_GROUP_DESCRIPTION_MAX = 255;

/**
 * A security group description: characters EC2 refuses (non-ASCII, quotes,
 * `<`, `>`, …) become `_`, and a text longer than 255 characters keeps its
 * beginning and its end (the construct path's tail names the construct).
 */
export function securityGroupDescription(text: string): string {
  const safe = Array.from(text, ch => SECURITY_GROUP_DESCRIPTION_CHAR.test(ch) ? ch : '_').join('');
  return shortenMiddle(safe, SECURITY_GROUP_DESCRIPTION_MAX);
}

/**
 * Plain-ASCII description text for fields that take printable characters up
 * to a length (IAM role descriptions: 1000, KMS key descriptions: 8192,
 * Scheduler descriptions: 512, nested stack template descriptions: 1024).
 * Tokens are left out: a description is documentation, not configuration.
 */
export function plainDescription(text: string, maxLength: number): string {
  const withoutTokens = Token.isUnresolved(text) ? text.replace(/\$\{Token\[[^\]]*\]\}/g, '(a token)') : text;
  const safe = Array.from(withoutTokens, ch => /[\x20-\x7e]/.test(ch) ? ch : '_').join('');
  return shortenMiddle(safe, maxLength);
}

/**
 * A CloudWatch Logs stream name part (the `awslogs-stream-prefix` of a
 * container): log stream names cannot contain `:` or `*`, and the prefix,
 * container name and task id together must stay within 512 characters.
 */
export function logStreamPrefix(text: string): string {
  const safe = text.replace(/[:*]/g, '-');
  return safe.length > 0 ? shortenMiddle(safe, 200) : 'container';
}

/**
 * A Service Connect port mapping name: at most 64 lowercase letters, digits,
 * `_` and `-`, not starting with `-`.
 */
export function serviceConnectPortName(text: string): string {
  const safe = text.toLowerCase().replace(/[^a-z0-9_-]/g, '-').replace(/^-+/, '');
  return (safe.length > 0 ? safe : 'port').slice(0, 64);
}

/**
 * Shortens a text to `maxLength` characters by cutting its middle (marked
 * with `..`), keeping both its beginning and its end.
 */
export function shortenMiddle(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  const marker = '..';
  const keep = maxLength - marker.length;
  const head = Math.ceil(keep / 2);
  return `${text.slice(0, head)}${marker}${text.slice(text.length - (keep - head))}`;
}
