import { Duration, Stack, aws_cloudwatch as cloudwatch, aws_iam as iam, aws_kms as kms, aws_logs as logs, aws_scheduler as scheduler, aws_sns as sns } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import { BUSYBOX, importedCluster } from './helpers';
import { Ec2BatchJob, Ec2BatchJobProps, EcsKitValidationError, JobSchedule, TaskCapacity } from '../../src';
import { expectAcceptedOnlyWhen } from '../helpers/validators';

/**
 * Property tests of Ec2BatchJob: every prop set either builds a job whose
 * template values obey AWS's rules (names, lengths, charsets, the state
 * machine's numbers), or fails with EcsKitValidationError, never another error.
 * The stacks are not synthesized (slow): the L1s' values are resolved directly.
 */

type JobOptions = Omit<Ec2BatchJobProps, 'cluster' | 'image'>;

function jobIn(stack: Stack, options: JobOptions = {}): Ec2BatchJob {
  return new Ec2BatchJob(stack, 'Job', {
    cluster: importedCluster(stack), taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'spot', weight: 1 }]), image: BUSYBOX, memoryLimitMiB: 256, ...options,
  });
}

/** The state machine's definition with references replaced by placeholders. */
function definitionOf(job: Ec2BatchJob): any {
  const resolved = Stack.of(job).resolve((job.stateMachine.node.defaultChild as any).definitionString);
  const text = typeof resolved === 'string' ? resolved : resolved['Fn::Join'][1].map((part: any) => (typeof part === 'string' ? part : 'REF')).join('');
  return JSON.parse(text);
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
const CONTAINER_NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** Checks the values that land in the template against AWS's rules. */
function expectTemplateValuesObeyAws(job: Ec2BatchJob): void {
  const stack = Stack.of(job);
  const resolve = (x: unknown) => stack.resolve(x);
  const texts: Array<[string | undefined, number]> = [
    [resolve((job.failureTopicKey?.node.defaultChild as kms.CfnKey | undefined)?.description), 8192],
    [resolve((job.failureTopic.node.defaultChild as sns.CfnTopic | undefined)?.displayName), 100],
    [resolve((job.failureAlarm?.node.defaultChild as cloudwatch.CfnAlarm | undefined)?.alarmDescription), 1024],
    [resolve((job.schedule?.node.defaultChild as scheduler.CfnSchedule | undefined)?.description), 512],
    ...job.node.findAll().filter((c): c is iam.CfnRole => c instanceof iam.CfnRole)
      .map(role => [resolve(role.description), 1000] as [string, number]),
  ];
  for (const [text, max] of texts) {
    if (text === undefined) continue;
    expect(text).toMatch(PRINTABLE_ASCII);
    expect(text.length).toBeLessThanOrEqual(max);
  }
  const filter = job.node.findAll().find((c): c is logs.CfnMetricFilter => c instanceof logs.CfnMetricFilter)!;
  expect(resolve(filter.metricTransformations)[0].metricName.length).toBeLessThanOrEqual(255);

  const containers = resolve((job.taskDefinition.node.defaultChild as any).containerDefinitions) as any[];
  for (const container of containers) {
    // (L1 property names: camelCase)
    expect(container.name).toMatch(CONTAINER_NAME);
    if (container.memory !== undefined) expect(container.memory).toBeGreaterThanOrEqual(6);
    if (container.memoryReservation !== undefined) expect(container.memoryReservation).toBeGreaterThanOrEqual(6);
    if (container.memory !== undefined && container.memoryReservation !== undefined) {
      expect(container.memoryReservation).toBeLessThanOrEqual(container.memory);
    }
    if (container.cpu !== undefined) expect(Number.isInteger(container.cpu) && container.cpu >= 0).toBe(true);
  }

  // Step Functions: integers within 1..99999999 for timeouts and intervals, 0..99999999 for attempts.
  const wholeIn = (value: unknown, min: number) => Number.isInteger(value) && (value as number) >= min && (value as number) <= 99_999_999;
  const visit = (graph: any) => {
    for (const state of Object.values<any>(graph.States)) {
      for (const retrier of state.Retry ?? []) {
        expect(wholeIn(retrier.MaxAttempts, 0)).toBe(true);
        if (retrier.IntervalSeconds !== undefined) expect(wholeIn(retrier.IntervalSeconds, 1)).toBe(true);
      }
      if (state.TimeoutSeconds !== undefined) expect(wholeIn(state.TimeoutSeconds, 1)).toBe(true);
      if (state.ItemProcessor) visit(state.ItemProcessor);
      for (const branch of state.Branches ?? []) visit(branch);
    }
  };
  visit(definitionOf(job));
}

/** Builds the job and checks its values, or checks that the error is ours. */
function expectValidJobOrOurError(build: () => Ec2BatchJob): boolean {
  let job: Ec2BatchJob;
  try {
    job = build();
  } catch (e) {
    expect(EcsKitValidationError.isEcsKitValidationError(e)).toBe(true);
    return false;
  }
  expectTemplateValuesObeyAws(job);
  return true;
}

/** Construct ids: anything but "/" (the path separator), including non-ASCII, quotes and very long ones. */
const constructId = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20 }),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
  fc.string({ minLength: 200, maxLength: 300 }),
).filter(id => !id.includes('/') && id.trim() !== '' && !id.includes('${Token[')
  // Ids the test's own constructs take, and names of Object.prototype ("constructor"…), which the constructs library
  // itself refuses as duplicates.
  && !['Imported', 'Vpc'].includes(id) && !(id in Object.prototype));

