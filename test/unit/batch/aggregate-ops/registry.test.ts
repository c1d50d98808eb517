import fc from 'fast-check';
import { finalizeGroups, GroupAccumulator, PartialMerger, type GroupPartial } from '../../../../shared/batch/aggregates.ts';
import { AGGREGATE_OPERATIONS, aggregateName, aggregateSpecSchema, type AggregateSpec } from '../../../../shared/batch/aggregate-ops/registry.ts';
import type { BatchRecord } from '../../../../shared/batch/fields.ts';
import { orderRecord } from '../../../helpers/batch-records.ts';

/** Every registered operation with its example spec: a new operation is covered as soon as it is registered. */
const operations = Object.entries(AGGREGATE_OPERATIONS).map(([op, operation]) => [op, operation.example as AggregateSpec] as const);
const records = fc.array(orderRecord(), { maxLength: 40 });

function fold(spec: AggregateSpec, rows: readonly BatchRecord[]): GroupPartial[] {
  const acc = new GroupAccumulator('region', [spec]);
  rows.forEach((row) => acc.add(row));
  return acc.toPartials();
}

function merge(spec: AggregateSpec, ...lists: (readonly GroupPartial[])[]): GroupPartial[] {
  const merger = new PartialMerger([spec]);
  for (const list of lists) merger.add(list);
  return merger.result();
}

describe.each(operations)('the registered aggregate %s', (op, spec) => {
  it('has a valid example spec of its own operation', () => {
    // Act
    const parsed = aggregateSpecSchema.parse(spec);
    // Assess
    expect(parsed.op).toBe(op);
    expect(aggregateName({ ...parsed, as: 'renamed' })).toBe('renamed');
  });

  it('merges partials associatively', () => {
    fc.assert(
      fc.property(records, records, records, (a, b, c) => {
        // Act
        const left = merge(spec, merge(spec, fold(spec, a), fold(spec, b)), fold(spec, c));
        const right = merge(spec, fold(spec, a), merge(spec, fold(spec, b), fold(spec, c)));
        // Assess
        expect(left).toEqual(right);
      }),
    );
  });

  it('merges partials commutatively', () => {
    fc.assert(
      fc.property(records, records, (a, b) => {
        // Assess
        expect(merge(spec, fold(spec, a), fold(spec, b))).toEqual(merge(spec, fold(spec, b), fold(spec, a)));
      }),
    );
  });

  it('reports the same result for any split of the records into partitions', () => {
    fc.assert(
      fc.property(records, fc.array(fc.nat(2), { maxLength: 40 }), (all, owners) => {
        // Prepare
        const parts: BatchRecord[][] = [[], [], []];
        all.forEach((row, n) => parts[owners[n] ?? 0]!.push(row));
        // Act
        const split = finalizeGroups([spec], merge(spec, ...parts.map((part) => fold(spec, part))));
        // Assess
        expect(split).toEqual(finalizeGroups([spec], fold(spec, all)));
      }),
    );
  });
});

describe('the aggregate registry', () => {
  it('refuses a partial of another shape instead of merging it', () => {
    // Prepare
    const merger = new PartialMerger([{ op: 'sum', field: 'amount' }]);
    merger.add([{ key: 'eu', values: [{ n: 1, i: 2, f: [] }] }]);
    // Act
    const add = () => merger.add([{ key: 'eu', values: [7] }]);
    // Assess
    expect(add).toThrow('sum_amount: not a partial of sum: 7');
  });
});
