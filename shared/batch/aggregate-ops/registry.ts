import * as z from 'zod/mini';
import type { AggregateDefinition, BoundAggregate } from './aggregate-operation.ts';
import { count } from './count.ts';
import { distinct } from './distinct.ts';
import { mean, sum } from './exact-sums.ts';
import { max, min } from './extremes.ts';
import { topK } from './top-k.ts';

/**
 * Every aggregate operation a job spec may name, by `op`. Adding one is a file of its own
 * (`defineAggregate`, see aggregate-operation.ts) and a line here; the spec schema, the fold, the merge,
 * the finalize step and the property tests pick it up from this table. The order is the order the spec
 * schema lists them in.
 */
export const AGGREGATE_OPERATIONS = {
  count,
  sum,
  min,
  max,
  mean,
  distinct,
  topK,
} as const;

type Operations = typeof AGGREGATE_OPERATIONS;
type SchemaOf<Op extends keyof Operations> = Operations[Op]['schema'];
type Schemas = { -readonly [Op in keyof Operations]: SchemaOf<Op> }[keyof Operations];

/**
 * zod schema of one aggregate of a job spec: one strict object per operation, told apart by `op`.
 *
 * @example
 * aggregateSpecSchema.parse({ op: 'sum', field: 'amount' });
 */
export const aggregateSpecSchema = z.discriminatedUnion(
  'op',
  // zod wants a non-empty tuple of the options; the table has one schema per operation.
  Object.values(AGGREGATE_OPERATIONS).map((operation) => operation.schema) as unknown as [Schemas, ...Schemas[]],
);

/** One aggregate of a job spec. */
export type AggregateSpec = z.output<typeof aggregateSpecSchema>;
type SpecOf<Op extends AggregateSpec['op']> = Extract<AggregateSpec, { op: Op }>;

/** The table typed per operation, so a spec finds its own operation without a cast. */
const BY_OP: { readonly [Op in AggregateSpec['op']]: AggregateDefinition<z.ZodMiniType<SpecOf<Op>>> } = AGGREGATE_OPERATIONS;

function operationOf<Op extends AggregateSpec['op']>(op: Op): AggregateDefinition<z.ZodMiniType<SpecOf<Op>>> {
  return BY_OP[op];
}

/**
 * The name an aggregate gets in the result: its `as`, else its operation's default (`count`,
 * `<op>_<field>`, `top<k>_<by>`).
 *
 * @example
 * aggregateName({ op: 'sum', field: 'amount' }); // 'sum_amount'
 */
export function aggregateName(spec: AggregateSpec): string {
  return operationOf(spec.op).name(spec);
}

/**
 * A spec's aggregate, bound to it: fold, merge and finalize without looking at `op` again.
 *
 * @example
 * const aggregates = specs.map((spec) => bindAggregate(spec, job.distinctLimit));
 */
export function bindAggregate(spec: AggregateSpec, distinctLimit: number): BoundAggregate {
  return operationOf(spec.op).bind(spec, distinctLimit);
}
