import * as z from 'zod/mini';
import { canonicalKey, fieldPathSchema } from '../fields.ts';
import { defineAggregate, distinctLimitError, resultNameSchema } from './aggregate-operation.ts';

/** Distinct values: strings raw (no JSON.stringify per record), other values by canonical text. */
interface DistinctState {
  readonly strings: Set<string>;
  readonly others: Set<string>;
}

const isTexts = (raw: unknown): raw is string[] => Array.isArray(raw);

/**
 * `distinct`: how many different values a field takes (missing and `null` ignored). Exact, not
 * HyperLogLog: the partial is the sorted canonical texts of the values, bounded by the job's
 * `distinctLimit` per group, beyond which the job fails with an AggregateLimitError.
 *
 * @example
 * { op: 'distinct', field: 'customer' } // → distinct_customer: 17
 */
export const distinct = defineAggregate({
  schema: z.strictObject({ op: z.literal('distinct'), field: fieldPathSchema, as: resultNameSchema }),
  example: { op: 'distinct', field: 'customer' },
  defaultName: (spec) => `distinct_${spec.field}`,
  field: (spec) => spec.field,
  initial: (): DistinctState => ({ strings: new Set(), others: new Set() }),
  fold: ({ strings, others }, value, _spec, _record, key, scope) => {
    if (value === undefined || value === null) return;
    if (typeof value === 'string') strings.add(value);
    else others.add(canonicalKey(value));
    if (strings.size + others.size > scope.distinctLimit) throw distinctLimitError(scope, key);
  },
  toPartial: ({ strings, others }) => [...others, ...[...strings].map((value) => JSON.stringify(value))].sort(),
  isPartial: isTexts,
  merge: (a, b, _spec, key, scope) => {
    const union = [...new Set([...a, ...b])].sort();
    if (union.length > scope.distinctLimit) throw distinctLimitError(scope, key);
    return union;
  },
  finalize: (texts) => texts.length,
});
