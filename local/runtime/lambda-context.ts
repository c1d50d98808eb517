import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface LambdaContextOptions {
  readonly functionName: string;
  readonly functionArn: string;
  readonly memoryLimitInMB: number;
  /** Epoch ms at which the invocation times out. */
  readonly deadline: number;
}

/**
 * A Lambda `Context` as the Node.js runtime builds it. `getRemainingTimeInMillis` counts down to the
 * function's Timeout on the same clock the handler reads (`Date.now`, virtual or real), which is what
 * dedup leases are tied to.
 *
 * @example
 * const context = lambdaContext({ functionName, functionArn, memoryLimitInMB: 512, deadline: Date.now() + 30_000 });
 */
export function lambdaContext(options: LambdaContextOptions): Context {
  const requestId = randomUUID();
  const unsupported = () => {
    throw new Error('callback-style context methods are not supported; return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: options.functionArn,
    memoryLimitInMB: String(options.memoryLimitInMB),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: `local/[$LATEST]${requestId.replace(/-/g, '')}`,
    getRemainingTimeInMillis: () => Math.max(0, options.deadline - Date.now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
