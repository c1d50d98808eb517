import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { ExecutionError, StateMachine } from 'aws-local-stepfunctions';
import type { LocalFunction } from '../runtime/local-function.ts';
import { prepareDefinition, type AslDefinition, type AslState } from './definition.ts';
import { runDistributedMap, type ChildOutcome } from './distributed-map.ts';
import { taskHandler, type TaskHandler } from './task-handlers.ts';

type JsonValue = Parameters<StateMachine['run']>[0];
/** The interpreter's event log entry (its type is not exported by the package). */
export type EventLog = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

/** What DescribeExecution returns (input/output as JSON strings, as the API does). */
export interface ExecutionDescription {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly input: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  readonly startDate: Date;
  readonly stopDate?: Date;
}

/** A progress event: the interpreter's event log entries, plus Distributed Map child starts and completions. */
export type StateMachineEvent =
  | EventLog
  | { type: 'DistributedMapChildStarted' | 'DistributedMapChildSucceeded' | 'DistributedMapChildFailed'; stateName: string; index: number; timestamp: number };

/**
 * One entry of an execution's history (as GetExecutionHistory lists them, without inputs and outputs):
 * what happened, when, to which state, in which Map iteration.
 */
export interface ExecutionHistoryEvent {
  readonly type: StateMachineEvent['type'];
  /** Epoch ms (the runtime's clock). */
  readonly timestamp: number;
  readonly stateName?: string;
  /** The Map iteration (or Distributed Map child execution) the event belongs to. */
  readonly index?: number;
  /** For iteration and branch events: the Map or Parallel state. */
  readonly parentStateName?: string;
  readonly error?: string;
  readonly cause?: string;
}

/** AWS's quota of events in one Standard execution's history. */
export const MAX_HISTORY_EVENTS = 25_000;

/**
 * The history entry for an event: names and indexes only (inputs and outputs can be large).
 *
 * @example
 * historyEntry(event); // { type: 'StateEntered', timestamp: 1767225600000, stateName: 'Split' }
 */
export function historyEntry(event: StateMachineEvent): ExecutionHistoryEvent {
  const fields = event as Partial<{ state: { name: string }; parentState: { name: string }; stateName: string; index: number; Error: string; Cause: unknown }>;
  const stateName = fields.state?.name ?? fields.stateName;
  const cause = fields.Cause === undefined ? undefined : typeof fields.Cause === 'string' ? fields.Cause : fields.Cause instanceof Error ? fields.Cause.message : JSON.stringify(fields.Cause);
  return {
    type: event.type,
    timestamp: event.timestamp,
    ...(stateName !== undefined ? { stateName } : {}),
    ...(typeof fields.index === 'number' ? { index: fields.index } : {}),
    ...(fields.parentState ? { parentStateName: fields.parentState.name } : {}),
    ...(fields.Error !== undefined ? { error: String(fields.Error) } : {}),
    ...(cause !== undefined ? { cause } : {}),
  };
}

export interface LocalStateMachineOptions {
  readonly name: string;
  readonly arn: string;
  /** The definition (DefinitionString with its intrinsics resolved, or the parsed object). */
  readonly definition: string | AslDefinition;
  /** The local function behind a Lambda ARN, for Task states. */
  functionsByArn(arn: string): LocalFunction | undefined;
  /** For Distributed Map ItemReader/ResultWriter. */
  readonly s3: S3Client;
  /** For `arn:aws:states:::dynamodb:*` Task states. */
  readonly dynamodb?: DynamoDBClient;
  /** Per-state Retry waits in ms (aws-local-stepfunctions' `retryIntervalOverrides`). */
  readonly retryIntervalOverrides?: Record<string, number | number[]>;
  /** Every retrier of every state waits this many ms instead of its backoff (tests compress time). */
  readonly retryIntervalMs?: number;
  /** Called for every execution event (progress bars, logs, the runtime's events). */
  onEvent?(executionArn: string, event: StateMachineEvent): void;
}

