import { Duration, Lazy, Stack, Token, aws_ecr as ecr } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { enumMemberName, isUnresolved } from '../core/validation';

/** A problem found in a lifecycle rule, reported through `PropValidator.report`. */
export interface LifecycleProblem {
  readonly prop: string;
  /** The value received, as the user gave it. */
  readonly received: unknown;
  readonly fix: string;
}

/**
 * ECR's rules for a lifecycle policy (Amazon ECR User Guide, "Lifecycle policy
 * properties"; PutLifecyclePolicy; service quotas), checked before anything
 * reaches aws-cdk-lib or CloudFormation.
 *
 * @internal
 */
export const LIFECYCLE_LIMITS = {
  /** Rules per lifecycle policy (ECR service quota, not adjustable). */
  maxRules: 50,
  /** Rule priorities: whole numbers, unique, from 1 to 999. */
  maxPriority: 999,
  /** `*` wildcards per tag pattern. */
  maxWildcards: 4,
  /** Images kept by a count rule. */
  maxImageCount: 10_000,
  /** `countNumber` is a 32-bit integer in ECR. */
  maxAgeDays: 2_147_483_647,
  /** Length of the policy text (PutLifecyclePolicy): 100 to 30,720 characters. */
  maxPolicyTextLength: 30_720,
} as const;

/** A tag (or the start of one): letters, digits, `_`, `.`, `-`, up to 128 characters. */
const TAG_PREFIX = /^[A-Za-z0-9_.-]{1,128}$/;
/** A tag pattern: tag characters and `*` wildcards. */
const TAG_PATTERN = /^[A-Za-z0-9_.*-]{1,128}$/;

/** A lifecycle rule with its tag status decided, and where it came from for error messages. */
interface LifecycleEntry {
  readonly rule: ecr.LifecycleRule;
  readonly tagStatus: ecr.TagStatus;
  /** The prop or argument the rule came from, e.g. `lifecycleRules[1]` or `maxImageCount`. */
  readonly label: string;
}

/**
 * The lifecycle policy of an `EcrRepository`: checks each rule against ECR's
 * rules when it is added (so that the error points at the caller), numbers the
 * rules the way aws-cdk-lib does, and writes the policy text with
 * `Stack.toJsonString`, so that unresolved values (a `CfnParameter` in
 * `maxImageCount` or `Duration.days(...)`) become a valid `Fn::Join` instead of a
 * `{"Ref": …}` inside a literal string.
 *
 * aws-cdk-lib's `Repository.addLifecycleRule` renders with `JSON.stringify`,
 * which cannot hold tokens, so the repository's rules never go through it.
 *
 * @internal
 */
export class LifecyclePolicy {
  private readonly entries: LifecycleEntry[] = [];

  constructor(private readonly scope: IConstruct) {}

  /**
   * Checks a rule alone and together with the rules already added; keeps it
   * when no problem was found. Returns the problems.
   */
  public add(label: string, rule: ecr.LifecycleRule): LifecycleProblem[] {
    const problems = checkRule(label, rule);
    if (problems.length > 0) return problems;
    const entry: LifecycleEntry = { rule, tagStatus: tagStatusOf(rule), label };
    const together = [...this.entries, entry];
    problems.push(...checkPolicy(together));
    if (problems.length === 0) this.entries.push(entry);
    return problems;
  }

  /** The `LifecyclePolicy` property of the `AWS::ECR::Repository`, resolved at synthesis. */
  public render(): ecr.CfnRepository.LifecyclePolicyProperty | undefined {
    if (this.entries.length === 0) return undefined;
    return { lifecyclePolicyText: Stack.of(this.scope).toJsonString(policyDocument(numberRules(this.entries))) };
  }

  /** A token for the repository's `LifecyclePolicy` property. */
  public renderLazily(): any {
    return Lazy.any({ produce: () => this.render() });
  }
}

/** The name of a tag status for messages: `TagStatus.ANY`. */
export function tagStatusName(status: ecr.TagStatus | undefined): string | undefined {
  if (status === undefined) return undefined;
  const name = enumMemberName(ecr.TagStatus, status);
  return name ? `TagStatus.${name}` : String(status);
}