const duration = fc.oneof(
  fc.integer({ min: 0, max: 100_000_000 }).map(s => Duration.seconds(s)),
  fc.integer({ min: 0, max: 5000 }).map(ms => Duration.millis(ms)),
  fc.integer({ min: 0, max: 48 }).map(h => Duration.hours(h)),
);

describe('Ec2BatchJob properties', () => {
  test('every taskCount and retries either works or fails with our error', () => {
    fc.assert(fc.property(fc.integer({ min: -3, max: 14 }), fc.integer({ min: -3, max: 14 }), (taskCount, retries) => {
      expectAcceptedOnlyWhen(taskCount >= 1 && taskCount <= 10 && retries >= 0 && retries <= 10,
        () => jobIn(new Stack(), { taskCount, retries }));
    }), { numRuns: 30 });
  });

  test('every memory limit/reservation pair either works or fails with our error', () => {
    const memory = fc.option(fc.integer({ min: 0, max: 4096 }), { nil: undefined });
    fc.assert(fc.property(memory, memory, (memoryLimitMiB, memoryReservationMiB) => {
      const valid = (memoryLimitMiB !== undefined || memoryReservationMiB !== undefined)
        && (memoryLimitMiB === undefined || memoryLimitMiB >= 6)
        && (memoryReservationMiB === undefined || memoryReservationMiB >= 6)
        && (memoryLimitMiB === undefined || memoryReservationMiB === undefined || memoryReservationMiB <= memoryLimitMiB);
      expectAcceptedOnlyWhen(valid, () => jobIn(new Stack(), { memoryLimitMiB, memoryReservationMiB }));
    }), { numRuns: 30 });
  });

  test('every prop set under any construct ids builds a job AWS accepts, or fails with our error', () => {
    const props = fc.record({
      ids: fc.array(constructId, { minLength: 1, maxLength: 4 }),
      cpu: fc.option(fc.oneof(fc.integer({ min: -2, max: 300_000 }), fc.double({ min: 0, max: 4096, noNaN: true })), { nil: undefined }),
      memoryLimitMiB: fc.option(fc.integer({ min: 0, max: 8192 }), { nil: undefined }),
      retries: fc.option(fc.integer({ min: -1, max: 12 }), { nil: undefined }),
      taskCount: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
      timeout: fc.option(duration, { nil: undefined }),
      retryInterval: fc.option(duration, { nil: undefined }),
      containerName: fc.option(fc.oneof(fc.constantFrom('etl', 'job-1', 'a_b'), fc.string({ maxLength: 10 })), { nil: undefined }),
      enableFailureAlarm: fc.boolean(),
      scheduled: fc.boolean(),
    });
    let built = 0;
    fc.assert(fc.property(props, ({ ids, scheduled, ...options }) => {
      const stack = new Stack();
      let scope: Construct = stack;
      for (const id of ids.slice(0, -1)) scope = new Construct(scope, id);
      if (expectValidJobOrOurError(() => new Ec2BatchJob(scope, ids[ids.length - 1], {
        cluster: importedCluster(stack),
        taskCapacity: TaskCapacity.fromCapacityProviderStrategies([{ capacityProvider: 'spot', weight: 1 }]),
        image: BUSYBOX,
        ...options,
        memoryLimitMiB: options.memoryLimitMiB ?? 256,
        schedule: scheduled ? JobSchedule.rate(Duration.hours(6)) : undefined,
      }))) built++;
    }), { numRuns: 40 });
    // The generator must also reach valid jobs, not only errors.
    expect(built).toBeGreaterThan(0);
  });
});
