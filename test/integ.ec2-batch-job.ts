/**
 * Integration test: Ec2BatchJob on an EcsCluster's EC2 capacity (scaled from zero).
 *
 * Deploys a cluster with one on-demand capacity group (0 instances at rest) and two
 * jobs running busybox: `Succeeds` exits 0, `Fails` exits 1 (one retry, 10 s later).
 * Both failure topics deliver to one SQS queue. Then it starts one run of each job
 * and waits for Step Functions' verdict:
 * - `Succeeds` ends `SUCCEEDED` (the exit-code check passes a task whose essential
 *   containers exited 0);
 * - `Fails` ends `FAILED` with the error `Ec2BatchJob.NonZeroExitCode` after its retry
 *   (ECS reports the stopped task as a success; the kit's check turns exit code 1
 *   into a failure);
 * - the queue then holds exactly one notification (none from `Succeeds`, one, not one
 *   per attempt, from `Fails`), whose message names the job and carries the error
 *   and the exit code.
 *
 * `npm test` only compares the synthesized templates with the committed snapshot
 * (`integ.ec2-batch-job.ts.snapshot/`); README's "Testing" section says how to deploy it.
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import {
  App, Duration, RemovalPolicy, Stack,
  aws_ecs as ecs, aws_sns_subscriptions as subscriptions, aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Ec2BatchJob, EcsCluster } from '../src';

const app = new App();
// Environment-agnostic: the stack synthesizes without credentials or lookups.
const stack = new Stack(app, 'EcsKitIntegEc2BatchJob');

const cluster = new EcsCluster(stack, 'Cluster', {
  ec2Capacity: { maxCapacity: 2 },
});

const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1.36');
const jobOptions = {
  cluster,
  image,
  memoryLimitMiB: 64,
  // Placement, scale-out from zero and the run itself: far below this.
  timeout: Duration.minutes(20),
};
const succeeds = new Ec2BatchJob(stack, 'Succeeds', {
  ...jobOptions,
  command: ['sh', '-c', 'echo "cdk-ecs-kit integ: success"; exit 0'],
});
const fails = new Ec2BatchJob(stack, 'Fails', {
  ...jobOptions,
  command: ['sh', '-c', 'echo "cdk-ecs-kit integ: failure"; exit 1'],
  retries: 1,
  retryInterval: Duration.seconds(10),
});

// Every failure notification lands here, unwrapped (raw message delivery).
const notifications = new sqs.Queue(stack, 'FailureNotifications', {
  encryption: sqs.QueueEncryption.SQS_MANAGED,
  enforceSSL: true,
  removalPolicy: RemovalPolicy.DESTROY,
});
for (const job of [succeeds, fails]) {
  job.failureTopic.addSubscription(new subscriptions.SqsSubscription(notifications, { rawMessageDelivery: true }));
}

// Integration test only: leave nothing behind (the kit retains its log groups).
cluster.flowLogGroup?.applyRemovalPolicy(RemovalPolicy.DESTROY);
for (const job of [succeeds, fails]) {
  job.logGroup.applyRemovalPolicy(RemovalPolicy.DESTROY);
  job.executionLogGroup.applyRemovalPolicy(RemovalPolicy.DESTROY);
}

const integ = new IntegTest(app, 'Ec2BatchJob', {
  testCases: [stack],
});

/** Polls a run until Step Functions reports `status` (a few minutes: one instance starts first). */
function runEndsWith(job: Ec2BatchJob, status: 'SUCCEEDED' | 'FAILED') {
  // No execution name: Step Functions generates a unique one for every deployment.
  const start = integ.assertions.awsApiCall('StepFunctions', 'startExecution', {
    stateMachineArn: job.stateMachineArn,
  });
  const executionArn = start.getAttString('executionArn');
  const ended = integ.assertions.awsApiCall('StepFunctions', 'describeExecution', { executionArn })
    .assertAtPath('status', ExpectedResult.exact(status))
    .waitForAssertions({ totalTimeout: Duration.minutes(30), interval: Duration.seconds(30), backoffRate: 1 });
  return { executionArn, ended };
}

// WHEN one run of each job starts
// THEN the job that exits 0 succeeds
const ok = runEndsWith(succeeds, 'SUCCEEDED');
// THEN the job that exits 1 fails, because of its exit code
const ko = runEndsWith(fails, 'FAILED');
const koError = integ.assertions.awsApiCall('StepFunctions', 'describeExecution', { executionArn: ko.executionArn })
  .assertAtPath('error', ExpectedResult.exact('Ec2BatchJob.NonZeroExitCode'));
ko.ended.next(koError);

// THEN, once both runs are over, exactly one notification was sent ...
const queued = integ.assertions.awsApiCall('SQS', 'getQueueAttributes', {
  QueueUrl: notifications.queueUrl,
  AttributeNames: ['ApproximateNumberOfMessages'],
}).assertAtPath('Attributes.ApproximateNumberOfMessages', ExpectedResult.exact('1'))
  .waitForAssertions({ totalTimeout: Duration.minutes(3), interval: Duration.seconds(15), backoffRate: 1 });
ok.ended.next(queued);
koError.next(queued);

// ... by the failing job, with the original error and the exit code
const message = integ.assertions.awsApiCall('SQS', 'receiveMessage', {
  QueueUrl: notifications.queueUrl,
  MaxNumberOfMessages: 10,
  WaitTimeSeconds: 5,
}).expect(ExpectedResult.objectLike({
  Messages: [Match.objectLike({
    Body: Match.serializedJson(Match.objectLike({
      job: Match.stringLikeRegexp('Fails'),
      status: 'FAILED',
      error: 'Ec2BatchJob.NonZeroExitCode',
      cause: Match.stringLikeRegexp('"exitCode":1[,}]'),
    })),
  })],
}));
queued.next(message);
