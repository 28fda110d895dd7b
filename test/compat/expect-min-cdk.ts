/**
 * Setup file of the minimum aws-cdk-lib run (scripts/test-min-cdk.ts): fails
 * every test file unless `aws-cdk-lib`, `constructs` and `cdk-nag` load from the
 * installed minimum, so a broken module mapping cannot silently test the
 * development version instead.
 */
import * as path from 'path';

const modules = process.env.CDK_ECS_KIT_MIN_CDK_MODULES;
const version = process.env.CDK_ECS_KIT_MIN_CDK;
for (const name of ['aws-cdk-lib', 'constructs', 'cdk-nag']) {
  const resolved = require.resolve(name);
  if (modules === undefined || !resolved.startsWith(modules + path.sep)) {
    throw new Error(`${name} resolves to ${resolved}, not to the minimum's copy in ${modules}: run through scripts/test-min-cdk.ts`);
  }
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loaded: string = require('aws-cdk-lib/package.json').version;
if (loaded !== version) throw new Error(`aws-cdk-lib ${loaded} is loaded, expected ${version}`);
