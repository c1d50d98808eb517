import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { OrderJob } from './order-schema.ts';

/**
 * The sample's effect: put the order into the orders table (key `orderId`, S) and add it to its
 * customer's running totals (key `customerId`, S: `orderCount`, `totalCents`). Both writes are
 * unconditional on purpose: the dedup record committed in the same transaction is what makes them
 * happen once. The totals are not idempotent (`ADD`), so a duplicate effect would show in them: that
 * is what lets the tests prove exactly-once instead of assuming it.
 *
 * @example
 * await store.commitOnce(key, orderWrite(order, { tableName: 'orders', totalsTableName: 'totals', processedAt: Date.now() }));
 */
export function orderWrite(order: OrderJob, target: { tableName: string; totalsTableName: string; processedAt: number }): TransactWriteItem[] {
  return [
    {
      Update: {
        TableName: target.totalsTableName,
        Key: { customerId: { S: order.customerId } },
        UpdateExpression: 'ADD orderCount :one, totalCents :amount',
        ExpressionAttributeValues: { ':one': { N: '1' }, ':amount': { N: String(order.amountCents) } },
      },
    },
    {
      Put: {
        TableName: target.tableName,
        Item: {
          orderId: { S: order.orderId },
          customerId: { S: order.customerId },
          amountCents: { N: String(order.amountCents) },
          items: {
            L: order.items.map((line) => ({
              M: { sku: { S: line.sku }, quantity: { N: String(line.quantity) }, unitPriceCents: { N: String(line.unitPriceCents) } },
            })),
          },
          processedAt: { N: String(target.processedAt) },
        },
      },
    },
  ];
}
