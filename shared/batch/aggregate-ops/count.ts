import * as z from 'zod/mini';
import { defineAggregate, resultNameSchema } from './aggregate-operation.ts';

/**
 * `count`: the group's records, missing values included.
 *
 * @example
 * { op: 'count' } // → count: 42
 */
export const count = defineAggregate({
  schema: z.strictObject({ op: z.literal('count'), as: resultNameSchema }),
  example: { op: 'count' },
  defaultName: () => 'count',
  field: () => undefined,
  initial: () => ({ n: 0 }),
  fold: (state) => {
    state.n += 1;
  },
  toPartial: (state) => state.n,
  isPartial: (raw): raw is number => typeof raw === 'number',
  merge: (a, b) => a + b,
  finalize: (n) => n,
});
