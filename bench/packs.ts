/**
 * `npm run bench:packs`: what cdk-nag's four compliance packs say of every
 * example app under examples/ in the kit's default profile — issue 18's
 * baseline. Each example is synthesized in process (as test/examples does, with
 * its own cdk.json context) once per pack: AwsSolutions, NIST 800-53 R5,
 * HIPAA Security and PCI DSS 3.2.1, each registered alone as a validation
 * plugin. Prints Markdown for docs/benchmarks.md: unacknowledged findings per
 * example and pack, and the rules that fire most per pack.
 *
 * Counted: findings on resources the kit creates, i.e. whose construct path
 * lies under an instance of a construct class exported by cdk-ecs-kit (the
 * examples import `../../src`, the classes this script loads), plus the
 * `EcrAuthorizationToken` policy the kit adds under a grantee's role. Findings on the
 * examples' own resources (outside every kit construct) are counted apart.
 * Only the packs' findings are counted, not aws-cdk-lib's built-in validation,
 * which the examples' tests hold at 0. Acknowledged findings are not in the
 * report; the kit acknowledges only AwsSolutions rules today.
 *
 * Pass example names to measure only those: `npm run bench:packs -- low-cost`;
 * `--hardened` measures the examples in the hardened profile (as
 * test/examples/hardened-examples.test.ts builds them).
 * Not a test, and not timed.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, IPolicyValidationPlugin, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { hardenedExampleContext } from '../test/helpers/hardened-examples';
import { FindingsByCreator, findingsByCreator } from '../test/helpers/kit-findings';
import { readFindings } from '../test/helpers/validators';

const examplesDir = path.resolve(__dirname, '..', 'examples');

const packs: { label: string; create: (app: App) => IPolicyValidationPlugin }[] = [
  { label: 'AwsSolutions', create: app => new AwsSolutionsChecks(app) },
  { label: 'NIST 800-53 R5', create: app => new NIST80053R5Checks(app) },
  { label: 'HIPAA Security', create: app => new HIPAASecurityChecks(app) },
  { label: 'PCI DSS 3.2.1', create: app => new PCIDSS321Checks(app) },
];

/** One example's findings under one pack, split by who created the resource. */
type Count = FindingsByCreator;

function listExamples(only: string[]): string[] {
  const all = fs.readdirSync(examplesDir)
    .filter(name => fs.existsSync(path.join(examplesDir, name, 'cdk.json')))
    .sort();
  const unknown = only.filter(name => !all.includes(name));
  if (unknown.length > 0) throw new Error(`Unknown example(s): ${unknown.join(', ')}. Examples: ${all.join(', ')}`);
  return only.length > 0 ? only : all;
}

function countFindings(example: string, pack: typeof packs[number]): Count {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(examplesDir, example, 'cdk.json'), 'utf-8'));
  const context = hardened ? hardenedExampleContext(example, cdkJson.context) : cdkJson.context;
  const app = new App({ context, outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ecs-kit-packs-')) });
  const plugin = pack.create(app);
  Validations.of(app).addPlugins(plugin);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createStacks } = require(path.join(examplesDir, example, 'app'));
  const stacks: Stack[] = createStacks(app);
  if (stacks.length === 0) throw new Error(`${example}: createStacks made no stack`);
  const reportFile = path.join(app.outdir, 'validation-report.json');
  // aws-cdk-lib prints every finding with console.error: the report file is what is counted.
  const consoleError = console.error;
  console.error = () => undefined;
  try {
    app.synth();
  } catch (e) {
    // Findings at error level stop synthesis after the report is written.
    if (!fs.existsSync(reportFile)) throw e;
  } finally {
    console.error = consoleError;
  }
  const findings = readFindings(reportFile).filter(finding => finding.plugin === plugin.name);
  fs.rmSync(app.outdir, { recursive: true, force: true });

  return findingsByCreator(app, findings);
}

/** A rule id without its pack's prefix (`NIST.800.53.R5-`) or the finding's detail (`[…]`). */
const ruleOf = (id: string) => id.replace(/\[.*$/, '').replace(/^[^-]+-/, '');

const args = process.argv.slice(2);
/** `--hardened`: the examples in the hardened profile, with a web ACL and fargate-web-app's domain (as the hardened examples test). */
const hardened = args.includes('--hardened');
const profile = hardened ? 'the hardened profile' : 'the default profile';
const examples = listExamples(args.filter(arg => arg !== '--hardened'));
const counts = examples.map(example => packs.map(pack => {
  process.stderr.write(`${example} × ${pack.label}…\n`);
  return countFindings(example, pack);
}));

const cdkNagVersion: string = JSON.parse(fs.readFileSync(require.resolve('cdk-nag/package.json'), 'utf-8')).version;
const cell = ({ kit: k, other }: Count) => `${k.length}${other.length > 0 ? ` (+${other.length})` : ''}`;
const sum = (i: number, side: keyof Count) => counts.reduce((total, row) => total + row[i][side].length, 0);
const lines = [
  `Unacknowledged findings of cdk-nag ${cdkNagVersion}'s packs on resources the kit creates, per example, in ${profile}; in brackets, findings on the example's own resources (outside every kit construct).`,
  '',
  `| example | ${packs.map(p => p.label).join(' | ')} |`,
  `| --- |${packs.map(() => ' ---: |').join('')}`,
  ...examples.map((example, e) => `| ${example} | ${counts[e].map(cell).join(' | ')} |`),
  `| **total** | ${packs.map((_, i) => `**${sum(i, 'kit')}**${sum(i, 'other') > 0 ? ` (+${sum(i, 'other')})` : ''}`).join(' | ')} |`,
  '',
  'Rules per pack on kit-created resources, all examples together, without the pack\'s prefix (findings; examples where the rule fires):',
  '',
];
packs.forEach((pack, i) => {
  const byRule = new Map<string, { findings: number; examples: Set<string> }>();
  counts.forEach((row, e) => row[i].kit.forEach(finding => {
    const entry = byRule.get(ruleOf(finding.ruleId)) ?? { findings: 0, examples: new Set<string>() };
    entry.findings++;
    entry.examples.add(examples[e]);
    byRule.set(ruleOf(finding.ruleId), entry);
  }));
  const sorted = [...byRule.entries()].sort((a, b) => b[1].findings - a[1].findings || a[0].localeCompare(b[0]));
  lines.push(`- **${pack.label}** (${sorted.length} rules): ${sorted.length === 0 ? 'none' :
    sorted.map(([rule, { findings, examples: where }]) => `\`${rule}\` ${findings} (${where.size})`).join(', ')}`);
});
console.log(lines.join('\n'));
