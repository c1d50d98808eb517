import * as z from 'zod/mini';
import './zod-messages.ts';

/**
 * One line of an order job. The sample's schemas use `zod/mini` (22 KB bundled, against 440 KB for
 * classic zod, which does not tree-shake): most of a handler's cold start is its bundle.
 *
 * @example
 * OrderLine.parse({ sku: 'SKU-1', quantity: 2, unitPriceCents: 499 });
 */
export const OrderLine = z.object({
  sku: z.string().check(z.minLength(1), z.maxLength(64)),
  quantity: z.int().check(z.minimum(1), z.maximum(10_000)),
  unitPriceCents: z.int().check(z.minimum(0)),
});
export type OrderLine = z.infer<typeof OrderLine>;

/**
 * The sample pipeline's message: an order to record. Items are few (≤ 50) so the order fits one
 * DynamoDB item comfortably, and the amount must be the sum of the lines.
 *
 * @example
 * const order = OrderJob.parse({ orderId: 'o-1', customerId: 'c-1', amountCents: 998, items: [{ sku: 'SKU-1', quantity: 2, unitPriceCents: 499 }] });
 */
export const OrderJob = z
  .object({
    orderId: z.string().check(z.minLength(1), z.maxLength(128)),
    customerId: z.string().check(z.minLength(1), z.maxLength(128)),
    amountCents: z.int().check(z.minimum(0)),
    items: z.array(OrderLine).check(z.minLength(1), z.maxLength(50)),
  })
  .check(
    z.refine((order) => order.amountCents === order.items.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0), {
      message: 'amountCents must equal the sum of quantity × unitPriceCents',
      path: ['amountCents'],
    }),
  );
export type OrderJob = z.infer<typeof OrderJob>;
