import { CfnParameter, Duration, RemovalPolicy, Stack, Token, aws_ecr as ecr, aws_iam as iam, aws_kms as kms } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { lifecyclePolicyOf, lifecyclePolicyViolations, repositoryProperties, substitute } from './lifecycle-helpers';
import { EcrRepository } from '../../src';
import { createTestStack, errorOf, validTemplate } from '../helpers/validators';

const PULL_ACTIONS = ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'];

/** The problems of the error a repository with these props throws, as "prop: received". */
function problemsOf(props: ConstructorParameters<typeof EcrRepository>[2]): string[] {
  const error = errorOf(() => new EcrRepository(new Stack(), 'Repo', props));
  return error.problems.map(p => `${p.prop}: ${p.received}`);
}

describe('EcrRepository lifecycle rules are checked before aws-cdk-lib', () => {
  test('fails when a TAGGED rule has no tag list', () => {
    // GIVEN
    const rule = { tagStatus: ecr.TagStatus.TAGGED, maxImageCount: 5 };
    // WHEN
    const error = errorOf(() => new EcrRepository(new Stack(), 'Repo', { lifecycleRules: [rule] }));
    // THEN
    expect(error.problems).toEqual([expect.objectContaining({
      prop: 'lifecycleRules[0]',
      received: '{"tagStatus":"TagStatus.TAGGED","maxImageCount":5}',
      fix: expect.stringMatching(/give a non-empty tagPrefixList .* or tagPatternList/),
    })]);
  });

  test('fails when a TAGGED rule has empty tag lists', () => {
    expect(problemsOf({ lifecycleRules: [{ tagPrefixList: [], maxImageCount: 5 }] }))
      .toEqual(['lifecycleRules[0]: {"tagPrefixList":[],"maxImageCount":5}']);
  });

  test('fails when a rule has both maxImageAge and maxImageCount, or neither', () => {
    // GIVEN / WHEN
    const error = errorOf(() => new EcrRepository(new Stack(), 'Repo', {
      lifecycleRules: [
        { tagPrefixList: ['pr-'], maxImageAge: Duration.days(7), maxImageCount: 5 },
        { tagPatternList: ['nightly-*'] },
      ],
    }));
    // THEN: the user's values, the duration as written
    expect(error.problems.map(p => [p.prop, p.received])).toEqual([
      ['lifecycleRules[0]', '{"tagPrefixList":["pr-"],"maxImageCount":5,"maxImageAge":"Duration.days(7)"}'],
      ['lifecycleRules[1]', '{"tagPatternList":["nightly-*"]}'],
    ]);
    expect(error.message).toMatch(/give exactly one of maxImageCount \(e\.g\. 10\) and maxImageAge/);
  });

  test('fails when a rule has both a prefix and a pattern list', () => {
    const error = errorOf(() => new EcrRepository(new Stack(), 'Repo', {
      lifecycleRules: [{ tagPrefixList: ['pr-'], tagPatternList: ['pr-*'], maxImageCount: 5 }],
    }));
    expect(error.message).toMatch(/lifecycleRules\[0\]: received .*ECR takes either tagPrefixList or tagPatternList in a rule, not both/);
  });

  test('fails when tag lists are given for UNTAGGED or ANY images', () => {
    expect(problemsOf({ lifecycleRules: [{ tagStatus: ecr.TagStatus.UNTAGGED, tagPrefixList: ['x'], maxImageCount: 5 }] }))
      .toEqual(['lifecycleRules[0].tagStatus: "TagStatus.UNTAGGED"']);
  });

  test('fails when a tag pattern has more than four wildcards, or a tag character ECR does not allow', () => {
    const error = errorOf(() => new EcrRepository(new Stack(), 'Repo', {
      lifecycleRules: [
        { tagPatternList: ['*a*b*c*d*'], maxImageCount: 5 },
        { tagPatternList: ['*test*1*2*3'], maxImageCount: 5 },
        { tagPrefixList: ['release 1'], maxImageCount: 5 },
      ],
    }));
    expect(error.problems.map(p => `${p.prop}: ${p.received}`)).toEqual([
      'lifecycleRules[0].tagPatternList: "*a*b*c*d*"',
      'lifecycleRules[2].tagPrefixList: "release 1"',
    ]);
    expect(error.message).toMatch(/at most 4 "\*" wildcards in a tag pattern \(this one has 5\)/);
  });

  test.each([
    ['zero', 0],
    ['negative', -3],
    ['a fraction', 2.5],
    ['NaN', NaN],
    ['too many', 10_001],
  ])('fails when a rule keeps %s images', (_, count) => {
    expect(problemsOf({ lifecycleRules: [{ tagPrefixList: ['pr-'], maxImageCount: count }] }))
      .toEqual([`lifecycleRules[0].maxImageCount: ${count}`]);
  });

  test.each([
    ['Duration.hours(12)', Duration.hours(12)],
    ['Duration.hours(36)', Duration.hours(36)],
    ['Duration.days(0)', Duration.days(0)],
    ['Duration.days(1.5)', Duration.days(1.5)],
  ])('fails when a rule keeps images for %s', (human, age) => {
    expect(problemsOf({ lifecycleRules: [{ tagPrefixList: ['pr-'], maxImageAge: age }] }))
      .toEqual([`lifecycleRules[0].maxImageAge: "${human}"`]);
  });

  test('accepts an age given in another unit when it is a whole number of days', () => {
    const stack = new Stack();
    new EcrRepository(stack, 'Repo', { untaggedImageRetention: Duration.hours(48) });
    expect(lifecyclePolicyOf(stack).rules[0].selection).toEqual(
      { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 2, countUnit: 'days' });
  });

  test.each([0, 1000, 1.5, -1])('fails when a rule priority is %s', priority => {
    expect(problemsOf({ lifecycleRules: [{ rulePriority: priority, tagPrefixList: ['pr-'], maxImageCount: 5 }] }))
      .toEqual([`lifecycleRules[0].rulePriority: ${priority}`]);
  });

  test('fails when two rules share a priority, naming both', () => {
    const error = errorOf(() => new EcrRepository(new Stack(), 'Repo', {
      lifecycleRules: [
        { rulePriority: 3, tagPrefixList: ['a'], maxImageCount: 5 },
        { rulePriority: 3, tagPrefixList: ['b'], maxImageCount: 5 },
      ],
    }));
    expect(error.message).toContain('lifecycleRules[1].rulePriority: received 3. Each lifecycle rule needs its own priority and the rule of lifecycleRules[0] has it already');
  });

  test('fails when the numbered rules would pass priority 999', () => {
    // GIVEN a user rule at 999: the default untagged rule is numbered after it
    const error = errorOf(() => new EcrRepository(new Stack(), 'Repo', {
      lifecycleRules: [{ rulePriority: 999, tagPrefixList: ['a'], maxImageCount: 5 }],
    }));
    // THEN
    expect(error.problems.map(p => p.prop)).toEqual(['lifecycleRules[0].rulePriority']);
    expect(error.message).toMatch(/the rule of untaggedImageRetention would get 1000, above ECR's 999/);
  });

  test('fails when an any-status rule is not the last priority', () => {
    // GIVEN the count rule replaced by a user any-status rule at priority 2, and a tagged rule at 5
    const error = errorOf(() => new EcrRepository(new Stack(), 'Repo', {
      limitImageCount: false,
      lifecycleRules: [
        { rulePriority: 5, tagPrefixList: ['a'], maxImageCount: 5 },
        { rulePriority: 2, tagStatus: ecr.TagStatus.ANY, maxImageCount: 50 },
      ],
    }));
    expect(error.message).toMatch(/lifecycleRules\[1\]\.rulePriority: received 2\. The rule that matches any tag status must have the highest priority .* but the rule of lifecycleRules\[0\] has 5/);
  });

  test('fails when an any-status rule with a priority would come before the automatically numbered rules', () => {
    // aws-cdk-lib refuses any combination; the kit accepts it when the numbering keeps the any rule last.
    const error = errorOf(() => new EcrRepository(new Stack(), 'Repo', {
      limitImageCount: false,
      lifecycleRules: [{ rulePriority: 1, tagStatus: ecr.TagStatus.ANY, maxImageCount: 50 }],
    }));
    expect(error.message).toMatch(/but the rule of untaggedImageRetention has 1 \(numbered after the given priorities\)/);

    const stack = new Stack();
    new EcrRepository(stack, 'Repo', {
      limitImageCount: false,
      lifecycleRules: [{ rulePriority: 10, tagStatus: ecr.TagStatus.ANY, maxImageCount: 50 }],
    });
    expect(lifecyclePolicyOf(stack).rules.map((r: any) => [r.rulePriority, r.selection.tagStatus])).toEqual([[1, 'untagged'], [10, 'any']]);
  });

  test('fails when a second any-status rule is added', () => {
    const stack = new Stack();
    const repo = new EcrRepository(stack, 'Repo', { limitImageCount: false, lifecycleRules: [{ maxImageCount: 30 }] });
    expect(() => repo.addLifecycleRule({ tagStatus: ecr.TagStatus.ANY, maxImageAge: Duration.days(30) }))
      .toThrow(/addLifecycleRule\(rule\)\.tagStatus: received "TagStatus.ANY"\. ECR allows one rule that matches any tag status, and the rule of lifecycleRules\[0\] is one already/);
  });

  test('fails when the policy would have more than 50 rules', () => {
    const stack = new Stack();
    const repo = new EcrRepository(stack, 'Repo');
    for (let i = 0; i < 48; i++) repo.addLifecycleRule({ tagPrefixList: [`p${i}`], maxImageCount: 5 });
    expect(() => repo.addLifecycleRule({ tagPrefixList: ['last'], maxImageCount: 5 }))
      .toThrow(/ECR allows 50 rules in a lifecycle policy, and this would be rule 51/);
    expect(lifecyclePolicyViolations(JSON.stringify(lifecyclePolicyOf(stack)))).toEqual([]);
  });

  test('fails when the policy text would pass 30,720 characters', () => {
    const stack = new Stack();
    const repo = new EcrRepository(stack, 'Repo');
    const description = 'x'.repeat(5_000);
    for (let i = 0; i < 5; i++) repo.addLifecycleRule({ description, tagPrefixList: [`p${i}`], maxImageCount: 5 });
    expect(() => repo.addLifecycleRule({ description, tagPrefixList: ['last'], maxImageCount: 5 }))
      .toThrow(/The lifecycle policy text would be \d+ characters, above ECR's 30720/);
  });

  test('a refused rule is not kept', () => {
    const stack = new Stack();
    const repo = new EcrRepository(stack, 'Repo');
    expect(() => repo.addLifecycleRule({ tagStatus: ecr.TagStatus.TAGGED, maxImageCount: 3 })).toThrow();
    expect(lifecyclePolicyOf(stack).rules).toHaveLength(2);
  });

  test('rules added through the aws-cdk-lib repository are checked and kept', () => {
    const stack = new Stack();
    const repo = new EcrRepository(stack, 'Repo');
    repo.repository.addLifecycleRule({ tagPrefixList: ['pr-'], maxImageAge: Duration.days(3) });
    expect(() => repo.repository.addLifecycleRule({ tagStatus: ecr.TagStatus.TAGGED, maxImageCount: 3 }))
      .toThrow(/addLifecycleRule\(rule\): received/);
    expect(lifecyclePolicyOf(stack).rules.map((r: any) => r.selection.tagPrefixList)).toEqual([undefined, ['pr-'], undefined]);
  });

  test('the rendered policy of a rich configuration obeys ECR\'s rules', () => {
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo', {
      lifecycleRules: [
        { rulePriority: 20, description: 'PR builds "quoted" \\ and ünïcode', tagPrefixList: ['pr-'], maxImageAge: Duration.days(7) },
        { tagPatternList: ['*test*1*2*3', 'test*1*2*3*'], maxImageCount: 3 },
      ],
    });
    repo.addLifecycleRule({ rulePriority: 5, tagStatus: ecr.TagStatus.UNTAGGED, maxImageCount: 100 });
    const text = repositoryProperties(validTemplate(stack)).LifecyclePolicy.LifecyclePolicyText;
    expect(lifecyclePolicyViolations(text)).toEqual([]);
    expect(JSON.parse(text).rules.map((r: any) => r.rulePriority)).toEqual([20, 5, 21, 22, 23]);
  });
});

