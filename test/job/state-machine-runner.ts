/**
 * Executes a state machine definition synthesized by the kit, in tests.
 *
 * The interpreter is `aws-local-stepfunctions` (an Amazon States Language
 * interpreter). It runs the states, the transitions between them, Parallel
 * branches, Map iterations (with MaxConcurrency), Retry (error matching,
 * IntervalSeconds, BackoffRate, MaxAttempts: 0 included), Catch, and Task
 * TimeoutSeconds (it raises States.Timeout itself).
 *
 * What it lacks, and how this file fills the gap:
 *
 * - **JSONata.** Version 3 of the interpreter only knows JSONPath, and the kit's
 *   definitions are JSONata. Every `{% … %}` expression is evaluated here with
 *   the real `jsonata` package (the engine Step Functions documents), with
 *   `$states.input`, `$states.result` and `$states.context` bound as Step
 *   Functions binds them. A result of `undefined` fails the state with
 *   `States.QueryEvaluationError`, as on AWS. The JSONata states are rewritten
 *   into states the interpreter executes (see `translateState`), keeping their
 *   Retry, Catch, TimeoutSeconds, Next and End for the interpreter to honour:
 *   - Task: a local task handler evaluates `Arguments`, calls the service fake,
 *     and evaluates `Output` (inside the state, so Retry/Catch cover it);
 *   - Choice: a local task `<name>` evaluates the `Condition`s in order, then a
 *     JSONPath Choice `<name>/Choose` branches on the index of the first true one;
 *   - Fail with JSONata Error/Cause: a local task `<name>` evaluates them, then a
 *     Fail state `<name>/Fail` raises them through `ErrorPath`/`CausePath`;
 *   - Parallel with `Output`: the Parallel runs as is (plus a branch that echoes
 *     its input, so `$states.input` stays known), then a local task
 *     `<name>/Output` evaluates `Output` on the branch results;
 *   - Map with `Items`: a local task `<name>` evaluates `Items`, then the Map
 *     `<name>/Map` iterates over them through `ItemsPath`.
 *   Synthetic states take the original state's catchers where an evaluation
 *   error could occur outside the original state, so such an error goes where
 *   it would on AWS. A field the translation does not know is refused with an
 *   error, never ignored: the runner fails loudly when the definition grows a
 *   feature it cannot execute faithfully.
 * - **Service integrations.** Task resources (`arn:aws:states:::ecs:runTask.sync`,
 *   `…:sns:publish`) run fakes given by the test (`integrations`), which
 *   receive the evaluated `Arguments`.
 * - **Time.** Retry waits and task timeouts are real timers in the interpreter:
 *   the execution runs on Jest's fake clock, advanced from timer to timer, so a
 *   one-hour timeout or a two-minute backoff takes no real time, and the times
 *   the fakes see are the times the configured intervals produce.
 * - **Node 20.** The interpreter uses `Promise.withResolvers` (Node 22+): it is
 *   polyfilled below, as the language specification defines it.
 *
 * Known differences from AWS, none of which the kit's definitions rely on:
 * `$states.context` has Execution, StateMachine and State (no `Map.Item`, no
 * `Task`); a Task without TimeoutSeconds times out after the interpreter's 60 s,
 * not AWS's 99,999,999 s (no fake here runs that long); an error while evaluating
 * a Parallel's `Output` is caught like the Parallel's own errors but not retried
 * by its retriers; SFN's own JSONata functions (`$partition`, `$uuid`, `$parse`…)
 * are not defined, so using one fails the test with States.QueryEvaluationError.
 */
import { Template } from 'aws-cdk-lib/assertions';
import jsonata from 'jsonata';

// The package is an ES module with a CommonJS build (its `require` export), which
// Jest loads; the types come from its ES module declarations.
type Interpreter = typeof import('aws-local-stepfunctions', { with: { 'resolution-mode': 'import' } });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ExecutionError, StateMachine } = require('aws-local-stepfunctions') as Interpreter;

