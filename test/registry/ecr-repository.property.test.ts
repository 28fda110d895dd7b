import { CfnParameter, Duration, RemovalPolicy, Stack, aws_ecr as ecr, aws_iam as iam } from 'aws-cdk-lib';
import * as fc from 'fast-check';
import { lifecyclePolicyViolations, substitute } from './lifecycle-helpers';
import { EcrRepository, EcrRepositoryProps, EcsKitValidationError } from '../../src';

/*
 * Oracle: every input either synthesizes a repository whose template obeys
 * ECR's and IAM's rules, or throws EcsKitValidationError — never another error.
 * Stacks are synthesized without the full validators to stay fast; the values
 * are checked against the AWS rules directly.
 */

/** 60 by default to stay fast in `npm test`; PROPERTY_RUNS=5000 for a longer search. */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);

const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
const AWS_PRINCIPAL = /^(?:\*|\d{12}|arn:aws:iam::\d{12}:(?:root|user\/\S+|role\/\S+)|arn:aws:sts::\d{12}:assumed-role\/\S+)$/;
/** Values the parameters take at deployment, chosen inside their documented ranges. */
const PARAMETER_VALUES = { Count: 7, Days: 30, Pattern: 'rc-*' };

/** Usually absent, sometimes generated: most inputs keep most defaults, as users do. */
function sometimes<T>(arb: fc.Arbitrary<T>, weight = 1): fc.Arbitrary<T | undefined> {
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: arb, weight });
}

/** Mostly valid values, sometimes anything. */
function mostly<T>(valid: fc.Arbitrary<T>, any: fc.Arbitrary<T>): fc.Arbitrary<T> {
  return fc.oneof({ arbitrary: valid, weight: 4 }, { arbitrary: any, weight: 1 });
}

const tagChars = fc.constantFrom('a', 'b', '1', '-', '.', '_', 'Z', '*', ' ', ':', '/');
const validTag = fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,6}\*?$/);
const tagLike = mostly(validTag, fc.string({ unit: tagChars, minLength: 0, maxLength: 8 }));
const tagList = sometimes(fc.array(tagLike, { minLength: 0, maxLength: 3 }));

/** Durations as users write them: whole days, hours, fractions, zero. */
const duration = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 60 }).map(n => Duration.days(n)), weight: 4 },
  fc.integer({ min: 0, max: 100 }).map(n => Duration.hours(n)),
  fc.double({ min: 0, max: 5, noNaN: true }).map(n => Duration.days(n)),
  fc.constant('param' as const),
);

const count = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 300 }), weight: 4 },
  fc.integer({ min: -2, max: 12_000 }),
  fc.double({ min: -1, max: 50, noNaN: false }),
  fc.constant('param' as const),
);

const rule = fc.record({
  rulePriority: sometimes(mostly(fc.integer({ min: 1, max: 30 }), fc.integer({ min: -1, max: 1001 }))),
  tagStatus: sometimes(fc.constantFrom(ecr.TagStatus.ANY, ecr.TagStatus.TAGGED, ecr.TagStatus.UNTAGGED)),
  tagPrefixList: tagList,
  tagPatternList: sometimes(fc.array(fc.oneof(tagLike, fc.constant('param' as const)), { maxLength: 3 })),
  maxImageCount: sometimes(count, 3),
  maxImageAge: sometimes(duration, 2),
  description: sometimes(fc.string({ maxLength: 20 })),
}, { requiredKeys: [] });

const principal = fc.oneof(
  { arbitrary: fc.stringMatching(/^\d{12}$/).map(a => new iam.AccountPrincipal(a) as iam.IPrincipal), weight: 4 },
  fc.string({ maxLength: 14 }).map(a => new iam.AccountPrincipal(a) as iam.IPrincipal),
  fc.constantFrom('role/ci', 'user/bob', 'group/devs', 'root', 'role/').map(r => new iam.ArnPrincipal(`arn:aws:iam::111122223333:${r}`) as iam.IPrincipal),
  fc.constantFrom('codebuild.amazonaws.com', 'not a service').map(s => new iam.ServicePrincipal(s) as iam.IPrincipal),
);

