/**
 * Jest snapshot serializer for CloudFormation templates: scrubs asset hashes and
 * version strings, so that a snapshot changes only when the template does — not
 * when an asset's content or a dependency's version moves.
 */

const SCRUBBED = Symbol.for('cdk-ecs-kit.snapshot-scrubbed');

/** 64 hex digits: asset hashes in S3 keys, image tags and asset parameter names. */
const ASSET_HASH = /[a-f0-9]{64}/g;
/**
 * Library versions such as `2.276.0`, `v1.14.0` or `cdk-ecs-kit/0.0.0`: a whole
 * version, standing alone or after "@", "/", "v" or a space. IP addresses and
 * CIDRs (`10.0.0.0/16`) have a fourth number and are left alone.
 */
const VERSION = /(?<=^|[@/ v])\d+\.\d+\.\d+(?:-[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)*)?(?=$|[\s"',;)])/g;

/**
 * A copy of a JSON value with `replaceValue` applied to every string in it and
 * `replaceKey` to every object key (asset hashes appear in logical IDs and
 * parameter names too).
 */
export function mapStrings(value: unknown, replaceValue: (text: string) => string, replaceKey: (key: string) => string = replaceValue): unknown {
  if (typeof value === 'string') return replaceValue(value);
  if (Array.isArray(value)) return value.map(item => mapStrings(item, replaceValue, replaceKey));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [replaceKey(key), mapStrings(inner, replaceValue, replaceKey)]));
  }
  return value;
}

/** `text` with its asset hashes masked. */
export function maskAssetHashes(text: string): string {
  return text.replace(ASSET_HASH, '[ASSET HASH]');
}

/** Asset hashes and versions scrubbed from values; keys lose only their asset hashes. */
function scrub(value: unknown): unknown {
  return mapStrings(value, text => maskAssetHashes(text).replace(VERSION, '[VERSION]'), maskAssetHashes);
}

/** Jest asks this first: a template that has not been scrubbed yet. */
export function test(value: any): boolean {
  return value !== null && typeof value === 'object' && !value[SCRUBBED] && typeof value.Resources === 'object';
}

/** Prints the scrubbed copy with Jest's own printer. */
export function serialize(value: any, config: any, indentation: string, depth: number, refs: any, printer: any): string {
  const scrubbed = scrub(value) as Record<string, any>;
  // The bootstrap stack's version check says nothing about our constructs.
  delete scrubbed.Parameters?.BootstrapVersion;
  delete scrubbed.Rules?.CheckBootstrapVersion;
  for (const section of ['Parameters', 'Rules']) {
    if (scrubbed[section] && Object.keys(scrubbed[section]).length === 0) delete scrubbed[section];
  }
  Object.defineProperty(scrubbed, SCRUBBED, { value: true, enumerable: false });
  return printer(scrubbed, config, indentation, depth, refs);
}
