import {
  App, CfnParameter, Duration, Stack, TimeZone, Validations, aws_cloudwatch_actions as cloudwatchActions, aws_ec2 as ec2, aws_ecs as ecs,
  aws_iam as iam, aws_logs as logs, aws_s3 as s3, aws_sns as sns, aws_ssm as ssm,
} from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import jsonata from 'jsonata';
import { BUSYBOX, definitionOf, importedCluster, onDemandAndGpuCluster, spotCluster, statesOf, t } from './helpers';
import { Ec2BatchJob, Ec2BatchJobProps, Ec2Capacity, EcsCluster, JobSchedule, TaskCapacity } from '../../src';
import { createTestStack, errorOf, validTemplate } from '../helpers/validators';

type JobOptions = Omit<Ec2BatchJobProps, 'cluster' | 'image'> & { image?: ecs.ContainerImage };

/** A job on a Spot EcsCluster in a plain stack (no validators: for property checks). */
function jobIn(stack: Stack, options: JobOptions = {}, cluster?: ecs.ICluster): Ec2BatchJob {
  return new Ec2BatchJob(stack, 'Job', {
    cluster: cluster ?? spotCluster(stack),
    image: BUSYBOX,
    memoryLimitMiB: 256,
    ...options,
  });
}

function acknowledgedRules(construct: { node: { metadata: Array<{ type: string; data: any }> } }): string[] {
  return construct.node.metadata
    .filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap(m => (Array.isArray(m.data) ? m.data : [m.data]).flatMap((d: any) => Object.keys(d)))
    .map(id => id.replace(/^Annotation::/, ''));
}

