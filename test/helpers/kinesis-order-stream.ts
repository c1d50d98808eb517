import type { KeyedAggregates } from '../../shared/stream/aggregates.ts';
import type { StreamRecordSnapshot } from './kinesis-fixtures.ts';

/** A deterministic pseudo-random generator (mulberry32), so a failing run can be reproduced. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CATEGORIES = ['books', 'games', 'music', 'garden', 'toys', 'tools'] as const;

/**
 * Generated order-stream traffic: mostly orders, some cart events (filtered by the ESM), some free orders
 * (dropped by the transform) and a few orders without a category (rejected by the schema).
 */
export function generateOrderTraffic(count: number, seed = 42): { data: Record<string, unknown>; partitionKey: string }[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const customerId = `customer-${Math.floor(random() * 200)}`;
    const roll = random();
    const category = CATEGORIES[Math.floor(random() * CATEGORIES.length)]!;
    const amountCents = 1 + Math.floor(random() * 50_000);
    const base = { orderId: `order-${i}`, customerId };
    if (roll < 0.1) return { data: { ...base, type: 'cart', category, amountCents }, partitionKey: customerId };
    if (roll < 0.12) return { data: { ...base, type: 'order', category, amountCents: 0 }, partitionKey: customerId };
    if (roll < 0.125) return { data: { ...base, type: 'order', amountCents }, partitionKey: customerId };
    return { data: { ...base, type: 'order', category, amountCents }, partitionKey: customerId };
  });
}

/**
 * The expected per-window revenue per category, computed straight from what an independent reader saw on
 * the stream (arrival time → epoch-aligned window), without any of the pipeline's code.
 */
export function expectedRevenueByWindow(records: readonly StreamRecordSnapshot[], windowSeconds: number): Map<string, KeyedAggregates> {
  const expected = new Map<string, KeyedAggregates>();
  for (const record of records) {
    const order = JSON.parse(record.data) as { type?: string; category?: string; amountCents?: number };
    if (order.type !== 'order' || typeof order.category !== 'string' || !order.amountCents) continue;
    const start = new Date(Math.floor(record.arrivalMs / (windowSeconds * 1000)) * windowSeconds * 1000).toISOString();
    const window = expected.get(start) ?? {};
    const current = window[order.category];
    window[order.category] = current
      ? { count: current.count + 1, sum: current.sum + order.amountCents, min: Math.min(current.min, order.amountCents), max: Math.max(current.max, order.amountCents) }
      : { count: 1, sum: order.amountCents, min: order.amountCents, max: order.amountCents };
    expected.set(start, window);
  }
  return expected;
}

/** Sequence numbers of the records the schema must reject (orders without a category). */
export function expectedRejections(records: readonly StreamRecordSnapshot[]): string[] {
  return records
    .filter((r) => {
      const order = JSON.parse(r.data) as { type?: string; category?: string };
      return order.type === 'order' && order.category === undefined;
    })
    .map((r) => r.sequenceNumber);
}
