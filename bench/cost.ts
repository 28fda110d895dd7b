/**
 * `npm run bench:cost`: the fixed monthly cost of the reference app three ways —
 * aws-cdk-lib with its defaults, cdk-ecs-kit with its defaults, and cdk-ecs-kit
 * in the README's low-cost profile — as estimated by MonthlyCostReport from the
 * synthesized templates. Prints a Markdown table for docs/benchmarks.md.
 *
 * Options: --sizes 1,10 (numbers of web services).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { option } from './args';
import { buildCdkApp } from './cdk-app';
import { NEW_PROJECT_CONTEXT } from './context';
import { buildKitApp } from './kit-app';
import { MonthlyCostReport } from '../lib';

interface Item { description: string; monthlyUsd: number; basis?: string }

const sizes = option('sizes', '1,10').split(',').map(Number);

const variants: { name: string; build: (app: App, services: number) => void }[] = [
  { name: 'aws-cdk-lib, its defaults', build: buildCdkApp },
  { name: 'cdk-ecs-kit, its defaults', build: (app, n) => buildKitApp(app, n) },
  { name: 'cdk-ecs-kit, low-cost profile', build: (app, n) => buildKitApp(app, n, { lowCost: true }) },
];

/** The columns of the table: what each line item of the estimate is about. */
const columns: { title: string; matches: (item: Item) => boolean }[] = [
  { title: 'NAT gateways + their IPv4', matches: i => i.description === 'NAT gateway' || i.description.includes('Elastic IP') },
  { title: 'load balancers + their IPv4', matches: i => i.description.includes('Load Balancer') || i.description.includes('load balancer') },
  { title: 'EC2 minimum capacity', matches: i => i.description.includes('minimum capacity') || i.basis === 'instances for minimum tasks' },
  { title: 'Fargate tasks', matches: i => i.description.includes('Fargate task') },
  { title: 'task public IPv4', matches: i => i.description.includes('of the tasks') },
  { title: 'KMS keys', matches: i => i.description.includes('KMS') },
];

function estimate(build: (app: App, services: number) => void, services: number): { total: number; items: Item[]; notes: string[] } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cost-'));
  const app = new App({ outdir, context: NEW_PROJECT_CONTEXT });
  Validations.of(app).addPlugins(new MonthlyCostReport({ print: false }));
  build(app, services);
  app.synth();
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'Bench.cost.json'), 'utf-8'));
  fs.rmSync(outdir, { recursive: true, force: true });
  return { total: report.monthlyUsd, items: report.items, notes: report.notes };
}

const usd = (n: number) => `$${n.toFixed(2)}`;
const lines = [
  `| services | app | ${columns.map(c => c.title).join(' | ')} | total per month | vs aws-cdk-lib |`,
  `| --- | --- | ${columns.map(() => '---').join(' | ')} | --- | --- |`,
];
const notes = new Set<string>();
for (const services of sizes) {
  let baseline: number | undefined;
  for (const variant of variants) {
    const result = estimate(variant.build, services);
    baseline ??= result.total;
    const cells = columns.map(c => usd(result.items.filter(c.matches).reduce((sum, i) => sum + i.monthlyUsd, 0)));
    const unclassified = result.items.filter(i => !columns.some(c => c.matches(i)));
    if (unclassified.length > 0) throw new Error(`items without a column: ${JSON.stringify(unclassified)}`);
    lines.push(`| ${services} | ${variant.name} | ${cells.join(' | ')} | **${usd(result.total)}** | ${Math.round((result.total / baseline) * 100)}% |`);
    const spot = result.notes.filter(n => n.includes('Spot'));
    // One line per kind of note: the same note is repeated for every service.
    spot.forEach(n => notes.add(`${variant.name}: ${n.replace(/^\S+ runs/, 'the services run').replace(/^\S+ runs on Spot/, 'the EC2 capacity runs on Spot')}`));
  }
}
console.log(lines.join('\n'));
if (notes.size > 0) console.log(`\nNotes from the estimates (Spot is never discounted in the totals):\n${[...notes].map(n => `- ${n}`).join('\n')}`);
