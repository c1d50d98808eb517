import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoDBClient, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { clientConfig } from '../../shared/aws-clients.ts';
import { intEnv, requireEnv } from '../../shared/config.ts';
import { orderWrite } from '../../examples/orders/lib/order-effect.ts';
import { readOrdersWorkerEnv } from '../../examples/orders/lib/orders-contract.ts';
import { OrderJob } from '../../examples/orders/lib/order-schema.ts';
import { orderPutOnly } from '../workers/order-effect-one-item.ts';
import { QUEUE_ENV } from '../../shared/queue/contract.ts';

// The benchmark's baseline: the order worker's work written the way the Powertools docs show it
// (BatchProcessor + makeIdempotent over DynamoDB), reading the same QueuePipeline environment.
// BENCH_EFFECT=order writes only the order (an effect of one item: a plain PutItem, no transaction).
const { ordersTable, totalsTable } = readOrdersWorkerEnv();
const orderOnly = process.env.BENCH_EFFECT === 'order';
const dynamodb = new DynamoDBClient(clientConfig());
const processor = new BatchProcessor(EventType.SQS);
// DedupTable's key is `pk` and its TTL attribute `expiresAt`; Powertools defaults to `id` / `expiration`.
const persistenceStore = new DynamoDBPersistenceLayer({
  tableName: requireEnv(QUEUE_ENV.dedupTable),
  keyAttr: 'pk',
  expiryAttr: 'expiresAt',
  awsSdkV3Client: dynamodb,
});
const idempotency = new IdempotencyConfig({ expiresAfterSeconds: intEnv(QUEUE_ENV.dedupWindowSeconds, 3600) });

// The idempotency key is a hash of the parsed order (the first argument), like sluice's content hash.
const recordOrderOnce = makeIdempotent(
  async (order: OrderJob): Promise<void> => {
    if (orderOnly) {
      await dynamodb.send(new PutItemCommand(orderPutOnly(order, { tableName: ordersTable, processedAt: Date.now() })[0].Put));
      return;
    }
    await dynamodb.send(
      new TransactWriteItemsCommand({ TransactItems: orderWrite(order, { tableName: ordersTable, totalsTableName: totalsTable, processedAt: Date.now() }) }),
    );
  },
  { persistenceStore, config: idempotency },
);

const recordHandler = async (record: SQSRecord): Promise<void> => {
  await recordOrderOnce(OrderJob.parse(JSON.parse(record.body)));
};

/** SQS → OrderJob → the order and its customer's totals written once (Powertools batch + idempotency). */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  idempotency.registerLambdaContext(context);
  return processPartialResponse(event, recordHandler, processor, { context });
};
