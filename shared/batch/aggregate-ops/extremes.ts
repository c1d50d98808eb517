import * as z from 'zod/mini';
import { compareValues } from '../compare.ts';
import { fieldPathSchema } from '../fields.ts';
import { defineAggregate, resultNameSchema } from './aggregate-operation.ts';

/**
 * The smallest (`min`) or largest (`max`) value of a field by {@link compareValues}; missing and `null`
 * values are ignored, `null` when there was none.
 */
function extremeOperation<Op extends 'min' | 'max'>(op: Op) {
  // Which of two values wins: min keeps the first of equals, max the first of equals too.
  const keepsFirst = (c: number) => (op === 'min' ? c <= 0 : c >= 0);
  return defineAggregate({
    schema: z.strictObject({ op: z.literal(op), field: fieldPathSchema, as: resultNameSchema }),
    example: { op, field: 'amount' },
    defaultName: (spec) => `${op}_${spec.field}`,
    field: (spec) => spec.field,
    initial: (): { v: unknown } => ({ v: null }),
    fold: (state, value) => {
      if (value === null || value === undefined) return;
      const current = state.v;
      const c = current === null ? 0 : compareValues(value, current);
      if (current === null || (op === 'min' ? c < 0 : c > 0)) state.v = value;
    },
    toPartial: (state) => state.v,
    isPartial: (raw): raw is unknown => raw !== undefined,
    merge: (a, b) => {
      if (a === null) return b;
      if (b === null) return a;
      return keepsFirst(compareValues(a, b)) ? a : b;
    },
    finalize: (value) => value,
  });
}

/**
 * `min`: a field's smallest value.
 *
 * @example
 * { op: 'min', field: 'amount' } // → min_amount: 0.5
 */
export const min = extremeOperation('min');

/**
 * `max`: a field's largest value.
 *
 * @example
 * { op: 'max', field: 'amount' } // → max_amount: 990
 */
export const max = extremeOperation('max');
