import * as z from 'zod/mini';
import { exactParse } from '../exact-numbers.ts';
import { fieldPathSchema } from '../fields.ts';
import { defineAggregate, isNumber, resultNameSchema } from './aggregate-operation.ts';

/** A record in a top-k list: its value and its JSON text. */
type TopEntry = [number | bigint, string];
interface TopState {
  readonly top: TopEntry[];
  /** The k-th best at the last truncation. */
  kth: TopEntry | undefined;
}

/** Best first: by value descending, then record text ascending. A total order, so merges are associative and commutative. */
const compareTop = (a: TopEntry, b: TopEntry) => (b[0] < a[0] ? -1 : b[0] > a[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
const isEntries = (raw: unknown): raw is TopEntry[] => Array.isArray(raw);

/**
 * `topK`: the `k` records of the group with the largest numeric `by`, ties by record text; the partial
 * is the `k` best `[value, recordJson]` pairs, merged by concatenate-sort-truncate.
 *
 * @example
 * { op: 'topK', by: 'amount', k: 3 } // → top3_amount: [{ … }, { … }, { … }]
 */
export const topK = defineAggregate({
  schema: z.strictObject({ op: z.literal('topK'), by: fieldPathSchema, k: z.number().check(z.int(), z.minimum(1), z.maximum(1_000)), as: resultNameSchema }),
  example: { op: 'topK', by: 'amount', k: 3 },
  defaultName: (spec) => `top${spec.k}_${spec.by}`,
  field: (spec) => spec.by,
  initial: (): TopState => ({ top: [], kth: undefined }),
  fold: (state, value, spec, record) => {
    if (!isNumber(value)) return;
    // `kth` is the k-th best at the last truncation: a record behind it can never make the top k,
    // so it is neither serialized nor kept.
    const kth = state.kth;
    if (kth && value < kth[0]) return;
    const text = typeof record === 'string' ? record : JSON.stringify(record);
    if (kth && value === kth[0] && text > kth[1]) return;
    const top = state.top;
    top.push([value, text]);
    // Truncate lazily: sorting at 2k keeps the amortized cost O(log k) per record.
    if (top.length >= 2 * spec.k) {
      top.sort(compareTop);
      top.length = spec.k;
      state.kth = top[spec.k - 1];
    }
  },
  toPartial: (state, spec) => [...state.top].sort(compareTop).slice(0, spec.k),
  isPartial: isEntries,
  merge: (a, b, spec) => [...a, ...b].sort(compareTop).slice(0, spec.k),
  finalize: (entries) => entries.map(([, json]) => exactParse(json)),
});
