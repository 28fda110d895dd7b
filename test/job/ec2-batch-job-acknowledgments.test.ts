import { App, aws_ecs as ecs, aws_iam as iam } from 'aws-cdk-lib';
import { spotCluster } from './helpers';
import { Ec2BatchJob } from '../../src';
import { createTestStack, expectNoFindings, synthesizeWithValidators, validTemplate } from '../helpers/validators';

const WILDCARD = 'AwsSolutions-IAM5[Resource::*]';

describe('Ec2BatchJob: the orchestration acknowledgment stays on the kit\'s policy', () => {
  test('a user\'s own wildcard statement on the state machine\'s role keeps its finding', () => {
    // GIVEN
    const stack = createTestStack();
    const job = new Ec2BatchJob(stack, 'Job', { cluster: spotCluster(stack), image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1'), memoryLimitMiB: 256 });
    // WHEN
    job.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    // THEN
    const { findings } = synthesizeWithValidators(stack.node.root as App);
    expect(findings.filter(f => f.ruleId === WILDCARD).map(f => f.constructPath))
      .toEqual([`${job.stateMachine.role.node.path}/Policy/Resource`]);
    expectNoFindings(findings.filter(f => f.ruleId !== WILDCARD));
    // The kit's statements (RunTask polling, X-Ray, log delivery) sit in the kit's policy, acknowledged there only.
    const orchestration = job.stateMachine.role.node.findChild('OrchestrationPolicy') as iam.ManagedPolicy;
    expect(JSON.stringify(orchestration.document.toJSON())).toContain('ecs:StopTask');
    expect(JSON.stringify(orchestration.node.metadata)).toContain(WILDCARD);
    // The user's statement sits in the role's own managed policy (useManagedPolicies), not in the kit's.
    expect(job.stateMachine.role.node.tryFindChild('DefaultPolicy')).toBeUndefined();
    const userPolicy = job.stateMachine.role.node.findChild('Policy') as iam.ManagedPolicy;
    expect(JSON.stringify(userPolicy.document.toJSON())).toContain('s3:GetObject');
    expect(JSON.stringify(userPolicy.document.toJSON())).not.toContain('ecs:');
    expect(JSON.stringify(userPolicy.node.metadata)).not.toContain(WILDCARD);
    expect(JSON.stringify(job.stateMachine.node.metadata)).not.toContain(WILDCARD);
    expect(JSON.stringify(job.stateMachine.role.node.metadata)).not.toContain(WILDCARD);
  });

  test('the defaults have no unacknowledged finding', () => {
    // GIVEN
    const stack = createTestStack();
    // WHEN
    const job = new Ec2BatchJob(stack, 'Job', { cluster: spotCluster(stack), image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1'), memoryLimitMiB: 256 });
    // THEN
    validTemplate(stack);
    expect(job.stateMachine.role.node.tryFindChild('OrchestrationPolicy')).toBeDefined();
  });
});