/** A duration as the user wrote it, for messages: `Duration.hours(36)` (not "1 day 12 hours"). */
export function describeDuration(duration: Duration): string {
  const unit = duration.unitLabel();
  const amountIn: Record<string, () => number> = {
    millis: () => duration.toMilliseconds({ integral: false }),
    seconds: () => duration.toSeconds({ integral: false }),
    minutes: () => duration.toMinutes({ integral: false }),
    hours: () => duration.toHours({ integral: false }),
    days: () => duration.toDays({ integral: false }),
  };
  const amount = duration.isUnresolved() ? '<unresolved>' : amountIn[unit]?.();
  return amount === undefined ? duration.toHumanString() : `Duration.${unit}(${amount})`;
}

/** A rule as the user wrote it, for messages: enum names and human-readable durations. */
export function describeRule(rule: ecr.LifecycleRule): Record<string, unknown> {
  return {
    rulePriority: rule.rulePriority,
    tagStatus: tagStatusName(rule.tagStatus),
    tagPrefixList: rule.tagPrefixList,
    tagPatternList: rule.tagPatternList,
    maxImageCount: rule.maxImageCount,
    maxImageAge: rule.maxImageAge && describeDuration(rule.maxImageAge),
  };
}

/**
 * Checks a duration that becomes a number of days in a lifecycle rule: a whole
 * number of days from 1, or a token given in days (a token in another unit
 * cannot be converted at synthesis).
 *
 * @internal
 */
export function checkDays(prop: string, duration: Duration, fix: string): LifecycleProblem | undefined {
  if (duration.isUnresolved()) {
    if (duration.unitLabel() === 'days') return undefined;
    return {
      prop,
      received: describeDuration(duration),
      fix: 'A duration from an unresolved value must be given in days, e.g. Duration.days(param.valueAsNumber): ' +
        'ECR counts in days and the value cannot be converted before deployment.',
    };
  }
  const days = duration.toDays({ integral: false });
  if (Number.isInteger(days) && days >= 1 && days <= LIFECYCLE_LIMITS.maxAgeDays) return undefined;
  return { prop, received: describeDuration(duration), fix };
}

function problem(prop: string, received: unknown, fix: string): LifecycleProblem {
  return { prop, received, fix };
}

function tagStatusOf(rule: ecr.LifecycleRule): ecr.TagStatus {
  // aws-cdk-lib's default: TAGGED when a tag list is given, ANY otherwise.
  return rule.tagStatus ?? (rule.tagPrefixList !== undefined || rule.tagPatternList !== undefined ? ecr.TagStatus.TAGGED : ecr.TagStatus.ANY);
}

