import fc from 'fast-check';
import { mergeSorted } from '../../../shared/batch/kway-merge.ts';
import { stableSortBy } from '../../../shared/batch/stable-sort.ts';

async function* fromArray<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield item;
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe('mergeSorted', () => {
  it('equals a stable sort of the concatenated runs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(fc.integer({ min: 0, max: 30 }), { maxLength: 40 }), { maxLength: 12 }), async (raw) => {
        // Prepare: sorted runs of tagged items, so ties can be told apart
        const runs = raw.map((run, r) => stableSortBy(run.map((key, n) => ({ key, tag: `${r}:${n}` })), (it) => it.key));
        // Act
        const merged = await collect(mergeSorted(runs.map(fromArray), (a, b) => a.key - b.key));
        // Assess
        expect(merged).toEqual(stableSortBy(runs.flat(), (it) => it.key));
      }),
    );
  });

  it('releases every source when the consumer stops early', async () => {
    // Prepare
    const released: number[] = [];
    const source = (id: number) =>
      (async function* () {
        try {
          yield id;
          yield id + 10;
        } finally {
          released.push(id);
        }
      })();
    // Act
    for await (const value of mergeSorted([source(1), source(2)], (a, b) => a - b)) if (value === 1) break;
    // Assess
    expect(released.sort()).toEqual([1, 2]);
  });
});