describe('Ec2BatchJob defaults', () => {
  test('default job passes the validators and matches the snapshot', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = spotCluster(stack);
    // WHEN
    new Ec2BatchJob(stack, 'Job', { cluster, image: BUSYBOX, command: ['echo', 'hello'], memoryLimitMiB: 256 });
    // THEN
    const template = validTemplate(stack);
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('EC2 task definition in bridge mode, awslogs to a retained log group with one-month retention', () => {
    const stack = createTestStack();
    const job = jobIn(stack, { command: ['echo', 'hi'], cpu: 256, memoryReservationMiB: 128 });
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      NetworkMode: 'bridge',
      RequiresCompatibilities: ['EC2'],
      ContainerDefinitions: [Match.objectLike({
        Name: 'job',
        Essential: true,
        Command: ['echo', 'hi'],
        Cpu: 256,
        Memory: 256,
        MemoryReservation: 128,
        LogConfiguration: { LogDriver: 'awslogs', Options: Match.objectLike({ 'awslogs-stream-prefix': 'batch' }) },
      })],
    });
    for (const logGroup of [job.logGroup, job.executionLogGroup]) {
      expect(template.toJSON().Resources[stack.getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup)]).toEqual(expect.objectContaining({
        Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain',
      }));
    }
  });

  test('task role without permissions; execution role only writes to the job\'s log group', () => {
    const stack = createTestStack();
    const job = jobIn(stack);
    const template = validTemplate(stack);
    expect(job.taskRole).toBe(job.taskDefinition.taskRole);
    const policies = template.findResources('AWS::IAM::ManagedPolicy', {
      Properties: { Roles: [{ Ref: stack.getLogicalId(job.taskDefinition.taskRole.node.defaultChild as iam.CfnRole) }] },
    });
    expect(Object.keys(policies)).toHaveLength(0);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^JobLogs'), 'Arn'] } }] },
      Roles: [{ Ref: Match.stringLikeRegexp('^JobTaskDefinitionExecutionRole') }],
    });
  });

  test('the state machine is the main child, logs ALL events and is traced; no outputs', () => {
    const stack = createTestStack();
    const job = jobIn(stack);
    const template = validTemplate(stack);
    expect(job.node.defaultChild).toBe(job.stateMachine);
    expect(job.stateMachineArn).toBe(job.stateMachine.stateMachineArn);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
    });
    expect(template.toJSON().Outputs).toBeUndefined();
    template.resourceCountIs('AWS::Scheduler::Schedule', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  test('runs the task with ecs:runTask.sync on the Spot capacity provider, binpacked on memory, with a 1-hour timeout', () => {
    const stack = createTestStack();
    new Ec2BatchJob(stack, 'Job', { cluster: spotCluster(stack), image: BUSYBOX, memoryLimitMiB: 256 });
    const template = validTemplate(stack);
    const definition = definitionOf(template);
    const runTask = statesOf(definition).RunTask;
    expect(definition.QueryLanguage).toBe('JSONata');
    expect(runTask.Resource).toBe('arn:${AWS::Partition}:states:::ecs:runTask.sync');
    expect(runTask.TimeoutSeconds).toBe(3600);
    expect(runTask.Arguments).toEqual({
      Cluster: '${ClusterC2E21B66.Arn}',
      TaskDefinition: expect.stringMatching(/^TestStackJobTaskDefinition/),
      CapacityProviderStrategy: [{ CapacityProvider: expect.stringMatching(/^\$\{ClusterEc2CapacityCapacityProvider[0-9A-F]{8}\}$/), Weight: 1 }],
      PlacementStrategy: [{ Type: 'binpack', Field: 'MEMORY' }],
    });
    expect(runTask.Arguments.LaunchType).toBeUndefined();
  });

  test('retries every failure but timeouts twice, with exponential backoff from 1 minute', () => {
    const stack = createTestStack();
    jobIn(stack);
    const definition = definitionOf(validTemplate(stack));
    expect(definition.StartAt).toBe('RunWithRetries');
    const attempt = definition.States.RunWithRetries;
    expect(attempt.Type).toBe('Parallel');
    expect(attempt.Retry).toEqual([
      { ErrorEquals: ['States.Timeout'], MaxAttempts: 0 },
      { ErrorEquals: ['States.ALL'], MaxAttempts: 2, BackoffRate: 2, IntervalSeconds: 60 },
    ]);
    // The exit-code check runs inside the retried branch, right after the task.
    expect(attempt.Branches).toHaveLength(1);
    expect(attempt.Branches[0].StartAt).toBe('RunTask');
    expect(attempt.Branches[0].States.RunTask.Next).toBe('CheckExitCodes');
  });

  test('the exit-code check requires exit code 0 from every essential container', () => {
    const stack = createTestStack();
    const job = jobIn(stack);
    job.addContainer('post', { image: BUSYBOX, memoryReservationMiB: 32 });
    job.addContainer('helper', { image: BUSYBOX, memoryReservationMiB: 32, essential: false });
    const states = statesOf(definitionOf(validTemplate(stack)));
    expect(states.CheckExitCodes).toEqual(expect.objectContaining({
      Type: 'Choice',
      QueryLanguage: 'JSONata',
      Choices: [{
        Condition: '{% $count($states.input.Containers[Name in ["job","post"] and ExitCode = 0]) = 2 %}',
        Next: 'ExitCodesOk',
      }],
      Default: 'NonZeroExitCode',
    }));
    expect(states.ExitCodesOk.Type).toBe('Succeed');
    expect(states.NonZeroExitCode).toEqual(expect.objectContaining({
      Type: 'Fail',
      Error: 'Ec2BatchJob.NonZeroExitCode',
      Cause: expect.stringContaining('$string($states.input.Containers.{ \'name\': Name, \'exitCode\': ExitCode })'),
    }));
  });

  test('failed and timed-out runs publish to an encrypted topic, then fail', () => {
    const stack = createTestStack();
    const job = jobIn(stack);
    const template = validTemplate(stack);
    const definition = definitionOf(template);
    const topicId = stack.getLogicalId(job.failureTopic.node.defaultChild as sns.CfnTopic);
    expect(definition.States.RunWithRetries.Catch).toEqual([{ ErrorEquals: ['States.ALL'], Next: 'NotifyFailure' }]);
    const notify = definition.States.NotifyFailure;
    expect(notify.Resource).toBe('arn:${AWS::Partition}:states:::sns:publish');
    expect(notify.Arguments.TopicArn).toBe(`\${${topicId}}`);
    expect(notify.Arguments.Subject).toBe('{% ($states.input.Error = \'States.Timeout\' ? \'Timed out: \' : \'Failed: \') & "TestStack/Job" %}');
    expect(notify.Arguments.Message).toContain('\'status\': $states.input.Error = \'States.Timeout\' ? \'TIMED_OUT\' : \'FAILED\'');
    expect(notify.Next).toBe('Failed');
    expect(definition.States.Failed).toEqual(expect.objectContaining({ Type: 'Fail', Error: '{% $states.input.Error %}' }));

    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^JobFailureTopicKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{ Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: topicId } }]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^JobRole') }],
    });
    // The key grant (scoped to the key, no wildcard) goes through the role's own policy.
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^JobFailureTopicKey'), 'Arn'] } },
        ]),
      },
      Roles: [{ Ref: Match.stringLikeRegexp('^JobRole') }],
    });
  });

  test('CloudWatch alarms and EventBridge rules of the account may use the topic\'s key and publish to the topic', () => {
    // GIVEN
    const stack = createTestStack();
    // WHEN
    const job = jobIn(stack);
    // THEN
    const template = validTemplate(stack);
    const topicId = stack.getLogicalId(job.failureTopic.node.defaultChild as sns.CfnTopic);
    const account = { Ref: 'AWS::AccountId' };
    const arn = (service: string, resource: string) => ({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${service}:`, { Ref: 'AWS::Region' }, ':', account, resource]],
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Sid: 'CloudWatchAlarmsPublishToFailureTopic',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': arn('cloudwatch', ':alarm:*') } },
          },
          {
            // SNS: aws:SourceAccount/aws:SourceArn are not supported in a key policy for EventBridge-to-encrypted topics.
            Sid: 'EventBridgeRulesPublishToFailureTopic',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
            Resource: '*',
            Condition: {
              StringLike: { 'kms:EncryptionContext:aws:sns:topicArn': arn('sns', ':*') },
              StringEqualsIfExists: { 'aws:SourceAccount': account },
            },
          },
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Sid: 'CloudWatchAlarmsPublish',
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: topicId },
            Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': arn('cloudwatch', ':alarm:*') } },
          },
          {
            Sid: 'EventBridgeRulesPublish',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: { Ref: topicId },
            Condition: { StringEquals: { 'aws:SourceAccount': account }, ArnLike: { 'aws:SourceArn': arn('events', ':rule/*') } },
          },
        ]),
      },
      Topics: [{ Ref: topicId }],
    });
  });

  test('the state machine may run only this task definition revision and pass only the job\'s roles', () => {
    const stack = createTestStack();
    jobIn(stack);
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'ecs:RunTask', Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^JobTaskDefinition') } },
          { Action: ['ecs:StopTask', 'ecs:DescribeTasks'], Effect: 'Allow', Resource: '*' },
          {
            Action: 'iam:PassRole',
            Effect: 'Allow',
            Resource: [
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^JobTaskDefinitionTaskRole'), 'Arn'] },
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^JobTaskDefinitionExecutionRole'), 'Arn'] },
            ],
          },
          Match.objectLike({ Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'] }),
        ]),
      },
    });
  });

  test('timed-out tasks are counted from the execution log', () => {
    const stack = createTestStack();
    const job = jobIn(stack);
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.type = "TaskTimedOut" }',
      LogGroupName: { Ref: Match.stringLikeRegexp('^JobExecutionLogs') },
      MetricTransformations: [{ MetricNamespace: 'cdk-ecs-kit/Ec2BatchJob', MetricName: job.metricRunsTimedOut().metricName, MetricValue: '1' }],
    });
    const metric = job.metricRunsTimedOut();
    expect(metric.namespace).toBe('cdk-ecs-kit/Ec2BatchJob');
    expect(metric.metricName).toMatch(/^RunsTimedOut\/TestStackJob[0-9A-F]{8}$/);
    expect(metric.statistic).toBe('Sum');
  });

  test('metric helpers read the Step Functions execution metrics', () => {
    const stack = new Stack();
    const job = jobIn(stack);
    expect(job.metricRunsStarted().metricName).toBe('ExecutionsStarted');
    expect(job.metricRunsSucceeded().metricName).toBe('ExecutionsSucceeded');
    expect(job.metricRunsFailed().metricName).toBe('ExecutionsFailed');
    expect(job.metricRunDuration().metricName).toBe('ExecutionTime');
    expect(job.metricRunsFailed({ period: Duration.hours(1) }).period.toHours()).toBe(1);
    for (const metric of [job.metricRunsStarted(), job.metricRunsFailed(), job.metricRunDuration()]) {
      expect(metric.namespace).toBe('AWS/States');
      expect(Object.keys(metric.dimensions ?? {})).toEqual(['StateMachineArn']);
    }
  });

  test('ECS2 (environment variables) is acknowledged only when environment is given', () => {
    const withoutEnv = jobIn(new Stack());
    expect(acknowledgedRules(withoutEnv.taskDefinition)).not.toContain('AwsSolutions-ECS2');
    const withEnv = jobIn(new Stack(), { environment: { STAGE: 'prod' } });
    expect(acknowledgedRules(withEnv.taskDefinition)).toContain('AwsSolutions-ECS2');
    const helperEnv = jobIn(new Stack());
    helperEnv.addContainer('helper', { image: BUSYBOX, memoryReservationMiB: 32, environment: { A: 'b' } });
    expect(acknowledgedRules(helperEnv.taskDefinition)).toContain('AwsSolutions-ECS2');
    // aws-cdk-lib adds AWS_REGION to every container of an awsvpc EC2 task.
    const awsVpc = jobIn(new Stack(), { networkMode: ecs.NetworkMode.AWS_VPC });
    expect(acknowledgedRules(awsVpc.taskDefinition)).toContain('AwsSolutions-ECS2');
  });
});

describe('Ec2BatchJob options', () => {
  function scheduledJobWithStorage(stack: Stack): Ec2BatchJob {
    const cluster = spotCluster(stack);
    const job = new Ec2BatchJob(stack, 'Job', {
      cluster,
      image: BUSYBOX,
      command: ['sh', '-c', 'wc -l /input/data.csv > /work/out'],
      environment: { TARGET: 'warehouse' },
      memoryLimitMiB: 512,
      memoryReservationMiB: 256,
      volumes: [{ name: 'input', sourcePath: '/mnt/input' }, { name: 'work' }],
      mountPoints: [{ sourceVolume: 'work', containerPath: '/work' }],
      volumesFrom: [{ sourceContainer: 'extract', readOnly: true }],
      links: [{ containerName: 'db', alias: 'database' }],
      schedule: JobSchedule.cron({ hour: '2', timeZone: TimeZone.EUROPE_BERLIN }),
    });
    job.addContainer('extract', {
      image: BUSYBOX,
      memoryReservationMiB: 64,
      essential: false,
      mountPoints: [{ sourceVolume: 'input', containerPath: '/input', readOnly: false }],
    });
    job.addContainer('db', { image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/redis:7'), memoryLimitMiB: 128, essential: false });
    return job;
  }

  test('scheduled job with host and scratch volumes, volumesFrom and links passes the validators and matches the snapshot', () => {
    const stack = createTestStack();
    scheduledJobWithStorage(stack);
    const template = validTemplate(stack);
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('host volumes, Docker scratch volumes, mount points, volumesFrom and links are in the task definition', () => {
    const stack = createTestStack();
    const job = scheduledJobWithStorage(stack);
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Volumes: [{ Name: 'input', Host: { SourcePath: '/mnt/input' } }, { Name: 'work' }],
      ContainerDefinitions: [
        Match.objectLike({
          Name: 'job',
          MountPoints: [{ SourceVolume: 'work', ContainerPath: '/work', ReadOnly: false }],
          VolumesFrom: [{ SourceContainer: 'extract', ReadOnly: true }],
          Links: ['db:database'],
        }),
        Match.objectLike({ Name: 'extract', Essential: false, MountPoints: [{ SourceVolume: 'input', ContainerPath: '/input', ReadOnly: false }] }),
        Match.objectLike({ Name: 'db', Essential: false }),
      ],
    });
    expect(job.taskDefinition.findContainer('db')).toBeDefined();
  });

  test('the schedule starts the state machine through EventBridge Scheduler with its own role', () => {
    const stack = createTestStack();
    const job = scheduledJobWithStorage(stack);
    const template = validTemplate(stack);
    const machineId = stack.getLogicalId(job.stateMachine.node.defaultChild as any);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 2 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({ Arn: { Ref: machineId }, RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^JobScheduleRole'), 'Arn'] } }),
    });
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [Match.objectLike({ Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } })],
      },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: machineId } }] },
      Roles: [{ Ref: Match.stringLikeRegexp('^JobScheduleRole') }],
    });
    expect(job.schedule).toBeDefined();
    // No role at stack level (aws-cdk-lib's shared scheduler role is not used).
    expect(Object.keys(template.findResources('AWS::IAM::Role')).filter(id => id.startsWith('SchedulerRole'))).toEqual([]);
  });

  test('links can point to containers added later; a container added later reaches the exit-code check', () => {
    const stack = new Stack();
    const job = jobIn(stack, { links: [{ containerName: 'cache' }] });
    const cache = job.addContainer('cache', { image: BUSYBOX, memoryLimitMiB: 64 });
    expect(cache.containerName).toBe('cache');
    expect(cache.essential).toBe(true);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Name: 'job', Links: ['cache'] }), Match.objectLike({ Name: 'cache' })],
    });
    expect(statesOf(definitionOf(template)).CheckExitCodes.Choices[0].Condition).toContain('Name in ["job","cache"]');
  });

  test('taskCount runs copies in parallel, each retried on its own and told its index', () => {
    const stack = createTestStack();
    jobIn(stack, { taskCount: 3 });
    const definition = definitionOf(validTemplate(stack));
    expect(definition.StartAt).toBe('RunCopies');
    const map = definition.States.RunCopies;
    expect(map).toEqual(expect.objectContaining({ Type: 'Map', Items: [0, 1, 2], MaxConcurrency: 3 }));
    expect(map.Catch).toEqual([{ ErrorEquals: ['States.ALL'], Next: 'NotifyFailure' }]);
    expect(map.ItemProcessor.StartAt).toBe('RunWithRetries');
    expect(map.ItemProcessor.States.RunWithRetries.Retry).toHaveLength(2);
    expect(statesOf(definition).RunTask.Arguments.Overrides).toEqual({
      ContainerOverrides: [{
        Name: 'job',
        Environment: [{ Name: 'JOB_COPY_INDEX', Value: '{% $string($states.input) %}' }, { Name: 'JOB_COPY_COUNT', Value: '3' }],
      }],
    });
  });

  test('retries, retry interval and timeout are configurable; retries: 0 only keeps the timeout rule', () => {
    const custom = definitionOf(Template.fromStack((() => {
      const stack = new Stack();
      jobIn(stack, { retries: 5, retryInterval: Duration.seconds(30), timeout: Duration.minutes(10) });
      return stack;
    })()));
    expect(custom.States.RunWithRetries.Retry[1]).toEqual({ ErrorEquals: ['States.ALL'], MaxAttempts: 5, BackoffRate: 2, IntervalSeconds: 30 });
    expect(statesOf(custom).RunTask.TimeoutSeconds).toBe(600);

    const stack = new Stack();
    jobIn(stack, { retries: 0 });
    expect(definitionOf(Template.fromStack(stack)).States.RunWithRetries.Retry).toEqual([{ ErrorEquals: ['States.Timeout'], MaxAttempts: 0 }]);
  });

  test('a given failure topic is used as is: no topic or key is created', () => {
    const stack = new Stack();
    const topic = new sns.Topic(stack, 'Alerts');
    const job = jobIn(stack, { failureTopic: topic });
    const template = Template.fromStack(stack);
    expect(job.failureTopic).toBe(topic);
    expect(job.failureTopicKey).toBeUndefined();
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(definitionOf(template).States.NotifyFailure.Arguments.TopicArn).toBe(`\${${stack.getLogicalId(topic.node.defaultChild as sns.CfnTopic)}}`);
  });

  test('enableFailureAlarm creates an alarm on failed runs that notifies the failure topic', () => {
    const stack = createTestStack();
    const job = jobIn(stack, { enableFailureAlarm: true });
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: stack.getLogicalId(job.failureTopic.node.defaultChild as sns.CfnTopic) }],
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(job.failureAlarm).toBeDefined();
  });

  test('failureAlarmActions replaces the alarm\'s default action; [] leaves it without one', () => {
    // GIVEN
    const stack = new Stack();
    const oncall = new sns.Topic(stack, 'Oncall');
    // WHEN
    jobIn(stack, { enableFailureAlarm: true, failureAlarmActions: [new cloudwatchActions.SnsAction(oncall)] });
    const silent = jobIn(new Stack(), { enableFailureAlarm: true, failureAlarmActions: [] });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: stack.getLogicalId(oncall.node.defaultChild as sns.CfnTopic) }] });
    Template.fromStack(Stack.of(silent)).hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: Match.absent() });
  });

  test('grantStartRun lets a principal start executions of the state machine', () => {
    const stack = new Stack();
    const job = jobIn(stack);
    const ci = new iam.Role(stack, 'Ci', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
    const grant = job.grantStartRun(ci);
    expect(grant.success).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'states:StartExecution', Effect: 'Allow', Resource: { Ref: Match.stringLikeRegexp('^Job') } }] },
      Roles: [{ Ref: Match.stringLikeRegexp('^Ci') }],
    });
  });

  test('placement strategies and constraints reach RunTask', () => {
    const stack = new Stack();
    jobIn(stack, {
      placementStrategies: [ecs.PlacementStrategy.spreadAcross(ecs.BuiltInAttributes.AVAILABILITY_ZONE)],
      placementConstraints: [ecs.PlacementConstraint.memberOf('attribute:ecs.instance-type =~ m6i.*')],
    });
    const runTask = statesOf(definitionOf(Template.fromStack(stack))).RunTask;
    expect(runTask.Arguments.PlacementStrategy).toEqual([{ Type: 'spread', Field: 'attribute:ecs.availability-zone' }]);
    expect(runTask.Arguments.PlacementConstraints).toEqual([{ Type: 'memberOf', Expression: 'attribute:ecs.instance-type =~ m6i.*' }]);
  });

  test('awsvpc mode gives the task its own network interface in private subnets', () => {
    const stack = createTestStack();
    jobIn(stack, { networkMode: ecs.NetworkMode.AWS_VPC });
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', { NetworkMode: 'awsvpc' });
    const config = statesOf(definitionOf(template)).RunTask.Arguments.NetworkConfiguration.AwsvpcConfiguration;
    expect(config.Subnets).toEqual([expect.stringMatching(/PrivateSubnet1/), expect.stringMatching(/PrivateSubnet2/)]);
    expect(config.SecurityGroups).toEqual([expect.stringMatching(/^\$\{JobRunTaskSecurityGroup/)]);
  });

  test('secrets are read by the execution role', () => {
    const stack = new Stack();
    const job = jobIn(stack);
    const parameter = ecs.Secret.fromSsmParameter(
      ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'Password', { parameterName: '/etl/password' }));
    job.addContainer('with-secret', { image: BUSYBOX, memoryReservationMiB: 32, secrets: { PASSWORD: parameter } });
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: 'with-secret', Secrets: [Match.objectLike({ Name: 'PASSWORD' })] })]),
    });
  });
});

describe('Ec2BatchJob as a grantee and a network peer', () => {
  const logicalId = (stack: Stack, construct: { node: { defaultChild?: any } }) => stack.getLogicalId(construct.node.defaultChild);
  /** The security groups a rule on `db` lets in on port 5432, by their GroupId reference. */
  const postgresSources = (stack: Stack, db: ec2.SecurityGroup) => Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroupIngress', {
    Properties: { GroupId: { 'Fn::GetAtt': [logicalId(stack, db), 'GroupId'] }, FromPort: 5432, ToPort: 5432, IpProtocol: 'tcp' },
  })).map((rule: any) => rule.Properties.SourceSecurityGroupId);

  test('bucket.grantRead(job) puts the statement on the task role, and only there', () => {
    // GIVEN (a plain stack: the bucket and the grant's wildcards are not the job's findings)
    const stack = new Stack();
    const job = jobIn(stack);
    const bucket = new s3.Bucket(stack, 'Data');
    // WHEN
    const grant = bucket.grantRead(job);
    // THEN
    expect(job.grantPrincipal).toBe(job.taskRole);
    expect(grant.principalStatements).toHaveLength(1);
    const policies = Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy', {
      Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['s3:GetObject*']) })]) } },
    });
    expect(Object.values(policies).map((p: any) => p.Properties.Roles)).toEqual([[{ Ref: logicalId(stack, job.taskRole) }]]);
  });

  test('awsvpc: connections are the security group the job creates for its tasks', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = spotCluster(stack);
    const job = jobIn(stack, { networkMode: ecs.NetworkMode.AWS_VPC }, cluster);
    const db = new ec2.SecurityGroup(stack, 'Db', { vpc: cluster.vpc });
    // WHEN
    job.connections.allowTo(db, ec2.Port.tcp(5432));
    // THEN: the rule lets the task's security group in, the one RunTask puts on the task's interface
    expect(job.connections.securityGroups).toHaveLength(1);
    const taskGroup = job.connections.securityGroups[0];
    const taskGroupId = { 'Fn::GetAtt': [logicalId(stack, taskGroup), 'GroupId'] };
    expect(postgresSources(stack, db)).toEqual([taskGroupId]);
    const runTask = statesOf(definitionOf(Template.fromStack(stack))).RunTask;
    expect(runTask.Arguments.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups).toEqual([`\${${logicalId(stack, taskGroup)}.GroupId}`]);
    // The instances' group is not opened.
    expect(job.connections.securityGroups).not.toContain(cluster.ec2Capacities[0].connections.securityGroups[0]);
  });

  test('awsvpc with securityGroups: connections are those groups', () => {
    // GIVEN
    const stack = new Stack();
    const cluster = spotCluster(stack);
    const own = new ec2.SecurityGroup(stack, 'JobGroup', { vpc: cluster.vpc });
    // WHEN
    const job = jobIn(stack, { networkMode: ecs.NetworkMode.AWS_VPC, securityGroups: [own] }, cluster);
    const db = new ec2.SecurityGroup(stack, 'Db', { vpc: cluster.vpc });
    db.connections.allowFrom(job, ec2.Port.tcp(5432));
    // THEN
    expect(job.connections.securityGroups).toEqual([own]);
    expect(postgresSources(stack, db)).toEqual([{ 'Fn::GetAtt': [logicalId(stack, own), 'GroupId'] }]);
  });

  test('bridge: connections are the security groups of the capacity groups the job runs on', () => {
    // GIVEN: an on-demand group and a GPU group; a job without GPUs runs on the on-demand one only
    const stack = new Stack();
    const cluster = onDemandAndGpuCluster(stack);
    const [onDemand, gpu] = cluster.ec2Capacities as Ec2Capacity[];
    const job = jobIn(stack, {}, cluster);
    const db = new ec2.SecurityGroup(stack, 'Db', { vpc: cluster.vpc });
    // WHEN
    job.connections.allowTo(db, ec2.Port.tcp(5432));
    // THEN
    expect(job.connections.securityGroups).toEqual([onDemand.securityGroup]);
    expect(postgresSources(stack, db)).toEqual([{ 'Fn::GetAtt': [logicalId(stack, onDemand.securityGroup), 'GroupId'] }]);
    expect(job.connections.securityGroups).not.toContain(gpu.securityGroup);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('connectionsUnknown'));
  });

  test('bridge with capacityProviderStrategies naming groups: connections follow the strategy', () => {
    // GIVEN
    const stack = new Stack();
    const cluster = onDemandAndGpuCluster(stack);
    const [onDemand, gpu] = cluster.ec2Capacities as Ec2Capacity[];
    // WHEN
    const job = jobIn(stack, {
      taskCapacity: TaskCapacity.fromCapacityProviderStrategies([
        { capacityProvider: onDemand.capacityProviderName, weight: 1 },
        { capacityProvider: gpu.capacityProviderName, weight: 1 },
      ]),
    }, cluster);
    // THEN
    expect(job.connections.securityGroups).toEqual([onDemand.securityGroup, gpu.securityGroup]);
  });

  test('bridge on an imported cluster: connections are the cluster\'s security groups', () => {
    // GIVEN
    const stack = new Stack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-12345678', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-1'] });
    const instances = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Instances', 'sg-0123456789abcdef0');
    const cluster = EcsCluster.fromClusterAttributes(stack, 'Shared', { clusterName: 'shared', vpc, securityGroups: [instances] });
    const job = jobIn(stack, { taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'shared-ec2', weight: 1 }]) }, cluster);
    const db = new ec2.SecurityGroup(stack, 'Db', { vpc });
    // WHEN
    job.connections.allowTo(db, ec2.Port.tcp(5432));
    // THEN
    expect(job.connections.securityGroups).toEqual([instances]);
    expect(postgresSources(stack, db)).toEqual(['sg-0123456789abcdef0']);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('connectionsUnknown'));
  });

  test('bridge on an imported cluster without security groups: reading connections warns', () => {
    // GIVEN
    const stack = new Stack();
    const job = jobIn(stack, { taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'shared-ec2', weight: 1 }]) }, importedCluster(stack));
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('connectionsUnknown'));
    // WHEN
    expect(job.connections.securityGroups).toEqual([]);
    void job.connections;
    // THEN: one warning, naming the fixes
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('cdk-ecs-kit:Ec2BatchJob.connectionsUnknown'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].entry.data).toMatch(/securityGroups .*networkMode: ecs\.NetworkMode\.AWS_VPC/);
  });
});

describe('Ec2BatchJob capacity', () => {
  test('prefers Spot groups; weight 1 on each', () => {
    const stack = new Stack();
    const cluster = new EcsCluster(stack, 'Cluster', { ec2Capacity: { instanceTypes: [t('m6i.large')] } });
    const spotA = cluster.addEc2Capacity('SpotA', { spot: true, instanceTypes: [t('m6i.large'), t('m5.large')] });
    const spotB = cluster.addEc2Capacity('SpotB', { spot: true, instanceTypes: [t('c6i.large'), t('c5.large')] });
    const job = jobIn(stack, {}, cluster);
    expect(job.capacityProviderStrategies).toEqual([
      { capacityProvider: spotA.capacityProviderName, weight: 1 },
      { capacityProvider: spotB.capacityProviderName, weight: 1 },
    ]);
  });

  test('uses the on-demand groups when there is no Spot group', () => {
    const stack = new Stack();
    const cluster = new EcsCluster(stack, 'Cluster', { ec2Capacity: { instanceTypes: [t('m6i.large')] } });
    const job = jobIn(stack, {}, cluster);
    expect(job.capacityProviderStrategies).toEqual([{ capacityProvider: cluster.ec2Capacities[0].capacityProviderName, weight: 1 }]);
  });

  test('a given strategy is used as is', () => {
    const stack = new Stack();
    const cluster = onDemandAndGpuCluster(stack);
    const strategy = [{ capacityProvider: cluster.ec2Capacities[0].capacityProviderName, base: 1, weight: 2 }];
    const job = jobIn(stack, { taskCapacity: TaskCapacity.fromCapacityProviderStrategies(strategy) }, cluster);
    expect(statesOf(definitionOf(Template.fromStack(stack))).RunTask.Arguments.CapacityProviderStrategy)
      .toEqual([{ CapacityProvider: expect.stringMatching(/^\$\{ClusterEc2CapacityCapacityProvider/), Base: 1, Weight: 2 }]);
    expect(job.capacityProviderStrategies).toBe(strategy);
  });

  test('a GPU job runs on the GPU groups; GPU count reaches the container', () => {
    const stack = new Stack();
    const cluster = onDemandAndGpuCluster(stack);
    const job = jobIn(stack, { gpuCount: 1 }, cluster);
    expect(job.capacityProviderStrategies).toEqual([{ capacityProvider: cluster.ec2Capacities[1].capacityProviderName, weight: 1 }]);
    Template.fromStack(stack).hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ ResourceRequirements: [{ Type: 'GPU', Value: '1' }] })],
    });
  });

  test('a job without GPUs avoids the GPU groups', () => {
    const stack = new Stack();
    const cluster = onDemandAndGpuCluster(stack);
    const job = jobIn(stack, {}, cluster);
    expect(job.capacityProviderStrategies).toEqual([{ capacityProvider: cluster.ec2Capacities[0].capacityProviderName, weight: 1 }]);
  });

  test('any ecs.ICluster works with an explicit strategy', () => {
    const stack = createTestStack();
    const cluster = importedCluster(stack);
    jobIn(stack, { taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'shared-spot', weight: 1 }]) }, cluster);
    const runTask = statesOf(definitionOf(validTemplate(stack))).RunTask;
    expect(runTask.Arguments.CapacityProviderStrategy).toEqual([{ CapacityProvider: 'shared-spot', Weight: 1 }]);
  });

  test('warns when GPUs are requested on a cluster whose capacity is unknown', () => {
    const stack = new Stack();
    const job = jobIn(stack, { gpuCount: 1, taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'shared-gpu', weight: 1 }]) }, importedCluster(stack));
    job.addContainer('second', { image: BUSYBOX, memoryLimitMiB: 64, gpuCount: 1 });
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Default/Job', Match.stringLikeRegexp('cannot be known here'));
    expect(annotations.findWarning('*', Match.stringLikeRegexp('cdk-ecs-kit:Ec2BatchJob.gpuCapacityUnknown'))).toHaveLength(1);
  });
});

describe('Ec2BatchJob bad input', () => {
  test('fails when a container has neither a memory limit nor a reservation', () => {
    const stack = new Stack();
    expect(() => jobIn(stack, { memoryLimitMiB: undefined }))
      .toThrow(/memoryLimitMiB: received undefined\. An EC2 task needs memory per container/);
    const job = jobIn(new Stack());
    expect(() => job.addContainer('helper', { image: BUSYBOX }))
      .toThrow(/addContainer\(helper\)\.memoryLimitMiB: received undefined/);
  });

  test('fails when the memory reservation is above the limit', () => {
    expect(() => jobIn(new Stack(), { memoryLimitMiB: 256, memoryReservationMiB: 512 }))
      .toThrow(/memoryReservationMiB: received 512\. The soft reservation cannot be above the hard limit \(memoryLimitMiB: 256\)/);
  });

  test('fails when memory is below Docker\'s minimum or CPU or GPU counts are not whole numbers', () => {
    const error = errorOf(() => jobIn(new Stack(), { memoryLimitMiB: 4, cpu: -1, gpuCount: 0.5 }));
    expect(error.problems.map(p => p.prop)).toEqual(['memoryLimitMiB', 'cpu', 'gpuCount']);
  });

  test('fails when the schedule expression would be rejected by EventBridge', () => {
    const cases: Array<[JobSchedule, RegExp]> = [
      [JobSchedule.expression('cron(0 2 * * ?)'), /schedule: received "cron\(0 2 \* \* \?\)"\. A cron expression has 6 fields .*\(got 5\)/],
      [JobSchedule.expression('rate(0 minutes)'), /The rate value must be a positive whole number \(got "0"\)/],
      [JobSchedule.expression('rate(5 weeks)'), /The rate unit must be minute\(s\), hour\(s\) or day\(s\) \(got "weeks"\)/],
      [JobSchedule.expression('rate(1 hours)'), /A rate of 1 takes the singular unit: "rate\(1 hour\)"/],
      [JobSchedule.expression('rate(5 minute)'), /A rate above 1 takes the plural unit: "rate\(5 minutes\)"/],
      [JobSchedule.rate(Duration.seconds(30)), /received "rate\(0\.5 minutes\)".*use whole minutes/],
      [JobSchedule.cron({ day: '1', weekDay: 'MON' }), /Exactly one of the day \(got "1"\) and weekDay \(got "MON"\) fields must be "\?"/],
      [JobSchedule.cron({ hour: '24' }), /The hour field "24" is not valid: use values 0–23/],
      [JobSchedule.expression('every night'), /Use a cron expression with 6 fields/],
      [JobSchedule.expression('at(2030-13-01T00:00:00)'), /A one-time schedule is at\(yyyy-mm-ddThh:mm:ss\)/],
    ];
    for (const [schedule, message] of cases) {
      expect(() => jobIn(new Stack(), { schedule })).toThrow(message);
    }
  });

  test('fails when the timeout or retry interval is not a positive whole number of seconds', () => {
    expect(() => jobIn(new Stack(), { timeout: Duration.seconds(0) })).toThrow(/timeout: received "0 seconds"\. Use a positive whole number of seconds/);
    expect(() => jobIn(new Stack(), { timeout: Duration.millis(1500) })).toThrow(/timeout: received "1 second 500 millis"/);
    expect(() => jobIn(new Stack(), { retryInterval: Duration.millis(10) })).toThrow(/retryInterval: received/);
  });

  test('fails when retries are outside 0–10', () => {
    expect(() => jobIn(new Stack(), { retries: -1 })).toThrow(/retries: received -1\. Use a whole number of retries from 0 to 10/);
    expect(() => jobIn(new Stack(), { retries: 11 })).toThrow(/retries: received 11/);
  });

  test('fails when taskCount is outside 1–10', () => {
    expect(() => jobIn(new Stack(), { taskCount: 0 })).toThrow(/taskCount: received 0\. Use a whole number of parallel copies from 1 to 10/);
    expect(() => jobIn(new Stack(), { taskCount: 11 })).toThrow(/taskCount: received 11/);
  });

  test('fails when volume or container paths are not absolute', () => {
    expect(() => jobIn(new Stack(), { volumes: [{ name: 'scratch', sourcePath: 'mnt/scratch' }] }))
      .toThrow(/volumes\[\]\.sourcePath: received "mnt\/scratch"\. Use an absolute path on the container instance/);
    expect(() => jobIn(new Stack(), { volumes: [{ name: 'scratch' }], mountPoints: [{ sourceVolume: 'scratch', containerPath: 'scratch' }] }))
      .toThrow(/mountPoints\[\]\.containerPath: received "scratch"\. Use an absolute path inside the container/);
  });

  test('fails when a mount point names a volume that is not declared, or volumes repeat a name', () => {
    expect(() => jobIn(new Stack(), { volumes: [{ name: 'a' }], mountPoints: [{ sourceVolume: 'b', containerPath: '/b' }] }))
      .toThrow(/mountPoints\[\]\.sourceVolume: received "b"\. Name one of the job's volumes \("a"\)/);
    expect(() => jobIn(new Stack(), { volumes: [{ name: 'a' }, { name: 'a' }] })).toThrow(/volumes\[\]\.name: received "a"\. Each volume needs its own name/);
  });

  test('fails when volumesFrom names a container that is not in the task', () => {
    const stack = new Stack();
    jobIn(stack, { volumesFrom: [{ sourceContainer: 'extract' }] });
    expect(() => Template.fromStack(stack))
      .toThrow(/volumesFrom of container "job" received "extract"\. The task has no container of that name \(it has "job"\)/);
  });

  test('fails when a link names a container that is not in the task', () => {
    const stack = new Stack();
    const job = jobIn(stack);
    job.addContainer('web', { image: BUSYBOX, memoryLimitMiB: 64, links: [{ containerName: 'dbb' }] });
    expect(() => Template.fromStack(stack)).toThrow(/links of container "web" received "dbb"\. The task has no container of that name/);
  });

  test('fails when links are used in awsvpc mode', () => {
    expect(() => jobIn(new Stack(), { networkMode: ecs.NetworkMode.AWS_VPC, links: [{ containerName: 'db' }] }))
      .toThrow(/links: received "db"\. Links only work in bridge network mode \(networkMode is ecs\.NetworkMode\.AWS_VPC\)/);
  });

  test('fails when a container links to itself or mounts its own volumes', () => {
    const error = errorOf(() => jobIn(new Stack(), { links: [{ containerName: 'job' }], volumesFrom: [{ sourceContainer: 'job' }] }));
    expect(error.problems.map(p => p.prop)).toEqual(['volumesFrom[].sourceContainer', 'links[].containerName']);
  });

  test('fails when the cluster has no EC2 capacity', () => {
    const stack = new Stack();
    const fargateOnly = new EcsCluster(stack, 'Cluster');
    expect(() => new Ec2BatchJob(stack, 'Job', { cluster: fargateOnly, image: BUSYBOX, memoryLimitMiB: 64 }))
      .toThrow(/taskCapacity: received "TaskCapacity.ec2\(\)"\. The cluster Default\/Cluster has no EC2 capacity \(Fargate only\)/);
  });

  test('fails when a cluster of unknown capacity comes without a strategy', () => {
    const stack = new Stack();
    expect(() => jobIn(stack, {}, importedCluster(stack)))
      .toThrow(/taskCapacity: received "TaskCapacity.ec2\(\)"\. The kit does not know the EC2 capacity of the imported cluster Default\/Imported: import it with EcsCluster.fromClusterAttributes/);
    const noEc2 = EcsCluster.fromClusterAttributes(stack, 'NoEc2', { clusterName: 'c', vpc: new ec2.Vpc(stack, 'OtherVpc'), hasEc2Capacity: false });
    expect(() => new Ec2BatchJob(stack, 'Job3', { cluster: noEc2, image: BUSYBOX, memoryLimitMiB: 64, taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'x' }]) }))
      .toThrow(/this cluster has no EC2 capacity: add it with cluster.addEc2Capacity/);
  });

  test('fails when the cluster was imported with aws-cdk-lib\'s functions, whose capacity the kit cannot read', () => {
    const stack = new Stack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    for (const cluster of [
      ecs.Cluster.fromClusterArn(stack, 'ByArn', 'arn:aws:ecs:eu-west-1:111122223333:cluster/shared'),
      ecs.Cluster.fromClusterAttributes(stack, 'ByAttributes', { clusterName: 'c', vpc }),
    ]) {
      expect(() => new Ec2BatchJob(stack, `Job${cluster.node.id}`, { cluster, image: BUSYBOX, memoryLimitMiB: 64 }))
        .toThrow(/cluster: received "Default\/By\w+"\. The kit cannot know the capacity of a cluster imported with aws-cdk-lib's ecs.Cluster.fromClusterAttributes or fromClusterArn: import it with EcsCluster.fromClusterAttributes/);
    }
  });

  test('runs on a cluster imported by ARN when the strategy names its providers', () => {
    const stack = new Stack();
    const byArn = EcsCluster.fromClusterArn(stack, 'ByArn', 'arn:aws:ecs:eu-west-1:111122223333:cluster/shared');
    const job = new Ec2BatchJob(stack, 'Job', { cluster: byArn, image: BUSYBOX, memoryLimitMiB: 64, taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'x', weight: 1 }]) });
    expect(job.capacityProviderStrategies).toEqual([{ capacityProvider: 'x', weight: 1 }]);
  });

  test('fails when GPUs are requested on capacity without GPU instances', () => {
    const stack = new Stack();
    const cluster = spotCluster(stack);
    expect(() => jobIn(stack, { gpuCount: 1 }, cluster))
      .toThrow(/gpuCount: received 1\. None of the EC2 capacity groups the job runs on has GPU instances/);
    const job = new Ec2BatchJob(stack, 'Job2', { cluster, image: BUSYBOX, memoryLimitMiB: 64 });
    expect(() => job.addContainer('trainer', { image: BUSYBOX, memoryLimitMiB: 64, gpuCount: 2 }))
      .toThrow(/addContainer\(trainer\)\.gpuCount: received 2\. None of the EC2 capacity groups/);
  });

  test('fails when the strategy names Fargate, repeats a base or weighs every provider 0', () => {
    // GIVEN an imported cluster (its providers are unknown)
    const stack = new Stack();
    const cluster = importedCluster(stack);
    // WHEN / THEN
    const error = errorOf(() => jobIn(stack, {
      taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'FARGATE_SPOT', base: 1 }, { capacityProvider: 'ec2', base: 2 }, { capacityProvider: 'spot', base: 1 }]),
    }, cluster));
    expect(error.problems.map(p => p.prop)).toEqual([
      'taskCapacity[].base',
      'taskCapacity[].weight',
      'taskCapacity[].capacityProvider',
    ]);
    expect(error.problems[0].received).toBe('["FARGATE_SPOT: 1","ec2: 2","spot: 1"]');
    expect(() => jobIn(new Stack(), { taskCapacity: TaskCapacity.fromCapacityProviderStrategies([]) })).toThrow(/taskCapacity: received \[\]\. Give at least one capacity provider/);
  });

  test('fails when the strategy lists a provider twice or names one the cluster does not have', () => {
    // GIVEN an EcsCluster whose only EC2 capacity provider is named "spot-m6i"
    const withStrategy = (capacityProviderStrategies: ecs.CapacityProviderStrategy[]) => () => {
      const stack = new Stack();
      const cluster = new EcsCluster(stack, 'Cluster', { ec2Capacity: { spot: true, instanceTypes: [t('m6i.large')], capacityProviderName: 'spot-m6i' } });
      return jobIn(stack, { taskCapacity: TaskCapacity.fromCapacityProviderStrategies(capacityProviderStrategies) }, cluster);
    };
    // WHEN / THEN
    expect(withStrategy([{ capacityProvider: 'spot-m6i', weight: 1 }, { capacityProvider: 'spot-m6i', weight: 2 }]))
      .toThrow(/taskCapacity\[\]\.capacityProvider: received \["spot-m6i"\]\. Each capacity provider can appear once/);
    expect(withStrategy([{ capacityProvider: 'gpu', weight: 1 }]))
      .toThrow(/received "gpu"\. The cluster Default\/Cluster has no capacity provider of this name \(it has "FARGATE", "FARGATE_SPOT", "the capacity provider Default\/Cluster\/Ec2Capacity\/CapacityProvider\/CapacityProvider"\).*addEc2Capacity/);
    expect(withStrategy([{ capacityProvider: 'spot-m6i', weight: 1 }])).not.toThrow();
  });

  test('fails with our error, not aws-cdk-lib\'s "Call addCapacity()", when a strategy is given for an EcsCluster without EC2 capacity', () => {
    // GIVEN a Fargate-only EcsCluster
    const stack = new Stack();
    const fargateOnly = new EcsCluster(stack, 'Cluster');
    // WHEN
    const error = errorOf(() => new Ec2BatchJob(stack, 'Job', {
      cluster: fargateOnly, image: BUSYBOX, memoryLimitMiB: 64, taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'spot', weight: 1 }]),
    }));
    // THEN
    expect(error.message).toMatch(/cluster: received "Default\/Cluster"\. The job runs an EC2 task definition, and this cluster has no EC2 capacity: add it with cluster\.addEc2Capacity/);
    expect(error.message).not.toMatch(/addCapacity\(\)/);
  });

  test('fails when network props are given in bridge mode, showing the props\' values; network modes render as names', () => {
    const stack = new Stack();
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc: new ec2.Vpc(stack, 'Vpc') });
    const error = errorOf(() => jobIn(stack, { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC, onePerAz: true }, securityGroups: [sg] }));
    expect(error.problems.map(p => [p.prop, p.received])).toEqual([
      ['vpcSubnets', '{"subnetType":"ec2.SubnetType.PUBLIC","onePerAz":true}'],
      ['securityGroups', '["Default/Sg"]'],
    ]);
    expect(error.problems[0].fix).toMatch(/networkMode is ecs\.NetworkMode\.BRIDGE: set networkMode: ecs\.NetworkMode\.AWS_VPC/);
    expect(() => jobIn(new Stack(), { networkMode: ecs.NetworkMode.HOST })).toThrow(/networkMode: received "ecs\.NetworkMode\.HOST"/);
  });

  test('fails when logRetention is not a RetentionDays value', () => {
    expect(() => jobIn(new Stack(), { logRetention: 4 as logs.RetentionDays })).toThrow(/logRetention: received 4\. Use one of the logs\.RetentionDays values/);
    expect(() => jobIn(new Stack(), { logRetention: logs.RetentionDays.FIVE_DAYS })).not.toThrow();
  });

  test('fails when logRetention is INFINITE: both log groups are retained, so their logs must expire', () => {
    // GIVEN logs kept forever
    const options = { logRetention: logs.RetentionDays.INFINITE };
    // WHEN the job is created
    const error = errorOf(() => jobIn(new Stack(), options));
    // THEN it is refused with the kit's rule for every log group it creates
    expect(error.problems).toEqual([{
      prop: 'logRetention',
      received: '"logs.RetentionDays.INFINITE"',
      fix: 'Logs must expire: choose a finite retention such as logs.RetentionDays.THREE_MONTHS.',
    }]);
  });

  test('fails when failureAlarmActions are given without the alarm', () => {
    expect(() => jobIn(new Stack(), { failureAlarmActions: [] }))
      .toThrow(/failureAlarmActions: received "0 action\(s\)"\. The actions belong to the failure alarm, which exists only with enableFailureAlarm: true/);
  });

  test('fails when the main container is not essential, or two containers share a name', () => {
    expect(() => jobIn(new Stack(), { essential: false })).toThrow(/essential: received false\. The main container is always essential/);
    const job = jobIn(new Stack());
    expect(() => job.addContainer('job', { image: BUSYBOX, memoryLimitMiB: 64 }))
      .toThrow(/addContainer\(job\)\.containerName: received "job"\. The task already has a container of that name/);
    expect(() => job.addContainer('bad name', { image: BUSYBOX, memoryLimitMiB: 64 })).toThrow(/containerName: received "bad name"/);
  });

  test('reports several problems in one error, with the construct path', () => {
    const error = errorOf(() => jobIn(new Stack(), { taskCount: 0, retries: 20, memoryLimitMiB: undefined }));
    expect(error.constructPath).toBe('Default/Job');
    expect(error.problems.map(p => p.prop)).toEqual(['taskCount', 'retries', 'memoryLimitMiB']);
    expect(error.message).toContain('Ec2BatchJob at \'Default/Job\' has 3 invalid props');
  });

  test('does not validate unresolved tokens of props that take them', () => {
    const stack = new Stack();
    const memory = new CfnParameter(stack, 'Memory', { type: 'Number' }).valueAsNumber;
    const count = new CfnParameter(stack, 'Count', { type: 'Number' }).valueAsNumber;
    const expression = new CfnParameter(stack, 'Schedule').valueAsString;
    expect(() => jobIn(stack, { memoryLimitMiB: memory, cpu: count, schedule: JobSchedule.expression(expression) })).not.toThrow();
  });
});

describe('Ec2BatchJob tokens', () => {
  const numberParam = (stack: Stack, id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
  const stringParam = (stack: Stack, id: string) => new CfnParameter(stack, id).valueAsString;

  test('props that take tokens write them into the template', () => {
    // GIVEN
    const stack = new Stack();
    const cluster = importedCluster(stack);
    // WHEN
    jobIn(stack, {
      memoryLimitMiB: numberParam(stack, 'Memory'),
      memoryReservationMiB: numberParam(stack, 'Reservation'),
      cpu: numberParam(stack, 'Cpu'),
      command: [stringParam(stack, 'Command')],
      environment: { STAGE: stringParam(stack, 'Stage') },
      volumes: [{ name: 'data', sourcePath: stringParam(stack, 'HostPath') }],
      mountPoints: [{ sourceVolume: 'data', containerPath: stringParam(stack, 'MountPath') }],
      taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: stringParam(stack, 'Provider'), weight: numberParam(stack, 'Weight') }]),
      logRetention: numberParam(stack, 'Retention'),
      schedule: JobSchedule.cron({ hour: stringParam(stack, 'Hour'), timeZone: TimeZone.of(stringParam(stack, 'Zone')) }),
    }, cluster);
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Memory: { Ref: 'Memory' },
        MemoryReservation: { Ref: 'Reservation' },
        Cpu: { Ref: 'Cpu' },
        Command: [{ Ref: 'Command' }],
        Environment: [{ Name: 'STAGE', Value: { Ref: 'Stage' } }],
        MountPoints: [{ SourceVolume: 'data', ContainerPath: { Ref: 'MountPath' }, ReadOnly: false }],
      })],
      Volumes: [{ Name: 'data', Host: { SourcePath: { Ref: 'HostPath' } } }],
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: { Ref: 'Retention' } });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: { 'Fn::Join': ['', ['cron(0 ', { Ref: 'Hour' }, ' * * ? *)']] },
      ScheduleExpressionTimezone: { Ref: 'Zone' },
    });
    const definition = JSON.stringify(template.findResources('AWS::StepFunctions::StateMachine'));
    expect(definition).toContain('{"Ref":"Provider"}');
    expect(definition).toContain('{"Ref":"Weight"}');
  });

  test('a rate from a token picks the singular unit when the token resolves to 1', () => {
    // GIVEN
    const stack = new Stack();
    const minutes = numberParam(stack, 'Minutes');
    // WHEN
    jobIn(stack, { schedule: JobSchedule.rate(Duration.hours(minutes)) });
    // THEN
    const template = Template.fromStack(stack);
    const [conditionId, condition] = Object.entries<any>(template.toJSON().Conditions)[0];
    expect(condition).toEqual({ 'Fn::Equals': [{ Ref: 'Minutes' }, '1'] });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: { 'Fn::If': [conditionId, 'rate(1 hour)', { 'Fn::Join': ['', ['rate(', { Ref: 'Minutes' }, ' hours)']] }] },
    });
  });

  test('fails when a rate from a token is not in minutes, hours or days', () => {
    const stack = new Stack();
    expect(() => jobIn(stack, { schedule: JobSchedule.rate(Duration.seconds(numberParam(stack, 'Seconds'))) }))
      .toThrow(/schedule: received "rate\(<token> seconds\)"\. A rate from a token must be in minutes, hours or days/);
  });

  test('fails when props read at synth time are tokens', () => {
    // GIVEN
    const stack = new Stack();
    const n = numberParam(stack, 'N');
    const name = stringParam(stack, 'Name');
    // WHEN
    const error = errorOf(() => jobIn(stack, {
      taskCount: n,
      retries: n,
      timeout: Duration.minutes(n),
      retryInterval: Duration.minutes(n),
      volumes: [{ name }],
      containerName: name,
      gpuCount: n,
      mountPoints: [{ sourceVolume: name, containerPath: '/data' }],
      volumesFrom: [{ sourceContainer: name }],
      links: [{ containerName: name, alias: name }],
    }));
    // THEN
    expect(error.problems.filter(p => /cannot be an unresolved token/.test(p.fix)).map(p => p.prop)).toEqual([
      'taskCount', 'retries', 'timeout', 'retryInterval', 'volumes[].name', 'containerName', 'gpuCount',
      'mountPoints[].sourceVolume', 'volumesFrom[].sourceContainer', 'links[].containerName', 'links[].alias',
    ]);
    expect(error.problems[0].received).toMatch(/^"\$\{Token\[/);
    expect(error.problems[2].received).toBe('"a Duration from a token"');
  });
});

describe('Ec2BatchJob names derived from construct paths', () => {
  test('descriptions are printable ASCII within their limits, and the timed-out metric name within 255 characters', () => {
    // GIVEN a job deep under ids with non-ASCII characters
    const stack = new Stack();
    let scope: Construct = stack;
    for (let i = 0; i < 12; i++) scope = new Construct(scope, `Équipe-données-${'x'.repeat(30)}-${i}`);
    // WHEN
    const job = new Ec2BatchJob(scope, 'Tâche ✓', {
      cluster: spotCluster(stack), image: BUSYBOX, memoryLimitMiB: 64, enableFailureAlarm: true, schedule: JobSchedule.rate(Duration.hours(1)),
    });
    // THEN
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, any>;
    const only = (type: string) => Object.values(resources).filter(r => r.Type === type).map(r => r.Properties);
    const printable = /^[\x20-\x7e]*$/;
    const checks: Array<[string, string, number]> = [
      ['AWS::KMS::Key', 'Description', 8192],
      ['AWS::IAM::Role', 'Description', 1000],
      ['AWS::Scheduler::Schedule', 'Description', 512],
      ['AWS::CloudWatch::Alarm', 'AlarmDescription', 1024],
      ['AWS::SNS::Topic', 'DisplayName', 100],
    ];
    for (const [type, key, max] of checks) {
      const values = only(type).map(p => p[key]).filter(v => v !== undefined);
      expect(values.length).toBeGreaterThan(0);
      for (const value of values) {
        expect(value).toMatch(printable);
        expect(value.length).toBeLessThanOrEqual(max);
      }
    }
    expect(only('AWS::Logs::MetricFilter')[0].MetricTransformations[0].MetricName.length).toBeLessThanOrEqual(255);
    expect(job.metricRunsTimedOut().metricName.length).toBeLessThanOrEqual(255);
  });
});

test('the job works inside an app of several stacks (no stack-level side effects)', () => {
  const app = new App();
  const stack = new Stack(app, 'A');
  jobIn(stack, { schedule: JobSchedule.rate(Duration.hours(6)) });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(6 hours)' });
  // The scheduler role is the job's own, not aws-cdk-lib's stack-wide SchedulerRoleForTarget-…
  expect(Object.keys(template.findResources('AWS::IAM::Role')).filter(id => id.startsWith('SchedulerRole'))).toEqual([]);
});

describe('Ec2BatchJob exit-code check, evaluated', () => {
  // The Choice and Fail states are JSONata: evaluate them with the jsonata engine
  // Step Functions documents, against task descriptions as RunTask .sync returns them.
  async function evaluate(expression: string, input: unknown): Promise<unknown> {
    const body = /^\{%([\s\S]*)%\}$/.exec(expression)![1];
    return jsonata(body).evaluate({}, { states: { input } });
  }

  test('succeeds only when every essential container exited with 0', async () => {
    // GIVEN a job with a second essential container and a non-essential helper
    const stack = createTestStack();
    const job = jobIn(stack);
    job.addContainer('post', { image: BUSYBOX, memoryReservationMiB: 32 });
    job.addContainer('helper', { image: BUSYBOX, memoryReservationMiB: 32, essential: false });
    const states = statesOf(definitionOf(validTemplate(stack)));
    const condition = states.CheckExitCodes.Choices[0].Condition;
    const task = (codes: Record<string, number | undefined>) => ({
      Containers: Object.entries(codes).map(([Name, ExitCode]) => (ExitCode === undefined ? { Name } : { Name, ExitCode })),
      StoppedReason: 'Essential container in task exited',
    });
    // THEN
    expect(await evaluate(condition, task({ job: 0, post: 0, helper: 0 }))).toBe(true);
    expect(await evaluate(condition, task({ job: 0, post: 0, helper: 3 }))).toBe(true);
    expect(await evaluate(condition, task({ job: 1, post: 0, helper: 0 }))).toBe(false);
    expect(await evaluate(condition, task({ job: 0, post: 137, helper: 0 }))).toBe(false);
    expect(await evaluate(condition, task({ job: 0, post: undefined, helper: 0 }))).toBe(false); // never ran
    expect(await evaluate(condition, task({ job: 0 }))).toBe(false); // missing from the description
    // The failure cause names every container's exit code.
    const cause = await evaluate(states.NonZeroExitCode.Cause, task({ job: 1, post: 0, helper: 0 }));
    expect(cause).toEqual(expect.stringContaining('"exitCode":1'));
  });
});
