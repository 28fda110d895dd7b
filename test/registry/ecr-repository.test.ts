import { CfnParameter, Duration, RemovalPolicy, Stack, aws_ecr as ecr, aws_ecs as ecs, aws_iam as iam, aws_kms as kms, aws_logs as logs } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { EcrRepository, EcsKitValidationError } from '../../src';
import { createTestStack, errorOf, expectAcceptedOnlyWhen, validTemplate } from '../helpers/validators';

const PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'];

/** Container logging for task definitions built in tests (cdk-nag requires it). */
function testLogging(stack: Stack): ecs.LogDriver {
  return ecs.LogDrivers.awsLogs({ streamPrefix: 'test', logGroup: new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_WEEK }) });
}

function lifecycleRules(stack: Stack): any[] {
  const template = validTemplate(stack);
  const repo = Object.values(template.findResources('AWS::ECR::Repository'))[0] as any;
  return JSON.parse(repo.Properties.LifecyclePolicy.LifecyclePolicyText).rules;
}

describe('EcrRepository defaults', () => {
  test('default repository passes the validators and matches the snapshot', () => {
    // GIVEN
    const stack = createTestStack();
    // WHEN
    new EcrRepository(stack, 'Repo');
    // THEN
    const template = validTemplate(stack);
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('scans on push, tags immutable, AES256, retained', () => {
    const stack = createTestStack();
    new EcrRepository(stack, 'Repo');
    const template = validTemplate(stack);
    template.hasResource('AWS::ECR::Repository', {
      Properties: {
        ImageScanningConfiguration: { ScanOnPush: true },
        ImageTagMutability: 'IMMUTABLE',
        EncryptionConfiguration: { EncryptionType: 'AES256' },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('expires untagged images after 14 days and keeps the newest 200 images, the any-status rule last', () => {
    const stack = createTestStack();
    new EcrRepository(stack, 'Repo');
    expect(lifecycleRules(stack)).toEqual([
      expect.objectContaining({
        rulePriority: 1,
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 14, countUnit: 'days' },
        action: { type: 'expire' },
      }),
      expect.objectContaining({
        rulePriority: 2,
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 200 },
      }),
    ]);
  });

  test('the main child is Resource and the logical id is stable', () => {
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    expect(repo.node.defaultChild).toBe(repo.repository);
    expect(repo.repository.node.id).toBe('Resource');
    validTemplate(stack).templateMatches({
      Resources: { Repo1CC4487E: Match.objectLike({ Type: 'AWS::ECR::Repository' }) },
    });
  });

  test('emits no warning with default props', () => {
    const stack = createTestStack();
    new EcrRepository(stack, 'Repo');
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('EcrRepository props', () => {
  test('mutableTagPatterns maps to IMMUTABLE_WITH_EXCLUSION with wildcard filters', () => {
    const stack = createTestStack();
    new EcrRepository(stack, 'Repo', { mutableTagPatterns: ['latest', 'dev-*'] });
    validTemplate(stack).hasResourceProperties('AWS::ECR::Repository', {
      ImageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      ImageTagMutabilityExclusionFilters: [
        { ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: 'latest' },
        { ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: 'dev-*' },
      ],
    });
  });

  test('MUTABLE tags when asked', () => {
    const stack = createTestStack();
    new EcrRepository(stack, 'Repo', { imageTagMutability: ecr.TagMutability.MUTABLE });
    validTemplate(stack).hasResourceProperties('AWS::ECR::Repository', { ImageTagMutability: 'MUTABLE' });
  });

  test('scan on push can be turned off', () => {
    const stack = createTestStack();
    new EcrRepository(stack, 'Repo', { imageScanOnPush: false });
    validTemplate(stack).hasResourceProperties('AWS::ECR::Repository', {
      ImageScanningConfiguration: { ScanOnPush: false },
    });
  });

  test('a KMS key switches encryption to KMS and is exposed', () => {
    const stack = createTestStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const repo = new EcrRepository(stack, 'Repo', { encryptionKey: key });
    expect(repo.encryptionKey).toBe(key);
    validTemplate(stack).hasResourceProperties('AWS::ECR::Repository', {
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
    });
  });

  test('lifecycle retention and count are configurable', () => {
    const stack = createTestStack();
    new EcrRepository(stack, 'Repo', { untaggedImageRetention: Duration.days(3), maxImageCount: 50 });
    const rules = lifecycleRules(stack);
    expect(rules[0].selection.countNumber).toBe(3);
    expect(rules[1].selection.countNumber).toBe(50);
  });

  test('both default lifecycle rules can be turned off', () => {
    const stack = createTestStack();
    new EcrRepository(stack, 'Repo', { expireUntaggedImages: false, limitImageCount: false });
    validTemplate(stack).hasResourceProperties('AWS::ECR::Repository', { LifecyclePolicy: Match.absent() });
  });

  test('user rules get priorities between the defaults and the any-status rule stays last', () => {
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo', {
      lifecycleRules: [{ tagPrefixList: ['pr-'], maxImageAge: Duration.days(7) }],
    });
    repo.addLifecycleRule({ rulePriority: 10, tagPatternList: ['nightly-*'], maxImageCount: 5 });
    const rules = lifecycleRules(stack);
    const priorities = rules.map(r => r.rulePriority);
    expect(new Set(priorities).size).toBe(priorities.length);
    const anyRule = rules.find(r => r.selection.tagStatus === 'any');
    expect(anyRule.rulePriority).toBe(Math.max(...priorities));
    expect(rules.find(r => r.selection.tagPatternList?.[0] === 'nightly-*').rulePriority).toBe(10);
  });

  test('a user any-status rule replaces the count rule when limitImageCount is off', () => {
    const stack = createTestStack();
    new EcrRepository(stack, 'Repo', {
      limitImageCount: false,
      lifecycleRules: [{ tagStatus: ecr.TagStatus.ANY, maxImageCount: 30 }],
    });
    const rules = lifecycleRules(stack);
    expect(rules[rules.length - 1].selection).toEqual({ tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 30 });
  });

  test('applyRemovalPolicy reaches the repository resource', () => {
    const stack = new Stack();
    const repo = new EcrRepository(stack, 'Repo');
    repo.applyRemovalPolicy(RemovalPolicy.DESTROY);
    Template.fromStack(stack).hasResource('AWS::ECR::Repository', { DeletionPolicy: 'Delete' });
  });

  test('DESTROY with emptyOnDelete deletes the images too', () => {
    const stack = createTestStack();
    new EcrRepository(stack, 'Repo', { removalPolicy: RemovalPolicy.DESTROY, emptyOnDelete: true });
    validTemplate(stack).hasResource('AWS::ECR::Repository', {
      Properties: { EmptyOnDelete: true },
      DeletionPolicy: 'Delete',
    });
  });

  test('DESTROY without emptyOnDelete warns that deletion fails while images remain', () => {
    const stack = createTestStack();
    new EcrRepository(stack, 'Repo', { removalPolicy: RemovalPolicy.DESTROY });
    Annotations.fromStack(stack).hasWarning('/TestStack/Repo',
      Match.stringLikeRegexp('removalPolicy is DESTROY without emptyOnDelete.*cdk-ecs-kit:EcrRepository.destroyWithImages'));
  });
});

describe('EcrRepository as an ecr.IRepository', () => {
  test('works with ecs.ContainerImage.fromEcrRepository and grants pull to the execution role', () => {
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    taskDefinition.addContainer('web', { image: ecs.ContainerImage.fromEcrRepository(repo, 'v1'), logging: testLogging(stack) });
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: PULL_ACTIONS, Resource: { 'Fn::GetAtt': ['Repo1CC4487E', 'Arn'] } }),
        ]),
      },
    });
    // The registry login sits in the kit's managed policy of the execution role (not inline: cdk-nag's NIST/HIPAA/PCI packs flag those).
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 'ecr:GetAuthorizationToken', Resource: '*' }),
        ]),
      },
    });
  });

  test('grantPull on a role of the same account uses the role policy, not the repository policy', () => {
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    repo.grantPull(role);
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECR::Repository', { RepositoryPolicyText: Match.absent() });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Role') }],
    });
  });

  test('containerImage and imageUri accept a tag or a digest', () => {
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(stack.resolve(repo.imageUri('v1.2.3'))).toEqual({ 'Fn::Join': ['', expect.arrayContaining([':v1.2.3'])] });
    expect(stack.resolve(repo.imageUri(digest))).toEqual({ 'Fn::Join': ['', expect.arrayContaining([`@${digest}`])] });
    const taskDefinition = new ecs.FargateTaskDefinition(stack, 'Task');
    taskDefinition.addContainer('web', { image: repo.containerImage(digest), logging: testLogging(stack) });
    validTemplate(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Image: { 'Fn::Join': ['', Match.arrayWith([`@${digest}`])] } })],
    });
  });

  test('imports by name, ARN and attributes', () => {
    const stack = createTestStack('Imports', { account: '111122223333', region: 'eu-west-1' });
    const byName = EcrRepository.fromRepositoryName(stack, 'ByName', 'shop/web');
    const byArn = EcrRepository.fromRepositoryArn(stack, 'ByArn', 'arn:aws:ecr:us-east-1:444455556666:repository/team/api');
    const byAttrs = EcrRepository.fromRepositoryAttributes(stack, 'ByAttrs', {
      repositoryName: 'tools', repositoryArn: 'arn:aws:ecr:eu-west-1:111122223333:repository/tools',
    });
    expect(byName.repositoryName).toBe('shop/web');
    expect(stack.resolve(byName.repositoryArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecr:eu-west-1:111122223333:repository/shop/web']],
    });
    expect(byArn.repositoryName).toBe('team/api');
    expect(byArn.env).toEqual({ account: '444455556666', region: 'us-east-1' });
    expect(stack.resolve(byArn.imageUri('v1'))).toEqual({
      'Fn::Join': ['', ['444455556666.dkr.ecr.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/team/api:v1']],
    });
    expect(byAttrs.repositoryName).toBe('tools');
    // An imported repository's policy is not ours: grants go to the principal's policy.
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    byAttrs.grantPull(role);
    const template = validTemplate(stack);
    // The role's own policy with the scoped pull actions, and the kit's policy with the registry login.
    template.resourceCountIs('AWS::IAM::Policy', 1);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [Match.objectLike({ Action: PULL_ACTIONS, Resource: 'arn:aws:ecr:eu-west-1:111122223333:repository/tools' })] },
    });
  });
});

