import { EventEmitter } from 'node:events';
import type { StateMachineEvent } from '../stepfunctions/state-machine.ts';

/** How one invocation of a local function ended. */
export interface InvocationRecord {
  readonly functionLogicalId: string;
  readonly requestId: string;
  readonly outcome: 'succeeded' | 'failed' | 'timed-out';
  readonly durationMs: number;
  /** `Name: message` of the error, when it failed. */
  readonly error?: string;
  /** Epoch ms when it ended (the runtime's clock). */
  readonly endedAt: number;
}

/** One line a function wrote to stdout or stderr while it ran. */
export interface FunctionLogLine {
  readonly functionLogicalId: string;
  readonly requestId: string;
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
  /** Epoch ms (the runtime's clock). */
  readonly at: number;
}

/** The events the runtime emits, by name. */
export interface RuntimeEventMap {
  invocation: [InvocationRecord];
  log: [FunctionLogLine];
  execution: [executionArn: string, event: StateMachineEvent];
}

/**
 * What happens in a running local runtime, as it happens: function invocations and their log lines, and
 * every state machine execution event. Tools that watch a runtime (the `sluice dev` console) listen here
 * instead of keeping counts of their own.
 *
 * @example
 * runtime.events.on('invocation', ({ functionLogicalId, outcome }) => console.log(functionLogicalId, outcome));
 */
export class RuntimeEvents extends EventEmitter<RuntimeEventMap> {
  constructor() {
    super();
    // Every open console page adds listeners; none of them is a leak.
    this.setMaxListeners(0);
  }
}
