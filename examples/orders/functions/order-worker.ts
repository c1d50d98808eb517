import { createQueueWorker } from 'sluice/queue';
import { orderWrite } from '../lib/order-effect.ts';
import { readOrdersWorkerEnv } from '../lib/orders-contract.ts';
import { OrderJob } from '../lib/order-schema.ts';

// Module scope: read once per cold start, reused by every invocation.
const { ordersTable, totalsTable } = readOrdersWorkerEnv();

/**
 * SQS → validated OrderJob → the order written to the orders table and added to its customer's totals,
 * exactly once: the writes commit with the dedup record in one transaction. Queue, DLQ and dedup table
 * come from the environment the QueuePipeline construct sets.
 */
export const handler = createQueueWorker({
  schema: OrderJob,
  atomic: (order) => orderWrite(order, { tableName: ordersTable, totalsTableName: totalsTable, processedAt: Date.now() }),
});
