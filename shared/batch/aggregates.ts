import { AggregateLimitError } from '../errors.ts';
import { keyedRecord } from '../keyed-record.ts';
import { compareValues } from './compare.ts';
import { exactParse } from './exact-numbers.ts';
import { ExactSum, type SumPartial } from './exact-sum.ts';
import { canonicalKey, fieldReader, type BatchRecord } from './fields.ts';
import type { AggregateSpec } from './job-spec.ts';

/**
 * Partial aggregates are plain JSON (bigints as exact digits: `exactStringify`) so they travel through
 * S3 unchanged. One value per aggregate of the spec, in spec order. Missing and `null` are one thing,
 * "no value", which every aggregate but `count` ignores (as SQL ignores NULL):
 * - count: number of records;
 * - sum / mean: an exact mergeable sum of the numeric values ({@link SumPartial}; other types ignored),
 *   reported as the exact sum (rounded once) or exact sum ÷ count; `null` when there was no number;
 * - min / max: the extreme value by {@link compareValues}, `null` when none;
 * - distinct: the sorted canonical texts of the values seen. Exact (not HyperLogLog), bounded by the
 *   job's `distinctLimit` per group: beyond it the job fails with {@link AggregateLimitError};
 * - topK: the `k` best `[value, recordJson]` pairs, by value descending then record JSON ascending. That
 *   order is total, so concatenate-sort-truncate merges associatively and commutatively.
 * Every merge is associative and commutative, and the reported results do not depend on how records
 * were split into partitions or in which order partials merge.
 */
export type PartialValue = number | null | unknown | SumPartial | string[] | [number | bigint, string][];

/** The partial aggregates of one group. */
export interface GroupPartial {
  readonly key: unknown;
  readonly values: readonly PartialValue[];
}

/**
 * The name an aggregate gets in the result: its `as`, else `count`, `<op>_<field>` or `top<k>_<by>`.
 *
 * @example
 * aggregateName({ op: 'sum', field: 'amount' }); // 'sum_amount'
 */
export function aggregateName(spec: AggregateSpec): string {
  if (spec.as) return spec.as;
  switch (spec.op) {
    case 'count':
      return 'count';
    case 'topK':
      return `top${spec.k}_${spec.by}`;
    default:
      return `${spec.op}_${spec.field}`;
  }
}

/** Distinct values: strings raw (no JSON.stringify per record), other values by canonical text. */
type DistinctState = { strings: Set<string>; others: Set<string> };
type TopEntry = [number | bigint, string];
type TopState = { top: TopEntry[]; kth: TopEntry | undefined };
type State = { n: number } | { v: unknown } | ExactSum | DistinctState | TopState;

