/**
 * `npm run bench:compose-corpus`: what becomes of every Compose file of the
 * test corpus (test/compose/corpus/<name>/compose.yaml, issue 19's realistic
 * files) and of examples/compose-app when ComposeApp imports it, on Fargate and
 * on EC2: imported (and with how many warnings, by code) or refused (the first
 * problem of the kit's error). Prints Markdown for README's ComposeApp section
 * and docs/benchmarks.md. Not a test, and not timed: the corpus tests
 * (test/compose/corpus-*.test.ts) assert what must hold after each import.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, aws_ec2 as ec2 } from 'aws-cdk-lib';
import { ComposeApp, ComposeFile, EcsCluster, EcsKitValidationError, TaskCapacity } from '../src';

const root = path.resolve(__dirname, '..');
const corpusDir = path.join(root, 'test', 'compose', 'corpus');
const files = [
  ...fs.readdirSync(corpusDir).filter(name => fs.existsSync(path.join(corpusDir, name, 'compose.yaml'))).sort()
    .map(name => ({ name, file: path.join(corpusDir, name, 'compose.yaml') })),
  { name: 'examples/compose-app', file: path.join(root, 'examples', 'compose-app', 'compose.yaml') },
];

interface Outcome {
  readonly imported: boolean;
  /** Warning codes of the kit, with their counts; or the refusal's first problem. */
  readonly detail: string;
}

function importFile(file: string, onEc2: boolean): Outcome {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'compose-corpus-')) });
  const stack = new Stack(app, 'Corpus');
  const cluster = new EcsCluster(stack, 'Cluster', {
    cloudMapNamespaceName: 'app.internal',
    ec2Capacity: onEc2 ? { instanceTypes: [new ec2.InstanceType('m7i.large')] } : undefined,
  });
  try {
    new ComposeApp(stack, 'App', {
      cluster,
      composeFile: ComposeFile.fromFile(path.relative(process.cwd(), file)),
      taskCapacity: onEc2 ? TaskCapacity.ec2() : undefined,
    });
    app.synth();
  } catch (e) {
    if (!EcsKitValidationError.isEcsKitValidationError(e)) throw e;
    const problem = e.problems[0];
    return { imported: false, detail: `${problem.prop.replace(/^.*?services\./, '')}: ${problem.fix.split(/(?<=\.)\s/)[0]}` };
  } finally {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
  const codes = new Map<string, number>();
  for (const construct of stack.node.findAll()) {
    for (const entry of construct.node.metadata.filter(m => m.type === 'aws:cdk:warning')) {
      const code = /\[ack: (cdk-ecs-kit:[^\]]+)\]/.exec(String(entry.data))?.[1]?.replace(/^cdk-ecs-kit:(ComposeApp\.)?/, '') ?? 'other';
      codes.set(code, (codes.get(code) ?? 0) + 1);
    }
  }
  const warnings = [...codes.entries()].sort((a, b) => a[0].localeCompare(b[0])).map(([code, n]) => (n > 1 ? `${code} ×${n}` : code));
  return { imported: true, detail: warnings.length > 0 ? `warnings: ${warnings.join(', ')}` : 'no warning' };
}

const rows = files.map(({ name, file }) => {
  process.stderr.write(`${name}…\n`);
  return { name, fargate: importFile(file, false), ec2: importFile(file, true) };
});
const cell = (o: Outcome) => `${o.imported ? 'imported' : '**refused**'} (${o.detail})`;
const count = (pick: (r: typeof rows[number]) => Outcome) => rows.filter(r => pick(r).imported).length;
console.log([
  '| Compose file | Fargate | EC2 |',
  '| --- | --- | --- |',
  ...rows.map(r => `| \`${r.name}\` | ${cell(r.fargate)} | ${cell(r.ec2)} |`),
  '',
  `Imported: ${count(r => r.fargate)} of ${rows.length} on Fargate, ${count(r => r.ec2)} of ${rows.length} on EC2.`,
].join('\n'));
