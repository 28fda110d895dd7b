import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/**
 * Evaluates a template value the way CloudFormation would, with `Ref`s to the
 * given parameters (and AWS::Partition) replaced by their values. Only
 * `Fn::Join` and `Ref` are supported: that is what the kit writes.
 */
export function substitute(value: unknown, parameters: Record<string, string | number>): unknown {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (Array.isArray(value)) return value.map(v => substitute(v, parameters));
  const obj = value as Record<string, unknown>;
  if ('Ref' in obj) {
    const name = obj.Ref as string;
    if (name === 'AWS::Partition') return 'aws';
    if (!(name in parameters)) throw new Error(`no value for parameter ${name}`);
    return parameters[name];
  }
  if ('Fn::Join' in obj) {
    const [separator, parts] = obj['Fn::Join'] as [string, unknown[]];
    return parts.map(p => String(substitute(p, parameters))).join(separator);
  }
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, substitute(v, parameters)]));
}

/** The only ECR repository of a template. */
export function repositoryProperties(template: Template): any {
  const repositories = Object.values(template.findResources('AWS::ECR::Repository')) as any[];
  expect(repositories).toHaveLength(1);
  return repositories[0].Properties;
}

/** The lifecycle policy text of the stack's repository, with parameters substituted, parsed. */
export function lifecyclePolicyOf(stack: Stack, parameters: Record<string, string | number> = {}): any | undefined {
  const policy = repositoryProperties(Template.fromStack(stack)).LifecyclePolicy;
  if (policy === undefined) return undefined;
  const text = substitute(policy.LifecyclePolicyText, parameters);
  expect(typeof text).toBe('string');
  return JSON.parse(text as string);
}

/**
 * Every rule ECR applies to a lifecycle policy text (Amazon ECR User Guide,
 * "Lifecycle policy properties"; PutLifecyclePolicy): returns the violations.
 */
export function lifecyclePolicyViolations(text: string): string[] {
  const problems: string[] = [];
  if (text.length < 100 || text.length > 30_720) problems.push(`text length ${text.length} outside 100..30720`);
  let policy: any;
  try {
    policy = JSON.parse(text);
  } catch (e) {
    return [...problems, `not JSON: ${(e as Error).message}`];
  }
  const rules: any[] = policy.rules;
  if (!Array.isArray(rules) || rules.length < 1 || rules.length > 50) return [...problems, 'rules must be 1..50 items'];
  const priorities = rules.map(r => r.rulePriority);
  if (new Set(priorities).size !== priorities.length) problems.push(`duplicate priorities ${priorities}`);
  const anyRules = rules.filter(r => r.selection?.tagStatus === 'any');
  if (anyRules.length > 1) problems.push('more than one any-status rule');
  if (anyRules.length === 1 && anyRules[0].rulePriority !== Math.max(...priorities)) problems.push('any-status rule is not last');
  for (const rule of rules) {
    const where = `rule ${rule.rulePriority}`;
    if (!Number.isInteger(rule.rulePriority) || rule.rulePriority < 1) problems.push(`${where}: rulePriority`);
    if (rule.description !== undefined && typeof rule.description !== 'string') problems.push(`${where}: description`);
    const sel = rule.selection ?? {};
    if (!['tagged', 'untagged', 'any'].includes(sel.tagStatus)) problems.push(`${where}: tagStatus ${sel.tagStatus}`);
    const hasPrefix = sel.tagPrefixList !== undefined;
    const hasPattern = sel.tagPatternList !== undefined;
    if (sel.tagStatus === 'tagged') {
      if (hasPrefix === hasPattern) problems.push(`${where}: tagged needs exactly one of tagPrefixList, tagPatternList`);
      for (const list of [sel.tagPrefixList, sel.tagPatternList].filter(l => l !== undefined)) {
        if (!Array.isArray(list) || list.length === 0 || list.some((t: unknown) => typeof t !== 'string' || t === '')) {
          problems.push(`${where}: tag list ${JSON.stringify(list)}`);
        }
      }
      for (const pattern of sel.tagPatternList ?? []) {
        if (pattern.split('*').length - 1 > 4) problems.push(`${where}: more than 4 wildcards in ${pattern}`);
      }
    } else if (hasPrefix || hasPattern) {
      problems.push(`${where}: tag lists only with tagged`);
    }
    if (sel.countType === 'imageCountMoreThan') {
      if (sel.countUnit !== undefined) problems.push(`${where}: countUnit with imageCountMoreThan`);
    } else if (sel.countType === 'sinceImagePushed') {
      if (sel.countUnit !== 'days') problems.push(`${where}: countUnit ${sel.countUnit}`);
    } else {
      problems.push(`${where}: countType ${sel.countType}`);
    }
    if (!Number.isInteger(sel.countNumber) || sel.countNumber < 1 || sel.countNumber > 2_147_483_647) {
      problems.push(`${where}: countNumber ${JSON.stringify(sel.countNumber)}`);
    }
    if (rule.action?.type !== 'expire') problems.push(`${where}: action`);
  }
  return problems;
}
