/**
 * `npm run test:min-cdk` (also the step after jest in `npm test`): runs every
 * example and one test file per construct family against the OLDEST aws-cdk-lib
 * the package supports — the minimum of its `aws-cdk-lib` peer dependency — so
 * the range package.json declares is tested, not claimed.
 *
 * That aws-cdk-lib (with the same constructs minimum and the same cdk-nag as
 * development) is installed once from the npm registry into a cache folder
 * outside the repository, `~/.cache/cdk-ecs-kit/min-cdk/<versions>/` (or
 * `$CDK_ECS_KIT_MIN_CDK_DIR/<versions>/`), and reused while the versions stay the
 * same. Jest then runs the TypeScript sources with `aws-cdk-lib`, `constructs`
 * and `cdk-nag` mapped to that copy (cdk-nag must see the same aws-cdk-lib, or
 * its validation plugin and aspects do not attach).
 *
 * Snapshots are not compared in this run: templates legitimately differ between
 * aws-cdk-lib versions, and the run with the development version compares them.
 * test/compat/no-snapshots.ts turns `toMatchSnapshot` into a no-op, so every
 * other assertion (synthesis, validation findings, errors, template properties)
 * still runs, and test/compat/snapshot-resolver.ts looks for snapshot files where
 * there are none, so the committed ones are not reported obsolete.
 *
 * Arguments are passed to jest, e.g. `npm run test:min-cdk -- -t 'fails when'`.
 * `CDK_ECS_KIT_CDK_VERSION=2.X.Y` runs against another aws-cdk-lib (to find a new minimum).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '..');

/**
 * The test files run against the minimum: every example's synthesis (with the
 * validators users' CI runs), and one file per construct family.
 */
const MIN_CDK_TEST_FILES = [
  'test/examples/examples.test.ts',
  'test/cluster/ecs-cluster.test.ts',
  'test/registry/ecr-repository.test.ts',
  'test/service/fargate-web-service.test.ts',
  'test/service/shared-load-balancer.test.ts',
  'test/job/ec2-batch-job.test.ts',
  'test/job/job-schedule.test.ts',
  'test/compose/compose-app.test.ts',
  'test/cost/cost.test.ts',
];

/** The lowest version a `^X.Y.Z` (or exact) range of package.json accepts. */
function minimumOf(range: string | undefined, name: string): string {
  const match = /^\^?(\d+\.\d+\.\d+)$/.exec(range ?? '');
  if (!match) throw new Error(`peerDependencies.${name} must be "^X.Y.Z" to know its minimum, found ${JSON.stringify(range)}`);
  return match[1];
}

/** Installs the packages into `dir` once; a marker file records a complete install. */
function ensureInstalled(dir: string, dependencies: Record<string, string>): void {
  if (isInstalled(dir, dependencies)) return;
  console.log(`test:min-cdk: installing ${Object.entries(dependencies).map(([n, v]) => `${n}@${v}`).join(' ')} into ${dir}`);
  // Install beside the target and move it in place, so an interrupted install is never reused.
  const staging = `${dir}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  fs.writeFileSync(path.join(staging, 'package.json'), JSON.stringify({ name: 'cdk-ecs-kit-min-cdk', private: true, dependencies }, undefined, 2));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const install = spawnSync(npm, ['install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: staging, stdio: 'inherit' });
  if (install.status !== 0) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw new Error(`npm install of the minimum aws-cdk-lib failed (exit code ${install.status})`);
  }
  fs.writeFileSync(path.join(staging, 'installed.json'), JSON.stringify(dependencies));
  if (isInstalled(dir, dependencies)) {
    // Another run installed the same versions meanwhile.
    fs.rmSync(staging, { recursive: true, force: true });
    return;
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
}

function isInstalled(dir: string, dependencies: Record<string, string>): boolean {
  const marker = path.join(dir, 'installed.json');
  return fs.existsSync(marker) && fs.readFileSync(marker, 'utf-8') === JSON.stringify(dependencies);
}

function installedVersion(dir: string, name: string): string {
  return JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', name, 'package.json'), 'utf-8')).version;
}

function main(args: string[]): number {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
  const dependencies = {
    // CDK_ECS_KIT_CDK_VERSION tries another version, e.g. to find a new minimum.
    'aws-cdk-lib': process.env.CDK_ECS_KIT_CDK_VERSION ?? minimumOf(pkg.peerDependencies?.['aws-cdk-lib'], 'aws-cdk-lib'),
    'constructs': minimumOf(pkg.peerDependencies?.constructs, 'constructs'),
    // The cdk-nag rules the development run uses, so findings are comparable.
    'cdk-nag': installedVersion(root, 'cdk-nag'),
  };
  const cacheRoot = process.env.CDK_ECS_KIT_MIN_CDK_DIR
    ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'cdk-ecs-kit', 'min-cdk');
  const dir = path.join(cacheRoot, Object.entries(dependencies).map(([n, v]) => `${n}@${v}`).join('+'));
  ensureInstalled(dir, dependencies);
  for (const [name, version] of Object.entries(dependencies)) {
    const installed = installedVersion(dir, name);
    if (installed !== version) throw new Error(`${dir} holds ${name}@${installed}, expected ${version}`);
  }

  const missing = MIN_CDK_TEST_FILES.filter(file => !fs.existsSync(path.join(root, file)));
  if (missing.length > 0) throw new Error(`Test files of the minimum aws-cdk-lib run not found (renamed?): ${missing.join(', ')}`);
  const modules = path.join(dir, 'node_modules');
  const config = {
    ...pkg.jest,
    rootDir: root,
    // Every `aws-cdk-lib`, `aws-cdk-lib/…`, `constructs` and `cdk-nag` import, ours and cdk-nag's, gets the minimum's copy.
    moduleNameMapper: {
      ...pkg.jest.moduleNameMapper,
      '^aws-cdk-lib(/.*)?$': `${modules}/aws-cdk-lib$1`,
      '^constructs(/.*)?$': `${modules}/constructs$1`,
      '^cdk-nag(/.*)?$': `${modules}/cdk-nag$1`,
    },
    setupFilesAfterEnv: [...pkg.jest.setupFilesAfterEnv ?? [], '<rootDir>/test/compat/expect-min-cdk.ts', '<rootDir>/test/compat/no-snapshots.ts'],
    snapshotResolver: '<rootDir>/test/compat/snapshot-resolver.ts',
    // Coverage and the JUnit report belong to the main run.
    collectCoverage: false,
    reporters: ['default'],
  };
  console.log(`test:min-cdk: ${MIN_CDK_TEST_FILES.length} test files against aws-cdk-lib ${dependencies['aws-cdk-lib']} (snapshots not compared)`);
  const jest = spawnSync(process.execPath, [
    require.resolve('jest/bin/jest', { paths: [root] }),
    '--config', JSON.stringify(config),
    '--ci',
    '--runTestsByPath', ...MIN_CDK_TEST_FILES,
    ...args,
  ], {
    cwd: root,
    stdio: 'inherit',
    // Read by test/compat/expect-min-cdk.ts, which checks that the mapping took effect.
    env: { ...process.env, CDK_ECS_KIT_MIN_CDK: dependencies['aws-cdk-lib'], CDK_ECS_KIT_MIN_CDK_MODULES: modules },
  });
  return jest.status ?? 1;
}

process.exitCode = main(process.argv.slice(2));
