/**
 * One synthesis in its own process: `synth-once <kit|kit-group|cdk> <services> <outdir>`
 * (`kit-group`: the kit's services in a FargateWebServiceGroup even at one service).
 * Prints one JSON line: stacks (nested ones included), resources (all, and the
 * most in one stack), template bytes, peak memory — or the error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { NEW_PROJECT_CONTEXT } from './context';
import { nestedTemplateFiles } from '../lib/core/cost/nested-templates';

function main(): void {
  const [side, services, outdir] = process.argv.slice(2);
  const app = new App({ outdir, context: NEW_PROJECT_CONTEXT });
  try {
    // Each side loads only its own app's modules (a require, not an import, so
    // that it happens here): the aws-cdk-lib side never loads cdk-ecs-kit.
    if (side === 'cdk') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('./cdk-app') as typeof import('./cdk-app')).buildCdkApp(app, Number(services));
    } else {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      (require('./kit-app') as typeof import('./kit-app')).buildKitApp(app, Number(services), { group: side === 'kit-group' });
    }
    const assembly = app.synth();
    // Every template: the stacks and their nested stacks.
    const stackFiles = assembly.stacks.map(stack => path.join(assembly.directory, stack.templateFile));
    const files = [...stackFiles, ...nestedTemplateFiles(stackFiles)];
    const counts = files.map(file => Object.keys(JSON.parse(fs.readFileSync(file, 'utf-8')).Resources ?? {}).length);
    const stacks = files.length;
    const resources = counts.reduce((sum, n) => sum + n, 0);
    const maxResourcesPerStack = Math.max(...counts);
    const templateBytes = files.reduce((sum, file) => sum + fs.statSync(file).size, 0);
    console.log(JSON.stringify({ ok: true, stacks, resources, maxResourcesPerStack, templateBytes, maxRssKiB: process.resourceUsage().maxRSS }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, error: (e as Error).message.split('\n')[0], maxRssKiB: process.resourceUsage().maxRSS }));
  }
}

main();
