import { App, CfnParameter, Stack, aws_ecs as ecs, aws_iam as iam, aws_kms as kms, aws_logs as logs, aws_sns as sns, aws_ssm as ssm } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { BUSYBOX, spotCluster } from './helpers';
import { BatchJob, BatchJobProps, Ec2BatchJob, EcsCluster, JobSchedule, TaskCapacity } from '../../src';
import { Hardening, STACK_KEY_ID } from '../../src/core/hardening';
import { createHardenedTestStack, expectNoFindings, synthesizeWithValidators } from '../helpers/validators';

type JobOptions = Omit<BatchJobProps, 'cluster' | 'image'>;

/** A stack in the hardened profile without the validators (for fine-grained assertions). */
function hardenedStack(): Stack {
  return new Stack(new App({ context: { [Hardening.CONTEXT_KEY]: true } }), 'TestStack');
}

function jobIn(stack: Stack, options: JobOptions = {}): BatchJob {
  return new BatchJob(stack, 'Job', { cluster: spotCluster(stack), image: BUSYBOX, taskCapacity: TaskCapacity.fargate(), ...options });
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: any } }): string {
  return stack.getLogicalId(construct.node.defaultChild);
}

describe('BatchJob in the hardened profile: no finding of the four packs', () => {
  test.each([
    ['a Fargate job', (stack: Stack, cluster: EcsCluster) => new BatchJob(stack, 'Job', {
      cluster, image: BUSYBOX, taskCapacity: TaskCapacity.fargate(), enableFailureAlarm: true,
    })],
    ['a Fargate Spot job with a sidecar', (stack: Stack, cluster: EcsCluster) => {
      const job = new BatchJob(stack, 'Job', { cluster, image: BUSYBOX, taskCapacity: TaskCapacity.fargateSpot(), environment: { REPORT: 'daily' } });
      job.addContainer('sidecar', { image: BUSYBOX, essential: false, memoryLimitMiB: 128 });
      return job;
    }],
    ['an Ec2BatchJob with a schedule', (stack: Stack, cluster: EcsCluster) => new Ec2BatchJob(stack, 'Job', {
      cluster, image: BUSYBOX, memoryLimitMiB: 256, schedule: JobSchedule.cron({ hour: '3' }), enableFailureAlarm: true,
    })],
  ])('%s', (_name, create) => {
    // GIVEN
    const stack = createHardenedTestStack();
    // WHEN
    const job = create(stack, spotCluster(stack));
    // THEN
    const { findings } = synthesizeWithValidators(stack.node.root as App);
    expectNoFindings(findings);
    expect(findings.filter(f => f.constructPath.startsWith(`${job.node.path}/`))).toEqual([]);
  });
});

describe('BatchJob in the hardened profile: the user\'s own choices keep their findings', () => {
  test('failureAlarmActions: [] leaves the alarm without an action, and the packs report it on the alarm', () => {
    // GIVEN
    const stack = createHardenedTestStack();
    // WHEN
    const job = new BatchJob(stack, 'Job', {
      cluster: spotCluster(stack), image: BUSYBOX, taskCapacity: TaskCapacity.fargate(), enableFailureAlarm: true, failureAlarmActions: [],
    });
    // THEN
    const { findings } = synthesizeWithValidators(stack.node.root as App);
    const ofJob = findings.filter(f => f.constructPath.startsWith(`${job.node.path}/`));
    expect(ofJob.map(f => [f.ruleId, f.constructPath])).toEqual([
      ['NIST.800.53.R5-CloudWatchAlarmAction', `${job.failureAlarm!.node.path}/Resource`],
      ['HIPAA.Security-CloudWatchAlarmAction', `${job.failureAlarm!.node.path}/Resource`],
    ]);
  });
});

