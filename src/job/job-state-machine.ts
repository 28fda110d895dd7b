import {
  Duration,
  Lazy,
  aws_ecs as ecs,
  aws_ec2 as ec2,
  aws_iam as iam,
  aws_logs as logs,
  aws_sns as sns,
  aws_stepfunctions as sfn,
  aws_stepfunctions_tasks as tasks,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { useManagedPolicies } from '../core/managed-policies';
import { plainDescription } from '../core/names';

// The Step Functions side of a batch job: the states that run the task (RunTask
// with a timeout, the exit-code check, retries, parallel copies), the failure
// notification, and the state machine with the kit's own policy on its role.

/** What the run states need from the job. */
export interface JobRunOptions {
  readonly cluster: ecs.ICluster;
  readonly taskDefinition: ecs.TaskDefinition;
  /** The main container: the copy index and count go into its environment. */
  readonly container: ecs.ContainerDefinition;
  /** Where the task runs: the job's capacity providers and placement. */
  readonly launchTarget: tasks.IEcsLaunchTarget;
  /** Whether the task runs on Fargate (else on EC2 capacity providers). */
  readonly fargate: boolean;
  /**
   * The error a run fails with when an essential container did not exit with
   * code 0: `<construct name>.NonZeroExitCode`.
   */
  readonly exitCodeError: string;
  readonly networkMode: ecs.NetworkMode;
  /** Used in awsvpc mode only. */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /** Used in awsvpc mode only. */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /** Fargate only. */
  readonly assignPublicIp?: boolean;
  readonly taskCount: number;
  readonly retries: number;
  readonly retryInterval: Duration;
  readonly timeout: Duration;
  /**
   * The names of the essential containers, read at synthesis: containers added
   * after the states are built count too.
   */
  readonly essentialContainerNames: () => readonly string[];
}

/** The states that run the job, before the failure notification is attached. */
export interface JobRunStates {
  /** The RunTask step (its connections are the task's security groups in awsvpc mode). */
  readonly runTask: tasks.EcsRunTask;
  /** The outermost state: the retried attempt, or the Map state of the copies. */
  readonly run: sfn.Parallel | sfn.Map;
}

/**
 * The states that run the task: RunTask (`.sync`, stopped on timeout), the
 * exit-code check, the retries around both, and the Map state of the parallel
 * copies when `taskCount` is above 1. Created in `scope` with the ids the
 * job has always used (`RunTask`, `CheckExitCodes`, `RunWithRetries`, …).
 */
export function jobRunStates(scope: Construct, options: JobRunOptions): JobRunStates {
  const { taskCount, retries, networkMode } = options;
  const runTask = tasks.EcsRunTask.jsonata(scope, 'RunTask', {
    comment: `Runs the task on ${options.fargate ? 'Fargate' : 'the EC2 capacity providers'} and waits until it stops (ecs:runTask.sync); ` +
      'Step Functions stops it on timeout',
    cluster: options.cluster,
    taskDefinition: options.taskDefinition,
    integrationPattern: sfn.IntegrationPattern.RUN_JOB,
    launchTarget: options.launchTarget,
    taskTimeout: sfn.Timeout.duration(options.timeout),
    containerOverrides: taskCount > 1 ? [{
      containerDefinition: options.container,
      environment: [
        { name: 'JOB_COPY_INDEX', value: '{% $string($states.input) %}' },
        { name: 'JOB_COPY_COUNT', value: String(taskCount) },
      ],
    }] : undefined,
    subnets: networkMode === ecs.NetworkMode.AWS_VPC ? options.vpcSubnets : undefined,
    securityGroups: networkMode === ecs.NetworkMode.AWS_VPC ? options.securityGroups : undefined,
    assignPublicIp: options.assignPublicIp,
  });

  // The exit-code check. ecs:runTask.sync succeeds whenever the task reaches STOPPED,
  // whatever its containers' exit codes: its output is the task description, whose
  // `Containers[]` carry `Name` and `ExitCode` (no `ExitCode` when the container never
  // ran, e.g. the image could not be pulled). JSONPath Choice rules cannot filter an
  // array, so the Choice state is written in JSONata: the run passes when every
  // essential container (known here, not in the task description) has exit code 0.
  // The names are read lazily, so containers added later with addContainer count too.
  const exitCodesOk = sfn.Succeed.jsonata(scope, 'ExitCodesOk', { comment: 'Every essential container exited with code 0' });
  const nonZeroExitCode = sfn.Fail.jsonata(scope, 'NonZeroExitCode', {
    comment: 'An essential container exited with a non-zero code, or never ran',
    error: options.exitCodeError,
    cause: "{% 'Essential containers (' & $join(" + Lazy.string({ produce: () => JSON.stringify(options.essentialContainerNames()) }) +
      ", ', ') & ') must exit with code 0. Exit codes: ' & $string($states.input.Containers.{ 'name': Name, 'exitCode': ExitCode }) & " +
      "'. Stopped reason: ' & $states.input.StoppedReason %}",
  });
  const checkExitCodes = sfn.Choice.jsonata(scope, 'CheckExitCodes', { comment: 'Did every essential container exit with code 0?' })
    .when(sfn.Condition.jsonata(`{% ${Lazy.string({ produce: () => exitCodeCondition(options.essentialContainerNames()) })} %}`), exitCodesOk)
    .otherwise(nonZeroExitCode);

  // Retries must cover the exit-code check too, so the task and the check run in a
  // one-branch Parallel state that carries the retriers: a failed check fails the
  // branch with the exit-code error and the Parallel state retries the whole attempt.
  const attempt = sfn.Parallel.jsonata(scope, 'RunWithRetries', {
    comment: `Runs the task and checks its exit codes, with up to ${retries} retries (exponential backoff); timeouts are not retried`,
    outputs: '{% $states.result[0] %}',
  }).branch(runTask.next(checkExitCodes));
  // A task that timed out already ran for the whole timeout: retrying it would only
  // multiply the time and cost of a stuck job, so the first retrier matches timeouts
  // and never retries them; the second one retries every other failure.
  attempt.addRetry({ errors: [sfn.Errors.TIMEOUT], maxAttempts: 0 });
  if (retries > 0) {
    attempt.addRetry({ errors: [sfn.Errors.ALL], maxAttempts: retries, backoffRate: 2, interval: options.retryInterval });
  }

  const run: sfn.Parallel | sfn.Map = taskCount > 1
    ? sfn.Map.jsonata(scope, 'RunCopies', {
      comment: `Runs ${taskCount} copies of the task in parallel; the run fails when one copy fails`,
      items: sfn.ProvideItems.jsonArray(Array.from({ length: taskCount }, (_, i) => i)),
      maxConcurrency: taskCount,
    }).itemProcessor(attempt)
    : attempt;
  return { runTask, run };
}

/**
 * Catches every failure of `run` (timeouts included): publishes the run to the
 * failure topic (subject "Failed: <job path>" or "Timed out: …", message a JSON
 * object with the execution, error and cause), then fails the execution with the
 * run's own error and cause.
 */
export function notifyFailures(scope: Construct, run: sfn.Parallel | sfn.Map, failureTopic: sns.ITopic): void {
  const jobLabel = JSON.stringify(asciiLabel(scope.node.path, 80));
  const notifyFailure = tasks.SnsPublish.jsonata(scope, 'NotifyFailure', {
    comment: 'Publishes the failed or timed-out run to the failure topic',
    topic: failureTopic,
    subject: `{% ($states.input.Error = '${sfn.Errors.TIMEOUT}' ? 'Timed out: ' : 'Failed: ') & ${jobLabel} %}`,
    message: sfn.TaskInput.fromText(`{% $string({ 'job': ${jobLabel}, ` +
      `'status': $states.input.Error = '${sfn.Errors.TIMEOUT}' ? 'TIMED_OUT' : 'FAILED', ` +
      "'execution': $states.context.Execution.Id, 'error': $states.input.Error, 'cause': $states.input.Cause }) %}"),
    outputs: '{% $states.input %}',
  });
  notifyFailure.addRetry({ errors: [sfn.Errors.ALL], maxAttempts: 3 });
  const failed = sfn.Fail.jsonata(scope, 'Failed', {
    comment: 'The run failed or timed out',
    error: '{% $states.input.Error %}',
    cause: "{% $exists($states.input.Cause) ? $states.input.Cause : 'no cause given' %}",
  });
  run.addCatch(notifyFailure.next(failed), { errors: [sfn.Errors.ALL] });
}

/** The job's state machine, and the kit's policy on its role. */
export interface CreatedJobStateMachine {
  readonly stateMachine: sfn.StateMachine;
  /** The kit's managed policy with the state machine's own statements (where its findings are acknowledged). */
  readonly orchestrationPolicy: iam.ManagedPolicy;
}

/**
 * The job's state machine (`Resource` in `scope`): standard, JSONata, traced,
 * logging every event with execution data to `executionLogGroup`. It may use
 * the failure topic's key, when the topic has one (SnsPublish grants
 * sns:Publish only; an encrypted topic also needs its key).
 */
export function createJobStateMachine(scope: Construct, definition: sfn.IChainable, executionLogGroup: logs.ILogGroup,
  failureTopic: sns.ITopic, fargate: boolean): CreatedJobStateMachine {
  const stateMachine = new JobStateMachine(scope, 'Resource', {
    comment: plainDescription(`Runs the batch job ${scope.node.path} on ${fargate ? 'Fargate' : 'the cluster\'s EC2 capacity'}`, 1000),
    definitionBody: sfn.DefinitionBody.fromChainable(definition),
    queryLanguage: sfn.QueryLanguage.JSONATA,
    stateMachineType: sfn.StateMachineType.STANDARD,
    tracingEnabled: true,
    logs: { destination: executionLogGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
  });
  const orchestrationPolicy = stateMachine.sealKitStatements();
  failureTopic.masterKey?.grant(stateMachine, 'kms:Decrypt', 'kms:GenerateDataKey');
  return { stateMachine, orchestrationPolicy };
}

/**
 * Construct id of the kit's managed policy with the state machine's own statements, a child of its role.
 * Not `Orchestration`, the id of the inline policy it replaces: CloudFormation cannot change the type of
 * a logical id in place, and a new id is created before the old policy is deleted.
 */
const ORCHESTRATION_POLICY_ID = 'OrchestrationPolicy';

/** State machines whose construction is over: their statements go to the role's own managed policies (`useManagedPolicies`). */
const sealedStateMachines = new WeakSet<sfn.StateMachine>();

/**
 * The job's state machine. The statements aws-cdk-lib adds while constructing it (ECS RunTask
 * and its sync polling, iam:PassRole, sns:Publish, X-Ray, log delivery) go into a customer managed
 * policy of the kit's own (`Orchestration`), a child of the role, where their wildcard findings are
 * acknowledged; after `sealKitStatements`, `addToRolePolicy` (the user's statements) goes to the
 * role's other managed policies (`Policy`, … of `useManagedPolicies`), where findings stay the user's.
 */
class JobStateMachine extends sfn.StateMachine {
  /** Ends the kit's statements, and returns the kit's policy. */
  public sealKitStatements(): iam.ManagedPolicy {
    sealedStateMachines.add(this);
    useManagedPolicies(this.role as iam.Role);
    return this.role.node.findChild(ORCHESTRATION_POLICY_ID) as iam.ManagedPolicy;
  }

  public addToRolePolicy(statement: iam.PolicyStatement): void {
    if (sealedStateMachines.has(this)) {
      super.addToRolePolicy(statement);
      return;
    }
    // Called from the base constructor: no field of this class is set yet, the role is.
    const existing = this.role.node.tryFindChild(ORCHESTRATION_POLICY_ID) as iam.ManagedPolicy | undefined;
    const policy = existing ?? new iam.ManagedPolicy(this.role as iam.Role, ORCHESTRATION_POLICY_ID, { roles: [this.role] });
    policy.addStatements(statement);
  }
}

/** The JSONata condition of the exit-code check: every essential container ran and exited with 0. */
function exitCodeCondition(essentialContainerNames: readonly string[]): string {
  return `$count($states.input.Containers[Name in ${JSON.stringify(essentialContainerNames)} and ExitCode = 0]) = ${essentialContainerNames.length}`;
}

/** Printable ASCII (SNS subjects allow nothing else), at most `max` characters. */
function asciiLabel(text: string, max: number): string {
  const ascii = text.replace(/[^\x20-\x7E]/g, '?');
  return ascii.length <= max ? ascii : `...${ascii.slice(-(max - 3))}`;
}
