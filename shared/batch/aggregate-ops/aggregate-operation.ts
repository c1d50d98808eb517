import * as z from 'zod/mini';
import { AggregateLimitError } from '../../errors.ts';
import { canonicalKey, type BatchRecord } from '../fields.ts';

/** The name an aggregate's result gets instead of its default one. */
export const resultNameSchema = z.optional(z.string().check(z.minLength(1)));

/** What every aggregate spec has: its operation and an optional result name. */
export interface AggregateSpecBase {
  readonly op: string;
  readonly as?: string | undefined;
}

/** What a fold or merge knows of where it is: the aggregate's result name, the job's distinct limit and the group. */
export interface AggregateScope {
  readonly name: string;
  readonly distinctLimit: number;
}

/**
 * One aggregate operation, all of it in one place: its spec schema, how it folds a record's value into a
 * group's state, the partial the state travels to Reduce as (plain JSON: `exactStringify` keeps bigints),
 * how two partials merge, and what the merged partial finally reports. Merges must be associative and
 * commutative (a property test checks every registered operation), so the result does not depend on how
 * records were split into partitions or in which order their partials merge.
 *
 * `S` is the spec, `State` the fold's mutable state per group, `P` the partial.
 *
 * @example
 * export const count = defineAggregate({
 *   schema: z.strictObject({ op: z.literal('count'), as: resultNameSchema }),
 *   example: { op: 'count' },
 *   defaultName: () => 'count',
 *   field: () => undefined,
 *   initial: () => ({ n: 0 }),
 *   fold: (state) => { state.n += 1; },
 *   toPartial: (state) => state.n,
 *   isPartial: (raw): raw is number => typeof raw === 'number',
 *   merge: (a, b) => a + b,
 *   finalize: (n) => n,
 * });
 */
export interface AggregateOperation<Schema extends z.ZodMiniType<AggregateSpecBase>, State, P> {
  /** The spec's schema: a strict object whose `op` is a literal. */
  readonly schema: Schema;
  /** A valid spec of this operation (the property tests use it). */
  readonly example: z.output<Schema>;
  /** The result name when the spec gives no `as`. */
  defaultName(spec: z.output<Schema>): string;
  /** The record field the operation reads, or undefined when it reads none (`count`). */
  field(spec: z.output<Schema>): string | undefined;
  initial(spec: z.output<Schema>): State;
  /**
   * Folds one record's value in (`undefined` when missing; `count` gets `undefined` always). `record` is
   * the record or its JSON text, for operations that keep records (`topK`); `key` is the group's key.
   */
  fold(state: State, value: unknown, spec: z.output<Schema>, record: BatchRecord | string, key: unknown, scope: AggregateScope): void;
  toPartial(state: State, spec: z.output<Schema>): P;
  /** Whether a partial read back from S3 has this operation's shape (the partial codec's check). */
  isPartial(raw: unknown): raw is P;
  merge(a: P, b: P, spec: z.output<Schema>, key: unknown, scope: AggregateScope): P;
  /** What the result row reports for the merged partial. */
  finalize(partial: P, spec: z.output<Schema>): unknown;
}

/** An operation with its state and partial types hidden: what the registry holds. */
export interface AggregateDefinition<Schema extends z.ZodMiniType<AggregateSpecBase>> {
  readonly schema: Schema;
  readonly example: z.output<Schema>;
  /** The result name: the spec's `as`, else the operation's default name. */
  name(spec: z.output<Schema>): string;
  /** The operation bound to one spec of a job. */
  bind(spec: z.output<Schema>, distinctLimit: number): BoundAggregate;
}

/**
 * One aggregate of a job's spec, ready to fold, merge and finalize. Its per-group state is opaque (only the
 * aggregate that made it reads it); partials are plain JSON.
 */
export interface BoundAggregate {
  readonly name: string;
  /** The record field it reads, or undefined. */
  readonly field: string | undefined;
  initial(): AggregateState;
  fold(state: AggregateState, value: unknown, record: BatchRecord | string, key: unknown): void;
  toPartial(state: AggregateState): unknown;
  merge(a: unknown, b: unknown, key: unknown): unknown;
  finalize(partial: unknown): unknown;
}

declare const opaque: unique symbol;
/** A group's state of one aggregate, as only that aggregate reads it. */
export type AggregateState = { readonly [opaque]: true };

/**
 * Makes an {@link AggregateOperation} a registry entry: binding it to a spec hides its state and partial
 * types, and checks each partial read back from S3 before merging it.
 *
 * @example
 * export const count = defineAggregate({ schema, example: { op: 'count' }, … });
 */
export function defineAggregate<Schema extends z.ZodMiniType<AggregateSpecBase>, State, P>(operation: AggregateOperation<Schema, State, P>): AggregateDefinition<Schema> {
  const name = (spec: z.output<Schema>) => spec.as ?? operation.defaultName(spec);
  return {
    schema: operation.schema,
    example: operation.example,
    name,
    bind(spec, distinctLimit) {
      const scope: AggregateScope = { name: name(spec), distinctLimit };
      const partial = (raw: unknown): P => {
        if (operation.isPartial(raw)) return raw;
        throw new TypeError(`${scope.name}: not a partial of ${spec.op}: ${JSON.stringify(raw)?.slice(0, 200)}`);
      };
      // The one place state types are erased: a state only ever comes back to the aggregate that made it.
      const own = (state: AggregateState) => state as unknown as State;
      return {
        name: scope.name,
        field: operation.field(spec),
        initial: () => operation.initial(spec) as unknown as AggregateState,
        fold: (state, value, record, key) => operation.fold(own(state), value, spec, record, key, scope),
        toPartial: (state) => operation.toPartial(own(state), spec),
        merge: (a, b, key) => operation.merge(partial(a), partial(b), spec, key, scope),
        finalize: (raw) => operation.finalize(partial(raw), spec),
      };
    },
  };
}

/**
 * The error of a group with more distinct values than the job allows.
 *
 * @example
 * throw distinctLimitError(scope, key);
 */
export function distinctLimitError(scope: AggregateScope, key: unknown): AggregateLimitError {
  return new AggregateLimitError(`${scope.name}: group ${canonicalKey(key)} has more than ${scope.distinctLimit} distinct values (raise distinctLimit)`);
}

/** A number a sum, mean or top-k takes (bigints are exact integers beyond 2^53). */
export const isNumber = (value: unknown): value is number | bigint => typeof value === 'number' || typeof value === 'bigint';
