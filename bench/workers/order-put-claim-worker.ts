import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { clientConfig, requireEnv } from 'sluice';
import { createQueueWorker } from 'sluice/queue';
import { ORDERS_ENV } from '../../examples/orders/lib/orders-contract.ts';
import { OrderJob } from '../../examples/orders/lib/order-schema.ts';
import { orderPutOnly } from './order-effect-one-item.ts';

// The effect of one item in claim mode: claim (a conditional PutItem), the order's PutItem, complete (an
// UpdateItem): the same three writes as the Powertools baseline, with no transaction.
const ordersTable = requireEnv(ORDERS_ENV.ordersTable);
const dynamodb = new DynamoDBClient(clientConfig());

export const handler = createQueueWorker({
  schema: OrderJob,
  handle: async (order) => {
    const [{ Put }] = orderPutOnly(order, { tableName: ordersTable, processedAt: Date.now() });
    await dynamodb.send(new PutItemCommand(Put));
  },
});
