import { BATCH_OUTPUT_SUFFIXES } from '../../shared/batch/contract.ts';
import { ResourceNotFoundError } from '../../shared/errors.ts';
import type { ExecutionDescription } from '../stepfunctions/state-machine.ts';
import type { ConsoleRuntime } from './console-runtime.ts';
import { outputNames } from './console-runtime.ts';
import { executionGraph, type ExecutionGraph } from './execution-graph.ts';

/** One execution in a list. */
export interface ExecutionSummary {
  readonly executionArn: string;
  readonly name: string;
  readonly status: string;
  readonly startDate: string;
  readonly stopDate?: string;
  readonly durationMs: number;
}

export interface StateMachineView {
  readonly name: string;
  /** The stack output naming it, when there is one (`<id>StateMachineArn` → `<id>`). */
  readonly displayName: string;
  readonly arn: string;
  readonly executions: readonly ExecutionSummary[];
}

/** One execution with its graph. */
export interface ExecutionView extends ExecutionSummary {
  readonly stateMachine: string;
  readonly error?: string;
  readonly cause?: string;
  readonly input: string;
  readonly output?: string;
  readonly graph: ExecutionGraph;
}

/** Executions listed per machine, latest first. */
const MAX_EXECUTIONS = 50;
/** Input and output are cut to this many characters. */
const MAX_PAYLOAD = 4_000;

function summary(d: ExecutionDescription, now: number): ExecutionSummary {
  return {
    executionArn: d.executionArn,
    name: d.name,
    status: d.status,
    startDate: d.startDate.toISOString(),
    ...(d.stopDate ? { stopDate: d.stopDate.toISOString() } : {}),
    durationMs: (d.stopDate?.getTime() ?? now) - d.startDate.getTime(),
  };
}

function cut(text: string): string {
  return text.length <= MAX_PAYLOAD ? text : `${text.slice(0, MAX_PAYLOAD)}… (${text.length} characters)`;
}

/**
 * Every state machine of the template with its latest executions.
 *
 * @example
 * stateMachinesView(runtime)[0].executions[0].status; // 'SUCCEEDED'
 */
export function stateMachinesView(runtime: ConsoleRuntime, now: number = Date.now()): StateMachineView[] {
  const names = outputNames(runtime.outputs(), [BATCH_OUTPUT_SUFFIXES.stateMachineArn]);
  return runtime.stateMachines.map((machine) => ({
    name: machine.name,
    displayName: names.get(machine.arn) ?? machine.name,
    arn: machine.arn,
    executions: machine
      .list()
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
      .slice(0, MAX_EXECUTIONS)
      .map((d) => summary(d, now)),
  }));
}

/**
 * One execution: its description and its graph (states with status and duration, Map iterations).
 *
 * @throws ResourceNotFoundError when no state machine of the runtime has this execution.
 * @example
 * const view = executionView(runtime, executionArn);
 */
export function executionView(runtime: ConsoleRuntime, executionArn: string, now: number = Date.now()): ExecutionView {
  const machine = runtime.stateMachines.find((m) => executionArn.startsWith(`${m.arn.replace(':stateMachine:', ':execution:')}:`));
  if (!machine) throw new ResourceNotFoundError(`no execution ${executionArn}`);
  const description = machine.describe(executionArn);
  return {
    ...summary(description, now),
    stateMachine: machine.name,
    ...(description.error !== undefined ? { error: description.error } : {}),
    ...(description.cause !== undefined ? { cause: cut(description.cause) } : {}),
    input: cut(description.input),
    ...(description.output !== undefined ? { output: cut(description.output) } : {}),
    graph: executionGraph(machine.definition, machine.history(executionArn), description.status, now),
  };
}
