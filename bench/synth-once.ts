/**
 * One synthesis in its own process: `synth-once <kit|cdk> <services> <outdir>`.
 * Prints one JSON line: stacks (nested ones included), resources (all, and the
 * most in one stack), template bytes, peak memory — or the error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { NEW_PROJECT_CONTEXT, buildCdkApp, buildKitApp } from './apps';
import { nestedTemplatePaths } from '../lib/core/cost/nested-templates';

const [side, services, outdir] = process.argv.slice(2);
const app = new App({ outdir, context: NEW_PROJECT_CONTEXT });
try {
  (side === 'kit' ? buildKitApp : buildCdkApp)(app, Number(services));
  const assembly = app.synth();
  let resources = 0;
  let templateBytes = 0;
  let stacks = 0;
  let maxResourcesPerStack = 0;
  // Every template: the stacks and, through their AWS::CloudFormation::Stack resources, their nested stacks.
  const visit = (file: string): void => {
    const template = JSON.parse(fs.readFileSync(file, 'utf-8'));
    const own = Object.values<any>(template.Resources ?? {});
    stacks++;
    resources += own.length;
    maxResourcesPerStack = Math.max(maxResourcesPerStack, own.length);
    templateBytes += fs.statSync(file).size;
    for (const nested of Object.values(nestedTemplatePaths(file, template))) visit(nested);
  };
  for (const stack of assembly.stacks) visit(path.join(assembly.directory, stack.templateFile));
  console.log(JSON.stringify({ ok: true, stacks, resources, maxResourcesPerStack, templateBytes, maxRssKiB: process.resourceUsage().maxRSS }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: (e as Error).message.split('\n')[0], maxRssKiB: process.resourceUsage().maxRSS }));
}