/** Everything ECR (and aws-cdk-lib) requires of one rule on its own. */
function checkRule(label: string, rule: ecr.LifecycleRule): LifecycleProblem[] {
  const problems: LifecycleProblem[] = [];
  const status = rule.tagStatus;
  if (status !== undefined && !Object.values(ecr.TagStatus).includes(status)) {
    problems.push(problem(`${label}.tagStatus`, status, 'Use TagStatus.TAGGED, TagStatus.UNTAGGED or TagStatus.ANY.'));
    return problems;
  }
  const tagStatus = tagStatusOf(rule);
  const prefixes = rule.tagPrefixList;
  const patterns = rule.tagPatternList;

  if (prefixes !== undefined && patterns !== undefined) {
    problems.push(problem(label, describeRule(rule),
      'ECR takes either tagPrefixList or tagPatternList in a rule, not both: keep one (a pattern such as "release-*" covers a prefix).'));
  }
  if (tagStatus === ecr.TagStatus.TAGGED && (prefixes ?? []).length === 0 && (patterns ?? []).length === 0) {
    problems.push(problem(label, describeRule(rule),
      'A rule for TagStatus.TAGGED images must say which tags: give a non-empty tagPrefixList (e.g. ["release-"]) or tagPatternList (e.g. ["release-*"]).'));
  }
  if (tagStatus !== ecr.TagStatus.TAGGED && (prefixes !== undefined || patterns !== undefined)) {
    problems.push(problem(`${label}.tagStatus`, tagStatusName(tagStatus),
      'tagPrefixList and tagPatternList only apply to tagged images: set tagStatus: TagStatus.TAGGED, or remove the tag lists.'));
  }
  for (const [prop, list, pattern, example] of [
    ['tagPrefixList', prefixes, TAG_PREFIX, '"release-"'],
    ['tagPatternList', patterns, TAG_PATTERN, '"release-*"'],
  ] as const) {
    if (list === undefined) continue;
    if (Token.isUnresolved(list)) {
      problems.push(problem(`${label}.${prop}`, '(an unresolved list)',
        'Give a literal list (its items may be unresolved strings): the policy text is written at synthesis.'));
      continue;
    }
    for (const item of list) {
      if (isUnresolved(item)) continue;
      if (!pattern.test(item)) {
        problems.push(problem(`${label}.${prop}`, item, prop === 'tagPrefixList'
          ? `A tag prefix is 1–128 letters, digits, "_", "." or "-", e.g. ${example}.`
          : `A tag pattern is 1–128 letters, digits, "_", ".", "-" and "*" wildcards, e.g. ${example}.`));
      } else if (prop === 'tagPatternList' && item.split('*').length - 1 > LIFECYCLE_LIMITS.maxWildcards) {
        problems.push(problem(`${label}.${prop}`, item,
          `ECR allows at most ${LIFECYCLE_LIMITS.maxWildcards} "*" wildcards in a tag pattern (this one has ${item.split('*').length - 1}).`));
      }
    }
  }

  if ((rule.maxImageAge === undefined) === (rule.maxImageCount === undefined)) {
    problems.push(problem(label, describeRule(rule),
      'A rule expires images either by count or by age: give exactly one of maxImageCount (e.g. 10) and maxImageAge (e.g. Duration.days(30)).'));
  }
  if (rule.maxImageCount !== undefined && !isUnresolved(rule.maxImageCount)) {
    const count = rule.maxImageCount;
    if (!Number.isInteger(count) || count < 1 || count > LIFECYCLE_LIMITS.maxImageCount) {
      problems.push(problem(`${label}.maxImageCount`, count, `Use a whole number from 1 to ${LIFECYCLE_LIMITS.maxImageCount}.`));
    }
  }
  if (rule.maxImageAge !== undefined) {
    const age = checkDays(`${label}.maxImageAge`, rule.maxImageAge, 'Use a whole number of days, at least Duration.days(1).');
    if (age) problems.push(age);
  }
  if (rule.rulePriority !== undefined) {
    const priority = rule.rulePriority;
    if (isUnresolved(priority)) {
      problems.push(problem(`${label}.rulePriority`, '(an unresolved number)',
        'Give a literal priority, or leave rulePriority out: the other rules are numbered from it at synthesis.'));
    } else if (!Number.isInteger(priority) || priority < 1 || priority > LIFECYCLE_LIMITS.maxPriority) {
      problems.push(problem(`${label}.rulePriority`, priority,
        `Use a whole number from 1 to ${LIFECYCLE_LIMITS.maxPriority}, or leave rulePriority out to have one chosen.`));
    }
  }
  if (rule.description !== undefined && typeof rule.description !== 'string') {
    problems.push(problem(`${label}.description`, rule.description, 'Use a string.'));
  }
  return problems;
}

