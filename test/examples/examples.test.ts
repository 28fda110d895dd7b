import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { createTestApp, expectNoFindings, synthesizeWithValidators } from '../helpers/validators';

/** Every example app: a folder under examples/ with a cdk.json and an app.ts exporting createStacks(app). */
const examplesDir = path.join(__dirname, '..', '..', 'examples');
const examples = fs.readdirSync(examplesDir)
  .filter(name => fs.existsSync(path.join(examplesDir, name, 'cdk.json')))
  .sort();

test('there are examples to check', () => {
  expect(examples.length).toBeGreaterThan(0);
});

describe.each(examples)('example %s', (name) => {
  test('synthesizes with zero validation findings and matches its snapshot', () => {
    // GIVEN the example's own cdk.json context, plus the validators users' CI runs
    const cdkJson = JSON.parse(fs.readFileSync(path.join(examplesDir, name, 'cdk.json'), 'utf-8'));
    const app: App = createTestApp({ context: cdkJson.context });
    // WHEN
    // The example is found at run time, so it is loaded with require (jest's CommonJS loader).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createStacks } = require(path.join(examplesDir, name, 'app'));
    const stacks: Stack[] = createStacks(app);
    const { templates, findings } = synthesizeWithValidators(app);
    // THEN
    expectNoFindings(findings);
    expect(stacks.length).toBeGreaterThan(0);
    for (const stack of stacks) {
      expect(templates[stack.artifactId].toJSON()).toMatchSnapshot(stack.artifactId);
    }
  });
});
