/** Options of {@link forEachConcurrently} and {@link forEachOfConcurrently}. */
export interface ConcurrencyOptions<T = number> {
  /** Asked before each start: once it answers true, no further call starts (calls in flight finish). */
  stopWhen?: () => boolean;
  /**
   * The most `weigh`t in flight at once (say, bytes held in memory): a call waits until the calls in flight
   * and itself fit. A call heavier than the whole budget still runs, alone. Default: no budget.
   */
  budget?: number;
  /** An item's share of `budget`. Default 0. */
  weigh?: (item: T) => number;
}

/**
 * Calls `run(0)` … `run(count - 1)` with at most `limit` calls in flight, starting them in index order
 * (the one bounded-concurrency pool of sluice: producers, the reducer and the local Distributed Map share it).
 * `stopWhen` is asked before each start: once it answers true, no further call starts (calls in flight finish).
 * A call that throws also stops further starts; the pool then waits for the calls in flight, so nothing still
 * runs when it rejects with the first error.
 *
 * @example
 * const sizes = new Array<number>(keys.length);
 * await forEachConcurrently(keys.length, 8, async (i) => { sizes[i] = await sizeOf(keys[i]!); });
 */
export function forEachConcurrently(
  count: number,
  limit: number,
  run: (index: number) => Promise<void>,
  options: ConcurrencyOptions = {},
): Promise<void> {
  return forEachOfConcurrently(indices(count), limit, run, options);
}

/**
 * The same pool over items read as they are needed, from an array, a generator or an async iterable (a file
 * read line by line): the next item is read only when a call can start, so a large source is never all in
 * memory. With `budget` and `weigh`, the weight in flight is bounded too. When the pool stops (stopWhen, a
 * failed call) it closes the source (its `return`).
 *
 * @example
 * // At most 8 batches and 4 MiB of bodies in flight, read from a stream of batches.
 * await forEachOfConcurrently(batches(source), 8, (batch) => send(batch), { budget: 4 * 1024 * 1024, weigh: (batch) => batch.bytes });
 */
export async function forEachOfConcurrently<T>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  run: (item: T, index: number) => Promise<void>,
  options: ConcurrencyOptions<T> = {},
): Promise<void> {
  const iterator: Iterator<T> | AsyncIterator<T> = Symbol.asyncIterator in items ? items[Symbol.asyncIterator]() : items[Symbol.iterator]();
  const budget = options.budget ?? Number.POSITIVE_INFINITY;
  let index = 0;
  let exhausted = false;
  let failure: { error: unknown } | undefined;
  let weightInFlight = 0;
  let callFinished: (() => void) | undefined;
  // Held by the worker reading the next item and, if need be, waiting for room for it in the budget: items
  // start in order, and only one worker at a time waits on `callFinished`.
  let turn: Promise<void> | undefined;
  const stopped = () => exhausted || failure !== undefined || options.stopWhen?.() === true;

  const worker = async () => {
    for (;;) {
      while (turn) await turn;
      if (stopped()) return;
      let item: T;
      let weight: number;
      let endTurn!: () => void;
      turn = new Promise<void>((resolve) => (endTurn = resolve));
      try {
        // A plain iterator is read synchronously: an index range costs no extra turn of the event loop.
        const pulled = iterator.next();
        const step = pulled instanceof Promise ? await pulled : pulled;
        if (step.done) {
          exhausted = true;
          return;
        }
        item = step.value;
        weight = options.weigh?.(item) ?? 0;
        while (weightInFlight > 0 && weightInFlight + weight > budget) await new Promise<void>((resolve) => (callFinished = resolve));
        // Asked again: a call may have failed (or the caller stopped) while this item was read or waited.
        if (failure !== undefined || options.stopWhen?.() === true) return;
        weightInFlight += weight;
      } catch (error) {
        failure ??= { error };
        return;
      } finally {
        turn = undefined;
        endTurn();
      }
      try {
        await run(item, index++);
      } catch (error) {
        failure ??= { error };
      } finally {
        weightInFlight -= weight;
        callFinished?.();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.floor(limit) || 1) }, worker));
  // Stopped before the end: let the source close (a generator's finally, a file handle).
  if (!exhausted) await iterator.return?.();
  if (failure !== undefined) throw failure.error;
}

function* indices(count: number): Generator<number> {
  for (let index = 0; index < count; index += 1) yield index;
}
