import * as z from 'zod/mini';
import { Transform, type StreamPipelineDefinition } from 'sluice/stream';
import './zod-messages.ts';

/** An order (or cart) event as producers put it on the stream. Amounts are integer cents so sums are exact. */
export const orderEventSchema = z.object({
  type: z.enum(['order', 'cart']),
  orderId: z.string().check(z.minLength(1)),
  customerId: z.string().check(z.minLength(1)),
  category: z.string().check(z.minLength(1)),
  amountCents: z.int().check(z.minimum(0)),
  /** Per-customer sequence, so consumers can check order per partition key. */
  seq: z.optional(z.int().check(z.minimum(0))),
});
export type OrderEvent = z.infer<typeof orderEventSchema>;

/**
 * The mapping's data filter of the sample pipeline (AWS filter-rule syntax on the decoded data; the
 * StreamPipeline construct's `dataFilter`, `streamFilterPattern` of `sluice/stream` makes it the mapping's
 * pattern): only orders reach the function, cart events are skipped by Lambda without an invocation.
 *
 * @example
 * new StreamPipeline(this, 'OrderStream', { entry, dataFilter: orderDataFilter });
 */
export const orderDataFilter = { type: ['order'] } as const;

/**
 * The sample's consumer: orders → order count and revenue (cents) per category per window. Free orders
 * carry no revenue and are dropped by the chain's filter step. The pipeline's name is the construct's
 * (`createStreamConsumer` reads it from the environment the construct wires).
 *
 * @example
 * export const handler = createStreamConsumer(orderRevenue);
 */
export const orderRevenue: Omit<StreamPipelineDefinition<OrderEvent>, 'name'> = {
  schema: orderEventSchema,
  transform: Transform.of<OrderEvent>()
    .filter((order) => order.type === 'order' && order.amountCents > 0)
    .map((order) => ({ key: order.category, value: order.amountCents })),
};

/**
 * The sample pipeline under a given name, for `processWindowBatch` and consumers built outside the construct.
 *
 * @example
 * await processWindowBatch(event, orderRevenuePipeline('orders'), { results, failures });
 */
export function orderRevenuePipeline(name: string): StreamPipelineDefinition<OrderEvent> {
  return { name, ...orderRevenue };
}