describe('BatchJob in the hardened profile: defaults', () => {
  test('log groups and the failure topic use the profile\'s key; logs are kept a year; no key of the job\'s own', () => {
    // GIVEN
    const stack = hardenedStack();
    // WHEN
    const job = jobIn(stack);
    // THEN
    const template = Template.fromStack(stack);
    const profileKey = { 'Fn::GetAtt': [logicalId(stack, stack.node.findChild(STACK_KEY_ID)), 'Arn'] };
    for (const logGroup of [job.logGroup, job.executionLogGroup]) {
      expect(template.toJSON().Resources[logicalId(stack, logGroup)].Properties).toEqual({ RetentionInDays: 365, KmsKeyId: profileKey });
    }
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: profileKey });
    expect(job.failureTopicKey).toBeUndefined();
    template.resourceCountIs('AWS::KMS::Key', 1);
    // EventBridge rules may still publish to the topic through the profile's key.
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'EventBridgeRulesPublishToFailureTopic' })]) },
    });
  });

  test('two jobs share the profile\'s key, whose policy holds the publishing statements once', () => {
    // GIVEN
    const stack = hardenedStack();
    const cluster = spotCluster(stack);
    // WHEN
    new BatchJob(stack, 'A', { cluster, image: BUSYBOX, taskCapacity: TaskCapacity.fargate() });
    new BatchJob(stack, 'B', { cluster, image: BUSYBOX, taskCapacity: TaskCapacity.fargate() });
    // THEN
    const keys = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key')) as any[];
    expect(keys).toHaveLength(1);
    const sids = keys[0].Properties.KeyPolicy.Statement.map((s: any) => s.Sid).filter((sid: any) => sid);
    expect(sids).toEqual([...new Set(sids)]);
  });

  test('the job\'s logRetention wins over the profile', () => {
    // GIVEN
    const stack = hardenedStack();
    // WHEN
    const job = jobIn(stack, { logRetention: logs.RetentionDays.TWO_YEARS });
    // THEN
    const resources = Template.fromStack(stack).toJSON().Resources;
    expect(resources[logicalId(stack, job.logGroup)].Properties.RetentionInDays).toBe(731);
    expect(resources[logicalId(stack, job.executionLogGroup)].Properties.RetentionInDays).toBe(731);
  });

  test('every container runs as 1000:1000 with a read-only root file system and a writable /tmp', () => {
    // GIVEN
    const stack = hardenedStack();
    const job = jobIn(stack);
    // WHEN
    job.addContainer('helper', { image: BUSYBOX, essential: false });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'job',
          User: '1000:1000',
          ReadonlyRootFilesystem: true,
          MountPoints: [{ ContainerPath: '/tmp', ReadOnly: false, SourceVolume: 'job-scratch-1' }],
        }),
        Match.objectLike({
          Name: 'helper',
          User: '1000:1000',
          ReadonlyRootFilesystem: true,
          MountPoints: [{ ContainerPath: '/tmp', ReadOnly: false, SourceVolume: 'helper-scratch-1' }],
        }),
      ],
      Volumes: [{ Name: 'job-scratch-1' }, { Name: 'helper-scratch-1' }],
    });
  });

  test('the container settings win over the profile: a writable root file system has no scratch volume', () => {
    // GIVEN
    const stack = hardenedStack();
    // WHEN
    new Ec2BatchJob(stack, 'Job', { cluster: spotCluster(stack), image: BUSYBOX, memoryLimitMiB: 256, user: 'app', readonlyRootFilesystem: false });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Name: 'job', User: 'app', ReadonlyRootFilesystem: false, MountPoints: Match.absent() })],
      Volumes: Match.absent(),
    });
  });
});

describe('BatchJob: encryptionKey', () => {
  test('accepts a key imported from a token', () => {
    // GIVEN
    const stack = new Stack();
    const arn = new CfnParameter(stack, 'KeyArn').valueAsString;
    // WHEN
    jobIn(stack, { encryptionKey: kms.Key.fromKeyArn(stack, 'Key', arn) });
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { Ref: 'KeyArn' } });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { Ref: 'KeyArn' } });
  });

  test('encrypts the log groups and the failure topic with the given key, which CloudWatch Logs may use', () => {
    // GIVEN
    const stack = new Stack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    // WHEN
    const job = jobIn(stack, { encryptionKey: key });
    // THEN
    const template = Template.fromStack(stack);
    const keyArn = { 'Fn::GetAtt': [logicalId(stack, key), 'Arn'] };
    for (const logGroup of [job.logGroup, job.executionLogGroup]) {
      expect(template.toJSON().Resources[logicalId(stack, logGroup)].Properties).toEqual({ RetentionInDays: 30, KmsKeyId: keyArn });
    }
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyArn });
    expect(job.failureTopicKey).toBeUndefined();
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'CloudWatchLogsOfThisAccount' }),
          Match.objectLike({ Sid: 'CloudWatchAlarmsPublishToFailureTopic' }),
          Match.objectLike({ Sid: 'EventBridgeRulesPublishToFailureTopic' }),
        ]),
      },
    });
    // The state machine may use the key to publish.
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([{ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Effect: 'Allow', Resource: keyArn }]) },
      Roles: [{ Ref: logicalId(stack, job.stateMachine.role) }],
    });
  });

  test('with a failure topic of the user\'s, the key encrypts the log groups only', () => {
    // GIVEN
    const stack = new Stack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const topic = new sns.Topic(stack, 'Alerts');
    // WHEN
    const job = jobIn(stack, { encryptionKey: key, failureTopic: topic });
    // THEN
    const template = Template.fromStack(stack);
    expect(template.toJSON().Resources[logicalId(stack, job.logGroup)].Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [logicalId(stack, key), 'Arn'] });
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.absent() });
  });

  test('an imported key is used as it is (its policy cannot be changed here)', () => {
    // GIVEN
    const stack = new Stack();
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555');
    // WHEN
    jobIn(stack, { encryptionKey: key });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: key.keyArn });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: key.keyArn });
  });
});

