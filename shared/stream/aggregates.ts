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

/** Aggregates by key. A plain object so it travels in Lambda's window `state` and in DynamoDB as a map. */
export type KeyedAggregates = Record<string, KeyAggregate>;

/**
 * Adds one value under `key`, in place (the processor owns its state object).
 *
 * @example
 * addValue(aggregates, 'books', 1299);
 */
export function addValue(aggregates: KeyedAggregates, key: string, value: number): void {
  const current = aggregates[key];
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
 * Merges partial aggregates into a new object.
 *
 * @example
 * const total = mergeAggregates(shard0Result, shard1Result);
 */
export function mergeAggregates(...parts: readonly KeyedAggregates[]): KeyedAggregates {
  const merged: KeyedAggregates = {};
  for (const part of parts) {
    for (const [key, agg] of Object.entries(part)) {
      const current = merged[key];
      merged[key] = current
        ? { count: current.count + agg.count, sum: current.sum + agg.sum, min: Math.min(current.min, agg.min), max: Math.max(current.max, agg.max) }
        : { ...agg };
    }
  }
  return merged;
}
