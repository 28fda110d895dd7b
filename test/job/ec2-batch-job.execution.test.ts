/**
 * Ec2BatchJob's run-time behaviour, proven by executing the state machine the
 * construct synthesizes (taken from the template, references resolved to fake
 * ARNs) in the aws-local-stepfunctions interpreter.
 *
 * Emulated, not executed on AWS (see state-machine-runner.ts and job-service-fakes.ts):
 * - JSONata: the interpreter only knows JSONPath; every JSONata expression of the
 *   definition is evaluated with the `jsonata` package (the engine Step Functions
 *   documents), and the JSONata states are rewritten into states the interpreter runs;
 * - the ECS RunTask (.sync) integration: a fake returns ECS DescribeTasks task
 *   descriptions with the exit codes each test chooses, or fails like RunTask does;
 * - the SNS Publish integration: a fake records the messages;
 * - time: Jest's fake clock, so retry waits and the one-hour timeout take no real
 *   time while their lengths are still measured.
 * Retries, backoff, catching, Parallel/Map and the task timeout are the interpreter's.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUSYBOX, spotCluster } from './helpers';
import { ContainerSpec, FakeEcs, FakeSns, NO_CAPACITY_CAUSE, RunTaskScript, containersOf, runTask } from './job-service-fakes';
import { ExecutionOutcome, FAKE_ENV, TaskFailure, resolvedDefinition, runStateMachine, translateDefinition } from './state-machine-runner';
import { Ec2BatchJob, Ec2BatchJobProps } from '../../src';

type JobOptions = Omit<Ec2BatchJobProps, 'cluster' | 'image'>;

interface SynthesizedJob {
  readonly definition: any;
  readonly containers: ContainerSpec[];
  readonly topicArn: string;
}

/** Synthesizes a job (with an optional configuration of its containers) and reads what the tests execute. */
function synthesize(options: JobOptions = {}, configure?: (job: Ec2BatchJob) => void): SynthesizedJob {
  const stack = new Stack(new App(), 'TestStack');
  const job = new Ec2BatchJob(stack, 'Job', { cluster: spotCluster(stack), image: BUSYBOX, memoryLimitMiB: 256, ...options });
  configure?.(job);
  const template = Template.fromStack(stack);
  const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0];
  return {
    definition: resolvedDefinition(template),
    containers: containersOf(template),
    topicArn: `arn:${FAKE_ENV.partition}:sns:${FAKE_ENV.region}:${FAKE_ENV.account}:${topicId}`,
  };
}

interface Run extends ExecutionOutcome {
  readonly ecs: FakeEcs;
  readonly sns: FakeSns;
}

/** One execution of the job's state machine against the fakes. */
async function run(job: SynthesizedJob, script: RunTaskScript, sns = new FakeSns()): Promise<Run> {
  const ecs = new FakeEcs(job.containers, script);
  const outcome = await runStateMachine(job.definition, {
    integrations: { 'ecs:runTask.sync': ecs.handler, 'sns:publish': sns.handler },
    executionName: 'nightly-2026-01-05',
  });
  return { ...outcome, ecs, sns };
}

const EXECUTION_ARN = `arn:aws:states:${FAKE_ENV.region}:${FAKE_ENV.account}:execution:Job:nightly-2026-01-05`;
const minutes = (n: number) => n * 60_000;

/** The failure notification, parsed, and checked to be the only one. */
function onlyNotification(result: Run): { subject?: string; topicArn: string; body: any } {
  expect(result.sns.published).toHaveLength(1);
  const [message] = result.sns.published;
  return { subject: message.subject, topicArn: message.topicArn, body: JSON.parse(message.message) };
}

// A job with the default retries (2, from 1 minute, doubling) and timeout (1 hour), a
// non-essential sidecar, and a second essential container that runs after the main one.
const defaultJob = synthesize({}, job => {
  job.addContainer('sidecar', { image: BUSYBOX, memoryReservationMiB: 32, essential: false });
  job.addContainer('post', { image: BUSYBOX, memoryReservationMiB: 32 });
});

