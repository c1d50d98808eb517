import { keyedRecord } from '../keyed-record.ts';

/**
 * Per-key aggregates of one window: count and sum (with min and max). They are mergeable (merge is
 * associative and commutative), so partial results of a window (several shards, or parts committed
 * early) combine into the window's total in any order.
 */
export interface KeyAggregate {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * Aggregates by key. An object so it travels in Lambda's window `state` and in DynamoDB as a map, and a
 * prototype-free one ({@link emptyAggregates}) because the keys come from the records: a category named
 * `constructor` or `__proto__` is a category like any other.
 */
export type KeyedAggregates = Record<string, KeyAggregate>;

/**
 * A new, empty, prototype-free set of aggregates.
 *
 * @example
 * const aggregates = emptyAggregates();
 * addValue(aggregates, 'toString', 1299); // a category, not Object.prototype.toString
 */
export function emptyAggregates(): KeyedAggregates {
  return keyedRecord<KeyAggregate>();
}

/**
 * The aggregate kept under `key`, never a property every object inherits.
 *
 * @example
 * aggregateOf(aggregates, 'books')?.count;
 */
export function aggregateOf(aggregates: KeyedAggregates, key: string): KeyAggregate | undefined {
  return Object.hasOwn(aggregates, key) ? aggregates[key] : undefined;
}

/**
 * Copies aggregates that came through JSON (Lambda's window state) or DynamoDB into a prototype-free
 * object, each aggregate copied too, so the caller may change the result freely.
 *
 * @example
 * const aggregates = copyAggregates(JSON.parse(text).aggregates);
 */
export function copyAggregates(source: Readonly<Record<string, KeyAggregate>>): KeyedAggregates {
  return keyedRecord(Object.entries(source).map(([key, { count, sum, min, max }]) => [key, { count, sum, min, max }]));
}

/**
 * Adds one value under `key`, in place (the processor owns its state object). `aggregates` must be
 * prototype-free ({@link emptyAggregates}, {@link copyAggregates}).
 *
 * @example
 * addValue(aggregates, 'books', 1299);
 */
export function addValue(aggregates: KeyedAggregates, key: string, value: number): void {
  const current = aggregateOf(aggregates, key);
  if (current) {
    current.count += 1;
    current.sum += value;
    current.min = Math.min(current.min, value);
    current.max = Math.max(current.max, value);
  } else {
    aggregates[key] = { count: 1, sum: value, min: value, max: value };
  }
}

/**
 * Merges partial aggregates into a new, prototype-free object.
 *
 * @example
 * const total = mergeAggregates(shard0Result, shard1Result);
 */
export function mergeAggregates(...parts: readonly Readonly<Record<string, KeyAggregate>>[]): KeyedAggregates {
  const merged = emptyAggregates();
  for (const part of parts) {
    for (const [key, agg] of Object.entries(part)) {
      const current = aggregateOf(merged, key);
      merged[key] = current
        ? { count: current.count + agg.count, sum: current.sum + agg.sum, min: Math.min(current.min, agg.min), max: Math.max(current.max, agg.max) }
        : { count: agg.count, sum: agg.sum, min: agg.min, max: agg.max };
    }
  }
  return merged;
}
