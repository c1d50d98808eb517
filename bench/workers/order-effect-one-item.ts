import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { orderWrite } from '../../examples/orders/lib/order-effect.ts';
import type { OrderJob } from '../../examples/orders/lib/order-schema.ts';

/**
 * The sample's effect without the customer's totals: only the order's Put, an effect of one item.
 *
 * @example
 * const [put] = orderPutOnly(order, { tableName: 'orders', processedAt: Date.now() });
 */
export function orderPutOnly(order: OrderJob, target: { tableName: string; processedAt: number }): [TransactWriteItem & { Put: NonNullable<TransactWriteItem['Put']> }] {
  const put = orderWrite(order, { ...target, totalsTableName: 'unused' }).find((item) => item.Put);
  if (!put?.Put) throw new Error('the order effect has no Put');
  return [{ Put: put.Put }];
}
