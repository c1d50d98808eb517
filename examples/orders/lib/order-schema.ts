import { z } from 'zod';

/**
 * One line of an order job.
 *
 * @example
 * OrderLine.parse({ sku: 'SKU-1', quantity: 2, unitPriceCents: 499 });
 */
export const OrderLine = z.object({
  sku: z.string().min(1).max(64),
  quantity: z.int().min(1).max(10_000),
  unitPriceCents: z.int().min(0),
});
export type OrderLine = z.infer<typeof OrderLine>;

/**
 * The sample pipeline's message: an order to record. Items are few (≤ 50) so the order fits one
 * DynamoDB item comfortably, and the amount must be the sum of the lines.
 *
 * @example
 * const order = OrderJob.parse({ orderId: 'o-1', customerId: 'c-1', amountCents: 998, items: [{ sku: 'SKU-1', quantity: 2, unitPriceCents: 499 }] });
 */
export const OrderJob = z.object({
  orderId: z.string().min(1).max(128),
  customerId: z.string().min(1).max(128),
  amountCents: z.int().min(0),
  items: z.array(OrderLine).min(1).max(50),
}).refine((order) => order.amountCents === order.items.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0), {
  message: 'amountCents must equal the sum of quantity × unitPriceCents',
  path: ['amountCents'],
});
export type OrderJob = z.infer<typeof OrderJob>;
