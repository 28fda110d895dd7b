import { createHash } from 'crypto';
import { allContained, anyOverlap } from './wildcard-patterns';
import { isUnresolved } from '../../core/validation';

/**
 * Automatic listener rule priorities that never move.
 *
 * A listener evaluates its rules by priority, and each priority is used once
 * per listener at every moment. CloudFormation creates and updates resources
 * before it deletes removed ones, so a rule whose priority changes to one that
 * a removed (or reordered) rule still holds fails the update. Priorities given
 * in attach order (10, 20, 30, …) move whenever a service is removed or
 * reordered; these do not: a rule's automatic priority depends only on the
 * rule itself.
 *
 * - **Its band** comes from how specific its conditions are (see
 *   `specificityScore`): more specific rules get lower numbers and are
 *   evaluated first, so `/api/admin/*` comes before `/api/*`, and an exact
 *   host before `*.example.com`. Rules whose match sets nest always land in
 *   bands in the right order, or in the same band (then the caller checks the
 *   order and asks for an explicit priority).
 * - **Its place in the band** is a hash of the rule's construct path (the
 *   identity CloudFormation knows it by), over the band's numbers that are not
 *   multiples of 10: apps upgrading from attach-order priorities (all multiples
 *   of 10) move every rule to a number no rule holds.
 *
 * Two rules of a listener may hash to the same priority; the caller refuses
 * that with the fix (an explicit priority), because resolving it silently
 * would make one rule's priority depend on the other's existence.
 */

/** One band of automatic priorities: the numbers from `first` to `last` that are not multiples of 10. */
export interface PriorityBand {
  /** The specificity score whose rules the band holds. */
  readonly score: number;
  readonly first: number;
  readonly last: number;
}

/**
 * The bands, most specific first. Sizes follow how often each score occurs:
 * score 2 (`/name/*`, or one exact host) is by far the most common, in groups
 * of many services (22,500 priorities: 100 such rules on one listener share
 * one by chance about once in five listeners); score 4 (`/a/b/*`, or an exact
 * host with `/name/*`) next.
 * Every band starts at a number ending in 1, so `slotOf` can count in blocks of 9.
 */
const BANDS: PriorityBand[] = [
  { score: 9, first: 1, last: 500 },
  { score: 8, first: 501, last: 1_000 },
  { score: 7, first: 1_001, last: 2_000 },
  { score: 6, first: 2_001, last: 4_000 },
  { score: 5, first: 4_001, last: 6_000 },
  { score: 4, first: 6_001, last: 14_000 },
  { score: 3, first: 14_001, last: 20_000 },
  { score: 2, first: 20_001, last: 45_000 },
  { score: 1, first: 45_001, last: 47_000 },
  { score: 0, first: 47_001, last: 49_999 },
];

/** The highest specificity score, that of the first band. */
const MAX_SCORE = 9;
/** The highest score a path condition contributes (deeper paths share the top of the scale). */
const MAX_PATH_SCORE = 7;

/** The host headers (lowercase) and path patterns of a rule. */
export interface RuleConditions {
  readonly hostHeaders: string[];
  readonly pathPatterns: string[];
}

/** The conditions as they compare: host headers lowercased, since ALB compares them case-insensitively. */
export function ruleConditions(hostHeaders: string[] | undefined, pathPatterns: string[] | undefined): RuleConditions {
  return {
    hostHeaders: (hostHeaders ?? []).map(h => (isUnresolved(h) ? h : h.toLowerCase())),
    pathPatterns: pathPatterns ?? [],
  };
}

/** Whether every condition value is known at synth time (no tokens), so the match sets can be compared. */
export function isAnalyzable(conditions: RuleConditions): boolean {
  return !isUnresolved(conditions.hostHeaders) && !isUnresolved(conditions.pathPatterns);
}

/**
 * How specific a rule's conditions are, 0 to 9: the path part (twice the number
 * of wildcard-free segments of its least specific pattern, plus 1 when that
 * pattern has no wildcard at all; at most 7) plus the host part (2 for exact
 * host names, 1 for wildcard names with a wildcard-free label, 0 otherwise).
 *
 * Both parts only grow from a set of patterns to any set it contains, so a
 * rule whose match set lies within another's never scores lower. Unresolved
 * values count as matching anything.
 */