/** A state machine of the template, running in this process. */
export interface LocalStateMachine {
  readonly name: string;
  readonly arn: string;
  /** The definition as the template has it (intrinsics resolved). */
  readonly definition: AslDefinition;
  /** Starts an execution; same name and input as a running one returns it, otherwise a reused name throws `ExecutionAlreadyExists`. */
  start(input: unknown, name?: string): Promise<string>;
  describe(executionArn: string): ExecutionDescription;
  list(status?: ExecutionStatus): ExecutionDescription[];
  /** Resolves when the execution has stopped. */
  wait(executionArn: string): Promise<ExecutionDescription>;
  /** The execution's events so far, oldest first (at most {@link MAX_HISTORY_EVENTS}). */
  history(executionArn: string): readonly ExecutionHistoryEvent[];
}

/**
 * A Step Functions API error (`__type` on the wire).
 *
 * @example
 * throw new StatesApiError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
 */
export class StatesApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

interface ExecutionRecord {
  description: ExecutionDescription;
  done: Promise<void>;
  readonly history: ExecutionHistoryEvent[];
}

/**
 * Runs a synthesized state machine definition locally with aws-local-stepfunctions: Task states bound
 * to the local functions (and DynamoDB integrations), Distributed Maps run by sluice (see
 * `runDistributedMap`), Retry/Catch/Map/Choice by the interpreter. Executions run in the background;
 * `describe` reports them as DescribeExecution does.
 *
 * @example
 * const machine = createLocalStateMachine({ name, arn, definition, functionsByArn, s3, dynamodb });
 * const executionArn = await machine.start({ jobId: 'job-1', ... }, 'job-1');
 * const { status, output } = await machine.wait(executionArn);
 */
