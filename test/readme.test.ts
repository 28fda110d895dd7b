import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { expectNoFindings, synthesizeWithValidators } from './helpers/validators';

/**
 * The example README.md leads with must synthesize, validator-clean, as printed
 * (only its imports are pointed at this checkout's sources and dependencies).
 */
test('the README lead example synthesizes with zero validation findings', () => {
  // GIVEN the first TypeScript block of the README
  const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');
  const snippet = /```ts[^\n]*\n([\s\S]*?)```/.exec(readme)![1];
  expect(snippet).toContain("from 'cdk-ecs-kit'");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-ecs-kit-readme-'));
  const file = path.join(dir, 'readme-example.ts');
  // (it runs from a temporary folder, so its imports are pointed at this checkout)
  fs.writeFileSync(file, snippet.replace("from 'cdk-ecs-kit'", `from ${JSON.stringify(path.join(__dirname, '..', 'src'))}`)
    .replace("from 'aws-cdk-lib'", `from ${JSON.stringify(path.dirname(require.resolve('aws-cdk-lib/package.json')))}`)
    .replace('new App()', `new App({ outdir: ${JSON.stringify(path.join(dir, 'cdk.out'))}, context: { '@aws-cdk/core:validateAgainstDefaultRules': true } })`)
    + '\nexport { app };\n');

  // WHEN it runs, with the validators users' CI runs
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { app } = require(file) as { app: App };
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const { templates, findings } = synthesizeWithValidators(app);

  // THEN
  expectNoFindings(findings);
  expect(Object.keys(templates)).toEqual(['Shop']);
  templates.Shop.resourceCountIs('AWS::ECS::Service', 1);
});