describe('Ec2BatchJob execution: exit codes', () => {
  test('succeeds without notification when every essential container exits with 0', async () => {
    // WHEN
    const result = await run(defaultJob, [runTask.exits({ job: 0, sidecar: 0, post: 0 }, minutes(20))]);
    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.ecs.calls).toHaveLength(1);
    expect(result.sns.attempts).toBe(0);
    expect(result.durationMs).toBe(minutes(20));
    // The run's output is the stopped task's description (the Parallel state's Output: its only branch's result).
    expect(result.output).toEqual(expect.objectContaining({ LastStatus: 'STOPPED', StopCode: 'EssentialContainerExited' }));
    // The RunTask request is the state's Arguments, evaluated: the job's cluster, task
    // definition family and Spot capacity provider, binpacked on memory.
    expect(result.ecs.calls[0].request).toEqual({
      Cluster: expect.stringMatching(/^arn:aws:ecs:eu-west-1:123456789012:cluster\/Cluster/),
      TaskDefinition: expect.stringMatching(/^TestStackJobTaskDefinition/),
      CapacityProviderStrategy: [{ CapacityProvider: expect.stringMatching(/^ClusterEc2CapacityCapacityProvider/), Weight: 1 }],
      PlacementStrategy: [{ Type: 'binpack', Field: 'MEMORY' }],
    });
  });

  test('a non-essential container\'s non-zero exit code does not fail the run', async () => {
    const result = await run(defaultJob, [runTask.exits({ job: 0, sidecar: 137, post: 0 })]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.ecs.calls).toHaveLength(1);
    expect(result.sns.published).toEqual([]);
  });

  test('a non-zero exit is retried twice, 1 then 2 minutes after the failure, then fails and notifies the original error', async () => {
    // WHEN the main container always exits with 3
    const result = await run(defaultJob, [runTask.exits({ job: 3, sidecar: 0, post: 0 }, minutes(10))]);
    // THEN three attempts: at 0, after 10 min of run + 1 min, after 10 more + 2 min
    expect(result.ecs.calls.map(c => c.elapsedMs)).toEqual([0, minutes(11), minutes(23)]);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('Ec2BatchJob.NonZeroExitCode');
    expect(result.cause).toBe('Essential containers (job, post) must exit with code 0. ' +
      'Exit codes: [{"name":"job","exitCode":3},{"name":"sidecar","exitCode":0},{"name":"post","exitCode":0}]. ' +
      'Stopped reason: Essential container in task exited');
    // One notification, to the job's topic, with the original error and cause.
    const notification = onlyNotification(result);
    expect(notification.topicArn).toBe(defaultJob.topicArn);
    expect(notification.subject).toBe('Failed: TestStack/Job');
    expect(notification.body).toEqual({
      job: 'TestStack/Job',
      status: 'FAILED',
      execution: EXECUTION_ARN,
      error: 'Ec2BatchJob.NonZeroExitCode',
      cause: result.cause,
    });
    expect(result.sns.published[0].elapsedMs).toBe(minutes(33));
  });

  test('a second essential container\'s non-zero exit fails the run too', async () => {
    const result = await run(defaultJob, [runTask.exits({ job: 0, sidecar: 0, post: 1 })]);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('Ec2BatchJob.NonZeroExitCode');
    expect(result.ecs.calls).toHaveLength(3);
    expect(onlyNotification(result).body.cause).toContain('{"name":"post","exitCode":1}');
  });

  test('a failed attempt followed by a successful retry succeeds without notification', async () => {
    const result = await run(defaultJob, [runTask.exits({ job: 137 }), runTask.exits({ job: 0 })]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.ecs.calls.map(c => c.elapsedMs)).toEqual([0, minutes(1)]);
    expect(result.sns.published).toEqual([]);
  });

  test.each([
    ['stopped by a Spot interruption', runTask.spotInterrupted(), 'Host EC2 (instance i-0a1b2c3d4e5f67890) terminated.'],
    ['whose image cannot be pulled', runTask.imagePullFails(), 'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found'],
  ])('a task %s (essential containers without exit code) is retried, then fails and notifies', async (_, outcome, stoppedReason) => {
    const result = await run(defaultJob, [outcome]);
    expect(result.ecs.calls).toHaveLength(3);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('Ec2BatchJob.NonZeroExitCode');
    // No exit code: the container appears without one in the cause.
    expect(result.cause).toBe('Essential containers (job, post) must exit with code 0. ' +
      `Exit codes: [{"name":"job"},{"name":"sidecar"},{"name":"post"}]. Stopped reason: ${stoppedReason}`);
    expect(onlyNotification(result).body).toEqual(expect.objectContaining({ status: 'FAILED', error: 'Ec2BatchJob.NonZeroExitCode', cause: result.cause }));
  });
});

