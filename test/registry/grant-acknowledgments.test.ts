import { App, Stack, aws_iam as iam } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ComposeApp, ComposeFile, Ec2BatchJob, EcrRepository, EcsCluster, FargateWebService } from '../../src';
import { Finding, createTestApp, createTestStack, expectNoFindings, synthesizeWithValidators, validTemplate } from '../helpers/validators';
import { spotCluster } from '../job/helpers';
import { testCluster } from '../service/cluster';

const WILDCARD = 'AwsSolutions-IAM5[Resource::*]';
const TOKEN_STATEMENT = Match.objectLike({ Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' });

/** A role of the user's own, with its own statement on resource `*` (cdk-nag's AwsSolutions-IAM5). */
function userRole(stack: Stack, id = 'UserRole'): iam.Role {
  const role = new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
  return role;
}

/** The wildcard findings, by construct path. */
function wildcardFindingPaths(findings: Finding[]): string[] {
  return findings.filter(f => f.ruleId === WILDCARD).map(f => f.constructPath);
}

/**
 * Synthesizes with the validators and expects exactly the user's own finding on `role`'s policy: its
 * default policy, or for a role the kit created, the kit's managed policy `Policy` of its statements
 * (issue 18: the kit's roles take customer managed policies, where the user's statements land too).
 */
function expectOnlyUserFinding(app: App, role: iam.IRole & { node: { path: string } }): Record<string, Template> {
  const { templates, findings } = synthesizeWithValidators(app);
  const paths = wildcardFindingPaths(findings);
  expect(paths).toHaveLength(1);
  expect([`${role.node.path}/DefaultPolicy/Resource`, `${role.node.path}/Policy/Resource`]).toContain(paths[0]);
  expectNoFindings(findings.filter(f => !f.ruleId.startsWith('AwsSolutions-IAM5')));
  return templates;
}

describe('a user\'s own wildcard finding survives every kit grant', () => {
  test('without a grant, the user\'s role shows its finding (the baseline)', () => {
    // GIVEN
    const stack = createTestStack();
    const role = userRole(stack);
    // THEN
    expectOnlyUserFinding(stack.node.root as App, role);
  });

  test.each([
    ['grantPull', (repo: EcrRepository, role: iam.IGrantable) => repo.grantPull(role)],
    ['grantPush', (repo: EcrRepository, role: iam.IGrantable) => repo.grantPush(role)],
    ['grantPullPush', (repo: EcrRepository, role: iam.IGrantable) => repo.grantPullPush(role)],
  ])('%s: the user\'s finding stays, the registry login sits in the kit\'s policy, acknowledged there', (_name, grant) => {
    // GIVEN
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    const role = userRole(stack);
    // WHEN
    const result = grant(repo, role);
    // THEN
    expect(result.success).toBe(true);
    const template = expectOnlyUserFinding(stack.node.root as App, role)[stack.artifactId];
    const tokenPolicy = role.node.findChild('EcrAuthorizationToken');
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [TOKEN_STATEMENT] },
      Roles: [{ Ref: stack.getLogicalId(role.node.defaultChild as any) }],
    });
    // The login is not in the role's own policy, which keeps the repository-scoped actions.
    const defaultPolicy = template.toJSON().Resources[stack.getLogicalId(role.node.findChild('DefaultPolicy').node.defaultChild as any)];
    expect(JSON.stringify(defaultPolicy)).not.toContain('ecr:GetAuthorizationToken');
    expect(JSON.stringify(defaultPolicy)).toContain('ecr:BatchCheckLayerAvailability');
    expect(JSON.stringify(tokenPolicy.node.metadata)).toContain(WILDCARD);
    expect(JSON.stringify(role.node.metadata)).not.toContain(WILDCARD);
  });

  test('containerImage() in a FargateWebService with the user\'s role as execution role', () => {
    // GIVEN
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    const role = userRole(stack);
    // WHEN
    new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: repo.containerImage('v1'), executionRole: role });
    // THEN
    const template = expectOnlyUserFinding(stack.node.root as App, role)[stack.artifactId];
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', { PolicyDocument: { Statement: [TOKEN_STATEMENT] } });
    expect(role.node.tryFindChild('EcrAuthorizationToken')).toBeDefined();
  });

  test('containerImage() in an Ec2BatchJob: the user\'s statement on the job\'s execution role keeps its finding', () => {
    // GIVEN
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    // WHEN
    const job = new Ec2BatchJob(stack, 'Job', { cluster: spotCluster(stack), image: repo.containerImage('v1'), memoryLimitMiB: 256 });
    job.taskDefinition.addToExecutionRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    // THEN
    expectOnlyUserFinding(stack.node.root as App, job.taskDefinition.executionRole!);
  });

  test('containerImage() in a ComposeApp (images prop): the user\'s statement on the execution role keeps its finding', () => {
    // GIVEN
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    const cluster = new EcsCluster(stack, 'Cluster', { cloudMapNamespaceName: 'app.internal' });
    // WHEN
    const app = new ComposeApp(stack, 'App', {
      cluster,
      composeFile: ComposeFile.fromString('services:\n  worker:\n    image: worker\n'),
      images: { worker: repo.containerImage('v1') },
    });
    const taskDefinition = app.taskDefinition('worker');
    taskDefinition.addToExecutionRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    // THEN
    expectOnlyUserFinding(stack.node.root as App, taskDefinition.executionRole!);
    expect(taskDefinition.executionRole!.node.tryFindChild('EcrAuthorizationToken')).toBeDefined();
  });
});

