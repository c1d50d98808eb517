import { compareValues } from './compare.ts';

export type SortDirection = 'asc' | 'desc';

/**
 * Sorts by an extracted key, stably: items with equal keys keep their input order in both
 * directions (descending reverses the key order, not the ties). Keys are extracted once per item.
 *
 * @example
 * stableSortBy(orders, (o) => o.amount, 'desc');
 */
export function stableSortBy<T>(items: readonly T[], keyOf: (item: T) => unknown, direction: SortDirection = 'asc'): T[] {
  const sign = direction === 'asc' ? 1 : -1;
  const decorated = items.map((item, index) => ({ key: keyOf(item), index, item }));
  // The index tiebreak makes stability explicit instead of relying on the engine's sort.
  decorated.sort((a, b) => sign * compareValues(a.key, b.key) || a.index - b.index);
  return decorated.map((d) => d.item);
}