describe('Ec2BatchJob execution: timeout', () => {
  test('a task that runs past the 1-hour timeout is not retried, and is notified as TIMED_OUT', async () => {
    // WHEN the task never stops by itself
    const result = await run(defaultJob, [runTask.runsForever(), runTask.exits({ job: 0 })]);
    // THEN Step Functions times the state out after exactly one hour, and does not retry it
    expect(result.ecs.calls).toHaveLength(1);
    expect(result.durationMs).toBe(minutes(60));
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.Timeout');
    const notification = onlyNotification(result);
    expect(notification.subject).toBe('Timed out: TestStack/Job');
    expect(notification.body).toEqual(expect.objectContaining({ status: 'TIMED_OUT', error: 'States.Timeout', execution: EXECUTION_ARN }));
  });

  test('a task that stops just before the timeout succeeds', async () => {
    const result = await run(defaultJob, [runTask.exits({ job: 0 }, minutes(60) - 1_000)]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.sns.published).toEqual([]);
  });

  test('a custom timeout applies to each attempt', async () => {
    // GIVEN a 5-minute timeout; the first attempt fails, the second hangs
    const job = synthesize({ timeout: Duration.minutes(5) });
    const result = await run(job, [runTask.exits({ job: 1 }, minutes(2)), runTask.runsForever()]);
    // THEN the second attempt starts 1 minute after the first stopped, and times out 5 minutes later
    expect(result.ecs.calls.map(c => c.elapsedMs)).toEqual([0, minutes(3)]);
    expect(result.durationMs).toBe(minutes(8));
    expect(result.error).toBe('States.Timeout');
    expect(onlyNotification(result).body.status).toBe('TIMED_OUT');
  });
});

describe('Ec2BatchJob execution: RunTask failures', () => {
  test('RunTask failing (no capacity) is retried with exponential backoff, then fails and notifies the ECS error', async () => {
    const result = await run(defaultJob, [runTask.fails()]);
    expect(result.ecs.calls.map(c => c.elapsedMs)).toEqual([0, minutes(1), minutes(3)]);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('ECS.AmazonECSException');
    expect(result.cause).toBe(NO_CAPACITY_CAUSE);
    expect(onlyNotification(result).body).toEqual({
      job: 'TestStack/Job', status: 'FAILED', execution: EXECUTION_ARN, error: 'ECS.AmazonECSException', cause: NO_CAPACITY_CAUSE,
    });
  });

  test('RunTask succeeding on a retry (capacity scaled out) succeeds', async () => {
    const result = await run(defaultJob, [runTask.fails(), runTask.fails(), runTask.exits({ job: 0 })]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.ecs.calls).toHaveLength(3);
    expect(result.sns.published).toEqual([]);
  });

  test('the notification is retried when SNS fails, and the run still fails with the original error', async () => {
    const result = await run(defaultJob, [runTask.fails()], new FakeSns(2));
    expect(result.sns.attempts).toBe(3);
    expect(result.sns.published).toHaveLength(1);
    expect(result.error).toBe('ECS.AmazonECSException');
    expect(result.cause).toBe(NO_CAPACITY_CAUSE);
  });
});

describe('Ec2BatchJob execution: retries', () => {
  const noRetries = synthesize({ retries: 0 });

  test('retries: 0 runs the task once, then fails and notifies', async () => {
    const result = await run(noRetries, [runTask.exits({ job: 2 })]);
    expect(result.ecs.calls).toHaveLength(1);
    expect(result.status).toBe('FAILED');
    expect(onlyNotification(result).body.error).toBe('Ec2BatchJob.NonZeroExitCode');
  });

  test('retries: 0 still fails a timed-out task as TIMED_OUT', async () => {
    const result = await run(noRetries, [runTask.runsForever()]);
    expect(result.ecs.calls).toHaveLength(1);
    expect(onlyNotification(result).body.status).toBe('TIMED_OUT');
  });

  test('the maximum, 10 retries from 30 seconds, waits 30 s × 2^n before retry n+1', async () => {
    // GIVEN the construct's maximum of retries
    const job = synthesize({ retries: 10, retryInterval: Duration.seconds(30) });
    // WHEN every attempt fails at once
    const result = await run(job, [runTask.fails()]);
    // THEN 11 attempts, the n-th (from 0) at 30 s × (2^n − 1)
    expect(result.ecs.calls.map(c => c.elapsedMs)).toEqual(Array.from({ length: 11 }, (_, n) => 30_000 * (2 ** n - 1)));
    expect(result.status).toBe('FAILED');
    expect(onlyNotification(result).body.error).toBe('ECS.AmazonECSException');
  });
});

