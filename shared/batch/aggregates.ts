import { keyedRecord } from '../keyed-record.ts';
import type { AggregateState, BoundAggregate } from './aggregate-ops/aggregate-operation.ts';
import { bindAggregate } from './aggregate-ops/registry.ts';
import { compareValues } from './compare.ts';
import { canonicalKey, fieldReader, type BatchRecord } from './fields.ts';
import type { AggregateSpec } from './job-spec.ts';

export { aggregateName } from './aggregate-ops/registry.ts';

/**
 * Partial aggregates are plain JSON (bigints as exact digits: `exactStringify`) so they travel through
 * S3 unchanged. One value per aggregate of the spec, in spec order. Missing and `null` are one thing,
 * "no value", which every aggregate but `count` ignores (as SQL ignores NULL). Each operation is one file
 * of aggregate-ops/ (fold, merge, finalize and partial together), listed in aggregate-ops/registry.ts:
 * - count: number of records;
 * - sum / mean: an exact mergeable sum of the numeric values (`SumPartial`; other types ignored),
 *   reported as the exact sum (rounded once) or exact sum ÷ count; `null` when there was no number;
 * - min / max: the extreme value by {@link compareValues}, `null` when none;
 * - distinct: the sorted canonical texts of the values seen. Exact (not HyperLogLog), bounded by the
 *   job's `distinctLimit` per group: beyond it the job fails with an `AggregateLimitError`;
 * - topK: the `k` best `[value, recordJson]` pairs, by value descending then record JSON ascending. That
 *   order is total, so concatenate-sort-truncate merges associatively and commutatively.
 * Every merge is associative and commutative, and the reported results do not depend on how records
 * were split into partitions or in which order partials merge.
 */
export type PartialValue = unknown;

/** The partial aggregates of one group. */
export interface GroupPartial {
  readonly key: unknown;
  readonly values: readonly PartialValue[];
}

/** The groups of one accumulator: a key and one opaque state per aggregate. */
interface GroupStates {
  readonly key: unknown;
  readonly states: AggregateState[];
}

/**
 * Folds records into per-group partial aggregates. Memory is one state per group and aggregate
 * (distinct sets up to `distinctLimit`, top-k lists up to 2k).
 *
 * @example
 * const acc = new GroupAccumulator('region', [{ op: 'count' }, { op: 'sum', field: 'amount' }]);
 * records.forEach((r) => acc.add(r));
 * const partials = acc.toPartials();
 */
export class GroupAccumulator {
  // String and number keys index the map as they are (no canonical text per record); other keys by
  // canonical text, in a map of their own so `"null"` and `null` stay apart.
  private readonly plainGroups = new Map<string | number, GroupStates>();
  private readonly otherGroups = new Map<string, GroupStates>();
  private readonly keyOf: (record: BatchRecord) => unknown;
  private readonly aggregates: readonly BoundAggregate[];
  /** Per aggregate, the reader of the field it folds, or undefined (`count` reads none). */
  private readonly readers: (((record: BatchRecord) => unknown) | undefined)[];

  constructor(groupBy: string, specs: readonly AggregateSpec[], distinctLimit = 100_000) {
    this.keyOf = fieldReader(groupBy);
    this.aggregates = specs.map((spec) => bindAggregate(spec, distinctLimit));
    this.readers = this.aggregates.map((aggregate) => (aggregate.field === undefined ? undefined : fieldReader(aggregate.field)));
  }

  /** Number of groups seen so far. */
  get size(): number {
    return this.plainGroups.size + this.otherGroups.size;
  }

  /**
   * Folds one record in. `json` is the record's JSON text when the caller has it (top-k keeps it);
   * otherwise it is made only for records that enter a top-k list.
   */
  add(record: BatchRecord, json?: string): void {
    const values = this.readers.map((read) => read?.(record));
    this.fold(this.keyOf(record), values, json ?? record);
  }

  /**
   * Folds one record in from values already read: its group key, one value per aggregate of the spec
   * (in spec order, `undefined` when missing or for `count`) and its JSON text.
   *
   * @example
   * acc.addValues('eu', [undefined, 12.5], '{"region":"eu","amount":12.5}');
   */
  addValues(groupKey: unknown, values: readonly unknown[], json: string): void {
    this.fold(groupKey, values, json);
  }

  private fold(groupKey: unknown, values: readonly unknown[], recordOrJson: BatchRecord | string): void {
    const key = groupKey ?? null;
    const group = this.groupOf(key);
    const { aggregates } = this;
    for (let i = 0; i < aggregates.length; i++) aggregates[i]!.fold(group.states[i]!, values[i], recordOrJson, key);
  }

  private groupOf(key: unknown): GroupStates {
    const plain = typeof key === 'string' || typeof key === 'number';
    const id = plain ? key : canonicalKey(key);
    const groups = (plain ? this.plainGroups : this.otherGroups) as Map<unknown, GroupStates>;
    let group = groups.get(id);
    if (!group) {
      group = { key, states: this.aggregates.map((aggregate) => aggregate.initial()) };
      groups.set(id, group);
    }
    return group;
  }

  /** The partial aggregates, groups ordered by key ({@link compareValues}). */
  toPartials(): GroupPartial[] {
    const partials = [...this.plainGroups.values(), ...this.otherGroups.values()].map((group) => ({
      key: group.key,
      values: group.states.map((state, i) => this.aggregates[i]!.toPartial(state)),
    }));
    return sortGroups(partials);
  }
}

function sortGroups(groups: GroupPartial[]): GroupPartial[] {
  return groups.sort((a, b) => compareValues(a.key, b.key));
}

/**
 * Merges any number of partial lists into one map by group key, sorting once at the end, so merging
 * N partitions costs O(total groups) rather than O(N × groups).
 *
 * @example
 * const merger = new PartialMerger(specs);
 * for (const partial of partials) merger.add(partial.groups);
 * const merged = merger.result();
 */
export class PartialMerger {
  private readonly byKey = new Map<string, GroupPartial>();
  private readonly aggregates: readonly BoundAggregate[];

  constructor(specs: readonly AggregateSpec[], distinctLimit = 100_000) {
    this.aggregates = specs.map((spec) => bindAggregate(spec, distinctLimit));
  }

  add(groups: readonly GroupPartial[]): void {
    for (const group of groups) {
      const id = canonicalKey(group.key);
      const seen = this.byKey.get(id);
      this.byKey.set(id, seen ? { key: seen.key, values: seen.values.map((v, i) => this.aggregates[i]!.merge(v, group.values[i], seen.key)) } : group);
    }
  }

  /** The merged groups, ordered by key. */
  result(): GroupPartial[] {
    return sortGroups([...this.byKey.values()]);
  }
}

/**
 * One group of a job's result: its key and one value per aggregate, by {@link aggregateName}. `values`
 * is prototype-free: an `as` name such as `constructor` or `__proto__` is a result like any other.
 */
export interface GroupResult {
  readonly group: unknown;
  readonly values: Record<string, unknown>;
}

/**
 * Turns merged partials into results: sums and means rounded once from their exact values, distinct
 * sets counted, top-k records parsed (numbers exact).
 *
 * @example
 * const rows = finalizeGroups(specs, merged);
 */
export function finalizeGroups(specs: readonly AggregateSpec[], groups: readonly GroupPartial[]): GroupResult[] {
  const aggregates = specs.map((spec) => bindAggregate(spec, Number.POSITIVE_INFINITY));
  return groups.map((group) => ({
    group: group.key,
    values: keyedRecord<unknown>(aggregates.map((aggregate, i): [string, unknown] => [aggregate.name, aggregate.finalize(group.values[i])])),
  }));
}
