/**
 * One synthesis in its own process: `synth-once <kit|cdk> <services> <outdir>`.
 * Prints one JSON line: stacks (nested ones included), resources (all, and the
 * most in one stack), template bytes, peak memory — or the error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { NEW_PROJECT_CONTEXT, buildCdkApp, buildKitApp } from './apps';
import { nestedTemplateFiles } from '../lib/core/cost/nested-templates';

const [side, services, outdir] = process.argv.slice(2);
const app = new App({ outdir, context: NEW_PROJECT_CONTEXT });
try {
  (side === 'kit' ? buildKitApp : buildCdkApp)(app, Number(services));
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
