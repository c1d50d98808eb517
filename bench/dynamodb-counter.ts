import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Requests of one DynamoDB operation seen by the counter. */
export interface OperationCount {
  /** `client.send` calls (what the code asked for). */
  requests: number;
  /** HTTP attempts, SDK retries included (transaction conflicts and throttles show up here). */
  attempts: number;
  /** Items written: 1 per PutItem/UpdateItem/DeleteItem, one per write inside TransactWriteItems/BatchWriteItem. */
  writeItems: number;
}

export type OperationCounts = Record<string, OperationCount>;

const WRITE_OPERATIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem']);

/**
 * True for the operations that write (and are billed in write capacity units).
 *
 * @example
 * isWriteOperation('TransactWriteItems'); // true
 */
export function isWriteOperation(operation: string): boolean {
  return WRITE_OPERATIONS.has(operation);
}

/**
 * Items an operation's input writes.
 *
 * @example
 * writeItemsOf('TransactWriteItems', { TransactItems: [{ Put: {} }, { Update: {} }] }); // 2
 */
export function writeItemsOf(operation: string, input: Record<string, unknown>): number {
  if (operation === 'TransactWriteItems') {
    // A ConditionCheck writes nothing but is still billed as a transactional write.
    return ((input.TransactItems as unknown[] | undefined) ?? []).length;
  }
  if (operation === 'BatchWriteItem') {
    return Object.values((input.RequestItems as Record<string, unknown[]> | undefined) ?? {}).reduce((sum, requests) => sum + requests.length, 0);
  }
  return isWriteOperation(operation) ? 1 : 0;
}

/** Counts every DynamoDB request made in this process while enabled. */
export interface DynamoDbCounter {
  /** Zeroes the counts and starts counting. */
  start(): void;
  /** Stops counting and returns what was counted since `start()`. */
  stop(): OperationCounts;
}

let installed: { counts: OperationCounts; enabled: boolean } | undefined;
const instrumented = new WeakSet<object>();

function countIn(counts: OperationCounts, operation: string): OperationCount {
  counts[operation] ??= { requests: 0, attempts: 0, writeItems: 0 };
  return counts[operation];
}

/**
 * Counts DynamoDB requests at the client with SDK middleware. The handlers run in this process and build
 * their own clients, so the hook is process-wide: `DynamoDBClient.prototype.send` is wrapped once, and the
 * first time a client sends, two middlewares join its stack: one at `initialize` (once per `send`, with
 * the command's input) and one at `deserialize`, which runs inside the retry loop (once per HTTP attempt).
 *
 * @example
 * const counter = installDynamoDbCounter();
 * counter.start(); await work(); const counts = counter.stop(); // { PutItem: { requests: 10, ... } }
 */
export function installDynamoDbCounter(): DynamoDbCounter {
  if (!installed) {
    const state = { counts: {} as OperationCounts, enabled: false };
    installed = state;
    const send = DynamoDBClient.prototype.send;
    DynamoDBClient.prototype.send = function (this: DynamoDBClient, ...args: Parameters<typeof send>) {
      if (!instrumented.has(this)) {
        instrumented.add(this);
        this.middlewareStack.add(
          (next, context) => async (args) => {
            if (state.enabled) {
              const operation = String(context.commandName).replace(/Command$/, '');
              const count = countIn(state.counts, operation);
              count.requests += 1;
              count.writeItems += writeItemsOf(operation, args.input as Record<string, unknown>);
            }
            return next(args);
          },
          { step: 'initialize', name: 'benchRequestCounter', priority: 'high' },
        );
        this.middlewareStack.add(
          (next, context) => async (args) => {
            if (state.enabled) countIn(state.counts, String(context.commandName).replace(/Command$/, '')).attempts += 1;
            return next(args);
          },
          { step: 'deserialize', name: 'benchAttemptCounter' },
        );
      }
      return (send as (...a: unknown[]) => ReturnType<typeof send>).apply(this, args);
    } as typeof send;
  }
  const state = installed;
  return {
    start() {
      state.counts = {};
      state.enabled = true;
    },
    stop() {
      state.enabled = false;
      return state.counts;
    },
  };
}

/** Totals over operations: requests, write requests, items written, and write capacity units for items ≤ 1 KB. */
export interface RequestTotals {
  requests: number;
  writeRequests: number;
  writeItems: number;
  /** On-demand write units for items ≤ 1 KB: 1 per item, 2 per item inside a transaction (AWS's pricing). */
  writeUnits: number;
  attempts: number;
}

/**
 * Sums per-operation counts into the figures the report shows.
 *
 * @example
 * requestTotals({ PutItem: { requests: 1, attempts: 1, writeItems: 1 }, TransactWriteItems: { requests: 1, attempts: 1, writeItems: 3 } });
 * // { requests: 2, writeRequests: 2, writeItems: 4, writeUnits: 7, attempts: 2 }
 */
export function requestTotals(counts: OperationCounts): RequestTotals {
  const totals: RequestTotals = { requests: 0, writeRequests: 0, writeItems: 0, writeUnits: 0, attempts: 0 };
  for (const [operation, count] of Object.entries(counts)) {
    totals.requests += count.requests;
    totals.attempts += count.attempts;
    if (!isWriteOperation(operation)) continue;
    totals.writeRequests += count.requests;
    totals.writeItems += count.writeItems;
    totals.writeUnits += operation === 'TransactWriteItems' ? 2 * count.writeItems : count.writeItems;
  }
  return totals;
}
