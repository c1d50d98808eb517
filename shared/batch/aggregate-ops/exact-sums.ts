import * as z from 'zod/mini';
import { ExactSum, type SumPartial } from '../exact-sum.ts';
import { fieldPathSchema } from '../fields.ts';
import { defineAggregate, isNumber, resultNameSchema } from './aggregate-operation.ts';

const isSumPartial = (raw: unknown): raw is SumPartial =>
  typeof raw === 'object' && raw !== null && typeof (raw as { n?: unknown }).n === 'number' && Array.isArray((raw as { f?: unknown }).f);

/**
 * An exact, mergeable sum of a field's numbers ({@link ExactSum}; other types ignored), reported by
 * `report`: `sum` rounds the exact sum once, `mean` divides it by the count. `null` when there was no number.
 */
function exactSumOperation<Op extends 'sum' | 'mean'>(op: Op, report: (sum: ExactSum) => unknown) {
  return defineAggregate({
    schema: z.strictObject({ op: z.literal(op), field: fieldPathSchema, as: resultNameSchema }),
    example: { op, field: 'amount' },
    defaultName: (spec) => `${op}_${spec.field}`,
    field: (spec) => spec.field,
    initial: () => new ExactSum(),
    fold: (sum, value) => {
      if (isNumber(value)) sum.add(value);
    },
    toPartial: (sum) => sum.toPartial(),
    isPartial: isSumPartial,
    merge: (a, b) => {
      const sum = ExactSum.from(a);
      sum.merge(b);
      return sum.toPartial();
    },
    finalize: (partial) => report(ExactSum.from(partial)),
  });
}

/**
 * `sum`: the exact sum of a field's numbers, rounded once (exact beyond 2^53 as a bigint).
 *
 * @example
 * { op: 'sum', field: 'amount' } // → sum_amount: 1234.5
 */
export const sum = exactSumOperation('sum', (total) => total.sum());

/**
 * `mean`: the exact sum of a field's numbers divided by their count, rounded once.
 *
 * @example
 * { op: 'mean', field: 'amount' } // → mean_amount: 12.345
 */
export const mean = exactSumOperation('mean', (total) => total.mean());
