import fc from 'fast-check';
import { stableSortBy } from '../../../shared/batch/stable-sort.ts';
import { compareValues } from '../../../shared/batch/compare.ts';

const item = fc.record({ key: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom('a', 'b'), fc.constant(null)), id: fc.nat() });

describe('stableSortBy', () => {
  it('orders by key and keeps the input order of equal keys, in both directions', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 200 }), fc.constantFrom('asc' as const, 'desc' as const), (raw, direction) => {
        // Prepare: positions make every item distinguishable
        const items = raw.map((it, pos) => ({ ...it, pos }));
        // Act
        const sorted = stableSortBy(items, (it) => it.key, direction);
        // Assess
        expect(sorted).toHaveLength(items.length);
        for (let n = 1; n < sorted.length; n++) {
          const c = compareValues(sorted[n - 1]!.key, sorted[n]!.key) * (direction === 'asc' ? 1 : -1);
          expect(c).toBeLessThanOrEqual(0);
          if (c === 0) expect(sorted[n - 1]!.pos).toBeLessThan(sorted[n]!.pos);
        }
      }),
    );
  });

  it('sorts missing keys first ascending and mixes types in a fixed order', () => {
    // Prepare
    const items = [{ k: 'x' }, { k: 2 }, {}, { k: true }, { k: 1 }];
    // Act
    const sorted = stableSortBy(items, (it: { k?: unknown }) => it.k);
    // Assess
    expect(sorted).toEqual([{}, { k: true }, { k: 1 }, { k: 2 }, { k: 'x' }]);
  });

  it('does not modify its input', () => {
    // Prepare
    const items = [3, 1, 2];
    // Act
    stableSortBy(items, (n) => n);
    // Assess
    expect(items).toEqual([3, 1, 2]);
  });
});
