/**
 * `npm run bench:phases`: where the reference app's synthesis time goes, timed
 * inside each process — cdk-ecs-kit, the same features written by hand with
 * aws-cdk-lib (`bench/cdk-equivalent-app.ts`), and aws-cdk-lib with its own
 * defaults (`bench/cdk-app.ts`). Each synthesis is a separate process, the
 * three sides alternating after one warm-up of each; prints the medians as a
 * Markdown table for docs/benchmarks.md.
 *
 * Options: --runs N (default 8), --validation (keep aws-cdk-lib's built-in
 * validation on; by default it is off, CDK_VALIDATION=false, which takes away
 * seconds of work that is the same on every side).
 * Not a test: nothing here asserts a time.
 */
import * as os from 'os';
import { Side, option } from './args';
import { Sample, median, synthOnce } from './samples';

const runs = Number(option('runs', '8'));
const validation = process.argv.includes('--validation');
const env: Record<string, string> = validation ? {} : { CDK_VALIDATION: 'false' };
const sides: { side: Side; label: string }[] = [
  { side: 'kit', label: 'cdk-ecs-kit' },
  { side: 'cdk-equivalent', label: 'aws-cdk-lib, same features' },
  { side: 'cdk', label: 'aws-cdk-lib, its defaults' },
];

const samples = new Map<Side, Sample[]>(sides.map(s => [s.side, []]));
for (const { side } of sides) synthOnce(side, 1, env); // warm-ups: file caches, ts-node
for (let i = 0; i < runs; i++) {
  for (const { side } of sides) {
    const sample = synthOnce(side, 1, env);
    if (!sample.ok) throw new Error(`${side}: ${sample.error}`);
    samples.get(side)!.push(sample);
  }
}

const ms = (xs: number[]) => `${Math.round(median(xs))} ms`;
const row = (name: string, value: (s: Sample) => number) =>
  `| ${name} | ${sides.map(({ side }) => ms(samples.get(side)!.map(value))).join(' | ')} |`;
console.log([
  `Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0].model}; the reference app (1 web service), ${runs} runs per side after one warm-up, alternating; ` +
  `built-in validation ${validation ? 'on' : 'off (CDK_VALIDATION=false)'}; medians.`,
  '',
  `| phase | ${sides.map(s => s.label).join(' | ')} |`,
  `| --- |${sides.map(() => ' --- |').join('')}`,
  row('creating the App, loading the app\'s modules', s => s.milliseconds!.load),
  row('constructing', s => s.milliseconds!.construct),
  row(validation ? 'synthesizing, with the built-in validation' : 'synthesizing', s => s.milliseconds!.synth),
  row('**in-process total**', s => s.milliseconds!.load + s.milliseconds!.construct + s.milliseconds!.synth),
  row('wall time of the process', s => s.seconds * 1000),
  `| resources | ${sides.map(({ side }) => samples.get(side)![0].resources).join(' | ')} |`,
].join('\n'));
