/**
 * `npm run bench:findings`: what the validators the project's tests use say of
 * the reference app (1 web service) on each side — cdk-ecs-kit, the same
 * features written by hand with aws-cdk-lib (`bench/cdk-equivalent-app.ts`) and
 * aws-cdk-lib with its own defaults (`bench/cdk-app.ts`). Each app is
 * synthesized by `test/helpers/validators.ts` as the tests are, with
 * aws-cdk-lib's built-in CloudFormation validation as errors and cdk-nag's
 * AwsSolutions pack; prints the findings per rule as a Markdown table for
 * docs/benchmarks.md.
 *
 * Beside each app's findings, the rules it acknowledges in code with a reason
 * (`Validations.of(…).acknowledge`): a finding the kit acknowledges is not
 * fixed, and is counted there, not hidden.
 *
 * The synthesis-time benchmark compares apps that do not build the same
 * things: this shows what the kit's extra work buys. Not a test, and not timed.
 */
import * as fs from 'fs';
import { App, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { buildCdkApp } from './cdk-app';
import { buildCdkEquivalentApp } from './cdk-equivalent-app';
import { NEW_PROJECT_CONTEXT } from './context';
import { buildKitApp } from './kit-app';
// The tests' own validating app and synthesis, so that both count findings one way.
import { Finding, createTestApp, synthesizeWithValidators } from '../test/helpers/validators';

const sides: { label: string; build: (app: App) => unknown }[] = [
  { label: 'cdk-ecs-kit', build: app => buildKitApp(app, 1) },
  { label: 'aws-cdk-lib, same features', build: app => buildCdkEquivalentApp(app, 1) },
  { label: 'aws-cdk-lib, its defaults', build: app => buildCdkApp(app, 1) },
];

/** What one side's app leaves to its user, and what it acknowledges with a reason. */
interface Outcome {
  readonly findings: Finding[];
  /** Rule ids acknowledged in the app's constructs, one per acknowledgment. */
  readonly acknowledged: string[];
}

/** Every finding of one side's app, and its acknowledgments. */
function outcomeOf(build: (app: App) => unknown): Outcome {
  const app = createTestApp({ context: NEW_PROJECT_CONTEXT });
  build(app);
  const { findings } = synthesizeWithValidators(app);
  fs.rmSync(app.outdir, { recursive: true, force: true });
  const acknowledged = app.node.findAll().flatMap((construct: IConstruct) => construct.node.metadata
    .filter(entry => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap(entry => Object.keys(entry.data as Record<string, string>)));
  return { findings, acknowledged };
}

/**
 * A rule id without the finding's detail (`AwsSolutions-IAM5[Resource::*]`) or
 * the prefix an acknowledgment's id is recorded with (`Annotation::AwsSolutions-IAM5`).
 */
const ruleOf = (id: string) => id.replace(/\[.*$/, '').replace(/^\w+::(?=AwsSolutions-)/, '');

function countByRule(ids: string[]): Map<string, number> {
  const byRule = new Map<string, number>();
  for (const id of ids) {
    const rule = ruleOf(id);
    byRule.set(rule, (byRule.get(rule) ?? 0) + 1);
  }
  return byRule;
}

const outcomes = sides.map(({ build }) => outcomeOf(build));
const found = outcomes.map(outcome => countByRule(outcome.findings.map(finding => finding.ruleId)));
const acknowledged = outcomes.map(outcome => countByRule(outcome.acknowledged));
const rules = [...new Set([...found, ...acknowledged].flatMap(byRule => [...byRule.keys()]))].sort();
const cell = (rule: string, i: number) => {
  const parts = [found[i].get(rule) ? `${found[i].get(rule)}` : '', acknowledged[i].get(rule) ? `(${acknowledged[i].get(rule)} acknowledged)` : ''];
  return parts.filter(Boolean).join(' ') || '—';
};
const total = (byRule: Map<string, number>) => [...byRule.values()].reduce((a, b) => a + b, 0);
console.log([
  'The reference app (1 web service) with the validators of the project\'s tests: aws-cdk-lib\'s built-in CloudFormation validation as errors, cdk-nag\'s AwsSolutions pack; findings per rule, and (in brackets) the rules each app acknowledges in code with a reason.',
  '',
  `| rule | ${sides.map(s => s.label).join(' | ')} |`,
  `| --- |${sides.map(() => ' --- |').join('')}`,
  ...rules.map(rule => `| ${rule} | ${sides.map((_, i) => cell(rule, i)).join(' | ')} |`),
  `| **findings left** | ${found.map(total).join(' | ')} |`,
  `| acknowledged in code, with a reason | ${acknowledged.map(total).join(' | ')} |`,
].join('\n'));
