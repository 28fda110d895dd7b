/**
 * `npm run bench:profile`: where synthesis time goes, cdk-ecs-kit (A) against
 * aws-cdk-lib only (B). Synthesizes each side in its own process under the V8
 * CPU profiler (`node --cpu-prof`), alternating, and sorts the samples into
 * phases — the built-in validation, module loading, constructing each part of
 * the app, synthesis, garbage collection — averaged over the runs. Prints a
 * Markdown table for docs/benchmarks.md.
 *
 * Options: --runs N (default 3), --services N (default 1), --group (the kit's
 * one web service in a FargateWebServiceGroup, as in `npm run bench -- --group`).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { kitSideOption, option } from './args';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

const runs = Number(option('runs', '3'));
const services = option('services', '1');
const kitSide = kitSideOption();
const root = path.resolve(__dirname, '..');

/**
 * Phases in the order they are tested: a sample belongs to the first phase
 * whose pattern matches a function on its stack (or the sample itself).
 */
const PHASES: { name: string; matches: RegExp }[] = [
  { name: 'built-in validation: starting its engine', matches: /^initializeEngine / },
  { name: 'built-in validation: the templates', matches: /^validateTemplate / },
  { name: 'garbage collection', matches: /^\(garbage collector\)/ },
  { name: 'waiting (idle)', matches: /^\(idle\)/ },
  // Only `require` calls: the script itself runs inside the outermost Module._load.
  { name: 'loading and compiling modules', matches: /^(wrapSafe|compileForInternalLoader) |^require node:internal/ },
  { name: 'constructing: cluster and VPC', matches: /^EcsCluster |^(Vpc2?|Cluster2?|AutoScalingGroup2?|AsgCapacityProvider2?) .*aws-(ec2|ecs|autoscaling)\/lib/ },
  { name: 'constructing: web services', matches: /^(addService|FargateWebService|ApplicationLoadBalancedFargateService2?) / },
  { name: 'constructing: batch job', matches: /^(Ec2BatchJob|ScheduledEc2Task2?) / },
  { name: 'constructing: the rest', matches: /^build(Kit|Cdk)App / },
  { name: 'synthesizing templates', matches: /^(synthesizeTree|prepareApp|synthesize) / },
];

function phasesOf(file: string): Map<string, number> {
  const profile: Profile = JSON.parse(fs.readFileSync(file, 'utf-8'));
  const byId = new Map(profile.nodes.map(n => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const totals = new Map<string, number>();
  profile.samples.forEach((sample, i) => {
    const stack: string[] = [];
    for (let id: number | undefined = sample; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)!.callFrame;
      stack.push(`${frame.functionName} ${frame.url}`);
    }
    const phase = PHASES.find(p => p.matches.test(stack[0]) || stack.some(frame => p.matches.test(frame)))?.name ?? 'other';
    totals.set(phase, (totals.get(phase) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1e6);
  });
  return totals;
}

function profileOnce(side: 'kit' | 'cdk'): Map<string, number> {
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), `profile-${side}-`));
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `synth-${side}-`));
  spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, '-r', 'ts-node/register/transpile-only',
    path.join(__dirname, 'synth-once.ts'), side === 'kit' ? kitSide : side, services, outdir], { cwd: root, encoding: 'utf-8' });
  const [file] = fs.readdirSync(profileDir);
  const phases = phasesOf(path.join(profileDir, file));
  fs.rmSync(profileDir, { recursive: true, force: true });
  fs.rmSync(outdir, { recursive: true, force: true });
  return phases;
}

const sums = { kit: new Map<string, number>(), cdk: new Map<string, number>() };
for (let i = 0; i < runs; i++) {
  for (const side of ['kit', 'cdk'] as const) {
    for (const [phase, seconds] of profileOnce(side)) sums[side].set(phase, (sums[side].get(phase) ?? 0) + seconds);
  }
}
const phases = [...PHASES.map(p => p.name), 'other'];
const cell = (side: 'kit' | 'cdk', phase: string) => `${((sums[side].get(phase) ?? 0) / runs).toFixed(2)} s`;
const total = (side: 'kit' | 'cdk') => [...sums[side].values()].reduce((a, b) => a + b, 0) / runs;
console.log([
  `${services} web service(s); CPU profiles of ${runs} runs per side, averaged.`,
  '',
  '| phase | cdk-ecs-kit | aws-cdk-lib |',
  '| --- | --- | --- |',
  ...phases.map(phase => `| ${phase} | ${cell('kit', phase)} | ${cell('cdk', phase)} |`),
  `| **total** | **${total('kit').toFixed(2)} s** | **${total('cdk').toFixed(2)} s** |`,
].join('\n'));