describe('the kit\'s own findings stay acknowledged', () => {
  test('a FargateWebService with an image from an EcrRepository has no unacknowledged finding', () => {
    // GIVEN
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    // WHEN
    const web = new FargateWebService(stack, 'Web', { cluster: testCluster(stack), image: repo.containerImage('v1') });
    // THEN
    validTemplate(stack);
    expect(web.taskDefinition.executionRole!.node.tryFindChild('EcrAuthorizationToken')).toBeDefined();
  });

  test('ECS Exec: a user\'s own wildcard statement on the task role keeps its finding', () => {
    // GIVEN
    const stack = createTestStack();
    const web = new FargateWebService(stack, 'Web', {
      cluster: testCluster(stack),
      image: new EcrRepository(stack, 'Repo').containerImage('v1'),
      enableExecuteCommand: true,
    });
    // WHEN
    web.taskDefinition.addToTaskRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    // THEN
    const template = expectOnlyUserFinding(stack.node.root as App, web.taskDefinition.taskRole)[stack.artifactId];
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['ssmmessages:CreateControlChannel']), Resource: '*' })]) },
      Roles: [{ Ref: stack.getLogicalId(web.taskDefinition.taskRole.node.defaultChild as any) }],
    });
    // The service waits for the ECS Exec permissions (it depends on the task role and its children).
    const service = template.toJSON().Resources[stack.getLogicalId(web.service.node.defaultChild as any)];
    const policyId = stack.getLogicalId(web.taskDefinition.taskRole.node.findChild('ExecuteCommandPolicy').node.defaultChild as any);
    expect(service.DependsOn).toContain(policyId);
  });

  test('granting twice, and from two repositories, keeps one kit policy per principal', () => {
    // GIVEN
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    const other = new EcrRepository(stack, 'Other');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    // WHEN
    repo.grantPull(role);
    repo.grantPull(role);
    repo.grantPush(role);
    other.grantPullPush(role);
    // THEN
    const template = validTemplate(stack);
    const tokenPolicies = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
      .filter(p => JSON.stringify(p).includes('ecr:GetAuthorizationToken'));
    expect(tokenPolicies).toHaveLength(1);
    expect((tokenPolicies[0] as any).Properties.PolicyDocument.Statement).toEqual([{ Action: 'ecr:GetAuthorizationToken', Effect: 'Allow', Resource: '*' }]);
  });

  test('the managed policy takes a new logical ID: CloudFormation refuses to change the type of the former inline policy\'s', () => {
    // GIVEN
    const stack = createTestStack();
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    // WHEN
    new EcrRepository(stack, 'Repo').grantPull(role);
    // THEN
    const template = validTemplate(stack);
    // RoleEcrAuthorizationTokenAFB3CEC7 was the AWS::IAM::Policy of this grant before the kit's policy became a managed one.
    expect(Object.keys(template.findResources('AWS::IAM::ManagedPolicy'))).toEqual(['RoleEcrAuthorizationTokenAFB3CEC7Managed']);
    expect(template.toJSON().Resources.RoleEcrAuthorizationTokenAFB3CEC7).toBeUndefined();
  });

  test('a role in another stack than the repository gets the kit policy in its own stack (no dependency cycle)', () => {
    // GIVEN
    const app = createTestApp();
    const shared = new Stack(app, 'Shared');
    const repo = new EcrRepository(shared, 'Repo');
    const service = new Stack(app, 'Service');
    const role = userRole(service);
    // WHEN
    repo.grantPull(role);
    // THEN
    const templates = expectOnlyUserFinding(app, role);
    templates[service.artifactId].hasResourceProperties('AWS::IAM::ManagedPolicy', { PolicyDocument: { Statement: [TOKEN_STATEMENT] } });
    expect(JSON.stringify(templates[shared.artifactId].toJSON())).not.toContain('ecr:GetAuthorizationToken');
  });
});