describe('EcrRepository unresolved values', () => {
  test('untaggedImageRetention and maxImageCount from parameters write a lifecycle policy that is valid JSON once deployed', () => {
    // GIVEN
    const stack = createTestStack();
    const days = new CfnParameter(stack, 'Days', { type: 'Number', minValue: 1 });
    const count = new CfnParameter(stack, 'Count', { type: 'Number', minValue: 1 });
    // WHEN
    new EcrRepository(stack, 'Repo', {
      untaggedImageRetention: Duration.days(days.valueAsNumber),
      maxImageCount: count.valueAsNumber,
    });
    // THEN: an Fn::Join, not a {"Ref": …} inside a literal string
    const text = repositoryProperties(validTemplate(stack)).LifecyclePolicy.LifecyclePolicyText;
    expect(text).toEqual({ 'Fn::Join': ['', expect.arrayContaining([{ Ref: 'Days' }, { Ref: 'Count' }])] });
    const deployed = substitute(text, { Days: 9, Count: 40 }) as string;
    expect(lifecyclePolicyViolations(deployed)).toEqual([]);
    expect(JSON.parse(deployed).rules).toEqual([
      expect.objectContaining({
        description: 'Expire untagged images after 9 days',
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 9, countUnit: 'days' },
      }),
      expect.objectContaining({ selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 40 } }),
    ]);
  });

  test('lifecycle rules accept parameters in counts, ages, descriptions and tag list items', () => {
    const stack = createTestStack();
    const count = new CfnParameter(stack, 'Count', { type: 'Number' });
    const age = new CfnParameter(stack, 'Age', { type: 'Number' });
    const prefix = new CfnParameter(stack, 'Prefix');
    const pattern = new CfnParameter(stack, 'Pattern');
    const repo = new EcrRepository(stack, 'Repo', {
      lifecycleRules: [{ description: `Branch ${prefix.valueAsString}`, tagPrefixList: [prefix.valueAsString], maxImageCount: count.valueAsNumber }],
    });
    repo.addLifecycleRule({ tagPatternList: [pattern.valueAsString], maxImageAge: Duration.days(age.valueAsNumber) });
    const text = repositoryProperties(validTemplate(stack)).LifecyclePolicy.LifecyclePolicyText;
    const deployed = substitute(text, { Count: 4, Age: 30, Prefix: 'feature-', Pattern: 'rc-*' }) as string;
    expect(lifecyclePolicyViolations(deployed)).toEqual([]);
    expect(JSON.parse(deployed).rules.map((r: any) => r.selection)).toEqual([
      expect.objectContaining({ tagStatus: 'untagged' }),
      { tagStatus: 'tagged', tagPrefixList: ['feature-'], countType: 'imageCountMoreThan', countNumber: 4 },
      { tagStatus: 'tagged', tagPatternList: ['rc-*'], countType: 'sinceImagePushed', countNumber: 30, countUnit: 'days' },
      expect.objectContaining({ tagStatus: 'any' }),
    ]);
  });

  test('mutableTagPatterns accept parameters as items', () => {
    const stack = createTestStack();
    const pattern = new CfnParameter(stack, 'Pattern');
    new EcrRepository(stack, 'Repo', { mutableTagPatterns: ['latest', pattern.valueAsString] });
    validTemplate(stack).hasResourceProperties('AWS::ECR::Repository', {
      ImageTagMutability: 'IMMUTABLE_WITH_EXCLUSION',
      ImageTagMutabilityExclusionFilters: [
        { ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: 'latest' },
        { ImageTagMutabilityExclusionFilterType: 'WILDCARD', ImageTagMutabilityExclusionFilterValue: { Ref: 'Pattern' } },
      ],
    });
  });

  test('repositoryName, pull accounts, the organization and an imported key accept parameters', () => {
    const stack = createTestStack();
    const name = new CfnParameter(stack, 'Name');
    const account = new CfnParameter(stack, 'Account');
    const org = new CfnParameter(stack, 'Org');
    const keyArn = new CfnParameter(stack, 'KeyArn');
    new EcrRepository(stack, 'Repo', {
      repositoryName: name.valueAsString,
      pullAccountIds: [account.valueAsString],
      pullOrganizationId: org.valueAsString,
      encryptionKey: kms.Key.fromKeyArn(stack, 'Key', keyArn.valueAsString),
    });
    const props = repositoryProperties(validTemplate(stack));
    expect(props.RepositoryName).toEqual({ Ref: 'Name' });
    expect(props.EncryptionConfiguration).toEqual({ EncryptionType: 'KMS', KmsKey: { Ref: 'KeyArn' } });
    const policy = substitute(props.RepositoryPolicyText, { Account: '111122223333', Org: 'o-a1b2c3d4e5' }) as any;
    expect(policy.Statement[0].Principal).toEqual({ AWS: 'arn:aws:iam::111122223333:root' });
    expect(policy.Statement[1].Condition).toEqual({ StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } });
  });

  test('fails when the known part of a partly unresolved name has uppercase letters', () => {
    const stack = new Stack();
    const env = new CfnParameter(stack, 'Env').valueAsString;
    expect(() => new EcrRepository(stack, 'Repo', { repositoryName: `Shop/${env}` }))
      .toThrow(/repositoryName: received "Shop\/<unresolved>"\. The known parts of the name must be lowercase/);
    expect(() => new EcrRepository(stack, 'Repo2', { repositoryName: `shop/${env}` })).not.toThrow();
  });

  test('fails when an unresolved duration is not in days', () => {
    const stack = new Stack();
    const hours = new CfnParameter(stack, 'Hours', { type: 'Number' });
    const error = errorOf(() => new EcrRepository(stack, 'Repo', {
      untaggedImageRetention: Duration.hours(hours.valueAsNumber),
      lifecycleRules: [{ tagPrefixList: ['a'], maxImageAge: Duration.hours(hours.valueAsNumber) }],
    }));
    expect(error.problems.map(p => p.prop)).toEqual(['untaggedImageRetention', 'lifecycleRules[0].maxImageAge']);
    expect(error.message).toMatch(/must be given in days, e\.g\. Duration\.days\(param\.valueAsNumber\)/);
  });

  test('fails when a rule priority or a list is unresolved', () => {
    const stack = new Stack();
    const priority = new CfnParameter(stack, 'Priority', { type: 'Number' });
    const list = new CfnParameter(stack, 'List', { type: 'CommaDelimitedList' });
    const error = errorOf(() => new EcrRepository(stack, 'Repo', {
      lifecycleRules: [
        { rulePriority: priority.valueAsNumber, tagPrefixList: ['a'], maxImageCount: 5 },
        { tagPrefixList: list.valueAsList, maxImageCount: 5 },
      ],
      mutableTagPatterns: list.valueAsList,
      pullAccountIds: list.valueAsList,
    }));
    expect(error.problems.map(p => `${p.prop}: ${p.received}`)).toEqual([
      'mutableTagPatterns: "(an unresolved list)"',
      'lifecycleRules[0].rulePriority: "(an unresolved number)"',
      'lifecycleRules[1].tagPrefixList: "(an unresolved list)"',
      'pullAccountIds: "(an unresolved list)"',
    ]);
  });
});

