import type { LocalFunctionStats } from '../runtime/local-function.ts';
import type { FunctionLogLine } from '../runtime/runtime-events.ts';
import type { ConsoleRuntime } from './console-runtime.ts';

/** A function of the template: what it is, what it did, its last log lines. */
export interface FunctionView {
  readonly id: string;
  readonly functionName: string;
  readonly entry: string;
  readonly timeoutMs: number;
  readonly memoryLimitInMB: number;
  readonly stats: Readonly<LocalFunctionStats>;
  readonly averageDurationMs?: number;
  /** What feeds it: event source mappings and state machine Task states. */
  readonly triggers: readonly string[];
  readonly logs: readonly FunctionLogLine[];
}

/** Lines shown per function. */
const LOG_LINES = 20;

/**
 * Every function the runtime runs (invocations, errors, timeouts, durations, last log lines: the
 * functions' own counts), and those it cannot run with the reason.
 *
 * @example
 * const { functions, notRun } = functionsView(runtime);
 */
export function functionsView(runtime: ConsoleRuntime): { functions: FunctionView[]; notRun: readonly { id: string; reason: string }[] } {
  const triggers = new Map<string, string[]>();
  const add = (fn: string, trigger: string) => triggers.set(fn, [...(triggers.get(fn) ?? []), trigger]);
  for (const m of runtime.sqsMappings) add(m.functionLogicalId, `SQS ${m.source.logicalId}`);
  for (const m of runtime.streamMappings) add(m.functionLogicalId, `Kinesis ${m.source.logicalId}`);
  for (const machine of runtime.stateMachines) {
    const json = JSON.stringify(machine.definition);
    for (const fn of runtime.functions.values()) if (json.includes(fn.arn)) add(fn.logicalId, `state machine ${machine.name}`);
  }
  const functions = [...runtime.functions.values()]
    .map((fn) => ({
      id: fn.logicalId,
      functionName: fn.functionName,
      entry: fn.entry,
      timeoutMs: fn.timeoutMs,
      memoryLimitInMB: fn.memoryLimitInMB,
      stats: { ...fn.stats },
      ...(fn.stats.invocations > 0 ? { averageDurationMs: fn.stats.totalDurationMs / fn.stats.invocations } : {}),
      triggers: triggers.get(fn.logicalId) ?? [],
      logs: fn.recentLogs().slice(-LOG_LINES),
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
  return { functions, notRun: runtime.unsupportedFunctions.map((u) => ({ id: u.logicalId, reason: u.reason })) };
}
