import { App, aws_ec2 as ec2, aws_iam as iam } from 'aws-cdk-lib';
import { EcsCluster, EcsMachineImage } from '../../src';
import { createTestStack, expectNoFindings, synthesizeWithValidators, validTemplate } from '../helpers/validators';

const WILDCARD = 'AwsSolutions-IAM5[Resource::*]';

describe('EC2 capacity: the ECS agent\'s acknowledgments stay on the kit\'s policy', () => {
  test.each([
    ['Amazon Linux 2023', EcsMachineImage.amazonLinux2023()],
    ['Bottlerocket', EcsMachineImage.bottlerocket()],
  ])('%s: a user\'s own wildcard statement on the instance role keeps its finding', (_name, machineImage) => {
    // GIVEN
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster');
    const capacity = cluster.addEc2Capacity('Capacity', { instanceTypes: [new ec2.InstanceType('m6i.large')], machineImage });
    // WHEN
    capacity.instanceRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }));
    // THEN
    const { findings } = synthesizeWithValidators(stack.node.root as App);
    expect(findings.filter(f => f.ruleId === WILDCARD).map(f => f.constructPath))
      .toEqual([`${capacity.instanceRole.node.path}/Policy/Resource`]);
    expectNoFindings(findings.filter(f => f.ruleId !== WILDCARD));
    // The agent's statements sit in the kit's policy, acknowledged there, not on the role.
    // The user's statement is in the role's own managed policy (the kit's roles have no inline policy).
    const agentPolicy = capacity.instanceRole.node.findChild('EcsAgentPolicy') as iam.ManagedPolicy;
    expect(JSON.stringify(agentPolicy.document.toJSON())).toContain('ecs:DiscoverPollEndpoint');
    expect(JSON.stringify((capacity.instanceRole.node.findChild('Policy') as iam.ManagedPolicy).document.toJSON())).not.toContain('ecs:');
    expect(capacity.instanceRole.node.tryFindChild('DefaultPolicy')).toBeUndefined();
    expect(JSON.stringify(capacity.instanceRole.node.metadata)).not.toContain('AwsSolutions-IAM5');
  });

  test('the defaults have no unacknowledged finding, and the role has no default policy', () => {
    // GIVEN
    const stack = createTestStack();
    // WHEN
    const cluster = new EcsCluster(stack, 'Cluster', { ec2Capacity: { spot: true, instanceTypes: [new ec2.InstanceType('m6i.large'), new ec2.InstanceType('m5.large')] } });
    // THEN
    validTemplate(stack);
    const role = cluster.node.findAll().find(c => c.node.id === 'InstanceRole')!;
    expect(role.node.tryFindChild('EcsAgentPolicy')).toBeDefined();
    expect(role.node.tryFindChild('DefaultPolicy')).toBeUndefined();
  });
});