const input = fc.record({
  repositoryName: sometimes(mostly(
    fc.stringMatching(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+)?$/),
    fc.string({ unit: tagChars, maxLength: 12 }),
  )),
  imageTagMutability: sometimes(fc.constantFrom(...Object.values(ecr.TagMutability))),
  mutableTagPatterns: sometimes(fc.array(fc.oneof(tagLike, fc.constant('param' as const)), { maxLength: 6 })),
  expireUntaggedImages: sometimes(fc.boolean()),
  untaggedImageRetention: sometimes(duration),
  limitImageCount: sometimes(fc.boolean()),
  maxImageCount: sometimes(count),
  lifecycleRules: sometimes(fc.array(rule, { maxLength: 3 })),
  removalPolicy: sometimes(fc.constantFrom(...Object.values(RemovalPolicy))),
  emptyOnDelete: sometimes(fc.boolean()),
  pullAccountIds: sometimes(fc.array(mostly(fc.stringMatching(/^\d{12}$/), fc.string({ maxLength: 13 })), { maxLength: 3 })),
  pullOrganizationId: sometimes(mostly(fc.stringMatching(/^o-[a-z0-9]{10,32}$/), fc.string({ maxLength: 12 }))),
  pullPrincipals: fc.array(principal, { maxLength: 2 }),
  addedRules: fc.array(rule, { maxLength: 2 }),
}, { requiredKeys: ['pullPrincipals', 'addedRules'] });

type Input = typeof input extends fc.Arbitrary<infer T> ? T : never;

/** Replaces the 'param' markers with parameter references. */
function build(stack: Stack, value: Input): { props: EcrRepositoryProps; added: ecr.LifecycleRule[] } {
  const number = (name: 'Count' | 'Days') => {
    const id = `P${name}`;
    const existing = stack.node.tryFindChild(id) as CfnParameter | undefined;
    return (existing ?? new CfnParameter(stack, id, { type: 'Number' })).valueAsNumber;
  };
  const text = () => ((stack.node.tryFindChild('PPattern') as CfnParameter | undefined) ?? new CfnParameter(stack, 'PPattern')).valueAsString;
  const dur = (d: Duration | 'param' | undefined) => (d === 'param' ? Duration.days(number('Days')) : d);
  const cnt = (c: number | 'param' | undefined) => (c === 'param' ? number('Count') : c);
  const patterns = (list: Array<string | 'param'> | undefined) => list?.map(p => (p === 'param' ? text() : p));
  const toRule = (r: Input['addedRules'][number]): ecr.LifecycleRule => ({
    ...r, maxImageCount: cnt(r.maxImageCount), maxImageAge: dur(r.maxImageAge), tagPatternList: patterns(r.tagPatternList),
  });
  return {
    props: {
      ...value,
      mutableTagPatterns: patterns(value.mutableTagPatterns),
      untaggedImageRetention: dur(value.untaggedImageRetention),
      maxImageCount: cnt(value.maxImageCount),
      lifecycleRules: value.lifecycleRules?.map(toRule),
    },
    added: value.addedRules.map(toRule),
  };
}

/**
 * The stack's template without a full app synthesis (no assembly, no assets):
 * what Template.fromStack renders, at a fraction of the time.
 */
function synthesize(stack: Stack): any {
  return stack.resolve((stack as any)._toCloudFormation());
}

/** Logical ids of parameters to template parameter names. */
function parameterValues(template: any): Record<string, string | number> {
  const values: Record<string, string | number> = {};
  for (const id of Object.keys(template.Parameters ?? {})) {
    const name = id.replace(/^P/, '') as keyof typeof PARAMETER_VALUES;
    if (name in PARAMETER_VALUES) values[id] = PARAMETER_VALUES[name];
  }
  return values;
}