describe('EcrRepository policy helpers', () => {
  test('cross-account and organization pull, with readable Sids and no Resource', () => {
    const stack = createTestStack();
    new EcrRepository(stack, 'Repo', {
      pullAccountIds: ['111122223333', '444455556666'],
      pullOrganizationId: 'o-a1b2c3d4e5',
    });
    const template = validTemplate(stack);
    expect(template.toJSON()).toMatchSnapshot();
    template.hasResourceProperties('AWS::ECR::Repository', {
      RepositoryPolicyText: {
        Statement: [
          {
            Sid: 'AllowCrossAccountPull',
            Effect: 'Allow',
            Action: PULL_ACTIONS,
            Principal: {
              AWS: [
                { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:root']] },
                { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::444455556666:root']] },
              ],
            },
          },
          {
            Sid: 'AllowOrganizationPull',
            Effect: 'Allow',
            Action: PULL_ACTIONS,
            Principal: { AWS: '*' },
            Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
          },
        ],
      },
    });
  });

  test('allowPull and allowPush add statements with unique Sids', () => {
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    repo.allowPull(new iam.ArnPrincipal('arn:aws:iam::111122223333:role/reader'));
    repo.allowPull(new iam.ArnPrincipal('arn:aws:iam::111122223333:role/other'));
    repo.allowPush(new iam.ArnPrincipal('arn:aws:iam::111122223333:role/ci'));
    validTemplate(stack).hasResourceProperties('AWS::ECR::Repository', {
      RepositoryPolicyText: {
        Statement: [
          Match.objectLike({ Sid: 'AllowPull', Action: PULL_ACTIONS }),
          Match.objectLike({ Sid: 'AllowPull2', Action: PULL_ACTIONS }),
          Match.objectLike({
            Sid: 'AllowPush',
            Action: [...PULL_ACTIONS, 'ecr:CompleteLayerUpload', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart'],
            Principal: { AWS: 'arn:aws:iam::111122223333:role/ci' },
          }),
        ],
      },
    });
  });

  test('allowPull and allowPush return the statement they added, frozen', () => {
    // GIVEN
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    const reader = new iam.ArnPrincipal('arn:aws:iam::111122223333:role/reader');
    const ci = new iam.ArnPrincipal('arn:aws:iam::111122223333:role/ci');
    // WHEN
    const pull = repo.allowPull(reader);
    const pull2 = repo.allowPull(ci);
    const push = repo.allowPush(ci);
    // THEN: each return value is the statement in the template, Sid included
    expect(pull).toBeInstanceOf(iam.PolicyStatement);
    expect(pull.sid).toBe('AllowPull');
    expect(pull2.sid).toBe('AllowPull2');
    expect(push.sid).toBe('AllowPush');
    expect(pull.effect).toBe(iam.Effect.ALLOW);
    expect(pull.actions).toEqual(PULL_ACTIONS);
    expect(push.actions).toEqual([...PULL_ACTIONS, 'ecr:CompleteLayerUpload', 'ecr:InitiateLayerUpload', 'ecr:PutImage', 'ecr:UploadLayerPart']);
    expect(pull.principals).toEqual([reader]);
    expect(pull.frozen).toBe(true);
    const statements = validTemplate(stack).findResources('AWS::ECR::Repository');
    const policy = (Object.values(statements)[0] as any).Properties.RepositoryPolicyText;
    expect(policy.Statement).toEqual([pull, pull2, push].map(s => stack.resolve(s.toStatementJson())));
    // The statement was checked when added: editing it afterwards (e.g. a wildcard principal) is refused.
    expect(() => pull.addAnyPrincipal()).toThrow(/freeze\(\) has been called/);
  });

  test('allowPullFromAccounts and allowPullFromOrganization return the statement they added, frozen', () => {
    const repo = new EcrRepository(createTestStack(), 'Repo');
    const accounts = repo.allowPullFromAccounts(['111122223333']);
    const organization = repo.allowPullFromOrganization('o-abc123def4');
    expect([accounts.sid, organization.sid]).toEqual(['AllowCrossAccountPull', 'AllowOrganizationPull']);
    expect(accounts.principals.map(p => (p as iam.AccountPrincipal).accountId)).toEqual(['111122223333']);
    expect(organization.conditions).toEqual({ StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } });
    expect([accounts.frozen, organization.frozen]).toEqual([true, true]);
  });

  test('a wildcard principal with a condition is accepted', () => {
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    const result = repo.addToResourcePolicy(new iam.PolicyStatement({
      actions: PULL_ACTIONS,
      principals: [new iam.AnyPrincipal()],
      conditions: { StringEquals: { 'aws:SourceVpce': 'vpce-1234' } },
    }));
    expect(result.statementAdded).toBe(true);
  });
});

describe('EcrRepository bad input', () => {

  test.each([
    ['too short', 'a'],
    ['uppercase', 'MyRepo'],
    ['double separator', 'my--repo'],
    ['leading separator', '-repo'],
    ['trailing slash', 'team/'],
    ['too long', 'a'.repeat(257)],
  ])('fails when the repository name is %s', (_, name) => {
    const stack = createTestStack();
    const error = errorOf(() => new EcrRepository(stack, 'Repo', { repositoryName: name }));
    expect(error.constructPath).toBe('TestStack/Repo');
    expect(error.message).toContain("EcrRepository at 'TestStack/Repo'");
    expect(error.message).toContain(`repositoryName: received ${JSON.stringify(name)}`);
  });

  test('fails when an account id is not 12 digits, naming the value', () => {
    const stack = createTestStack();
    expect(() => new EcrRepository(stack, 'Repo', { pullAccountIds: ['12345'] }))
      .toThrow(/pullAccountIds: received "12345"\. An AWS account id is exactly 12 digits/);
  });

  test('fails when the account list is empty', () => {
    const stack = createTestStack();
    expect(() => new EcrRepository(stack, 'Repo', { pullAccountIds: [] }))
      .toThrow(/pullAccountIds: received \[\]\. Give at least one 12-digit AWS account id/);
  });

  test('fails when the organization id is malformed', () => {
    const stack = createTestStack();
    expect(() => new EcrRepository(stack, 'Repo', { pullOrganizationId: 'o-ABC' }))
      .toThrow(/pullOrganizationId: received "o-ABC"\. An AWS Organization id is "o-" followed by 10 to 32/);
  });

  test('fails when the image count is below 1', () => {
    const stack = createTestStack();
    expect(() => new EcrRepository(stack, 'Repo', { maxImageCount: 0 }))
      .toThrow(/maxImageCount: received 0\. Keep 1 to 10000 images/);
  });

  test('fails when the untagged retention is below 1 day', () => {
    const stack = createTestStack();
    expect(() => new EcrRepository(stack, 'Repo', { untaggedImageRetention: Duration.hours(12) }))
      .toThrow(/untaggedImageRetention: received "Duration.hours\(12\)"\. Use a whole number of days, at least Duration.days\(1\)/);
  });

  test('fails when emptyOnDelete is set without DESTROY', () => {
    const stack = createTestStack();
    expect(() => new EcrRepository(stack, 'Repo', { emptyOnDelete: true }))
      .toThrow(/emptyOnDelete: received true\. .*set removalPolicy: RemovalPolicy.DESTROY \(got RemovalPolicy.RETAIN\)/);
  });

  test('fails when mutable tag patterns are given while tags are MUTABLE anyway', () => {
    const stack = createTestStack();
    expect(() => new EcrRepository(stack, 'Repo', { imageTagMutability: ecr.TagMutability.MUTABLE, mutableTagPatterns: ['latest'] }))
      .toThrow(/mutableTagPatterns: received \["latest"\]\. Every tag is already mutable/);
  });

  test('fails when the tag mutability is one of the exclusion modes', () => {
    const stack = createTestStack();
    expect(() => new EcrRepository(stack, 'Repo', { imageTagMutability: ecr.TagMutability.MUTABLE_WITH_EXCLUSION }))
      .toThrow(/imageTagMutability: received "TagMutability.MUTABLE_WITH_EXCLUSION"\. Use TagMutability.IMMUTABLE \(with mutableTagPatterns/);
  });

  test('fails when allowPull or allowPush gets no principal', () => {
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    expect(() => repo.allowPull()).toThrow(/allowPull\(principals\): received \[\]\. Give at least one principal/);
    expect(() => repo.allowPush()).toThrow(/allowPush\(principals\): received \[\]/);
  });

  test('fails when a statement has a wildcard principal and no condition', () => {
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    expect(() => repo.allowPull(new iam.AnyPrincipal())).toThrow(/makes the repository public/);
    expect(() => repo.addToResourcePolicy(new iam.PolicyStatement({ actions: PULL_ACTIONS, principals: [new iam.StarPrincipal()] })))
      .toThrow(/addToResourcePolicy\(statement\): received "\*"\. A wildcard principal without a condition/);
  });

  test('fails when a lifecycle rule reuses a priority or adds a second any-status rule', () => {
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    repo.addLifecycleRule({ rulePriority: 5, tagPrefixList: ['a'], maxImageCount: 3 });
    expect(() => repo.addLifecycleRule({ rulePriority: 5, tagPrefixList: ['b'], maxImageCount: 3 }))
      .toThrow(/addLifecycleRule\(rule\)\.rulePriority: received 5\. Each lifecycle rule needs its own priority and the rule of an earlier addLifecycleRule\(rule\) has it already/);
    expect(() => repo.addLifecycleRule({ maxImageCount: 3 }))
      .toThrow(/addLifecycleRule\(rule\)\.tagStatus: received undefined\. A rule without tagStatus and tag lists matches any tag status.*set limitImageCount: false/);
  });

  test('fails when a tag or digest is malformed', () => {
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    expect(() => repo.imageUri('-bad')).toThrow(/tagOrDigest: received "-bad"/);
    expect(() => repo.containerImage('sha256:xyz')).toThrow(/tagOrDigest: received "sha256:xyz"/);
  });

  test('reports several problems in one error', () => {
    const stack = createTestStack();
    const error = errorOf(() => new EcrRepository(stack, 'Repo', {
      repositoryName: 'Bad Name', maxImageCount: -1, pullAccountIds: ['x'],
    }));
    expect(error.problems.map(p => p.prop)).toEqual(['repositoryName', 'maxImageCount', 'pullAccountIds']);
    expect(error.message).toContain('has 3 invalid props');
  });

  test('does not validate unresolved tokens', () => {
    const stack = createTestStack();
    const name = new CfnParameter(stack, 'Name').valueAsString;
    expect(() => new EcrRepository(stack, 'Repo', { repositoryName: name, pullAccountIds: [stack.account] })).not.toThrow();
  });
});

describe('EcrRepository properties', () => {
  const validName = fc.stringMatching(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)?$/)
    .filter(name => name.length >= 2 && name.length <= 256);

  test('every name either synthesizes or fails with our error', () => {
    fc.assert(fc.property(fc.oneof(validName, fc.string({ maxLength: 40 })), name => {
      const stack = new Stack();
      try {
        new EcrRepository(stack, 'Repo', { repositoryName: name });
      } catch (e) {
        expect(EcsKitValidationError.isEcsKitValidationError(e)).toBe(true);
        return;
      }
      Template.fromStack(stack).resourceCountIs('AWS::ECR::Repository', 1);
    }), { numRuns: 100 });
  });

  test('every valid name is accepted', () => {
    fc.assert(fc.property(validName, name => {
      expect(() => new EcrRepository(new Stack(), 'Repo', { repositoryName: name })).not.toThrow();
    }), { numRuns: 200 });
  });

  test('every image count either works or fails with our error', () => {
    fc.assert(fc.property(fc.integer({ min: -5, max: 20_000 }), count => {
      expectAcceptedOnlyWhen(count >= 1 && count <= 10_000, () => new EcrRepository(new Stack(), 'Repo', { maxImageCount: count }));
    }), { numRuns: 100 });
  });
});
