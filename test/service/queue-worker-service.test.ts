import { App, Duration, Stack, aws_ec2 as ec2, aws_ecs as ecs, aws_kms as kms, aws_sqs as sqs } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as fc from 'fast-check';
import { IMAGE, testCluster } from './cluster';
import { Ec2Capacity, EcsCluster, QueueWorkerService, TaskCapacity } from '../../src';
import { createTestStack, errorOf, expectAcceptedOnlyWhen, validTemplate } from '../helpers/validators';

/** The exact target-tracking policy on messages visible per running task, for a worker `Worker`. */
function backlogPolicy(target: number, scaleInCooldown = 300, scaleOutCooldown = 60, cluster: unknown = { Ref: Match.stringLikeRegexp('^Cluster') }) {
  return {
    PolicyName: Match.stringLikeRegexp('WorkerBacklogScaling'),
    PolicyType: 'TargetTrackingScaling',
    ScalingTargetId: { Ref: Match.stringLikeRegexp('^WorkerTaskCountTarget') },
    TargetTrackingScalingPolicyConfiguration: {
      CustomizedMetricSpecification: {
        Metrics: [
          {
            Id: 'visible',
            Label: 'Messages visible in the queue',
            MetricStat: {
              Metric: {
                Namespace: 'AWS/SQS',
                MetricName: 'ApproximateNumberOfMessagesVisible',
                Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkerQueue'), 'QueueName'] } }],
              },
              Stat: 'Sum',
            },
            ReturnData: false,
          },
          {
            Id: 'running',
            Label: 'Running tasks of the service',
            MetricStat: {
              Metric: {
                Namespace: 'ECS/ContainerInsights',
                MetricName: 'RunningTaskCount',
                Dimensions: [
                  { Name: 'ClusterName', Value: cluster },
                  { Name: 'ServiceName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkerService'), 'Name'] } },
                ],
              },
              Stat: 'Average',
            },
            ReturnData: false,
          },
          { Id: 'backlog', Label: 'Messages visible per running task', Expression: 'visible / running', ReturnData: true },
        ],
      },
      TargetValue: target,
      ScaleInCooldown: scaleInCooldown,
      ScaleOutCooldown: scaleOutCooldown,
    },
  };
}

function worker(stack: Stack, props: Partial<ConstructorParameters<typeof QueueWorkerService>[2]> = {}): QueueWorkerService {
  const cluster = props.cluster ?? new EcsCluster(stack, 'Cluster');
  return new QueueWorkerService(stack, 'Worker', { cluster, image: IMAGE, ...props });
}