export function specificityScore(conditions: RuleConditions): number {
  const pathPart = leastOf(conditions.pathPatterns, pattern => {
    const literalSegments = pattern.split('/').filter(s => s.length > 0 && !/[*?]/.test(s)).length;
    return Math.min(MAX_PATH_SCORE, 2 * literalSegments + (/[*?]/.test(pattern) ? 0 : 1));
  });
  const hostPart = leastOf(conditions.hostHeaders, host => {
    if (!/[*?]/.test(host)) return 2;
    return host.split('.').some(label => label.length > 0 && !/[*?]/.test(label)) ? 1 : 0;
  });
  return Math.min(MAX_SCORE, pathPart + hostPart);
}

function leastOf(values: string[], score: (value: string) => number): number {
  if (values.length === 0 || values.some(v => isUnresolved(v))) return 0;
  return Math.min(...values.map(score));
}

/** The band of a specificity score. */
export function bandOf(score: number): PriorityBand {
  return BANDS.find(band => band.score === score)!;
}

/** How many automatic priorities a band has. */
function slotCount(band: PriorityBand): number {
  return Math.floor((band.last - band.first + 1) / 10) * 9 + Math.min(9, (band.last - band.first + 1) % 10);
}

/** The `k`-th number of a band that is not a multiple of 10. */
function slotOf(band: PriorityBand, k: number): number {
  return band.first + Math.floor(k / 9) * 10 + (k % 9);
}

/**
 * The automatic priority of a rule: in the band of its conditions'
 * specificity, at the place a hash of `identity` (the rule's construct path)
 * chooses. Depends on nothing else.
 */
export function automaticPriority(identity: string, conditions: RuleConditions): number {
  const band = bandOf(specificityScore(conditions));
  const hash = createHash('sha256').update(identity).digest().readUIntBE(0, 6);
  return slotOf(band, hash % slotCount(band));
}

/**
 * A priority that is not a multiple of 10 and not in `taken`, between `low`
 * and `high` (inclusive), as close to `near` as possible: the suggestion an
 * error gives for an explicit priority. `undefined` when there is none.
 */
export function freePriority(taken: ReadonlySet<number>, near: number, low: number, high: number): number | undefined {
  for (let distance = 0; distance <= high - low; distance++) {
    for (const candidate of [near - distance, near + distance]) {
      if (candidate >= low && candidate <= high && candidate % 10 !== 0 && !taken.has(candidate)) return candidate;
    }
  }
  return undefined;
}

/** How the match sets of two rules relate. */
export enum RuleOverlap {
  /** No request matches both. */
  DISJOINT,
  /** Both match exactly the same requests. */
  SAME,
  /** Every request the first matches, the second matches too (the first is more specific). */
  FIRST_WITHIN_SECOND,
  /** Every request the second matches, the first matches too. */
  SECOND_WITHIN_FIRST,
  /** Some requests match both, and neither contains the other. */
  PARTIAL,
}

/** How the requests two rules match relate (host AND path; a missing condition matches anything). */
export function compareRules(first: RuleConditions, second: RuleConditions): RuleOverlap {
  const hosts = (c: RuleConditions) => (c.hostHeaders.length > 0 ? c.hostHeaders : ['*']);
  const paths = (c: RuleConditions) => (c.pathPatterns.length > 0 ? c.pathPatterns : ['*']);
  if (!anyOverlap(hosts(first), hosts(second)) || !anyOverlap(paths(first), paths(second))) return RuleOverlap.DISJOINT;
  const firstWithin = allContained(hosts(second), hosts(first)) && allContained(paths(second), paths(first));
  const secondWithin = allContained(hosts(first), hosts(second)) && allContained(paths(first), paths(second));
  if (firstWithin && secondWithin) return RuleOverlap.SAME;
  if (firstWithin) return RuleOverlap.FIRST_WITHIN_SECOND;
  if (secondWithin) return RuleOverlap.SECOND_WITHIN_FIRST;
  return RuleOverlap.PARTIAL;
}
