/**
 * One synthesis in its own process: `synth-once <kit|cdk> <services> <outdir>`.
 * Prints one JSON line: resources, template bytes, stacks, or the error.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { buildCdkApp, buildKitApp } from './apps';

const [side, services, outdir] = process.argv.slice(2);
const app = new App({ outdir });
try {
  (side === 'kit' ? buildKitApp : buildCdkApp)(app, Number(services));
  const assembly = app.synth();
  let resources = 0;
  let templateBytes = 0;
  for (const stack of assembly.stacks) {
    resources += Object.keys(stack.template.Resources ?? {}).length;
    templateBytes += fs.statSync(path.join(assembly.directory, stack.templateFile)).size;
  }
  console.log(JSON.stringify({ ok: true, stacks: assembly.stacks.length, resources, templateBytes, maxRssKiB: process.resourceUsage().maxRSS }));
} catch (e) {
  console.log(JSON.stringify({ ok: false, error: (e as Error).message.split('\n')[0], maxRssKiB: process.resourceUsage().maxRSS }));
}
