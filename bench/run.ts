/**
 * `npm run bench`: cdk-ecs-kit (A) against aws-cdk-lib only (B), each synthesis
 * a separate process, alternating A B A B … after one warm-up of each, for
 * every size of the scale series. Prints a Markdown report for docs/benchmarks.md.
 *
 * Options: --runs N (default 5), --sizes 1,10,50,100,300 (the series),
 * --group (the kit's one web service in a FargateWebServiceGroup too, instead of
 * the reference app's FargateWebService), --equivalent (B is the kit's reference
 * app written by hand with aws-cdk-lib, the same features; one service only).
 * Not a test: nothing here asserts a time.
 */
import * as os from 'os';
import { cdkSideOption, kitSideOption, option } from './args';
import { Sample, median, synthOnce } from './samples';

const runs = Number(option('runs', '5'));
const sizes = option('sizes', '1,10,50,100,300').split(',').map(Number);
const kitSide = kitSideOption();
const cdkSide = cdkSideOption();
const cdkLabel = cdkSide === 'cdk-equivalent' ? 'aws-cdk-lib, same features' : 'aws-cdk-lib';

const fmt = (xs: number[]) => `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;

const rows: string[] = [];
const perService: { n: number; resources: number; seconds: number }[] = [];
for (const n of sizes) {
  synthOnce(kitSide, n);
  synthOnce(cdkSide, n); // warm-ups: file caches, ts-node
  const a: Sample[] = [];
  const b: Sample[] = [];
  for (let i = 0; i < runs; i++) {
    a.push(synthOnce(kitSide, n));
    b.push(synthOnce(cdkSide, n));
  }
  const describe = (samples: Sample[]) => {
    const ok = samples.filter(s => s.ok);
    if (ok.length === 0) return { text: `fails: ${samples[0].error?.replace(/: AWS::.*$/, '')} | | | | `, seconds: undefined as number | undefined };
    const s = ok[0];
    return {
      text: `${fmt(ok.map(x => x.seconds))} s | ${Math.round(median(ok.map(x => x.maxRssKiB)) / 1024)} MiB | ${s.resources} | ${s.stacks} / ${s.maxResourcesPerStack} | ${Math.round(s.templateBytes! / 1024)} KiB`,
      seconds: median(ok.map(x => x.seconds)),
    };
  };
  const da = describe(a);
  const db = describe(b);
  const ratios = a.map((x, i) => (x.ok && b[i].ok ? x.seconds / b[i].seconds : NaN)).filter(r => !Number.isNaN(r));
  const ratioText = ratios.length ? `${median(ratios).toFixed(2)} (${ratios.map(r => r.toFixed(2)).join(', ')})` : '—';
  rows.push(`| ${n} | kit | ${da.text} | ${ratioText} |`);
  rows.push(`| ${n} | ${cdkLabel} | ${db.text} | |`);
  if (da.seconds !== undefined) perService.push({ n, resources: a.find(x => x.ok)!.resources!, seconds: da.seconds });
  console.error(`N=${n} done`);
}

const lines = [
  `Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0].model}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; ${runs} runs per side after one warm-up, alternating.`,
  '',
  '| services | side | wall time, median (min–max) | peak RSS | resources | stacks / most resources in one | templates | A/B time ratio: median (each pair) |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
];
if (perService.length >= 2) {
  const first = perService[0];
  const last = perService[perService.length - 1];
  lines.push('', `cdk-ecs-kit resources per extra web service: ${((last.resources - first.resources) / (last.n - first.n)).toFixed(2)} (from N=${first.n} to N=${last.n}).`);
  // Linear growth shows as a steady time per extra service from one size to the next.
  const steps = perService.slice(1).map((p, i) => {
    const prev = perService[i];
    return `${prev.n}→${p.n}: ${(((p.seconds - prev.seconds) / (p.n - prev.n)) * 1000).toFixed(0)} ms`;
  });
  lines.push(`cdk-ecs-kit time per extra web service (medians): ${steps.join(', ')}.`);
  // Least-squares line through the medians: linear growth shows as a good fit (R² near 1).
  const xs = perService.map(p => p.n);
  const ys = perService.map(p => p.seconds);
  const mean = (v: number[]) => v.reduce((sum, x) => sum + x, 0) / v.length;
  const [mx, my] = [mean(xs), mean(ys)];
  const slope = xs.reduce((sum, x, i) => sum + (x - mx) * (ys[i] - my), 0) / xs.reduce((sum, x) => sum + (x - mx) ** 2, 0);
  const intercept = my - slope * mx;
  const residual = ys.reduce((sum, y, i) => sum + (y - (intercept + slope * xs[i])) ** 2, 0);
  const total = ys.reduce((sum, y) => sum + (y - my) ** 2, 0);
  lines.push(`cdk-ecs-kit least-squares fit: ${intercept.toFixed(2)} s + ${(slope * 1000).toFixed(1)} ms × services (R² ${(1 - residual / total).toFixed(2)}).`);
}
console.log(lines.join('\n'));
