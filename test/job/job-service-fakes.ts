/**
 * Fakes of the two service integrations Ec2BatchJob's state machine calls, for
 * state-machine-runner.ts:
 *
 * - `arn:aws:states:::ecs:runTask.sync`: Step Functions starts the task with
 *   ecs:RunTask, then polls ecs:DescribeTasks until the task is STOPPED, and the
 *   state's result is that task description (PascalCase keys, timestamps in epoch
 *   milliseconds). A RunTask API error fails the state with `ECS.<Exception>`.
 *   `FakeEcs` returns such descriptions, built from the job's real container
 *   definitions (names, images, essential flags read from the template), with
 *   the exit codes each test chooses.
 * - `arn:aws:states:::sns:publish`: `FakeSns` records every message.
 */
import { Template } from 'aws-cdk-lib/assertions';
import { FAKE_ENV, IntegrationCall, IntegrationHandler, TaskFailure } from './state-machine-runner';

/** A container of the job's task definition, as the template declares it. */
export interface ContainerSpec {
  readonly name: string;
  readonly image: string;
  readonly essential: boolean;
}

/** The containers of the template's only task definition. */
export function containersOf(template: Template): ContainerSpec[] {
  const definitions = Object.values(template.findResources('AWS::ECS::TaskDefinition')) as any[];
  if (definitions.length !== 1) throw new Error(`Expected one task definition, found ${definitions.length}`);
  return definitions[0].Properties.ContainerDefinitions.map((c: any) => ({
    name: c.Name,
    image: typeof c.Image === 'string' ? c.Image : 'public.ecr.aws/docker/library/busybox:stable',
    essential: c.Essential !== false,
  }));
}

/** What happens to one RunTask call. */
export interface RunTaskOutcome {
  readonly description: string;
  /** Milliseconds the task runs before it stops (on the fake clock); Infinity: until Step Functions times out. */
  readonly runsForMs: number;
  /** The error RunTask fails with, instead of starting a task. */
  readonly failure?: TaskFailure;
  /** Exit code (or none) per container name; containers not named exit with 0. */
  readonly exitCodes?: Record<string, number | undefined>;
  readonly containerReasons?: Record<string, string>;
  readonly stopCode?: string;
  readonly stoppedReason?: string;
}

/** The error message ECS gives when no container instance can take the task. */
export const NO_CAPACITY_CAUSE = 'No Container Instances were found in your capacity provider (Service: AmazonECS; Status Code: 400; ' +
  'Error Code: InvalidParameterException; Request ID: 5d1b6f8e-2c4a-4b7e-9f3d-1a2b3c4d5e6f; Proxy: null)';

/** Outcomes of RunTask calls. */
export const runTask = {
  /** The task runs and its containers exit with these codes (an essential container's exit stops the task). */
  exits(exitCodes: Record<string, number>, runsForMs = 0): RunTaskOutcome {
    const reasons: Record<string, string> = {};
    for (const [name, code] of Object.entries(exitCodes)) if (code === 137) reasons[name] = 'OutOfMemoryError: Container killed due to memory usage';
    return {
      description: `exits ${JSON.stringify(exitCodes)}`,
      runsForMs,
      exitCodes,
      containerReasons: reasons,
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
    };
  },
  /** The Spot instance under the task is reclaimed: the task stops, no container has an exit code. */
  spotInterrupted(runsForMs = 600_000): RunTaskOutcome {
    return {
      description: 'Spot interruption',
      runsForMs,
      exitCodes: {},
      stopCode: 'SpotInterruption',
      stoppedReason: 'Host EC2 (instance i-0a1b2c3d4e5f67890) terminated.',
      containerReasons: {},
    };
  },
  /** The image cannot be pulled: the task never starts, no container has an exit code. */
  imagePullFails(): RunTaskOutcome {
    return {
      description: 'image pull failure',
      runsForMs: 30_000,
      exitCodes: {},
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found',
      containerReasons: { '*': 'CannotPullContainerError: pull image manifest has been retried 5 time(s): not found' },
    };
  },
  /** RunTask itself fails (e.g. no capacity): the Task state fails with ECS.AmazonECSException. */
  fails(cause = NO_CAPACITY_CAUSE): RunTaskOutcome {
    return { description: 'RunTask fails', runsForMs: 0, failure: new TaskFailure('ECS.AmazonECSException', cause) };
  },
  /** The task never stops by itself: Step Functions times the state out. */
  runsForever(): RunTaskOutcome {
    return { description: 'runs forever', runsForMs: Infinity };
  },
};