describe('BatchJob: safer defaults of the default profile', () => {
  test('log groups keep CloudWatch Logs\' encryption for a month; the topic\'s own key allows grants only for AWS services', () => {
    // GIVEN
    const stack = new Stack();
    // WHEN
    const job = jobIn(stack);
    // THEN
    const template = Template.fromStack(stack);
    expect(template.toJSON().Resources[logicalId(stack, job.logGroup)].Properties).toEqual({ RetentionInDays: 30 });
    expect(job.failureTopicKey).toBeDefined();
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Sid: 'GrantsOnlyForAwsServices',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'kms:CreateGrant',
          Resource: '*',
          Condition: { Bool: { 'kms:GrantIsForAWSResource': 'false' } },
        }]),
      },
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Name: 'job', User: Match.absent(), ReadonlyRootFilesystem: Match.absent(), MountPoints: Match.absent() })],
    });
  });

  test('no inline policy: every role of the job, the user\'s grants included, has customer managed policies', () => {
    // GIVEN
    const stack = new Stack();
    const job = new Ec2BatchJob(stack, 'Job', {
      cluster: spotCluster(stack),
      image: BUSYBOX,
      memoryLimitMiB: 256,
      schedule: JobSchedule.cron({ hour: '3' }),
      secrets: { TOKEN: ecs.Secret.fromSsmParameter(ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'Token', { parameterName: '/app/token' })) },
    });
    const ci = new iam.Role(stack, 'Ci', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
    // WHEN
    job.grantStartRun(ci);
    job.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::b/*'] }));
    job.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: ['arn:aws:s3:::b/*'] }));
    // THEN
    const template = Template.fromStack(stack);
    const inline = Object.keys(template.findResources('AWS::IAM::Policy'));
    expect(inline.filter(id => id.startsWith('Job'))).toEqual([]);
    const managedRoles = Object.values(template.findResources('AWS::IAM::ManagedPolicy'))
      .flatMap((p: any) => p.Properties.Roles.map((r: any) => r.Ref)).filter((id: string) => id.startsWith('Job'));
    expect(new Set(managedRoles)).toEqual(new Set([
      logicalId(stack, job.taskDefinition.executionRole!), logicalId(stack, job.taskRole), logicalId(stack, job.stateMachine.role),
      logicalId(stack, job.node.findChild('ScheduleRole')),
    ]));
  });

  test('on Fargate the main container\'s hard memory limit is the task\'s memory; none when an added container reserves memory', () => {
    // GIVEN
    const alone = new Stack();
    const withSidecar = new Stack();
    // WHEN
    jobIn(alone, { cpu: 512, memoryLimitMiB: 2048 });
    jobIn(withSidecar, { cpu: 512, memoryLimitMiB: 2048 }).addContainer('sidecar', { image: BUSYBOX, memoryReservationMiB: 64, essential: false });
    // THEN
    Template.fromStack(alone).hasResourceProperties('AWS::ECS::TaskDefinition', {
      Memory: '2048', ContainerDefinitions: [Match.objectLike({ Name: 'job', Memory: 2048 })],
    });
    Template.fromStack(withSidecar).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Name: 'job', Memory: Match.absent() }), Match.objectLike({ Name: 'sidecar', MemoryReservation: 64 })],
    });
  });

  test('scratchVolumes: one task volume per path, mounted writable', () => {
    // GIVEN
    const stack = new Stack();
    // WHEN
    jobIn(stack, { readonlyRootFilesystem: true, scratchVolumes: ['/tmp', '/var/cache/app'] });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Name: 'job',
        ReadonlyRootFilesystem: true,
        MountPoints: [
          { ContainerPath: '/tmp', ReadOnly: false, SourceVolume: 'job-scratch-1' },
          { ContainerPath: '/var/cache/app', ReadOnly: false, SourceVolume: 'job-scratch-2' },
        ],
      })],
      Volumes: [{ Name: 'job-scratch-1' }, { Name: 'job-scratch-2' }],
    });
  });
});