const compareTop = (a: TopEntry, b: TopEntry) => (b[0] < a[0] ? -1 : b[0] > a[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
const isNumber = (value: unknown): value is number | bigint => typeof value === 'number' || typeof value === 'bigint';

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
  private readonly plainGroups = new Map<string | number, { key: unknown; states: State[] }>();
  private readonly otherGroups = new Map<string, { key: unknown; states: State[] }>();
  private readonly keyOf: (record: BatchRecord) => unknown;
  private readonly readers: ((record: BatchRecord) => unknown)[];

  constructor(
    groupBy: string,
    private readonly specs: readonly AggregateSpec[],
    private readonly distinctLimit = 100_000,
  ) {
    this.keyOf = fieldReader(groupBy);
    this.readers = specs.map((s) => fieldReader(s.op === 'count' ? '' : s.op === 'topK' ? s.by : s.field));
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
    const values = this.readers.map((read, i) => (this.specs[i]!.op === 'count' ? undefined : read(record)));
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
    const plain = typeof key === 'string' || typeof key === 'number';
    const groups = plain ? this.plainGroups : this.otherGroups;
    const id = plain ? key : canonicalKey(key);
    let group = (groups as Map<unknown, { key: unknown; states: State[] }>).get(id);
    if (!group) {
      group = { key, states: this.specs.map(initialState) };
      (groups as Map<unknown, { key: unknown; states: State[] }>).set(id, group);
    }
    for (let i = 0; i < this.specs.length; i++) {
      const spec = this.specs[i]!;
      const state = group.states[i]!;
      const value = values[i];
      switch (spec.op) {
        case 'count':
          (state as { n: number }).n += 1;
          break;
        case 'sum':
        case 'mean':
          if (isNumber(value)) (state as ExactSum).add(value);
          break;
        case 'min':
        case 'max': {
          if (value === null || value === undefined) break;
          const current = (state as { v: unknown }).v;
          const c = current === null ? 0 : compareValues(value, current);
          if (current === null || (spec.op === 'min' ? c < 0 : c > 0)) (state as { v: unknown }).v = value;
          break;
        }
        case 'distinct': {
          if (value === undefined || value === null) break;
          const { strings, others } = state as DistinctState;
          if (typeof value === 'string') strings.add(value);
          else others.add(canonicalKey(value));
          if (strings.size + others.size > this.distinctLimit) throw distinctLimitError(spec, this.distinctLimit, key);
          break;
        }
        case 'topK': {
          if (!isNumber(value)) break;
          const topState = state as TopState;
          // `kth` is the k-th best at the last truncation: a record behind it can never make the top k,
          // so it is neither serialized nor kept.
          const kth = topState.kth;
          if (kth && value < kth[0]) break;
          const text = typeof recordOrJson === 'string' ? recordOrJson : JSON.stringify(recordOrJson);
          if (kth && value === kth[0] && text > kth[1]) break;
          const top = topState.top;
          top.push([value, text]);
          // Truncate lazily: sorting at 2k keeps the amortized cost O(log k) per record.
          if (top.length >= 2 * spec.k) {
            top.sort(compareTop);
            top.length = spec.k;
            topState.kth = top[spec.k - 1];
          }
          break;
        }
      }
    }
  }

  /** The partial aggregates, groups ordered by key ({@link compareValues}). */
  toPartials(): GroupPartial[] {
    const partials = [...this.plainGroups.values(), ...this.otherGroups.values()].map((group) => ({
      key: group.key,
      values: group.states.map((state, i) => stateToPartial(this.specs[i]!, state)),
    }));
    return sortGroups(partials);
  }
}

function initialState(spec: AggregateSpec): State {
  switch (spec.op) {
    case 'count':
      return { n: 0 };
    case 'sum':
    case 'mean':
      return new ExactSum();
    case 'min':
    case 'max':
      return { v: null };
    case 'distinct':
      return { strings: new Set(), others: new Set() };
    case 'topK':
      return { top: [], kth: undefined };
  }
}

function stateToPartial(spec: AggregateSpec, state: State): PartialValue {
  switch (spec.op) {
    case 'count':
      return (state as { n: number }).n;
    case 'sum':
    case 'mean':
      return (state as ExactSum).toPartial();
    case 'min':
    case 'max':
      return (state as { v: unknown }).v;
    case 'distinct': {
      const { strings, others } = state as DistinctState;
      return [...others, ...[...strings].map((value) => JSON.stringify(value))].sort();
    }
    case 'topK':
      return [...(state as TopState).top].sort(compareTop).slice(0, spec.k);
  }
}

function distinctLimitError(spec: AggregateSpec, limit: number, key: unknown): AggregateLimitError {
  return new AggregateLimitError(`${aggregateName(spec)}: group ${canonicalKey(key)} has more than ${limit} distinct values (raise distinctLimit)`);
}

function sortGroups(groups: GroupPartial[]): GroupPartial[] {
  return groups.sort((a, b) => compareValues(a.key, b.key));
}

function mergeValue(spec: AggregateSpec, a: PartialValue, b: PartialValue, distinctLimit: number, key: unknown): PartialValue {
  switch (spec.op) {
    case 'count':
      return (a as number) + (b as number);
    case 'sum':
    case 'mean': {
      const sum = ExactSum.from(a as SumPartial);
      sum.merge(b as SumPartial);
      return sum.toPartial();
    }
    case 'min':
    case 'max': {
      if (a === null) return b;
      if (b === null) return a;
      const c = compareValues(a, b);
      return spec.op === 'min' ? (c <= 0 ? a : b) : c >= 0 ? a : b;
    }
    case 'distinct': {
      const union = [...new Set([...(a as string[]), ...(b as string[])])].sort();
      if (union.length > distinctLimit) throw distinctLimitError(spec, distinctLimit, key);
      return union;
    }
    case 'topK':
      return [...(a as TopEntry[]), ...(b as TopEntry[])].sort(compareTop).slice(0, spec.k);
  }
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

  constructor(
    private readonly specs: readonly AggregateSpec[],
    private readonly distinctLimit = 100_000,
  ) {}

  add(groups: readonly GroupPartial[]): void {
    for (const group of groups) {
      const id = canonicalKey(group.key);
      const seen = this.byKey.get(id);
      this.byKey.set(
        id,
        seen
          ? { key: seen.key, values: seen.values.map((v, i) => mergeValue(this.specs[i]!, v, group.values[i]!, this.distinctLimit, seen.key)) }
          : group,
      );
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
  return groups.map((group) => ({
    group: group.key,
    values: keyedRecord<unknown>(
      specs.map((spec, i): [string, unknown] => {
        const value = group.values[i];
        switch (spec.op) {
          case 'sum':
            return [aggregateName(spec), ExactSum.from(value as SumPartial).sum()];
          case 'mean':
            return [aggregateName(spec), ExactSum.from(value as SumPartial).mean()];
          case 'distinct':
            return [aggregateName(spec), (value as string[]).length];
          case 'topK':
            return [aggregateName(spec), (value as TopEntry[]).map(([, json]) => exactParse(json))];
          default:
            return [aggregateName(spec), value];
        }
      }),
    ),
  }));
}
