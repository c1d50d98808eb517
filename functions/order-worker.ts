import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../shared/aws-clients.ts';
import { systemClock } from '../shared/clock.ts';
import { requireEnv } from '../shared/config.ts';
import { DedupStore } from '../shared/dedup/store.ts';
import { createObservability } from '../shared/observability.ts';
import { orderWrite } from '../shared/orders/effect.ts';
import { OrderJob } from '../shared/orders/schema.ts';
import { queueWorkerEnv } from '../shared/queue/config.ts';
import { createQueueWorker } from '../shared/queue/worker.ts';

// Module scope: read once per cold start, reused by every invocation.
const config = queueWorkerEnv();
const ordersTable = requireEnv('ORDERS_TABLE_NAME');
const totalsTable = requireEnv('CUSTOMER_TOTALS_TABLE_NAME');
const sqs = new SQSClient(clientConfig({ service: 'sqs' }));
const dynamodb = new DynamoDBClient(clientConfig());
const { logger, metrics } = createObservability({ serviceName: 'order-worker' });

/** SQS → validated OrderJob → the order written to the orders table exactly once (atomic with dedup). */
export const handler = createQueueWorker({
  schema: OrderJob,
  dedup: {
    store: new DedupStore({ client: dynamodb, tableName: config.dedupTable, windowSeconds: config.dedupWindowSeconds }),
    scope: config.dedupScope,
  },
  atomic: (order) => orderWrite(order, { tableName: ordersTable, totalsTableName: totalsTable, processedAt: systemClock.now() }),
  sqs,
  queueUrl: config.queueUrl,
  dlqUrl: config.dlqUrl,
  ...(config.fifo === undefined ? {} : { fifo: config.fifo }),
  logger,
  metrics,
});