describe('EcrRepository imports', () => {
  test('fails when an imported name or the name in an ARN is not an ECR name', () => {
    const stack = new Stack();
    expect(() => EcrRepository.fromRepositoryName(stack, 'A', 'Shop/Web'))
      .toThrow(/EcrRepository.fromRepositoryName at 'Default' has an invalid prop:\n  - repositoryName: received "Shop\/Web"/);
    expect(() => EcrRepository.fromRepositoryArn(stack, 'B', 'arn:aws:ecr:us-east-1:111122223333:repository/Bad Name'))
      .toThrow(/repositoryArn: received "arn:aws:ecr:us-east-1:111122223333:repository\/Bad Name"\. The repository name after "repository\/" must be an ECR name/);
    expect(EcrRepository.fromRepositoryArn(stack, 'C', 'arn:aws:ecr:us-east-1:111122223333:repository/team/api').repositoryName).toBe('team/api');
  });
});

describe('EcrRepository removal policy', () => {
  test('fails when the removal policy is SNAPSHOT', () => {
    expect(problemsOf({ removalPolicy: RemovalPolicy.SNAPSHOT })).toEqual(['removalPolicy: "RemovalPolicy.SNAPSHOT"']);
    const repo = new EcrRepository(new Stack(), 'Repo');
    expect(() => repo.applyRemovalPolicy(RemovalPolicy.SNAPSHOT))
      .toThrow(/applyRemovalPolicy\(policy\): received "RemovalPolicy.SNAPSHOT"\. ECR repositories cannot be snapshotted/);
  });

  test('RETAIN_ON_UPDATE_OR_DELETE is accepted', () => {
    const stack = new Stack();
    new EcrRepository(stack, 'Repo', { removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE });
    Template.fromStack(stack).hasResource('AWS::ECR::Repository', { DeletionPolicy: 'RetainExceptOnCreate' });
  });
});

