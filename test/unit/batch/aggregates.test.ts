import fc from 'fast-check';
import { finalizeGroups, GroupAccumulator, PartialMerger, type GroupPartial } from '../../../shared/batch/aggregates.ts';
import type { AggregateSpec } from '../../../shared/batch/job-spec.ts';

/** Two partial lists merged as Reduce merges them. */
function mergePartials(specs: readonly AggregateSpec[], a: readonly GroupPartial[], b: readonly GroupPartial[], distinctLimit = 100_000): GroupPartial[] {
  const merger = new PartialMerger(specs, distinctLimit);
  merger.add(a);
  merger.add(b);
  return merger.result();
}
import type { BatchRecord } from '../../../shared/batch/fields.ts';
import { AggregateLimitError } from '../../../shared/errors.ts';
import { orderRecord } from '../../helpers/batch-records.ts';

const specs: AggregateSpec[] = [
  { op: 'count' },
  { op: 'sum', field: 'amount' },
  { op: 'min', field: 'amount' },
  { op: 'max', field: 'customer' },
  { op: 'mean', field: 'amount' },
  { op: 'distinct', field: 'customer' },
  { op: 'topK', by: 'amount', k: 3 },
];

function fold(records: readonly BatchRecord[]): GroupPartial[] {
  const acc = new GroupAccumulator('region', specs);
  records.forEach((r) => acc.add(r));
  return acc.toPartials();
}

const records = fc.array(orderRecord(), { maxLength: 60 });

describe('partial aggregates', () => {
  it('merge is associative', () => {
    fc.assert(
      fc.property(records, records, records, (a, b, c) => {
        // Act
        const left = mergePartials(specs, mergePartials(specs, fold(a), fold(b)), fold(c));
        const right = mergePartials(specs, fold(a), mergePartials(specs, fold(b), fold(c)));
        // Assess
        expect(left).toEqual(right);
      }),
    );
  });

  it('merge is commutative', () => {
    fc.assert(
      fc.property(records, records, (a, b) => {
        // Assess
        expect(mergePartials(specs, fold(a), fold(b))).toEqual(mergePartials(specs, fold(b), fold(a)));
      }),
    );
  });

  it('merging the partials of any split equals folding the whole input', () => {
    fc.assert(
      fc.property(records, fc.array(fc.nat(3), { maxLength: 60 }), (all, owners) => {
        // Prepare: deal records into four partitions
        const parts: BatchRecord[][] = [[], [], [], []];
        all.forEach((r, n) => parts[owners[n] ?? 0]!.push(r));
        // Act
        const merged = parts.map(fold).reduce((acc, p) => mergePartials(specs, acc, p), [] as GroupPartial[]);
        // Assess
        expect(merged).toEqual(fold(all));
      }),
    );
  });

  it('finalizes to the values a single pass computes', () => {
    fc.assert(
      fc.property(fc.array(orderRecord(), { minLength: 1, maxLength: 80 }), (all) => {
        // Act
        const rows = finalizeGroups(specs, fold(all));
        // Assess: an independent, naive computation per group
        for (const row of rows) {
          const members = all.filter((r) => r.region === row.group);
          const amounts = members.map((r) => r.amount as number);
          const sum = amounts.reduce((s, a) => s + a, 0);
          const top = [...members].sort((x, y) => (y.amount as number) - (x.amount as number) || (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1)).slice(0, 3);
          expect(row.values).toEqual({
            count: members.length,
            sum_amount: sum,
            min_amount: Math.min(...amounts),
            max_customer: [...members.map((r) => r.customer as string)].sort().at(-1),
            mean_amount: sum / members.length,
            distinct_customer: new Set(members.map((r) => r.customer)).size,
            top3_amount: top,
          });
        }
        expect(rows.map((r) => r.group).sort()).toEqual([...new Set(all.map((r) => r.region))].sort());
      }),
    );
  });

  it('ignores non-numeric values in sum and mean, and reports an empty sum or mean as null (as SQL does)', () => {
    // Prepare
    const acc = new GroupAccumulator('g', [{ op: 'sum', field: 'v' }, { op: 'mean', field: 'v' }, { op: 'min', field: 'v' }]);
    // Act
    [{ g: 1, v: 'x' }, { g: 1 }, { g: 2, v: 4 }].forEach((r) => acc.add(r));
    const rows = finalizeGroups([{ op: 'sum', field: 'v' }, { op: 'mean', field: 'v' }, { op: 'min', field: 'v' }], acc.toPartials());
    // Assess
    expect(rows).toEqual([
      { group: 1, values: { sum_v: null, mean_v: null, min_v: 'x' } },
      { group: 2, values: { sum_v: 4, mean_v: 4, min_v: 4 } },
    ]);
  });

  it('fails with AggregateLimitError when a group exceeds the distinct limit, also when merging', () => {
    // Prepare
    const distinct: AggregateSpec[] = [{ op: 'distinct', field: 'v' }];
    const acc = new GroupAccumulator('g', distinct, 2);
    acc.add({ g: 1, v: 1 });
    acc.add({ g: 1, v: 2 });
    const other = new GroupAccumulator('g', distinct, 2);
    other.add({ g: 1, v: 3 });
    // Act / Assess
    expect(() => acc.add({ g: 1, v: 3 })).toThrow(AggregateLimitError);
    expect(() => mergePartials(distinct, acc.toPartials(), other.toPartials(), 2)).toThrow(/more than 2 distinct/);
  });

  it('keeps the k best records of each group by value, ties by record text, as sorting them all would', () => {
    const tied = fc.record({ region: fc.constantFrom('eu', 'us'), amount: fc.integer({ min: 0, max: 6 }), id: fc.integer({ min: 0, max: 9 }) });
    fc.assert(
      fc.property(fc.array(tied, { maxLength: 80 }), fc.integer({ min: 1, max: 4 }), (rows, k) => {
        // Prepare
        const acc = new GroupAccumulator('region', [{ op: 'topK', by: 'amount', k }]);
        // Act
        rows.forEach((r) => acc.add(r));
        // Assess: against a full sort of every record of the group
        for (const { key, values } of acc.toPartials()) {
          const all = rows.filter((r) => r.region === key).map((r): [number, string] => [r.amount, JSON.stringify(r)]);
          all.sort((a, b) => b[0] - a[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
          expect(values[0]).toEqual(all.slice(0, k));
        }
      }),
    );
  });

  it('folds values read elsewhere (addValues) exactly as it folds the records they came from', () => {
    fc.assert(
      fc.property(records, (rows) => {
        // Prepare
        const fromValues = new GroupAccumulator('region', specs);
        // Act
        rows.forEach((r) => fromValues.addValues(r.region, specs.map((s) => (s.op === 'count' ? undefined : r[s.op === 'topK' ? s.by : s.field])), JSON.stringify(r)));
        // Assess
        expect(fromValues.toPartials()).toEqual(fold(rows));
      }),
    );
  });
});
