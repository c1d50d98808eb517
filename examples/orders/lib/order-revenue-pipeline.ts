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
 * The ESM filter of the sample pipeline (AWS filter-rule syntax on the decoded data): only orders reach
 * the function, cart events are skipped by Lambda without an invocation.
 */
export const orderFilterPattern = { data: { type: ['order'] } } as const;

/**
 * The sample pipeline: orders → order count and revenue (cents) per category per window. Free orders
 * carry no revenue and are dropped by the chain's filter step.
 *
 * @example
 * export const handler = createStreamConsumer(orderRevenuePipeline(requireEnv('SLUICE_PIPELINE_NAME')));
 */
export function orderRevenuePipeline(name: string): StreamPipelineDefinition<OrderEvent> {
  return {
    name,
    schema: orderEventSchema,
    transform: Transform.of<OrderEvent>()
      .filter((order) => order.type === 'order' && order.amountCents > 0)
      .map((order) => ({ key: order.category, value: order.amountCents })),
  };
}