describe('EcrRepository repository policy rules', () => {
  test('fails when a principal is not an account, user, role or service', () => {
    const repo = new EcrRepository(new Stack(), 'Repo');
    expect(() => repo.allowPull(new iam.ArnPrincipal('arn:aws:iam::111122223333:group/devs')))
      .toThrow(/allowPull\(principals\): received "arn:aws:iam::111122223333:group\/devs"\. .*IAM groups cannot be principals/);
    expect(() => repo.allowPull(new iam.AccountPrincipal('12345')))
      .toThrow(/allowPull\(principals\): received "arn:aws:iam::12345:root"/);
    expect(() => repo.allowPull(new iam.FederatedPrincipal('cognito-identity.amazonaws.com', {})))
      .toThrow(/not Federated principals/);
    expect(() => repo.allowPull(new iam.ServicePrincipal('not a service')))
      .toThrow(/Use an AWS service principal such as "codebuild.amazonaws.com"/);
  });

  test('fails when a statement has a Sid IAM does not accept or one already used', () => {
    const repo = new EcrRepository(new Stack(), 'Repo');
    const principals = [new iam.AccountPrincipal('111122223333')];
    expect(() => repo.addToResourcePolicy(new iam.PolicyStatement({ sid: 'allow pull', actions: PULL_ACTIONS, principals })))
      .toThrow(/addToResourcePolicy\(statement\): received "allow pull"\. A statement id \(Sid\) is letters and digits only/);
    repo.addToResourcePolicy(new iam.PolicyStatement({ sid: 'Mine', actions: PULL_ACTIONS, principals }));
    expect(() => repo.addToResourcePolicy(new iam.PolicyStatement({ sid: 'Mine', actions: PULL_ACTIONS, principals })))
      .toThrow(/received "Mine"\. Each statement of the repository policy needs its own Sid/);
  });

  test('generated Sids skip the ones a user statement took', () => {
    const stack = new Stack();
    const repo = new EcrRepository(stack, 'Repo');
    const principals = [new iam.AccountPrincipal('111122223333')];
    repo.addToResourcePolicy(new iam.PolicyStatement({ sid: 'AllowPull', actions: PULL_ACTIONS, principals }));
    repo.allowPull(...principals);
    const sids = repositoryProperties(Template.fromStack(stack)).RepositoryPolicyText.Statement.map((s: any) => s.Sid);
    expect(sids).toEqual(['AllowPull', 'AllowPull2']);
    sids.forEach((sid: string) => expect(sid).toMatch(/^[A-Za-z0-9]+$/));
  });

  test('fails when a statement grants other services\' actions or names no principal', () => {
    const repo = new EcrRepository(new Stack(), 'Repo');
    expect(() => repo.addToResourcePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], principals: [new iam.AccountPrincipal('111122223333')] })))
      .toThrow(/received "s3:GetObject"\. A repository policy only grants ECR actions/);
    expect(() => repo.addToResourcePolicy(new iam.PolicyStatement({ actions: PULL_ACTIONS })))
      .toThrow(/A repository policy statement must name who it applies to/);
  });

  test('fails when the repository policy would pass 10,240 characters', () => {
    const repo = new EcrRepository(new Stack(), 'Repo');
    const accounts = Array.from({ length: 150 }, (_, i) => String(100000000000 + i));
    repo.allowPullFromAccounts(accounts.slice(0, 100));
    expect(() => repo.allowPullFromAccounts(accounts.slice(100)))
      .toThrow(/allowPullFromAccounts\(accountIds\): received "a statement of \d+ characters"\. The repository policy would be about \d+ characters, above ECR's 10240/);
  });

  test('cross-account grants still go to the repository policy', () => {
    const stack = new Stack();
    const repo = new EcrRepository(stack, 'Repo');
    repo.grantPull(iam.Role.fromRoleArn(stack, 'Other', 'arn:aws:iam::444455556666:role/puller'));
    expect(repositoryProperties(Template.fromStack(stack)).RepositoryPolicyText.Statement[0].Principal)
      .toEqual({ AWS: 'arn:aws:iam::444455556666:role/puller' });
  });

  test('unresolved principals are not checked', () => {
    const stack = new Stack();
    const repo = new EcrRepository(stack, 'Repo');
    expect(() => repo.allowPull(new iam.ArnPrincipal(Token.asString(new CfnParameter(stack, 'Arn').value)))).not.toThrow();
  });
});
