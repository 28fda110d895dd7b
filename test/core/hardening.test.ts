import { App, Stack, aws_iam as iam, aws_kms as kms, aws_logs as logs, aws_s3 as s3 } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Hardening, hardeningOf, logGroupSecurity, stackKey } from '../../src/core/hardening';
import { useManagedPolicies } from '../../src/core/managed-policies';
import { errorOf } from '../helpers/validators';

describe('Hardening', () => {
  test('is off by default, on under the scope it is enabled on, and on with the context key', () => {
    // GIVEN
    const app = new App();
    const plain = new Stack(app, 'Plain');
    const hardened = new Stack(app, 'Hardened');
    Hardening.enable(hardened);
    const fromContext = new App({ context: { [Hardening.CONTEXT_KEY]: true } });

    // THEN
    expect(Hardening.isEnabled(plain)).toBe(false);
    expect(Hardening.isEnabled(hardened)).toBe(true);
    expect(Hardening.isEnabled(new Stack(fromContext, 'S'))).toBe(true);
  });

  test('fails when a kit construct under the scope was created before the profile', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    const early = new iam.Role(stack, 'Early', { assumedBy: new iam.AccountRootPrincipal() });
    hardeningOf(early);

    // THEN
    expect(errorOf(() => Hardening.enable(stack)).message).toContain('S/Early was created before the profile was enabled');
  });

  test('fails when the retention is under a year', () => {
    const stack = new Stack(new App(), 'S');
    expect(errorOf(() => Hardening.enable(stack, { logRetention: logs.RetentionDays.SIX_MONTHS })).problems[0].prop).toBe('logRetention');
  });

  test('creates one key per top-level stack, with rotation, usable by CloudWatch Logs', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    Hardening.enable(stack);

    // WHEN
    const first = stackKey(new s3.Bucket(stack, 'A'));
    const second = hardeningOf(new s3.Bucket(stack, 'B'))!.encryptionKey();

    // THEN
    expect(second).toBe(first);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
    expect(JSON.stringify(template.toJSON())).toContain('kms:EncryptionContext:aws:logs:arn');
  });
});

describe('useManagedPolicies', () => {
  test('puts a role\'s statements in customer managed policies, split before IAM\'s size limit', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });

    // WHEN
    useManagedPolicies(role);
    for (let i = 0; i < 60; i++) new s3.Bucket(stack, `Bucket${i}`).grantRead(role);

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const policies = Object.values(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(policies.length).toBeGreaterThan(1);
    expect(policies.length).toBeLessThanOrEqual(10);
    for (const policy of policies) {
      expect(JSON.stringify(policy.Properties.PolicyDocument).length).toBeLessThan(6_144);
      expect(policy.Properties.Roles).toEqual([{ Ref: stack.getLogicalId(role.node.defaultChild as any) }]);
    }
  });

  test('keeps one policy, with the first id, for a few statements', () => {
    const stack = new Stack(new App(), 'S');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    useManagedPolicies(role);
    new s3.Bucket(stack, 'Bucket').grantRead(role);
    const template = Template.fromStack(stack);
    expect(Object.keys(template.findResources('AWS::IAM::ManagedPolicy'))).toEqual([expect.stringMatching(/^RolePolicy[0-9A-F]{8}$/)]);
  });
});

test('the context key takes the options that are plain values', () => {
  const stack = new Stack(new App({ context: { [Hardening.CONTEXT_KEY]: { webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/a/1', logRetention: 731 } } }), 'S');
  const profile = hardeningOf(new s3.Bucket(stack, 'B'))!;
  expect(profile.webAclArn).toBe('arn:aws:wafv2:us-east-1:123456789012:regional/webacl/a/1');
  expect(profile.logRetention).toBe(731);
});

test('a key given to a construct, or to the profile, lets CloudWatch Logs use it, once', () => {
  // GIVEN
  const stack = new Stack(new App(), 'S');
  const given = new kms.Key(stack, 'Given');
  const forProfile = new kms.Key(stack, 'ForProfile');
  const hardened = new Stack(stack.node.root as App, 'H');
  Hardening.enable(hardened, { encryptionKey: forProfile });

  // WHEN
  logGroupSecurity(new s3.Bucket(stack, 'A'), { encryptionKey: given }, logs.RetentionDays.ONE_MONTH);
  logGroupSecurity(new s3.Bucket(stack, 'B'), { encryptionKey: given }, logs.RetentionDays.ONE_MONTH);
  logGroupSecurity(new s3.Bucket(hardened, 'C'), {}, logs.RetentionDays.ONE_MONTH);

  // THEN
  const keys = Template.fromStack(stack).findResources('AWS::KMS::Key');
  for (const key of [given, forProfile]) {
    const statements = keys[stack.getLogicalId(key.node.defaultChild as kms.CfnKey)].Properties.KeyPolicy.Statement;
    expect(statements.filter((s: any) => s.Sid === 'CloudWatchLogsOfThisAccount')).toHaveLength(1);
  }
});
