/**
 * One synthesis in its own process (`bench/synth-once.ts`), timed from the
 * outside, and the median: what `run.ts` and `phases.ts` share.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Side } from './args';

/** What one synthesis printed, with its wall time. */
export interface Sample {
  ok: boolean;
  seconds: number;
  maxRssKiB: number;
  resources?: number;
  maxResourcesPerStack?: number;
  templateBytes?: number;
  stacks?: number;
  /** In-process timers: creating the App and loading the app's modules, constructing, synthesizing. */
  milliseconds?: { load: number; construct: number; synth: number };
  error?: string;
}

const root = path.resolve(__dirname, '..');

/** Synthesizes one side in a new process; `env` is added to this process's environment. */
export function synthOnce(side: Side, services: number, env: Record<string, string> = {}): Sample {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${side}-`));
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(__dirname, 'synth-once.ts'), side, String(services), outdir], {
    cwd: root, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...env },
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  fs.rmSync(outdir, { recursive: true, force: true });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  try {
    return { seconds, ...JSON.parse(line) };
  } catch {
    const output = (result.stderr || result.stdout).trim().split('\n');
    return { ok: false, seconds, maxRssKiB: 0, error: output.find(l => /^\w*Error\b/.test(l)) ?? output[0] };
  }
}

export function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