describe('QueueWorkerService', () => {
  test('defaults: a queue with a dead-letter queue, SSE-SQS, TLS only, consume rights, QUEUE_URL, 1-10 tasks on 10 messages per task, 0 findings', () => {
    // GIVEN
    const stack = createTestStack();
    // WHEN
    const w = worker(stack);
    // THEN
    const template = validTemplate(stack);
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 300,
      MessageRetentionPeriod: 345600,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkerDeadLetterQueue'), 'Arn'] }, maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600, RedrivePolicy: Match.absent() });
    template.resourcePropertiesCountIs('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] },
    }, 2);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^WorkerTaskDefinitionTaskRole') }],
      PolicyDocument: {
        Statement: [Match.objectLike({
          Action: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueUrl', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^WorkerQueue'), 'Arn'] },
        })],
      },
    });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Name: 'worker',
        PortMappings: Match.absent(),
        Environment: [{ Name: 'QUEUE_URL', Value: { Ref: Match.stringLikeRegexp('^WorkerQueue') } }],
      })],
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.absent(), GroupDescription: Match.stringLikeRegexp('TestStack/Worker') });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 10 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', backlogPolicy(10));
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 1);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(w.deadLetterQueue).toBeDefined();
    expect(w.startFromZeroAlarm).toBeUndefined();
  });

  test('scaleToZero: min 0 and a step-scaling policy whose alarm starts one task when messages wait and none runs', () => {
    // GIVEN
    const stack = createTestStack();
    // WHEN
    worker(stack, { scaleToZero: true, targetBacklogPerTask: 25, scaleOutCooldown: Duration.seconds(120) });
    // THEN
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 0, MaxCapacity: 10 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', backlogPolicy(25, 300, 120));
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyName: Match.stringLikeRegexp('WorkerStartFromZero'),
      PolicyType: 'StepScaling',
      ScalingTargetId: { Ref: Match.stringLikeRegexp('^WorkerTaskCountTarget') },
      StepScalingPolicyConfiguration: {
        AdjustmentType: 'ExactCapacity',
        Cooldown: 120,
        MetricAggregationType: 'Maximum',
        StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }],
      },
    });
    const alarms = template.findResources('AWS::CloudWatch::Alarm');
    expect(Object.values(alarms).map(a => a.Properties)).toEqual([{
      AlarmActions: [{ Ref: expect.stringMatching(/^WorkerStartFromZero/) }],
      AlarmDescription: 'TestStack/Worker: messages are waiting and no task runs: start one',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      Threshold: 1,
      TreatMissingData: 'notBreaching',
      Metrics: [
        { Id: 'expr_1', Expression: 'IF(visible > 0 AND FILL(running, 0) < 1, 1, 0)', Label: 'Messages waiting without a running task', ReturnData: true },
        {
          Id: 'visible',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/SQS',
              MetricName: 'ApproximateNumberOfMessagesVisible',
              Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [expect.stringMatching(/^WorkerQueue/), 'QueueName'] } }],
            },
            Period: 60,
            Stat: 'Maximum',
          },
          ReturnData: false,
        },
        {
          Id: 'running',
          MetricStat: {
            Metric: {
              Namespace: 'ECS/ContainerInsights',
              MetricName: 'RunningTaskCount',
              Dimensions: [
                { Name: 'ClusterName', Value: { Ref: expect.stringMatching(/^Cluster/) } },
                { Name: 'ServiceName', Value: { 'Fn::GetAtt': [expect.stringMatching(/^WorkerService/), 'Name'] } },
              ],
            },
            Period: 60,
            Stat: 'Average',
          },
          ReturnData: false,
        },
      ],
    }]);
  });

  test('a given queue: consumed as it is, nothing created, its URL under the configured variable', () => {
    // GIVEN
    const stack = createTestStack();
    const queue = sqs.Queue.fromQueueArn(stack, 'Orders', 'arn:aws:sqs:us-east-1:123456789012:orders');
    // WHEN
    const w = worker(stack, { queue, queueUrlEnvironmentVariable: 'ORDERS_QUEUE' });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SQS::Queue', 0);
    expect(w.queue).toBe(queue);
    expect(w.deadLetterQueue).toBeUndefined();
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Environment: [{ Name: 'ORDERS_QUEUE', Value: Match.anyValue() }] })],
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Resource: 'arn:aws:sqs:us-east-1:123456789012:orders' })] },
    });
  });

  test('a KMS key encrypts both queues, and the task role may decrypt with it', () => {
    const stack = createTestStack();
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    worker(stack, { queueEncryptionKey: key, maxReceiveCount: 3, visibilityTimeout: Duration.minutes(15), retentionPeriod: Duration.days(7) });
    const template = validTemplate(stack);
    template.resourcePropertiesCountIs('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } }, 2);
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 900, MessageRetentionPeriod: 604800, RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }) });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^WorkerTaskDefinitionTaskRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'kms:Decrypt' })]) },
    });
  });

  test('on Fargate Spot, on EC2 in bridge mode, on an imported cluster', () => {
    // GIVEN
    const stack = createTestStack();
    const cluster = new EcsCluster(stack, 'Cluster', { ec2Capacity: { instanceTypes: [new ec2.InstanceType('m7i.large')] } });
    // WHEN
    new QueueWorkerService(stack, 'Spot', { cluster, image: IMAGE, taskCapacity: TaskCapacity.fargateSpot() });
    new QueueWorkerService(stack, 'OnEc2', { cluster, image: IMAGE, taskCapacity: TaskCapacity.ec2(), memoryLimitMiB: 256 });
    const imported = EcsCluster.fromClusterAttributes(stack, 'Shared', {
      clusterName: 'shared',
      vpc: cluster.vpc,
      ec2Capacities: [Ec2Capacity.fromCapacityProviderAttributes(stack, 'Provider', { capacityProviderName: 'shared-spot', spot: true })],
    });
    new QueueWorkerService(stack, 'Worker', { cluster: imported, image: IMAGE, taskCapacity: TaskCapacity.ec2() });
    // THEN
    const template = validTemplate(stack);
    template.hasResourceProperties('AWS::ECS::Service', { CapacityProviderStrategy: [{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }] });
    template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      NetworkMode: 'bridge',
      ContainerDefinitions: [Match.objectLike({ Name: 'worker', Memory: 256, Cpu: 256 })],
    });
    template.hasResourceProperties('AWS::ECS::Service', { Cluster: 'shared', CapacityProviderStrategy: [{ CapacityProvider: 'shared-spot', Weight: 1 }] });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', backlogPolicy(10, 300, 60, 'shared'));
  });

  test('warns when the cluster of the app has Container Insights off', () => {
    // (A stack without the validators: cdk-nag refuses the cluster itself.)
    const stack = new Stack(new App(), 'TestStack');
    const cluster = testCluster(stack, { containerInsightsV2: ecs.ContainerInsights.DISABLED });
    worker(stack, { cluster });
    Annotations.fromStack(stack).hasWarning('/TestStack/Worker', Match.stringLikeRegexp('cdk-ecs-kit:QueueWorkerService.containerInsightsOff'));
  });
});