export function createLocalStateMachine(options: LocalStateMachineOptions): LocalStateMachine {
  const original = typeof options.definition === 'string' ? (JSON.parse(options.definition) as AslDefinition) : options.definition;
  const prepared = prepareDefinition(original);
  const machine = new StateMachine(prepared.definition as never, { validationOptions: { checkPaths: false, checkArn: false, noValidate: true } });
  const taskHandlers = new Map<string, TaskHandler>(
    [...prepared.tasks].map(([name, state]) => [name, taskHandler(name, state, { functionsByArn: (arn) => options.functionsByArn(arn), dynamodb: options.dynamodb })]),
  );
  const retryIntervalOverrides = { ...retryOverridesFor(prepared, options.retryIntervalMs), ...options.retryIntervalOverrides };
  const executions = new Map<string, ExecutionRecord>();
  const executionArnOf = (name: string) => `${options.arn.replace(':stateMachine:', ':execution:')}:${name}`;

  const runOptionsFor = (executionArn: string, context: Record<string, unknown>) => {
    const emit = (event: StateMachineEvent) => {
      const history = executions.get(executionArn)?.history;
      if (history && history.length < MAX_HISTORY_EVENTS) history.push(historyEntry(event));
      options.onEvent?.(executionArn, event);
    };
    const localHandlers: Record<string, (input: JsonValue) => Promise<JsonValue>> = {};
    for (const [name, handler] of taskHandlers) localHandlers[name] = async (input) => (await handler(input)) as JsonValue;
    const runOptions = { overrides: { taskResourceLocalHandlers: localHandlers, retryIntervalOverrides }, context };
    for (const [name, state] of prepared.distributedMaps) {
      const processor = state.ItemProcessor as AslDefinition;
      const { ProcessorConfig: _config, ...childDefinition } = processor;
      const child = new StateMachine(childDefinition as never, { validationOptions: { noValidate: true } });
      localHandlers[name] = async (input) =>
        (await runDistributedMap({
          state,
          stateName: name,
          input,
          context,
          s3: options.s3,
          executionArn,
          runChild: async (childInput, index): Promise<ChildOutcome> => {
            emit({ type: 'DistributedMapChildStarted', stateName: name, index, timestamp: Date.now() });
            try {
              return { ok: true, output: await child.run(childInput as JsonValue, runOptions).result };
            } catch (err) {
              const cause = err instanceof ExecutionError ? (err.cause as Error) : (err as Error);
              return { ok: false, error: cause.name, cause: cause.message };
            }
          },
          onChildDone: (index, outcome) =>
            emit({ type: outcome.ok ? 'DistributedMapChildSucceeded' : 'DistributedMapChildFailed', stateName: name, index, timestamp: Date.now() }),
        })) as JsonValue;
    }
    return { runOptions, emit };
  };

  const describe = (executionArn: string): ExecutionDescription => {
    const record = executions.get(executionArn);
    if (!record) throw new StatesApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record.description;
  };

  return {
    name: options.name,
    arn: options.arn,
    async start(input, name = randomUUID()) {
      const executionArn = executionArnOf(name);
      const inputJson = JSON.stringify(input ?? {});
      const existing = executions.get(executionArn);
      if (existing) {
        if (existing.description.status === 'RUNNING' && existing.description.input === inputJson) return executionArn;
        throw new StatesApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
      }
      const startDate = new Date();
      const context = {
        Execution: { Id: executionArn, Name: name, RoleArn: 'arn:aws:iam::000000000000:role/local', StartTime: startDate.toISOString() },
        StateMachine: { Id: options.arn, Name: options.name },
      };
      const { runOptions, emit } = runOptionsFor(executionArn, context);
      const record: ExecutionRecord = {
        description: { executionArn, stateMachineArn: options.arn, name, status: 'RUNNING', input: inputJson, startDate },
        done: Promise.resolve(),
        history: [],
      };
      executions.set(executionArn, record);
      const execution = machine.run(JSON.parse(inputJson) as JsonValue, runOptions);
      const forwarded = forwardEvents(execution.eventLogs, emit);
      const settled = execution.result.then(
        (output) => {
          record.description = { ...record.description, status: 'SUCCEEDED', output: JSON.stringify(output ?? null), stopDate: new Date() };
        },
        (err: unknown) => {
          const cause = err instanceof ExecutionError ? (err.cause as Error) : (err as Error);
          const status: ExecutionStatus = cause?.name === 'ExecutionTimeoutError' ? 'TIMED_OUT' : cause?.name === 'ExecutionAbortedError' ? 'ABORTED' : 'FAILED';
          record.description = { ...record.description, status, error: cause?.name ?? 'Error', cause: cause?.message ?? String(err), stopDate: new Date() };
        },
      );
      // Stopped means its history is complete too: the last events arrive after the result settles.
      record.done = Promise.all([settled, forwarded]).then(() => undefined);
      return executionArn;
    },
    definition: original,
    describe,
    history: (executionArn) => {
      describe(executionArn);
      return [...executions.get(executionArn)!.history];
    },
    list: (status) => [...executions.values()].map((r) => r.description).filter((d) => !status || d.status === status),
    async wait(executionArn) {
      describe(executionArn);
      await executions.get(executionArn)!.done;
      return describe(executionArn);
    },
  };
}

async function forwardEvents(events: AsyncGenerator<EventLog>, emit: (event: StateMachineEvent) => void): Promise<void> {
  try {
    for await (const event of events) emit(event);
  } catch {
    // The execution's outcome is reported by its result; a broken event stream only ends the history.
  }
}

/** One wait for every retrier of every state that has a Retry field (nested and Distributed Map states included). */
function retryOverridesFor(prepared: ReturnType<typeof prepareDefinition>, ms: number | undefined): Record<string, number> {
  if (ms === undefined) return {};
  const names = new Set<string>();
  const visit = (states: Record<string, AslState>) => {
    for (const [name, state] of Object.entries(states)) {
      if (state.Retry) names.add(name);
      const nested = (state.ItemProcessor ?? state.Iterator) as AslDefinition | undefined;
      if (nested) visit(nested.States);
      for (const branch of (state.Branches as AslDefinition[] | undefined) ?? []) visit(branch.States);
    }
  };
  visit(prepared.definition.States);
  for (const state of prepared.distributedMaps.values()) visit((state.ItemProcessor as AslDefinition).States);
  return Object.fromEntries([...names].map((name) => [name, ms]));
}

