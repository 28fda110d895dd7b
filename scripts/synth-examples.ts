/**
 * `npm run synth`: synthesizes every app under examples/ with the real aws-cdk
 * CLI into cdk.out/<example>/, offline and without AWS credentials, and prints
 * one line per example: stacks (and nested stacks), resources, validation
 * findings and the fixed monthly cost.
 *
 * Exits non-zero when an example fails to synthesize or has a validation error.
 * Pass example names to synthesize only those: `npm run synth -- private-registry`.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { nestedTemplateFiles } from '../src/cost/nested-templates';
import { validateNestedTemplates } from '../test/helpers/nested-validation';
import { formatFindings, readFindings } from '../test/helpers/validation-report';

const root = path.resolve(__dirname, '..');
const examplesDir = path.join(root, 'examples');
const cdkCli = path.join(root, 'node_modules', '.bin', 'cdk');

interface ExampleResult {
  readonly name: string;
  readonly ok: boolean;
  readonly line: string;
}

function listExamples(only: string[]): string[] {
  const all = fs.readdirSync(examplesDir)
    .filter(name => fs.existsSync(path.join(examplesDir, name, 'cdk.json')))
    .sort();
  const unknown = only.filter(name => !all.includes(name));
  if (unknown.length > 0) {
    throw new Error(`Unknown example(s): ${unknown.join(', ')}. Examples: ${all.join(', ')}`);
  }
  return only.length > 0 ? only : all;
}

function synthesize(name: string): ExampleResult {
  const outdir = path.join(root, 'cdk.out', name);
  fs.rmSync(outdir, { recursive: true, force: true });
  const started = Date.now();
  const result = spawnSync(cdkCli, ['synth', '--quiet', '--no-notices', '--no-version-reporting', '--output', outdir], {
    cwd: path.join(examplesDir, name),
    encoding: 'utf-8',
    env: { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_EC2_METADATA_DISABLED: 'true' },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const reported = readFindings(path.join(outdir, 'validation-report.json'));

  if (result.status !== 0 || !fs.existsSync(path.join(outdir, 'manifest.json'))) {
    const details = reported.length > 0 ? formatFindings(reported) : `${result.stdout}\n${result.stderr}`.trim();
    return { name, ok: false, line: `${name}: FAILED to synthesize (${seconds}s)\n${details}` };
  }

  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf-8'));
  const stacks = Object.values<any>(manifest.artifacts ?? {}).filter(a => a.type === 'aws:cloudformation:stack');
  // aws-cdk-lib validates only top-level templates: nested stacks' templates are validated here.
  const stackTemplateFiles = stacks.map(stack => path.join(outdir, stack.properties.templateFile));
  const nestedFiles = nestedTemplateFiles(stackTemplateFiles);
  const findings = [...reported, ...validateNestedTemplates(nestedFiles)];
  const errors = findings.filter(f => f.severity === 'error');
  const resources = [...stackTemplateFiles, ...nestedFiles]
    .reduce((sum, file) => sum + Object.keys(JSON.parse(fs.readFileSync(file, 'utf-8')).Resources ?? {}).length, 0);
  let monthlyUsd: number | undefined;
  for (const templateFile of stackTemplateFiles) {
    // Written by the MonthlyCostReport plugin the examples opt in to (nested stacks included).
    const costFile = templateFile.replace(/\.template\.json$/, '.cost.json');
    if (fs.existsSync(costFile)) monthlyUsd = (monthlyUsd ?? 0) + JSON.parse(fs.readFileSync(costFile, 'utf-8')).monthlyUsd;
  }
  const cost = monthlyUsd === undefined ? '' : `, fixed cost ~$${monthlyUsd.toFixed(2)}/month`;
  const nested = nestedFiles.length > 0 ? ` (+${nestedFiles.length} nested)` : '';
  const line = `${name}: ${plural(stacks.length, 'stack')}${nested}, ${plural(resources, 'resource')}, ` +
    `${plural(findings.length, 'validation finding')}${cost} (${seconds}s)`;
  return { name, ok: errors.length === 0, line: findings.length > 0 ? `${line}\n${formatFindings(findings)}` : line };
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

const results = listExamples(process.argv.slice(2)).map(name => {
  const result = synthesize(name);
  console.log(result.line);
  return result;
});
const failed = results.filter(r => !r.ok);
if (failed.length > 0) {
  console.error(`\n${failed.length} of ${results.length} example(s) failed: ${failed.map(r => r.name).join(', ')}`);
  process.exit(1);
}