describe('grantees without a policy of the kit', () => {
  test('an imported mutable role gets the kit policy, attached by name', () => {
    // GIVEN
    const stack = createTestStack('TestStack', { account: '111122223333', region: 'eu-west-1' });
    const repo = new EcrRepository(stack, 'Repo');
    const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111122223333:role/ci');
    // WHEN
    repo.grantPull(role);
    // THEN
    validTemplate(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', { PolicyDocument: { Statement: [TOKEN_STATEMENT] }, Roles: ['ci'] });
  });

  test('an immutable role is left alone: no kit policy, nothing acknowledged', () => {
    // GIVEN
    const stack = createTestStack('TestStack', { account: '111122223333', region: 'eu-west-1' });
    const repo = new EcrRepository(stack, 'Repo');
    const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111122223333:role/ci', { mutable: false });
    // WHEN
    const grant = repo.grantPull(role);
    // THEN
    expect(grant.success).toBe(true); // through the repository policy, as aws-cdk-lib does
    const template = validTemplate(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    expect(JSON.stringify(template.toJSON())).not.toContain('ecr:GetAuthorizationToken');
    expect(stack.node.findAll().some(c => c.node.id === 'EcrAuthorizationToken')).toBe(false);
    expect(stack.node.findAll().some(c => JSON.stringify(c.node.metadata).includes(WILDCARD))).toBe(false);
  });

  test('a role imported from another account gets no kit policy (a managed policy attaches only in its own account)', () => {
    // GIVEN
    const stack = createTestStack('TestStack', { account: '111122223333', region: 'eu-west-1' });
    const repo = new EcrRepository(stack, 'Repo');
    const role = iam.Role.fromRoleArn(stack, 'Foreign', 'arn:aws:iam::444455556666:role/ci');
    // WHEN
    repo.grantPull(role);
    // THEN
    const template = validTemplate(stack);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    expect(stack.node.findAll().some(c => c.node.id === 'EcrAuthorizationToken')).toBe(false);
    expect(stack.node.findAll().some(c => JSON.stringify(c.node.metadata).includes(WILDCARD))).toBe(false);
  });

  test('a group gets the kit policy, attached from the policy\'s side', () => {
    // GIVEN
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    const group = new iam.Group(stack, 'Developers');
    // WHEN
    repo.grantPull(group);
    // THEN
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [TOKEN_STATEMENT] },
      Groups: [{ Ref: stack.getLogicalId(group.node.defaultChild as any) }],
    });
    template.hasResourceProperties('AWS::IAM::Group', { ManagedPolicyArns: Match.absent() });
  });

  test('a user gets the kit policy too', () => {
    // GIVEN
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    const user = new iam.User(stack, 'Ci');
    // WHEN
    repo.grantPush(user);
    // THEN
    const { findings } = synthesizeWithValidators(stack.node.root as App);
    expect(wildcardFindingPaths(findings)).toEqual([]);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [TOKEN_STATEMENT] },
      Users: [{ Ref: stack.getLogicalId(user.node.defaultChild as any) }],
    });
  });

  test.each([
    ['a service principal', () => new iam.ServicePrincipal('codebuild.amazonaws.com')],
    ['an account principal', () => new iam.AccountPrincipal('444455556666')],
  ])('%s goes into the repository policy, with nothing acknowledged', (_name, principal) => {
    // GIVEN
    const stack = createTestStack();
    const repo = new EcrRepository(stack, 'Repo');
    // WHEN
    const grant = repo.grantPull({ grantPrincipal: principal() });
    // THEN
    expect(grant.success).toBe(true);
    const template = validTemplate(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::ECR::Repository', { RepositoryPolicyText: Match.objectLike({ Statement: Match.anyValue() }) });
    expect(stack.node.findAll().some(c => JSON.stringify(c.node.metadata).includes(WILDCARD))).toBe(false);
  });
});
