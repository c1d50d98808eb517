/**
 * A typed transform chain: `map` steps change the value (and its type), `filter` steps drop it. Applying
 * the chain returns the final value, or `undefined` when a filter dropped it. Steps run in the order they
 * were added, so a filter sees the value as the steps before it left it.
 *
 * @example
 * const toRevenue = Transform.of<OrderEvent>()
 *   .filter((o) => o.amountCents > 0)
 *   .map((o) => ({ key: o.category, value: o.amountCents }));
 * toRevenue.apply(order); // { key: 'books', value: 1299 } or undefined
 */
export class Transform<TIn, TOut> {
  private constructor(private readonly steps: readonly Step[]) {}

  /** The empty chain for inputs of type `T`. */
  static of<T>(): Transform<T, T> {
    return new Transform<T, T>([]);
  }

  /** Adds a step that turns the value into another. */
  map<TNext>(fn: (value: TOut) => TNext): Transform<TIn, TNext> {
    return new Transform<TIn, TNext>([...this.steps, { kind: 'map', fn: fn as (v: unknown) => unknown }]);
  }

  /** Adds a predicate: values for which it returns false leave the chain. */
  filter(predicate: (value: TOut) => boolean): Transform<TIn, TOut> {
    return new Transform<TIn, TOut>([...this.steps, { kind: 'filter', fn: predicate as (v: unknown) => unknown }]);
  }

  /** Runs the chain: the transformed value, or `undefined` when filtered out. */
  apply(input: TIn): TOut | undefined {
    let value: unknown = input;
    for (const step of this.steps) {
      if (step.kind === 'filter') {
        if (!step.fn(value)) return undefined;
      } else {
        value = step.fn(value);
      }
    }
    return value as TOut;
  }
}

type Step = { readonly kind: 'map' | 'filter'; readonly fn: (value: unknown) => unknown };