/** One RunTask call the state machine made. */
export interface RunTaskCall {
  /** The evaluated Arguments of the RunTask state: the RunTask request. */
  readonly request: any;
  /** When the call was made, in ms since the execution started (fake clock). */
  readonly elapsedMs: number;
  /** JOB_COPY_INDEX of the main container's overrides, when the job runs several copies. */
  readonly copyIndex?: string;
  /** Attempt number of this copy (or of the single task), from 1. */
  readonly attempt: number;
}

/**
 * Decides each RunTask call's outcome: a list used in order (the last one
 * repeats), or a function of the copy index and attempt.
 */
export type RunTaskScript = RunTaskOutcome[] | ((call: RunTaskCall) => RunTaskOutcome);

export class FakeEcs {
  public readonly calls: RunTaskCall[] = [];
  private taskCounter = 0;

  constructor(private readonly containers: ContainerSpec[], private readonly script: RunTaskScript) {}

  /** The integration handler for `ecs:runTask.sync`. */
  public readonly handler: IntegrationHandler = (call: IntegrationCall) => {
    const copyIndex = call.request.Overrides?.ContainerOverrides?.[0]?.Environment?.find((e: any) => e.Name === 'JOB_COPY_INDEX')?.Value;
    const attempt = this.calls.filter(c => c.copyIndex === copyIndex).length + 1;
    const runTaskCall: RunTaskCall = { request: call.request, elapsedMs: call.elapsedMs, copyIndex, attempt };
    this.calls.push(runTaskCall);
    const outcome = Array.isArray(this.script) ? this.script[Math.min(this.calls.length, this.script.length) - 1] : this.script(runTaskCall);
    if (outcome.failure) throw outcome.failure;
    if (outcome.runsForMs === Infinity) return new Promise(() => undefined);
    const task = this.describeTask(call, outcome);
    if (outcome.runsForMs === 0) return task;
    return new Promise(resolve => setTimeout(() => resolve(task), outcome.runsForMs));
  };

