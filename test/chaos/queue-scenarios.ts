import type { QueueChaosOptions } from './queue-chaos.ts';

/** The DynamoDB operations of the worker's data path (claims, effects + completion, releases). */
const WORKER_WRITES = ['PutItem', 'TransactWriteItems', 'UpdateItem', 'DeleteItem'];

/**
 * The chaos mix: 20% duplicates sent by the producer, 5% of invocations crash before the
 * acknowledgement, 2% time out mid-batch, 2% extra duplicate deliveries, DynamoDB throttled 2% of the
 * time plus a 300 ms burst every 5 s, 1% of DynamoDB writes and SQS deletes/sends losing their answer,
 * 1% of SQS calls throttled, and bad input (malformed, schema-invalid, expired in transit).
 *
 * @example
 * const report = await runQueueChaos(queueChaosMix({ orders: 10_000, seed: 7 }));
 */
export function queueChaosMix(scale: { orders: number; seed: number }): QueueChaosOptions {
  return {
    orders: scale.orders,
    seed: scale.seed,
    duplicateRate: 0.2,
    malformedRate: 0.005,
    expiredRate: 0.005,
    pollerFaults: { crashBeforeAck: 0.05, invocationTimeout: 0.02, duplicateDelivery: 0.02 },
    dynamodbFaults: [{ operations: WORKER_WRITES, throttleRate: 0.02, lostResponseRate: 0.01, throttleBursts: { everyMs: 5_000, lengthMs: 300 } }],
    sqsFaults: [
      { operations: ['ReceiveMessage'], throttleRate: 0.01 },
      { operations: ['DeleteMessageBatch', 'SendMessage'], throttleRate: 0.01, lostResponseRate: 0.01 },
    ],
    drainTimeoutMs: Math.max(120_000, scale.orders * 60),
  };
}
