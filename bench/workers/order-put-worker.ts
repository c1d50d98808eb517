import { requireEnv } from 'sluice';
import { createQueueWorker } from 'sluice/queue';
import { ORDERS_ENV } from '../../examples/orders/lib/orders-contract.ts';
import { OrderJob } from '../../examples/orders/lib/order-schema.ts';
import { orderPutOnly } from './order-effect-one-item.ts';

// The sample's order worker with an effect of one item (the order only), in atomic mode: the order and
// the dedup record commit in one two-item transaction.
const ordersTable = requireEnv(ORDERS_ENV.ordersTable);

export const handler = createQueueWorker({
  schema: OrderJob,
  atomic: (order) => orderPutOnly(order, { tableName: ordersTable, processedAt: Date.now() }),
});
