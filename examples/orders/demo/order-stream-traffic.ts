import { keyedRecord } from 'sluice';
import type { KeyAggregate, KeyedAggregates, ProducerRecord } from 'sluice/stream';
import { seededRandom } from 'sluice/local';
import type { StreamRecordSnapshot } from './stream-reader.ts';

export const CATEGORIES = ['books', 'games', 'music', 'garden', 'toys', 'tools'] as const;

/** A generated order-stream event: JSON `data` under its customer's partition key. */
export interface OrderTrafficRecord {
  data: Record<string, unknown>;
  partitionKey: string;
}

/**
 * Generated order-stream traffic: mostly orders, some cart events (filtered by the ESM), some free orders
 * (dropped by the transform) and a few orders without a category (rejected by the schema).
 *
 * @example
 * await new StreamProducer({ client: kinesis, streamName }).sendBatch(generateOrderTraffic(5_000, 42));
 */
export function generateOrderTraffic(count: number, seed = 42): OrderTrafficRecord[] {
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
 * The demo's stream workload: {@link generateOrderTraffic} plus a handful of bad records at seeded
 * positions: bytes that are not JSON (Lambda's data filter drops them before the function) and orders
 * with a negative or non-integer amount (the function's schema rejects them to the failure queue).
 *
 * @example
 * const records = orderStreamWorkload({ events: 5_000, seed: 1 }); // exactly 5,000 records
 */
export function orderStreamWorkload(options: { events: number; seed: number; malformed?: number }): ProducerRecord[] {
  const malformed = Math.min(options.events, options.malformed ?? Math.max(4, Math.round(options.events * 0.002)));
  const records: ProducerRecord[] = generateOrderTraffic(options.events - malformed, options.seed);
  const random = seededRandom(options.seed + 1);
  for (let i = 0; i < malformed; i += 1) {
    const customerId = `customer-${Math.floor(random() * 200)}`;
    const base = { type: 'order', orderId: `bad-${i}`, customerId, category: CATEGORIES[i % CATEGORIES.length] };
    const bad: ProducerRecord[] = [
      { data: Buffer.from(`{"type":"order","orderId":"bad-${i}","amountCents":`, 'utf8'), partitionKey: customerId },
      { data: { ...base, amountCents: -100 }, partitionKey: customerId },
      { data: { ...base, amountCents: 12.5 }, partitionKey: customerId },
    ];
    records.splice(Math.floor(random() * (records.length + 1)), 0, bad[i % bad.length]!);
  }
  return records;
}

/** What the sample pipeline must do with one record, decided without any of the pipeline's code. */
export type OrderRecordFate = { fate: 'filtered' | 'rejected' | 'dropped' } | { fate: 'aggregated'; category: string; amountCents: number };

/**
 * The fate of a record as read from the stream: `filtered` by the mapping's data filter (`orderDataFilter`:
 * cart events, and data that is not JSON), `rejected` by the schema (to the failure queue), `dropped` by the
 * transform (free orders), else `aggregated` into its category. Decided here again on purpose, as the oracle
 * the demo checks the pipeline against (test/unit/orders/order-stream-traffic.test.ts checks the two agree).
 *
 * @example
 * orderRecordFate('{"type":"cart"}'); // { fate: 'filtered' }
 */
export function orderRecordFate(data: string): OrderRecordFate {
  let order: Record<string, unknown>;
  try {
    order = JSON.parse(data) as Record<string, unknown>;
  } catch {
    return { fate: 'filtered' };
  }
  if (typeof order !== 'object' || order === null || order.type !== 'order') return { fate: 'filtered' };
  const { orderId, customerId, category, amountCents } = order;
  const nonEmpty = (v: unknown) => typeof v === 'string' && v.length > 0;
  const validAmount = typeof amountCents === 'number' && Number.isInteger(amountCents) && amountCents >= 0;
  if (!nonEmpty(orderId) || !nonEmpty(customerId) || !nonEmpty(category) || !validAmount) return { fate: 'rejected' };
  if (amountCents === 0) return { fate: 'dropped' };
  return { fate: 'aggregated', category: category as string, amountCents };
}

/**
 * The expected per-window revenue per category, computed straight from what an independent reader saw on
 * the stream (arrival time → epoch-aligned window), without any of the pipeline's code.
 *
 * @example
 * const expected = expectedRevenueByWindow(await readWholeStream(kinesis, streamName), 60);
 */
export function expectedRevenueByWindow(records: readonly StreamRecordSnapshot[], windowSeconds: number): Map<string, KeyedAggregates> {
  // Categories come with the data: a Map per window, so `constructor` or `__proto__` is one more category.
  const expected = new Map<string, Map<string, KeyAggregate>>();
  for (const record of records) {
    const outcome = orderRecordFate(record.data);
    if (outcome.fate !== 'aggregated') continue;
    const { category, amountCents } = outcome;
    // Lambda's window bounds are ISO-8601 to the second ("2020-12-09T07:04:00Z").
    const start = new Date(Math.floor(record.arrivalMs / (windowSeconds * 1000)) * windowSeconds * 1000).toISOString().replace('.000Z', 'Z');
    const window = expected.get(start) ?? new Map<string, KeyAggregate>();
    const current = window.get(category);
    window.set(
      category,
      current
        ? { count: current.count + 1, sum: current.sum + amountCents, min: Math.min(current.min, amountCents), max: Math.max(current.max, amountCents) }
        : { count: 1, sum: amountCents, min: amountCents, max: amountCents },
    );
    expected.set(start, window);
  }
  return new Map([...expected].map(([start, window]) => [start, keyedRecord(window)]));
}

/**
 * Sequence numbers of the records the schema must reject.
 *
 * @example
 * expect(reportedSequenceNumbers.sort()).toEqual(expectedRejections(records).sort());
 */
export function expectedRejections(records: readonly StreamRecordSnapshot[]): string[] {
  return records.filter((r) => orderRecordFate(r.data).fate === 'rejected').map((r) => r.sequenceNumber);
}