if (typeof (Promise as any).withResolvers !== 'function') {
  (Promise as any).withResolvers = function withResolvers<T>() {
    let resolve!: (value: T) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

/** The fake account the template's references resolve into. */
export const FAKE_ENV = { partition: 'aws', region: 'eu-west-1', account: '123456789012' } as const;

/** When every execution starts, on the fake clock. */
export const CLOCK_START = Date.parse('2026-01-05T03:00:00.000Z');

/** A call of a service integration by a Task state. */
export interface IntegrationCall {
  /** The Task state's name. */
  readonly stateName: string;
  /** The state's `Arguments`, evaluated: the service request. */
  readonly request: any;
  /** Milliseconds since the execution started, on the fake clock. */
  readonly elapsedMs: number;
}

/**
 * A fake service integration: returns the task's result (or a promise of it),
 * or throws a `TaskFailure`. A promise that never settles is a task that runs
 * until its TimeoutSeconds.
 */
export type IntegrationHandler = (call: IntegrationCall) => unknown;

/** The error a service integration fails the Task state with (Error and Cause). */
export class TaskFailure extends Error {
  constructor(error: string, cause: string) {
    super(cause);
    this.name = error;
  }
}

export interface RunOptions {
  /** Execution input. @default {} */
  readonly input?: unknown;
  /**
   * Fakes by integration: the Task's `Resource` after `arn:<partition>:states:::`,
   * e.g. `ecs:runTask.sync` or `sns:publish`. Every Task of the definition needs one.
   */
  readonly integrations: Record<string, IntegrationHandler>;
  /** Name of the execution (in `$states.context.Execution`). @default 'test-execution' */
  readonly executionName?: string;
}

export interface ExecutionOutcome {
  readonly status: 'SUCCEEDED' | 'FAILED';
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  /** The execution's duration on the fake clock. */
  readonly durationMs: number;
  /** The interpreter's event log (names of synthetic states included). */
  readonly events: Array<{ type: string; state?: { name: string }; [key: string]: unknown }>;
}

/** The ARN of the state machine in the fake account. */
export function fakeStateMachineArn(name = 'Job'): string {
  return `arn:${FAKE_ENV.partition}:states:${FAKE_ENV.region}:${FAKE_ENV.account}:stateMachine:${name}`;
}

/**
 * The definition of the template's only state machine, parsed, with its
 * references (Ref, Fn::GetAtt) replaced by the values CloudFormation would give
 * in the fake account: ARNs where the attribute is an ARN, names where it is a name.
 */
export function resolvedDefinition(template: Template): any {
  const resources = template.toJSON().Resources as Record<string, { Type: string }>;
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine')) as any[];
  if (machines.length !== 1) throw new Error(`Expected one state machine in the template, found ${machines.length}`);
  const body = machines[0].Properties.DefinitionString;
  if (typeof body === 'string') return JSON.parse(body);
  const [separator, parts] = body['Fn::Join'] as [string, unknown[]];
  return JSON.parse(parts.map(part => (typeof part === 'string' ? part : resolveIntrinsic(part, resources))).join(separator));
}

function resolveIntrinsic(value: any, resources: Record<string, { Type: string }>): string {
  const { partition, region, account } = FAKE_ENV;
  if (typeof value.Ref === 'string') {
    const pseudo: Record<string, string> = { 'AWS::Partition': partition, 'AWS::Region': region, 'AWS::AccountId': account, 'AWS::URLSuffix': 'amazonaws.com' };
    if (pseudo[value.Ref]) return pseudo[value.Ref];
    const id = value.Ref;
    switch (resources[id]?.Type) {
      case 'AWS::SNS::Topic': return `arn:${partition}:sns:${region}:${account}:${id}`;
      case 'AWS::ECS::Cluster': return id;
      case 'AWS::ECS::CapacityProvider': return id;
      case 'AWS::ECS::TaskDefinition': return `arn:${partition}:ecs:${region}:${account}:task-definition/${id}:1`;
      // A Fargate task's (or an awsvpc EC2 task's) network configuration.
      case 'AWS::EC2::Subnet': return `subnet-${id}`;
      default: throw new Error(`No fake value for Ref of ${id} (${resources[id]?.Type}): add one to resolveIntrinsic`);
    }
  }
  if (Array.isArray(value['Fn::GetAtt'])) {
    const [id, attribute] = value['Fn::GetAtt'];
    const key = `${resources[id]?.Type}.${attribute}`;
    switch (key) {
      case 'AWS::ECS::Cluster.Arn': return `arn:${partition}:ecs:${region}:${account}:cluster/${id}`;
      case 'AWS::SNS::Topic.TopicArn': return `arn:${partition}:sns:${region}:${account}:${id}`;
      case 'AWS::EC2::SecurityGroup.GroupId': return `sg-${id}`;
      default: throw new Error(`No fake value for Fn::GetAtt ${id}.${attribute} (${key}): add one to resolveIntrinsic`);
    }
  }
  throw new Error(`Cannot resolve ${JSON.stringify(value)} in a state machine definition`);
}

// --- JSONata ---------------------------------------------------------------------

const JSONATA_EXPRESSION = /^\{%([\s\S]*)%\}$/;

/** Error of a JSONata expression that fails or returns nothing, as Step Functions names it. */
function queryEvaluationError(stateName: string, field: string, expression: string, problem: string): TaskFailure {
  return new TaskFailure('States.QueryEvaluationError',
    `An error occurred while executing the state '${stateName}'. The JSONata expression '${expression.trim()}' specified for the field '${field}' ${problem}`);
}

/**
 * Evaluates a JSONata field the way Step Functions does: a string that is a whole
 * `{% … %}` is an expression; objects and arrays are evaluated member by member;
 * anything else is a literal. `$states` is the only binding.
 */
async function evaluateField(value: unknown, states: Record<string, unknown>, stateName: string, field: string): Promise<any> {
  if (typeof value === 'string') {
    const match = JSONATA_EXPRESSION.exec(value);
    if (!match) return value;
    let result: unknown;
    try {
      result = await jsonata(match[1]).evaluate(undefined, { states });
    } catch (e: any) {
      throw queryEvaluationError(stateName, field, match[1], `threw an error: ${e?.message ?? e}`);
    }
    if (result === undefined) throw queryEvaluationError(stateName, field, match[1], 'returned nothing (undefined).');
    // JSONata sequences are arrays with extra properties: keep the JSON value only.
    return JSON.parse(JSON.stringify(result));
  }
  if (Array.isArray(value)) {
    const items = [];
    for (const [i, item] of value.entries()) items.push(await evaluateField(item, states, stateName, `${field}[${i}]`));
    return items;
  }
  if (value !== null && typeof value === 'object') {
    const evaluated: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) evaluated[key] = await evaluateField(item, states, stateName, `${field}/${key}`);
    return evaluated;
  }
  return value;
}

// --- Translation -----------------------------------------------------------------

type Handler = (input: any) => Promise<any>;

interface Translation {
  /** Local handlers of the Task states, by state name (names are unique in a state machine). */
  readonly handlers: Record<string, Handler>;
  readonly integrations: Record<string, IntegrationHandler>;
  /** The `$states.context` of the running execution (its State part is set per state). */
  readonly context: () => Record<string, any>;
  readonly elapsedMs: () => number;
}

/** Fields each JSONata state may have; any other one is refused. */
const KNOWN_FIELDS: Record<string, string[]> = {
  Task: ['Type', 'Comment', 'QueryLanguage', 'Resource', 'Arguments', 'Output', 'TimeoutSeconds', 'Retry', 'Catch', 'Next', 'End'],
  Choice: ['Type', 'Comment', 'QueryLanguage', 'Choices', 'Default'],
  Fail: ['Type', 'Comment', 'QueryLanguage', 'Error', 'Cause'],
  Succeed: ['Type', 'Comment', 'QueryLanguage'],
  Parallel: ['Type', 'Comment', 'QueryLanguage', 'Branches', 'Output', 'Retry', 'Catch', 'Next', 'End'],
  Map: ['Type', 'Comment', 'QueryLanguage', 'Items', 'ItemProcessor', 'MaxConcurrency', 'Retry', 'Catch', 'Next', 'End'],
};

function refuseUnknownFields(name: string, state: any): void {
  const known = KNOWN_FIELDS[state.Type];
  if (!known) throw new Error(`state-machine-runner: JSONata ${state.Type} states are not supported (state ${name})`);
  const unknown = Object.keys(state).filter(key => !known.includes(key));
  if (unknown.length > 0) throw new Error(`state-machine-runner: field(s) ${unknown.join(', ')} of ${state.Type} state ${name} are not supported`);
  for (const catcher of state.Catch ?? []) {
    const extra = Object.keys(catcher).filter(key => key !== 'ErrorEquals' && key !== 'Next');
    if (extra.length > 0) throw new Error(`state-machine-runner: Catch field(s) ${extra.join(', ')} of state ${name} are not supported`);
  }
  if (state.TimeoutSeconds !== undefined && typeof state.TimeoutSeconds !== 'number') {
    throw new Error(`state-machine-runner: a JSONata TimeoutSeconds (state ${name}) is not supported`);
  }
}

/** The transition fields of a state, copied as they are. */
function transition(state: any): { Next?: string; End?: boolean } {
  return state.End ? { End: true } : { Next: state.Next };
}

/** Retry and Catch, copied as they are: the interpreter runs them. */
function errorHandling(state: any): { Retry?: any[]; Catch?: any[] } {
  return { ...(state.Retry ? { Retry: state.Retry } : {}), ...(state.Catch ? { Catch: state.Catch } : {}) };
}

function localTask(comment: string, next: { Next?: string; End?: boolean }, extra: Record<string, unknown> = {}): any {
  // The Resource is never called: the local handler of the same name runs instead.
  return { Type: 'Task', Comment: comment, Resource: `arn:aws:lambda:${FAKE_ENV.region}:${FAKE_ENV.account}:function:state-machine-runner`, ...extra, ...next };
}

function translateGraph(graph: any, inheritedLanguage: string, t: Translation): any {
  const language = graph.QueryLanguage ?? inheritedLanguage;
  const states: Record<string, any> = {};
  for (const [name, state] of Object.entries<any>(graph.States)) {
    Object.assign(states, translateState(name, state, state.QueryLanguage ?? language, t));
  }
  return { StartAt: graph.StartAt, States: states };
}

/**
 * One state of the definition as states the interpreter runs. The state keeps
 * its name for the first of them, so transitions into it need no rewriting.
 */
function translateState(name: string, state: any, language: string, t: Translation): Record<string, any> {
  if (language !== 'JSONata') {
    if (state.Type === 'Parallel' || state.Type === 'Map') throw new Error(`state-machine-runner: JSONPath ${state.Type} state ${name} is not supported`);
    return { [name]: state };
  }
  refuseUnknownFields(name, state);
  const { Type: type, Comment: comment } = state;
  const context = (): Record<string, any> => ({ ...t.context(), State: { Name: name, EnteredTime: new Date().toISOString() } });

  switch (type) {
    case 'Task': {
      const service = /^arn:[^:]+:states:::(.+)$/.exec(state.Resource)?.[1];
      const integration = service && t.integrations[service];
      if (!integration) throw new Error(`state-machine-runner: no fake for the integration ${state.Resource} of state ${name}`);
      t.handlers[name] = async (input) => {
        const request = state.Arguments === undefined ? input : await evaluateField(state.Arguments, { input, context: context() }, name, 'Arguments');
        const result = await integration({ stateName: name, request, elapsedMs: t.elapsedMs() });
        return state.Output === undefined ? result : evaluateField(state.Output, { input, result, context: context() }, name, 'Output');
      };
      const { Arguments: _a, Output: _o, QueryLanguage: _q, ...rest } = state;
      return { [name]: rest };
    }

    case 'Choice': {
      // The first rule whose Condition is true wins; -1 when none is (then Default,
      // or States.NoChoiceMatched from the interpreter when there is no Default).
      const choose = `${name}/Choose`;
      t.handlers[name] = async (input) => {
        let rule = -1;
        for (const [i, choice] of state.Choices.entries()) {
          const extra = Object.keys(choice).filter(key => key !== 'Condition' && key !== 'Next');
          if (extra.length > 0) throw new Error(`state-machine-runner: Choice rule field(s) ${extra.join(', ')} of state ${name} are not supported`);
          const value = await evaluateField(choice.Condition, { input, context: context() }, name, `Choices[${i}]/Condition`);
          if (typeof value !== 'boolean') {
            throw queryEvaluationError(name, `Choices[${i}]/Condition`, choice.Condition, `returned ${JSON.stringify(value)}, not a boolean.`);
          }
          if (value) { rule = i; break; }
        }
        return { rule, input };
      };
      return {
        [name]: localTask(`${comment ?? ''} [evaluates the JSONata Conditions]`, { Next: choose }),
        [choose]: {
          Type: 'Choice',
          Comment: `${name}: goes where the first true Condition leads`,
          Choices: state.Choices.map((choice: any, i: number) => ({ Variable: '$.rule', NumericEquals: i, Next: choice.Next })),
          ...(state.Default ? { Default: state.Default } : {}),
          OutputPath: '$.input',
        },
      };
    }

    case 'Fail': {
      const literal = (value: unknown) => value === undefined || (typeof value === 'string' && !JSONATA_EXPRESSION.test(value));
      if (literal(state.Error) && literal(state.Cause)) {
        const { QueryLanguage: _q, ...rest } = state;
        return { [name]: rest };
      }
      const fail = `${name}/Fail`;
      t.handlers[name] = async (input) => {
        const raised: Record<string, string> = {};
        for (const field of ['Error', 'Cause'] as const) {
          if (state[field] === undefined) continue;
          const value = await evaluateField(state[field], { input, context: context() }, name, field);
          if (typeof value !== 'string') throw queryEvaluationError(name, field, state[field], `returned ${JSON.stringify(value)}, not a string.`);
          raised[field] = value;
        }
        return raised;
      };
      return {
        [name]: localTask(`${comment ?? ''} [evaluates the JSONata Error and Cause]`, { Next: fail }),
        [fail]: {
          Type: 'Fail',
          Comment: `${name}: fails with the evaluated Error and Cause`,
          ...(state.Error !== undefined ? { ErrorPath: '$.Error' } : {}),
          ...(state.Cause !== undefined ? { CausePath: '$.Cause' } : {}),
        },
      };
    }

    case 'Succeed':
      return { [name]: { Type: 'Succeed', ...(comment ? { Comment: comment } : {}) } };

    case 'Parallel': {
      const branches = state.Branches.map((branch: any) => translateGraph(branch, language, t));
      if (state.Output === undefined) {
        return { [name]: { Type: 'Parallel', Comment: comment, Branches: branches, ...errorHandling(state), ...transition(state) } };
      }
      // The echo branch returns the Parallel's input as the last result, so that
      // `$states.input` is known where `Output` is evaluated.
      const echo = { StartAt: `${name}/Input`, States: { [`${name}/Input`]: { Type: 'Pass', Comment: 'Echoes the input of the Parallel state', End: true } } };
      const output = `${name}/Output`;
      t.handlers[output] = async (results: any[]) =>
        evaluateField(state.Output, { input: results[results.length - 1], result: results.slice(0, -1), context: context() }, name, 'Output');
      return {
        [name]: { Type: 'Parallel', Comment: comment, Branches: [...branches, echo], ...errorHandling(state), Next: output },
        // An Output evaluation error is caught as the Parallel's own error would be
        // (on AWS, it is the Parallel state's error; retries of it are not emulated).
        [output]: localTask(`${name}: evaluates the JSONata Output`, transition(state), state.Catch ? { Catch: state.Catch } : {}),
      };
    }

    case 'Map': {
      const map = `${name}/Map`;
      t.handlers[name] = async (input) => {
        const items = await evaluateField(state.Items ?? '{% $states.input %}', { input, context: context() }, name, 'Items');
        if (!Array.isArray(items)) throw queryEvaluationError(name, 'Items', JSON.stringify(state.Items), 'did not return an array.');
        return { items };
      };
      const processor = state.ItemProcessor;
      const mode = processor.ProcessorConfig?.Mode ?? 'INLINE';
      if (mode !== 'INLINE') throw new Error(`state-machine-runner: Map ${name} in ${mode} mode is not supported`);
      const { ProcessorConfig: _p, ...graph } = processor;
      return {
        [name]: localTask(`${name}: evaluates the JSONata Items`, { Next: map }, state.Catch ? { Catch: state.Catch } : {}),
        [map]: {
          Type: 'Map',
          Comment: comment,
          ItemsPath: '$.items',
          ItemProcessor: translateGraph(graph, language, t),
          ...(state.MaxConcurrency !== undefined ? { MaxConcurrency: state.MaxConcurrency } : {}),
          ...errorHandling(state),
          ...transition(state),
        },
      };
    }

    default:
      throw new Error(`state-machine-runner: JSONata ${type} states are not supported (state ${name})`);
  }
}

/**
 * The definition as the interpreter runs it, with the local handlers of its
 * JSONata states (exported so that a test can look at the translation).
 */
export function translateDefinition(definition: any, integrations: Record<string, IntegrationHandler>,
  context: () => Record<string, any> = () => ({}), elapsedMs: () => number = () => 0): { definition: any; handlers: Record<string, Handler> } {
  const allowed = ['StartAt', 'States', 'Comment', 'QueryLanguage'];
  const extra = Object.keys(definition).filter(key => !allowed.includes(key));
  if (extra.length > 0) throw new Error(`state-machine-runner: top-level field(s) ${extra.join(', ')} are not supported`);
  const handlers: Record<string, Handler> = {};
  const translated = translateGraph(definition, definition.QueryLanguage ?? 'JSONPath', { handlers, integrations, context, elapsedMs });
  // JSON round trip: drops the fields left undefined (no Comment, say).
  return { definition: JSON.parse(JSON.stringify({ Comment: definition.Comment, ...translated })), handlers };
}

// --- Execution -------------------------------------------------------------------

/** Translated definitions the interpreter has already validated. */
const validated = new Set<string>();

/**
 * Runs one execution of `definition` to its end, on Jest's fake clock, and
 * returns how it ended. Fails the test when the execution is stuck (nothing
 * left to run and no timer to wait for).
 */
export async function runStateMachine(definition: any, options: RunOptions): Promise<ExecutionOutcome> {
  const executionName = options.executionName ?? 'test-execution';
  const machineArn = fakeStateMachineArn();
  const input = (options.input ?? {}) as any;
  const context = {
    Execution: {
      Id: `${machineArn.replace(':stateMachine:', ':execution:')}:${executionName}`,
      Name: executionName,
      Input: input,
      StartTime: new Date(CLOCK_START).toISOString(),
      RoleArn: `arn:${FAKE_ENV.partition}:iam::${FAKE_ENV.account}:role/JobStateMachineRole`,
      RedriveCount: 0,
    },
    StateMachine: { Id: machineArn, Name: 'Job' },
  };

  jest.useFakeTimers({ now: CLOCK_START, doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate', 'clearImmediate'] });
  try {
    const { definition: translated, handlers } = translateDefinition(definition, options.integrations,
      () => context, () => Date.now() - CLOCK_START);
    // The translated definition is checked by the interpreter's own validator (asl-validator),
    // once per definition: the check takes ~150 ms, and its result depends on the definition only.
    const text = JSON.stringify(translated);
    const machine = new StateMachine(translated, validated.has(text) ? { validationOptions: { noValidate: true } } : undefined);
    validated.add(text);
    const execution = machine.run(input as any, { overrides: { taskResourceLocalHandlers: handlers }, context });
    const events: ExecutionOutcome['events'] = [];
    const collected = (async () => { for await (const event of execution.eventLogs) events.push(event as any); })();

    let settled = false;
    const ended = execution.result.then(
      output => ({ status: 'SUCCEEDED' as const, output }),
      (e: unknown) => {
        if (!(e instanceof ExecutionError)) throw e;
        const failure = e.cause as Error;
        return { status: 'FAILED' as const, error: failure.name, cause: failure.message };
      },
    ).finally(() => { settled = true; });

    // Let every promise chain run, then jump the fake clock to the next timer
    // (a retry wait or a task timeout), until the execution ends.
    for (let step = 0; !settled; step++) {
      await new Promise(resolve => setImmediate(resolve));
      if (settled) break;
      if (jest.getTimerCount() === 0) throw new Error('state-machine-runner: the execution is stuck (no state is running and no timer is pending)');
      if (step > 10_000) throw new Error('state-machine-runner: the execution does not end');
      jest.advanceTimersToNextTimer();
    }
    const outcome = await ended;
    await collected;
    return { ...outcome, durationMs: Date.now() - CLOCK_START, events };
  } finally {
    jest.useRealTimers();
  }
}