describe('Ec2BatchJob execution: several copies (taskCount)', () => {
  const copiesJob = synthesize({ taskCount: 3 });

  test('each copy gets its JOB_COPY_INDEX and JOB_COPY_COUNT; the run succeeds when every copy does', async () => {
    const result = await run(copiesJob, [runTask.exits({ job: 0 })]);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.ecs.calls.map(c => c.request.Overrides)).toEqual(['0', '1', '2'].map(index => ({
      ContainerOverrides: [{ Name: 'job', Environment: [{ Name: 'JOB_COPY_INDEX', Value: index }, { Name: 'JOB_COPY_COUNT', Value: '3' }] }],
    })));
    // The output lists the copies' task descriptions, in copy order.
    expect((result.output as any[]).map(task => task.Overrides.ContainerOverrides[0].Environment[0].Value)).toEqual(['0', '1', '2']);
    expect(result.sns.published).toEqual([]);
  });

  test('a copy is retried on its own: one failed attempt of copy 1 does not rerun the others', async () => {
    const result = await run(copiesJob, call => (call.copyIndex === '1' && call.attempt === 1 ? runTask.exits({ job: 1 }) : runTask.exits({ job: 0 })));
    expect(result.status).toBe('SUCCEEDED');
    expect(result.ecs.calls.map(c => `${c.copyIndex}#${c.attempt}`).sort()).toEqual(['0#1', '1#1', '1#2', '2#1']);
  });

  test('one copy failing after its retries fails the run, with one notification', async () => {
    const result = await run(copiesJob, call => (call.copyIndex === '2' ? runTask.exits({ job: 4 }, minutes(1)) : runTask.exits({ job: 0 }, minutes(1))));
    expect(result.ecs.calls.filter(c => c.copyIndex === '2').map(c => c.elapsedMs)).toEqual([0, minutes(2), minutes(5)]);
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('Ec2BatchJob.NonZeroExitCode');
    const notification = onlyNotification(result);
    expect(notification.body).toEqual(expect.objectContaining({ status: 'FAILED', error: 'Ec2BatchJob.NonZeroExitCode' }));
    expect(notification.body.cause).toContain('{"name":"job","exitCode":4}');
  });

  test('one copy timing out fails the run as TIMED_OUT', async () => {
    const result = await run(copiesJob, call => (call.copyIndex === '0' ? runTask.runsForever() : runTask.exits({ job: 0 })));
    expect(result.ecs.calls.filter(c => c.copyIndex === '0')).toHaveLength(1);
    expect(result.durationMs).toBe(minutes(60));
    expect(onlyNotification(result).body.status).toBe('TIMED_OUT');
  });
});

describe('state-machine-runner', () => {
  const noop = { 'ecs:runTask.sync': () => ({}), 'sns:publish': () => ({}) };

  test('refuses a JSONata field it cannot execute, rather than ignoring it', () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'A',
      States: { A: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Assign: { x: '{% 1 %}' }, End: true } },
    };
    expect(() => translateDefinition(definition, noop)).toThrow(/Assign of Task state A are not supported/);
  });

  test('a JSONata expression that returns nothing fails the state with States.QueryEvaluationError', async () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'A',
      States: { A: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', Arguments: { Message: '{% $states.input.missing %}' }, End: true } },
    };
    const result = await runStateMachine(definition, { integrations: noop });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.QueryEvaluationError');
    expect(result.cause).toContain("specified for the field 'Arguments/Message' returned nothing (undefined)");
  });

  test('an integration failure keeps its error name and cause', async () => {
    const definition = { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', End: true } } };
    const result = await runStateMachine(definition, { integrations: { 'sns:publish': () => { throw new TaskFailure('SNS.NotFoundException', 'Topic does not exist'); } } });
    expect(result).toEqual(expect.objectContaining({ status: 'FAILED', error: 'SNS.NotFoundException', cause: 'Topic does not exist' }));
  });
});
