import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AppProps, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { validateNestedTemplates } from './nested-validation';
import { Finding, formatFindings, readFindings } from './validation-report';
import { EcsKitValidationError } from '../../src/core/errors';
import { nestedTemplateFiles } from '../../src/cost/nested-templates';

export type { Finding };
export { formatFindings, readFindings };

/**
 * Context every test app (and every example's cdk.json) sets: aws-cdk-lib's
 * built-in CloudFormation validation reports errors instead of warnings.
 */
export const VALIDATION_CONTEXT = {
  '@aws-cdk/core:validateAgainstDefaultRules': true,
};

/**
 * An App configured the way users' CI synthesizes: built-in CloudFormation
 * validation as errors, plus cdk-nag's AwsSolutions checks.
 */
export function createTestApp(props: AppProps = {}): App {
  const app = new App({
    ...props,
    context: { ...VALIDATION_CONTEXT, ...props.context },
    outdir: props.outdir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ecs-kit-test-')),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return app;
}

/**
 * An App in the kit's hardened profile (`Hardening.CONTEXT_KEY` in its
 * context) validated as a regulated user's CI does: built-in CloudFormation
 * validation as errors, plus cdk-nag's AwsSolutions, NIST 800-53 R5, HIPAA
 * Security and PCI DSS 3.2.1 packs.
 */
export function createHardenedTestApp(props: AppProps = {}): App {
  const app = createTestApp({ ...props, context: { 'cdk-ecs-kit:hardened': true, ...props.context } });
  Validations.of(app).addPlugins(new NIST80053R5Checks(app), new HIPAASecurityChecks(app), new PCIDSS321Checks(app));
  return app;
}

/** A stack in a fresh hardened test app (see `createHardenedTestApp`). */
export function createHardenedTestStack(id = 'TestStack', env?: { account: string; region: string }): Stack {
  return new Stack(createHardenedTestApp(), id, { env });
}

/** A stack in a fresh validated test app. Environment-agnostic unless `env` is given. */
export function createTestStack(id = 'TestStack', env?: { account: string; region: string }): Stack {
  return new Stack(createTestApp(), id, { env });
}

/** What synthesizing an app with the validators produced. */
export interface ValidatedSynthesis {
  /** Template of every stack, by stack artifact id. */
  readonly templates: Record<string, Template>;
  /** Every unacknowledged finding (errors and warnings) of every stack. */
  readonly findings: Finding[];
}

/**
 * Synthesizes an app with the validators registered by `createTestApp`, and
 * runs the built-in CloudFormation validation on nested stacks' templates too.
 * Synthesis errors that are not validation reports (e.g. a construct throwing)
 * propagate unchanged.
 */
export function synthesizeWithValidators(app: App): ValidatedSynthesis {
  const reportFile = path.join(app.outdir, 'validation-report.json');
  try {
    app.synth();
  } catch (e) {
    // Validation errors stop synthesis after the templates and the report are written.
    if (!fs.existsSync(reportFile)) throw e;
  }
  const templates: Record<string, Template> = {};
  for (const stack of app.node.findAll().filter(Stack.isStack)) {
    const file = path.join(app.outdir, stack.templateFile);
    templates[stack.artifactId] = Template.fromJSON(JSON.parse(fs.readFileSync(file, 'utf-8')));
  }
  // Nested stacks' templates are not handed to the built-in validation: validate them here.
  const topLevel = app.node.children.filter(Stack.isStack).map(stack => path.join(app.outdir, stack.templateFile));
  return { templates, findings: [...readFindings(reportFile), ...validateNestedTemplates(nestedTemplateFiles(topLevel))] };
}

/** Fails with rule id, construct path and message for every unacknowledged finding. */
export function expectNoFindings(findings: Finding[]): void {
  if (findings.length > 0) {
    throw new Error(`${findings.length} unacknowledged validation finding(s):\n${formatFindings(findings)}`);
  }
}

/**
 * Synthesizes the app holding `stack` with the validators and returns the
 * stack's template, failing on any unacknowledged finding.
 */
export function validTemplate(stack: Stack): Template {
  const { templates, findings } = synthesizeWithValidators(stack.node.root as App);
  expectNoFindings(findings);
  return templates[stack.artifactId];
}

/** Runs `fn` and returns the `EcsKitValidationError` it throws (fails the test on any other outcome). */
export function errorOf(fn: () => unknown): EcsKitValidationError {
  try {
    fn();
  } catch (e) {
    if (EcsKitValidationError.isEcsKitValidationError(e)) return e;
    throw e;
  }
  throw new Error('expected an EcsKitValidationError');
}

/**
 * The check of a property test over a prop with rules: `fn` succeeds when the
 * input is `valid`, and otherwise fails with our `EcsKitValidationError` — never
 * with another error, never by producing a template.
 */
export function expectAcceptedOnlyWhen(valid: boolean, fn: () => unknown): void {
  let error: unknown;
  try {
    fn();
  } catch (e) {
    error = e ?? new Error('undefined thrown');
  }
  if (error === undefined) {
    expect(valid).toBe(true);
    return;
  }
  expect(EcsKitValidationError.isEcsKitValidationError(error)).toBe(true);
  expect(valid).toBe(false);
}