describe('QueueWorkerService refusals', () => {
  test('fails when options of the created queue are given with a queue', () => {
    const stack = createTestStack();
    const queue = new sqs.Queue(stack, 'Given', { enforceSSL: true });
    const error = errorOf(() => worker(stack, { queue, maxReceiveCount: 3, visibilityTimeout: Duration.minutes(1) }));
    expect(error.problems.map(p => p.prop)).toEqual(['maxReceiveCount', 'visibilityTimeout']);
    expect(error.problems[1].received).toBe('"1 minute"');
  });

  test('fails when the props are wrong, and names each prop', () => {
    const stack = createTestStack();
    const error = errorOf(() => worker(stack, {
      maxReceiveCount: 0,
      visibilityTimeout: Duration.hours(13),
      retentionPeriod: Duration.seconds(30),
      queueUrlEnvironmentVariable: '1QUEUE',
      targetBacklogPerTask: 0,
      scaleToZero: true,
      minCapacity: 2,
      cpu: 300,
    }));
    expect(error.problems.map(p => p.prop).sort()).toEqual([
      'cpu', 'maxReceiveCount', 'minCapacity', 'queueUrlEnvironmentVariable', 'retentionPeriod', 'targetBacklogPerTask', 'visibilityTimeout',
    ]);
  });

  test('fails when the environment already sets the queue URL variable', () => {
    const stack = createTestStack();
    const error = errorOf(() => worker(stack, { environment: { QUEUE_URL: 'x' } }));
    expect(error.problems.map(p => p.prop)).toEqual(['queueUrlEnvironmentVariable']);
  });

  test('fails when the cluster was imported with aws-cdk-lib\'s own functions', () => {
    const stack = createTestStack();
    const vpc = new EcsCluster(stack, 'Platform').vpc;
    const cluster = ecs.Cluster.fromClusterAttributes(stack, 'Raw', { clusterName: 'raw', vpc });
    const error = errorOf(() => worker(stack, { cluster }));
    expect(error.problems.map(p => p.prop)).toEqual(['cluster']);
    expect(error.problems[0].fix).toMatch(/EcsCluster.fromClusterAttributes/);
  });
});

test('snapshot: a worker on Fargate Spot scaling to zero', () => {
  const stack = createTestStack();
  worker(stack, { taskCapacity: TaskCapacity.fargateSpot(), scaleToZero: true, maxCapacity: 4 });
  expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
});

describe('QueueWorkerService property test', () => {
  test('queue options and scaling targets either synthesize within the SQS limits or fail with EcsKitValidationError', () => {
    fc.assert(fc.property(
      fc.integer({ min: -1, max: 1100 }),
      fc.integer({ min: 0, max: 50_000 }),
      fc.integer({ min: 0, max: 1_300_000 }),
      fc.double({ min: -5, max: 100, noNaN: true }),
      fc.boolean(),
      (maxReceiveCount, visibilitySeconds, retentionSeconds, target, scaleToZero) => {
        const stack = createTestStack();
        const cluster = new EcsCluster(stack, 'Cluster');
        const valid = maxReceiveCount >= 1 && maxReceiveCount <= 1000 && visibilitySeconds >= 0 && visibilitySeconds <= 43_200
          && retentionSeconds >= 60 && retentionSeconds <= 1_209_600 && target > 0;
        expectAcceptedOnlyWhen(valid, () => {
          new QueueWorkerService(stack, 'Worker', {
            cluster,
            image: IMAGE,
            maxReceiveCount,
            scaleToZero,
            targetBacklogPerTask: target,
            visibilityTimeout: Duration.seconds(visibilitySeconds),
            retentionPeriod: Duration.seconds(retentionSeconds),
          });
          const template = Template.fromStack(stack);
          template.hasResourceProperties('AWS::SQS::Queue', {
            VisibilityTimeout: visibilitySeconds, MessageRetentionPeriod: retentionSeconds, RedrivePolicy: Match.objectLike({ maxReceiveCount }),
          });
          template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: scaleToZero ? 0 : 1 });
          template.resourceCountIs('AWS::CloudWatch::Alarm', scaleToZero ? 1 : 0);
        });
      },
    ), { numRuns: 40 });
  });
});
