import { pathToFileURL } from 'node:url';
import type { Handler } from 'aws-lambda';
import { InvocationTimeoutError } from '../../shared/errors.ts';
import { withOutputSink } from './function-output.ts';
import { lambdaContext } from './lambda-context.ts';
import { withProcessEnvironment } from './process-environment.ts';
import type { FunctionLogLine, RuntimeEvents } from './runtime-events.ts';

/** What a local function did so far, as Lambda's metrics count it. */
export interface LocalFunctionStats {
  invocations: number;
  /** Invocations that threw or timed out (Lambda's `Errors` metric counts timeouts too). */
  errors: number;
  timeouts: number;
  /** Sum of the invocations' durations, for the average. */
  totalDurationMs: number;
  lastDurationMs?: number;
  /** `Name: message` of the latest error. */
  lastError?: string;
}

/** How many of its latest log lines a function keeps. */
export const RECENT_LOG_LINES = 50;

/** A template function, runnable in this process. */
export interface LocalFunction {
  readonly logicalId: string;
  readonly functionName: string;
  readonly arn: string;
  /** Where the code comes from, for humans: the entry relative to the project, or the asset. */
  readonly entry: string;
  readonly timeoutMs: number;
  readonly memoryLimitInMB: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly stats: Readonly<LocalFunctionStats>;
  /** Its latest log lines (at most {@link RECENT_LOG_LINES}), oldest first; captured while `captureFunctionOutput()` is on. */
  recentLogs(): readonly FunctionLogLine[];
  /** Invokes the handler with a fresh Lambda context; rejects with the handler's error or an {@link InvocationTimeoutError}. */
  invoke(event: unknown): Promise<unknown>;
}

export interface LocalFunctionDefinition {
  readonly logicalId: string;
  readonly functionName: string;
  readonly arn: string;
  readonly entry: string;
  /** Absolute path of the module to load (a source entry, or a copy of a bundled asset). */
  readonly modulePath: string;
  readonly handlerName: string;
  readonly timeoutSeconds: number;
  readonly memoryLimitInMB: number;
  readonly environment: Record<string, string>;
  /** Where invocations and log lines are announced (the runtime's events). */
  readonly events?: RuntimeEvents;
}

// Module loads are serialized: each sets its function's environment in process.env while the module's
// top level runs (where sluice functions read their configuration), then removes it again.
let loading: Promise<unknown> = Promise.resolve();

async function loadHandler(definition: LocalFunctionDefinition, generation: number): Promise<Handler> {
  const url = `${pathToFileURL(definition.modulePath).href}?function=${encodeURIComponent(definition.functionName)}&generation=${generation}`;
  const load = loading.then(() =>
    withProcessEnvironment(definition.environment, async () => {
      const module = (await import(url)) as Record<string, unknown>;
      const handler = module[definition.handlerName];
      if (typeof handler !== 'function') throw new Error(`${definition.entry} does not export a function named ${definition.handlerName}`);
      return handler as Handler;
    }),
  );
  loading = load.catch(() => undefined);
  return load;
}

/**
 * Runs a function's TypeScript entry in-process like the Lambda Node.js runtime: the module is loaded
 * once (cold start) with the function's environment, each invocation gets a fresh context, and the
 * Timeout is enforced. A timed-out invocation cannot be killed in-process: it is abandoned and its
 * module is reloaded for the next invocation (a new execution environment, as Lambda does); any write
 * it still makes is fenced by the dedup owner token.
 *
 * @example
 * const fn = createLocalFunction(definition);
 * const response = await fn.invoke(sqsEvent);
 */
export function createLocalFunction(definition: LocalFunctionDefinition): LocalFunction {
  let generation = 0;
  let handler: Promise<Handler> | undefined;
  const timeoutMs = definition.timeoutSeconds * 1000;
  const stats: LocalFunctionStats = { invocations: 0, errors: 0, timeouts: 0, totalDurationMs: 0 };
  const logs: FunctionLogLine[] = [];
  const record = (requestId: string, started: number, error?: unknown) => {
    const durationMs = performance.now() - started;
    const timedOut = error instanceof InvocationTimeoutError;
    const errorText = error === undefined ? undefined : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    stats.invocations += 1;
    stats.totalDurationMs += durationMs;
    stats.lastDurationMs = durationMs;
    if (errorText !== undefined) {
      stats.errors += 1;
      if (timedOut) stats.timeouts += 1;
      stats.lastError = errorText;
    }
    const outcome = errorText === undefined ? 'succeeded' : timedOut ? 'timed-out' : 'failed';
    definition.events?.emit('invocation', { functionLogicalId: definition.logicalId, requestId, outcome, durationMs, ...(errorText ? { error: errorText } : {}), endedAt: Date.now() });
  };
  return {
    logicalId: definition.logicalId,
    functionName: definition.functionName,
    arn: definition.arn,
    entry: definition.entry,
    timeoutMs,
    memoryLimitInMB: definition.memoryLimitInMB,
    environment: definition.environment,
    stats,
    recentLogs: () => [...logs],
    async invoke(event: unknown): Promise<unknown> {
      handler ??= loadHandler(definition, generation);
      const fn = await handler.catch((err) => {
        handler = undefined;
        throw err;
      });
      const deadline = Date.now() + timeoutMs;
      const context = lambdaContext({ functionName: definition.functionName, functionArn: definition.arn, memoryLimitInMB: definition.memoryLimitInMB, deadline });
      const requestId = context.awsRequestId;
      const sink = {
        write: (stream: 'stdout' | 'stderr', line: string) => {
          const entry: FunctionLogLine = { functionLogicalId: definition.logicalId, requestId, stream, line, at: Date.now() };
          logs.push(entry);
          if (logs.length > RECENT_LOG_LINES) logs.shift();
          definition.events?.emit('log', entry);
        },
      };
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          generation += 1;
          handler = undefined;
          reject(new InvocationTimeoutError(`Task timed out after ${definition.timeoutSeconds.toFixed(2)} seconds`));
        }, timeoutMs);
      });
      const started = performance.now();
      try {
        const response = await Promise.race([withOutputSink(sink, () => Promise.resolve(fn(event, context, () => undefined))), timeout]);
        record(requestId, started);
        return response;
      } catch (err) {
        record(requestId, started, err ?? new Error('the handler rejected with no reason'));
        throw err;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