/** What ECR requires of the rules together: count, unique priorities, the any-status rule last, text length. */
function checkPolicy(entries: LifecycleEntry[]): LifecycleProblem[] {
  const problems: LifecycleProblem[] = [];
  const added = entries[entries.length - 1];
  if (entries.length > LIFECYCLE_LIMITS.maxRules) {
    problems.push(problem(added.label, describeRule(added.rule),
      `ECR allows ${LIFECYCLE_LIMITS.maxRules} rules in a lifecycle policy, and this would be rule ${entries.length}: merge rules (a tag pattern list matches several tags).`));
    return problems;
  }
  const anyRules = entries.filter(e => e.tagStatus === ecr.TagStatus.ANY);
  if (anyRules.length > 1) {
    problems.push(problem(`${added.label}.tagStatus`, tagStatusName(added.rule.tagStatus),
      `ECR allows one rule that matches any tag status, and ${refer(anyRules[0], added)} is one already: ` +
      'select TagStatus.TAGGED (with tag lists) or TagStatus.UNTAGGED images.'));
    return problems;
  }
  const explicit = entries.filter(e => e.rule.rulePriority !== undefined);
  const owner = explicit.find(e => e !== added && e.rule.rulePriority === added.rule.rulePriority);
  if (added.rule.rulePriority !== undefined && owner) {
    problems.push(problem(`${added.label}.rulePriority`, added.rule.rulePriority,
      `Each lifecycle rule needs its own priority and ${refer(owner, added)} has it already: choose another one, or leave rulePriority out to have one chosen.`));
    return problems;
  }

  const numbered = numberRules(entries);
  const tooHigh = numbered.find(n => n.priority > LIFECYCLE_LIMITS.maxPriority);
  if (tooHigh) {
    // Only numbering after a given priority can pass the limit: blame the highest given one.
    const given = explicit.filter(e => e.tagStatus !== ecr.TagStatus.ANY);
    const highest = given.length === 0 ? added : given.reduce((a, b) => (b.rule.rulePriority! > a.rule.rulePriority! ? b : a));
    problems.push(problem(`${highest.label}.rulePriority`, highest.rule.rulePriority,
      `Rules without a rulePriority are numbered after the highest given one, so ${refer(tooHigh.entry, highest)} would get ${tooHigh.priority}, ` +
      `above ECR's ${LIFECYCLE_LIMITS.maxPriority}: use a lower priority.`));
    return problems;
  }
  const anyRule = numbered.find(n => n.entry.tagStatus === ecr.TagStatus.ANY);
  const above = anyRule && numbered.find(n => n !== anyRule && n.priority >= anyRule.priority);
  if (anyRule && above) {
    problems.push(problem(`${anyRule.entry.label}.rulePriority`, anyRule.entry.rule.rulePriority,
      `The rule that matches any tag status must have the highest priority (ECR evaluates it last), but ${refer(above.entry, anyRule.entry)} ` +
      `has ${above.priority}${above.entry.rule.rulePriority === undefined ? ' (numbered after the given priorities)' : ''}: ` +
      'leave rulePriority out of the any-status rule, or give it a higher one.'));
    return problems;
  }

  // Tokens count with the length of their placeholders: close to the length of a short deploy-time value.
  const length = JSON.stringify(policyDocument(numbered)).length;
  if (length > LIFECYCLE_LIMITS.maxPolicyTextLength) {
    problems.push(problem(added.label, describeRule(added.rule),
      `The lifecycle policy text would be ${length} characters, above ECR's ${LIFECYCLE_LIMITS.maxPolicyTextLength}: shorten descriptions or merge rules.`));
  }
  return problems;
}

/** Names another rule in a message about `from`. */
function refer(other: LifecycleEntry, from: LifecycleEntry): string {
  return other.label === from.label ? `the rule of an earlier ${other.label}` : `the rule of ${other.label}`;
}

interface NumberedRule {
  readonly entry: LifecycleEntry;
  readonly priority: number;
}

/**
 * Numbers the rules as aws-cdk-lib does: rules with a priority keep it; the
 * others, in the order they were added, follow the highest given priority; the
 * any-status rule comes last unless it has its own priority.
 */
function numberRules(entries: LifecycleEntry[]): NumberedRule[] {
  const isAny = (e: LifecycleEntry) => e.tagStatus === ecr.TagStatus.ANY;
  const prioritized = entries.filter(e => !isAny(e) && e.rule.rulePriority !== undefined);
  const automatic = entries.filter(e => !isAny(e) && e.rule.rulePriority === undefined);
  const anyRules = entries.filter(isAny);
  let next = Math.max(0, ...prioritized.map(e => e.rule.rulePriority!)) + 1;
  return [...prioritized, ...automatic, ...anyRules].map(entry => ({ entry, priority: entry.rule.rulePriority ?? next++ }));
}

/** The lifecycle policy document, in the shape (and key order) aws-cdk-lib writes. */
function policyDocument(numbered: NumberedRule[]): unknown {
  return {
    rules: numbered.map(({ entry: { rule, tagStatus }, priority }) => ({
      rulePriority: priority,
      description: rule.description,
      selection: {
        tagStatus,
        tagPrefixList: rule.tagPrefixList,
        tagPatternList: rule.tagPatternList,
        countType: rule.maxImageAge !== undefined ? 'sinceImagePushed' : 'imageCountMoreThan',
        countNumber: rule.maxImageAge?.toDays() ?? rule.maxImageCount,
        countUnit: rule.maxImageAge !== undefined ? 'days' : undefined,
      },
      action: { type: 'expire' },
    })),
  };
}
