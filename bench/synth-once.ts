/**
 * One synthesis in its own process: `synth-once <kit|kit-group|cdk|cdk-equivalent> <services> <outdir>`
 * (`kit-group`: the kit's services in a FargateWebServiceGroup even at one service;
 * `cdk-equivalent`: the kit's reference app written by hand with aws-cdk-lib).
 * Prints one JSON line: stacks (nested ones included), resources (all, and the
 * most in one stack), template bytes, peak memory, the milliseconds of each
 * phase (creating the App and loading the app's modules, constructing,
 * synthesizing with the built-in validation unless CDK_VALIDATION=false) — or the error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { App } from 'aws-cdk-lib';
import { NEW_PROJECT_CONTEXT } from './context';
import { nestedTemplateFiles } from '../lib/cost/nested-templates';

/**
 * Loads only the side's own app module — a require, not an import, so that it
 * happens here and is timed: the aws-cdk-lib sides never load cdk-ecs-kit.
 */
function loadApp(side: string, app: App): (services: number) => unknown {
  /* eslint-disable @typescript-eslint/no-require-imports */
  switch (side) {
    case 'cdk': {
      const { buildCdkApp } = require('./cdk-app') as typeof import('./cdk-app');
      return n => buildCdkApp(app, n);
    }
    case 'cdk-equivalent': {
      const { buildCdkEquivalentApp } = require('./cdk-equivalent-app') as typeof import('./cdk-equivalent-app');
      return n => buildCdkEquivalentApp(app, n);
    }
    default: {
      const { buildKitApp } = require('./kit-app') as typeof import('./kit-app');
      return n => buildKitApp(app, n, { group: side === 'kit-group' });
    }
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
}

function main(): void {
  const [side, services, outdir] = process.argv.slice(2);
  const started = performance.now();
  const app = new App({ outdir, context: NEW_PROJECT_CONTEXT });
  try {
    const build = loadApp(side, app);
    const loaded = performance.now();
    build(Number(services));
    const built = performance.now();
    const assembly = app.synth();
    const synthesized = performance.now();
    // Every template: the stacks and their nested stacks.
    const stackFiles = assembly.stacks.map(stack => path.join(assembly.directory, stack.templateFile));
    const files = [...stackFiles, ...nestedTemplateFiles(stackFiles)];
    const counts = files.map(file => Object.keys(JSON.parse(fs.readFileSync(file, 'utf-8')).Resources ?? {}).length);
    const stacks = files.length;
    const resources = counts.reduce((sum, n) => sum + n, 0);
    const maxResourcesPerStack = Math.max(...counts);
    const templateBytes = files.reduce((sum, file) => sum + fs.statSync(file).size, 0);
    const milliseconds = { load: loaded - started, construct: built - loaded, synth: synthesized - built };
    const maxRssKiB = process.resourceUsage().maxRSS;
    console.log(JSON.stringify({ ok: true, stacks, resources, maxResourcesPerStack, templateBytes, maxRssKiB, milliseconds }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, error: (e as Error).message.split('\n')[0], maxRssKiB: process.resourceUsage().maxRSS }));
  }
}

main();
