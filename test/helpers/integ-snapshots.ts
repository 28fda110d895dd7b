/**
 * Synthesizes the integration test apps (`test/integ.*.ts`) the way
 * `@aws-cdk/integ-runner` does, offline, and compares them with their committed
 * snapshots (`test/integ.<name>.ts.snapshot/`, integ-runner's layout).
 *
 * Why not `integ-runner` itself: its latest release (2.197.10) bundles a toolkit
 * that reads cloud assemblies up to schema 53, and aws-cdk-lib 2.276 writes
 * schema 55, so every integ-runner command fails with `AssemblyVersionMismatch`
 * before comparing anything. This module reproduces the part of its snapshot
 * test that needs no AWS account: the same app command (its TypeScript preset),
 * the same context (its recommended feature flags, no version reporting, no path
 * or asset metadata) and the same dummy environment, and the same comparison
 * (templates only, asset hashes masked). The snapshots it writes are what
 * `integ-runner --update-on-failed --dry-run` writes, so a later integ-runner
 * release that reads schema 55 takes them over unchanged.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { mapStrings, maskAssetHashes } from './snapshot-serializer';

/** The folder integ-runner searches by default, and where the snapshots live. */
export const INTEG_TEST_DIR = path.resolve(__dirname, '..');

/** integ-runner's TypeScript preset: `integ.<name>.ts`, declaration files excluded. */
const INTEG_APP_FILE = /^integ\.(?!.*\.d\.ts$).*\.ts$/;

/**
 * The environment integ-runner synthesizes with (DEFAULT_SYNTH_OPTIONS.env of
 * integ-runner 2.197): apps that read `CDK_INTEG_*` get dummy values, never the
 * caller's account.
 */
const INTEG_ENV: Record<string, string> = {
  CDK_INTEG_ACCOUNT: '12345678',
  CDK_INTEG_REGION: 'test-region',
  CDK_INTEG_HOSTED_ZONE_ID: 'Z23ABC4XYZL05B',
  CDK_INTEG_HOSTED_ZONE_NAME: 'example.com',
  CDK_INTEG_DOMAIN_NAME: '*.example.com',
  CDK_INTEG_CERT_ARN: 'arn:aws:acm:test-region:12345678:certificate/86468209-a272-595d-b831-0efb6421265z',
  CDK_INTEG_SUBNET_ID: 'subnet-0dff1a399d8f6f92c',
};


/** The integration test apps, as file names relative to `test/`, sorted. */
export function integApps(): string[] {
  return fs.readdirSync(INTEG_TEST_DIR).filter(f => INTEG_APP_FILE.test(f)).sort();
}

/** Where an app's snapshot lives: `test/<app>.snapshot/` (integ-runner's name for it). */
export function snapshotDir(app: string): string {
  return path.join(INTEG_TEST_DIR, `${app}.snapshot`);
}

/**
 * The context integ-runner gives every app: its recommended feature flags (read
 * from the installed integ-runner, so an upgrade that changes them shows up as a
 * snapshot diff, as it would with integ-runner), without target partitions, and
 * the CLI settings it synthesizes with (no version reporting, no path or asset
 * metadata, every stack bundled).
 */
export function integContext(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const flags: Record<string, unknown> = { ...require('@aws-cdk/integ-runner/lib/recommended-feature-flags.json') };
  delete flags['@aws-cdk/core:target-partitions'];
  return {
    ...flags,
    'aws:cdk:disable-version-reporting': true,
    'aws:cdk:bundling-stacks': ['**'],
  };
}

/**
 * Runs one app into `outdir` with integ-runner's command
 * (`node -r ts-node/register <app>`, transpile-only: `npm test` type-checks the
 * apps through tsconfig.typecheck.json) and its environment. Credentials and
 * CDK_DEFAULT_* variables of the caller are removed, so the result cannot depend
 * on who runs it.
 */
export function synthIntegApp(app: string, outdir: string): void {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('AWS_') && !key.startsWith('CDK_') && !key.startsWith('TS_NODE_')) env[key] = value;
  }
  Object.assign(env, INTEG_ENV, {
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_OUTDIR: outdir,
    CDK_CONTEXT_JSON: JSON.stringify(integContext()),
    TS_NODE_PROJECT: path.join(INTEG_TEST_DIR, 'tsconfig.json'),
  });
  const result = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', app], {
    cwd: INTEG_TEST_DIR,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`${app} failed to synthesize (exit ${result.status ?? result.signal}):\n${result.stderr}${result.stdout}`);
  }
}

/** Synthesizes an app into a new temporary folder and returns the folder. */
export function synthIntegAppToTemp(app: string): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `cdk-integ.out.${app}.`));
  synthIntegApp(app, outdir);
  return outdir;
}

/**
 * The templates of a synthesized app that the check compares, by file name:
 * every stack's template, nested stacks and the assertion stack included
 * (integ-runner leaves the assertion stack out because of its `salt`; we mask
 * the salt instead, so a changed assertion shows up too).
 */
export function templatesOf(assemblyDir: string): Record<string, unknown> {
  const templates: Record<string, unknown> = {};
  for (const file of fs.readdirSync(assemblyDir).filter(f => f.endsWith('.template.json')).sort()) {
    templates[file] = JSON.parse(fs.readFileSync(path.join(assemblyDir, file), 'utf8'));
  }
  return templates;
}

/**
 * The normal form two templates are compared in: asset hashes masked (as
 * integ-runner does unless a test case sets `diffAssets`), and the `salt` of
 * integ-tests-alpha's assertion resources (the synthesis time, so that every
 * deployment runs the assertions again) removed.
 */
export function canonicalTemplate(template: any): unknown {
  const copy = JSON.parse(JSON.stringify(template));
  for (const resource of Object.values<any>(copy.Resources ?? {})) {
    if (typeof resource?.Type === 'string' && resource.Type.startsWith('Custom::DeployAssert@')) {
      delete resource.Properties?.salt;
    }
  }
  return mapStrings(copy, maskAssetHashes);
}

/** What `updateSnapshot` did. */
export type SnapshotUpdate = 'written' | 'unchanged';

/**
 * Replaces an app's snapshot with a fresh synthesis, cleaned up as integ-runner
 * cleans its snapshots (the asset zip cache `.cache/` removed; staged assets are
 * kept, so `cdk deploy --app test/<app>.snapshot` deploys exactly what was checked).
 *
 * Like `integ-runner --update-on-failed`, it leaves alone a snapshot the app
 * still matches (unless `force`): a new synthesis always differs in the
 * assertions' `salt`, the assertion stack's asset hash and the manifest, and
 * rewriting them would make every run a diff.
 */
export function updateSnapshot(app: string, force = false): SnapshotUpdate {
  const outdir = synthIntegAppToTemp(app);
  try {
    const target = snapshotDir(app);
    if (!force && fs.existsSync(target) && sameTemplates(templatesOf(outdir), templatesOf(target))) {
      return 'unchanged';
    }
    fs.rmSync(path.join(outdir, '.cache'), { recursive: true, force: true });
    fs.rmSync(target, { recursive: true, force: true });
    fs.cpSync(outdir, target, { recursive: true });
    return 'written';
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function sameTemplates(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  if (keys.join('\n') !== Object.keys(b).join('\n')) return false;
  return keys.every(k => JSON.stringify(canonicalTemplate(a[k])) === JSON.stringify(canonicalTemplate(b[k])));
}