/** What AWS requires of the synthesized repository; returns the violations. */
function violations(template: any): string[] {
  const problems: string[] = [];
  const parameters = parameterValues(template);
  const resources = Object.values(template.Resources ?? {}).filter((r: any) => r.Type === 'AWS::ECR::Repository') as any[];
  if (resources.length !== 1) return ['not exactly one repository'];
  const resource = resources[0];
  const props = substitute(resource.Properties, parameters) as any;
  if (!['Delete', 'Retain', 'RetainExceptOnCreate'].includes(resource.DeletionPolicy)) problems.push(`DeletionPolicy ${resource.DeletionPolicy}`);
  if (props.EmptyOnDelete && resource.DeletionPolicy !== 'Delete') problems.push('EmptyOnDelete without Delete');
  if (props.RepositoryName !== undefined) {
    const name = props.RepositoryName;
    if (name.length < 2 || name.length > 256 || !REPOSITORY_NAME.test(name)) problems.push(`RepositoryName ${name}`);
  }
  const filters = props.ImageTagMutabilityExclusionFilters;
  if (filters !== undefined) {
    if (props.ImageTagMutability !== 'IMMUTABLE_WITH_EXCLUSION') problems.push('filters without an exclusion mutability');
    if (filters.length < 1 || filters.length > 5) problems.push(`${filters.length} exclusion filters`);
    for (const f of filters) {
      if (!/^[A-Za-z0-9._*-]{1,128}$/.test(f.ImageTagMutabilityExclusionFilterValue)) problems.push(`filter ${f.ImageTagMutabilityExclusionFilterValue}`);
    }
  } else if (props.ImageTagMutability !== 'IMMUTABLE' && props.ImageTagMutability !== 'MUTABLE') {
    problems.push(`ImageTagMutability ${props.ImageTagMutability}`);
  }
  if (props.LifecyclePolicy !== undefined) {
    problems.push(...lifecyclePolicyViolations(props.LifecyclePolicy.LifecyclePolicyText));
  }
  const policy = props.RepositoryPolicyText;
  if (policy !== undefined) {
    if (JSON.stringify(policy).length > 10_240) problems.push('repository policy longer than 10240');
    const sids = policy.Statement.map((s: any) => s.Sid).filter((s: unknown) => s !== undefined);
    if (new Set(sids).size !== sids.length) problems.push(`duplicate Sids ${sids}`);
    for (const statement of policy.Statement) {
      if (statement.Sid !== undefined && !/^[A-Za-z0-9]+$/.test(statement.Sid)) problems.push(`Sid ${statement.Sid}`);
      if (statement.Resource !== undefined) problems.push('Resource in a repository policy');
      const principals = statement.Principal ?? {};
      for (const [kind, values] of Object.entries(principals)) {
        for (const value of ([] as unknown[]).concat(values)) {
          if (kind === 'AWS' && !AWS_PRINCIPAL.test(String(value))) problems.push(`principal ${value}`);
          if (kind === 'Service' && !/\.amazonaws\.com$/.test(String(value))) problems.push(`service ${value}`);
          if (kind !== 'AWS' && kind !== 'Service') problems.push(`principal kind ${kind}`);
        }
      }
      if (principals.AWS === '*' && statement.Condition === undefined) problems.push('public repository');
    }
  }
  return problems;
}

describe('EcrRepository property: accepted input deploys, the rest is refused with EcsKitValidationError', () => {
  test('every prop set either synthesizes a template AWS accepts or throws EcsKitValidationError', () => {
    let accepted = 0;
    fc.assert(fc.property(input, value => {
      const stack = new Stack();
      let template: any;
      try {
        const { props, added } = build(stack, value);
        const repo = new EcrRepository(stack, 'Repo', props);
        for (const r of added) repo.addLifecycleRule(r);
        if (value.pullPrincipals.length > 0) repo.allowPull(...value.pullPrincipals);
        template = synthesize(stack);
      } catch (e) {
        if (!EcsKitValidationError.isEcsKitValidationError(e)) throw e;
        return;
      }
      accepted++;
      expect(violations(template)).toEqual([]);
    }), { numRuns: RUNS });
    // The generators must exercise the accepting side too.
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });

  test('every set of lifecycle rules alone either gives a valid lifecycle policy or throws EcsKitValidationError', () => {
    fc.assert(fc.property(fc.array(rule, { maxLength: 5 }), fc.boolean(), (rules, limitImageCount) => {
      const stack = new Stack();
      try {
        const { props } = build(stack, { lifecycleRules: rules, limitImageCount, pullPrincipals: [], addedRules: [] });
        new EcrRepository(stack, 'Repo', props);
      } catch (e) {
        if (!EcsKitValidationError.isEcsKitValidationError(e)) throw e;
        return;
      }
      const template = synthesize(stack);
      expect(violations(template)).toEqual([]);
    }), { numRuns: RUNS });
  });
});
