import { seededRandom } from '../local/faults/seeded-random.ts';
import type { OrderJob } from '../examples/orders/lib/order-schema.ts';

/**
 * The bodies of one benchmark run: `count` messages of which `duplicateShare` are exact copies of earlier
 * orders. Copies are taken from the first half of the originals and queued after all of them, so a copy
 * meets a completed record (a duplicate), not a live claim (which both workers would retry later).
 *
 * @example
 * const bodies = orderMessages({ count: 1000, duplicateShare: 0.2, runId: 'r1' }); // 800 orders + 200 copies
 */
export function orderMessages(options: { count: number; duplicateShare: number; runId: string; seed?: number }): { bodies: string[]; unique: number } {
  const random = seededRandom(options.seed ?? 7);
  const unique = Math.round(options.count * (1 - options.duplicateShare));
  const bodies: string[] = [];
  for (let i = 0; i < unique; i++) bodies.push(JSON.stringify(order(`${options.runId}-${i}`, random)));
  const pool = Math.max(1, Math.floor(unique / 2));
  for (let i = unique; i < options.count; i++) bodies.push(bodies[Math.floor(random() * pool)]!);
  return { bodies, unique };
}

function order(orderId: string, random: () => number): OrderJob {
  const items = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => ({
    sku: `SKU-${Math.floor(random() * 500)}-${i}`,
    quantity: 1 + Math.floor(random() * 5),
    unitPriceCents: 100 + Math.floor(random() * 10_000),
  }));
  const amountCents = items.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
  return { orderId, customerId: `c-${Math.floor(random() * 200)}`, amountCents, items };
}
