import fc from 'fast-check';
import { addValue, mergeAggregates, type KeyedAggregates } from '../../../shared/stream/aggregates.ts';

const entries = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 10_000 })), { maxLength: 50 });

function aggregate(list: readonly [string, number][]): KeyedAggregates {
  const aggregates: KeyedAggregates = {};
  for (const [key, value] of list) addValue(aggregates, key, value);
  return aggregates;
}

describe('window aggregates', () => {
  it('counts, sums and tracks min and max per key', () => {
    // Prepare
    const values: [string, number][] = [['books', 5], ['games', 7], ['books', 3]];
    // Act
    const aggregates = aggregate(values);
    // Assess
    expect(aggregates).toEqual({ books: { count: 2, sum: 8, min: 3, max: 5 }, games: { count: 1, sum: 7, min: 7, max: 7 } });
  });

  it('merging the aggregates of two halves equals aggregating the whole (any split)', () => {
    fc.assert(
      fc.property(entries, fc.nat(), (list, cut) => {
        // Prepare
        const at = list.length === 0 ? 0 : cut % (list.length + 1);
        // Act
        const merged = mergeAggregates(aggregate(list.slice(0, at)), aggregate(list.slice(at)));
        // Assess
        expect(merged).toEqual(aggregate(list));
      }),
    );
  });

  it('merges in any order to the same result', () => {
    fc.assert(
      fc.property(entries, entries, entries, (x, y, z) => {
        // Prepare
        const [a, b, c] = [aggregate(x), aggregate(y), aggregate(z)];
        // Act
        const left = mergeAggregates(mergeAggregates(a, b), c);
        const right = mergeAggregates(c, mergeAggregates(b, a));
        // Assess
        expect(left).toEqual(right);
      }),
    );
  });
});