  /** The task description DescribeTasks returns for the stopped task, as runTask.sync outputs it. */
  private describeTask(call: IntegrationCall, outcome: RunTaskOutcome): any {
    const { partition, region, account } = FAKE_ENV;
    const request = call.request;
    const n = ++this.taskCounter;
    const taskId = `${n.toString(16).padStart(8, '0')}5f2a4e6b9c1d3e7f0a2b4c6d`;
    const clusterArn: string = request.Cluster.startsWith('arn:') ? request.Cluster : `arn:${partition}:ecs:${region}:${account}:cluster/${request.Cluster}`;
    const clusterName = clusterArn.split('/').pop();
    const taskArn = `arn:${partition}:ecs:${region}:${account}:task/${clusterName}/${taskId}`;
    const created = Date.now();
    const started = created + 20_000;
    const stopped = created + outcome.runsForMs;
    const ran = outcome.stopCode !== 'TaskFailedToStart';
    return {
      Attachments: [],
      Attributes: [{ Name: 'ecs.cpu-architecture', Value: 'x86_64' }],
      AvailabilityZone: `${region}a`,
      CapacityProviderName: request.CapacityProviderStrategy?.[0]?.CapacityProvider,
      ClusterArn: clusterArn,
      Connectivity: 'CONNECTED',
      ConnectivityAt: created + 1_000,
      ContainerInstanceArn: `arn:${partition}:ecs:${region}:${account}:container-instance/${clusterName}/0f1e2d3c4b5a69788796a5b4c3d2e1f0`,
      Containers: this.containers.map((container, i) => {
        const code = outcome.exitCodes && container.name in outcome.exitCodes ? outcome.exitCodes[container.name] : (ran && outcome.stopCode !== 'SpotInterruption' ? 0 : undefined);
        const reason = outcome.containerReasons?.[container.name] ?? outcome.containerReasons?.['*'];
        return {
          ContainerArn: `arn:${partition}:ecs:${region}:${account}:container/${clusterName}/${taskId}/${i}a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d`,
          Cpu: '0',
          ...(code !== undefined ? { ExitCode: code } : {}),
          GpuIds: [],
          HealthStatus: 'UNKNOWN',
          Image: container.image,
          ...(ran ? { ImageDigest: 'sha256:0b2a5e1f7c3d9e4b8a6f2c1d0e9b8a7f6e5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b' } : {}),
          LastStatus: 'STOPPED',
          ManagedAgents: [],
          Memory: '256',
          Name: container.name,
          NetworkBindings: [],
          NetworkInterfaces: [],
          ...(reason ? { Reason: reason } : {}),
          ...(ran ? { RuntimeId: `${taskId.slice(0, 12)}${i}` } : {}),
          TaskArn: taskArn,
        };
      }),
      Cpu: '0',
      CreatedAt: created,
      DesiredStatus: 'STOPPED',
      EnableExecuteCommand: false,
      ExecutionStoppedAt: stopped,
      Group: `family:${request.TaskDefinition}`,
      HealthStatus: 'UNKNOWN',
      InferenceAccelerators: [],
      LastStatus: 'STOPPED',
      LaunchType: 'EC2',
      Memory: '288',
      Overrides: {
        ContainerOverrides: request.Overrides?.ContainerOverrides ?? this.containers.map(c => ({ Name: c.name })),
        InferenceAcceleratorOverrides: [],
      },
      PullStartedAt: created + 2_000,
      PullStoppedAt: created + 15_000,
      ...(ran ? { StartedAt: started } : {}),
      StartedBy: 'AWS Step Functions',
      StopCode: outcome.stopCode,
      StoppedAt: stopped + 1_000,
      StoppedReason: outcome.stoppedReason,
      StoppingAt: stopped,
      Tags: [],
      TaskArn: taskArn,
      TaskDefinitionArn: `arn:${partition}:ecs:${region}:${account}:task-definition/${request.TaskDefinition}:1`,
      Version: 4,
    };
  }
}

/** One message published to SNS by the state machine. */
export interface PublishedMessage {
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly elapsedMs: number;
}

export class FakeSns {
  public readonly published: PublishedMessage[] = [];
  public attempts = 0;

  /** @param failures how many publish calls fail first (SNS throttling) */
  constructor(private readonly failures = 0) {}

  /** The integration handler for `sns:publish`. */
  public readonly handler: IntegrationHandler = (call: IntegrationCall) => {
    this.attempts++;
    if (this.attempts <= this.failures) {
      throw new TaskFailure('SNS.AmazonSNSException',
        'Rate exceeded (Service: AmazonSNS; Status Code: 400; Error Code: Throttling; Request ID: 0c6e1a2b-3d4f-5a6b-7c8d-9e0f1a2b3c4d; Proxy: null)');
    }
    const { TopicArn, Subject, Message, ...rest } = call.request;
    if (Object.keys(rest).length > 0) throw new Error(`FakeSns: unexpected request fields ${Object.keys(rest).join(', ')}`);
    this.published.push({ topicArn: TopicArn, subject: Subject, message: Message, elapsedMs: call.elapsedMs });
    const n = this.published.length;
    return {
      MessageId: `${n.toString().padStart(8, '0')}-1b2c-5d3e-9f4a-6b7c8d9e0f1a`,
      SdkHttpMetadata: { HttpStatusCode: 200 },
      SdkResponseMetadata: { RequestId: `${n.toString().padStart(8, '0')}-aaaa-5bbb-8ccc-dddddddddddd` },
    };
  };
}
