import * as fs from 'fs';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { PLAIN_HTTP_RULES, hardenedExampleContext, servesPlainHttp } from '../helpers/hardened-examples';
import { findingsByCreator } from '../helpers/kit-findings';
import { Finding, createHardenedTestApp, expectNoFindings, synthesizeWithValidators } from '../helpers/validators';

/**
 * Issue 18, Part 3: every example in the hardened profile, validated with
 * cdk-nag's AwsSolutions, NIST 800-53 R5, HIPAA Security and PCI DSS 3.2.1
 * packs plus aws-cdk-lib's CloudFormation validation: no unacknowledged
 * finding on a resource the kit creates.
 */
const examplesDir = path.join(__dirname, '..', '..', 'examples');
const examples = fs.readdirSync(examplesDir)
  .filter(name => fs.existsSync(path.join(examplesDir, name, 'cdk.json')))
  .sort();

/** The validation plugin names of cdk-nag's four packs. */
const CDK_NAG_PACKS = ['AwsSolutions', 'NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];

/** Log groups whose retention the example gives itself: a construct's own prop wins over the profile. */
const OWN_RETENTION: Record<string, string[]> = { 'nginx-walkthrough': ['NginxLogGroup'] };

test('there are examples to check', () => {
  expect(examples.length).toBeGreaterThan(0);
});

describe.each(examples)('example %s in the hardened profile', (name) => {
  test('has no finding of the four cdk-nag packs on what the kit creates', () => {
    // GIVEN the example's own cdk.json context, the profile with a web ACL, and the four packs
    const cdkJson = JSON.parse(fs.readFileSync(path.join(examplesDir, name, 'cdk.json'), 'utf-8'));
    const app: App = createHardenedTestApp({
      context: hardenedExampleContext(name, cdkJson.context),
    });

    // WHEN
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { createStacks } = require(path.join(examplesDir, name, 'app'));
    const stacks: Stack[] = createStacks(app);
    const { templates, findings } = synthesizeWithValidators(app);

    // THEN every finding on the kit's resources fails the test, and every CloudFormation validation finding
    const packFinding = (finding: Finding) => CDK_NAG_PACKS.includes(finding.plugin);
    const { kit } = findingsByCreator(app, findings.filter(packFinding));
    expectNoFindings([
      ...findings.filter(finding => !packFinding(finding)),
      ...kit.filter(finding => !(servesPlainHttp(name) && PLAIN_HTTP_RULES.test(finding.ruleId.replace(/\[.*$/, '')))),
    ]);

    // and every log group the kit creates is encrypted with a customer key and keeps its events a year or more
    for (const stack of stacks) {
      const logGroups = templates[stack.artifactId].findResources('AWS::Logs::LogGroup');
      for (const [id, logGroup] of Object.entries(logGroups)) {
        expect({ id, key: logGroup.Properties?.KmsKeyId !== undefined }).toEqual({ id, key: true });
        if (OWN_RETENTION[name]?.some(prefix => id.startsWith(prefix))) continue;
        expect({ id, retention: logGroup.Properties?.RetentionInDays >= 365 }).toEqual({ id, retention: true });
      }
    }
  });
});
