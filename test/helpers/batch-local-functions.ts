import type { LocalFunction } from '../../local/runtime/local-function.ts';

/**
 * An in-memory LocalFunction for state machine tests: `handler` plays the function's code.
 *
 * @example
 * const double = fakeFunction('double', async (n) => (n as number) * 2);
 */
export function fakeFunction(name: string, handler: (event: unknown) => Promise<unknown>): LocalFunction & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    logicalId: name,
    functionName: name,
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    entry: `functions/${name}.ts`,
    timeoutMs: 3_000,
    memoryLimitInMB: 128,
    environment: {},
    stats: { invocations: 0, errors: 0, timeouts: 0, totalDurationMs: 0 },
    recentLogs: () => [],
    calls,
    invoke: async (event) => {
      calls.push(event);
      return handler(event);
    },
  };
}

/** An error with a given name, as a function (or Lambda itself) would throw it. */
export function namedError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}
