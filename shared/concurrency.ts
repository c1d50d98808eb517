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
export async function forEachConcurrently(
  count: number,
  limit: number,
  run: (index: number) => Promise<void>,
  options: ConcurrencyOptions = {},
): Promise<void> {
  await forEachOfConcurrently(indices(count), limit, run, options);
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
  const most = Math.max(1, Math.floor(limit) || 1);
  const budget = options.budget ?? Number.POSITIVE_INFINITY;
  const inFlight = new Set<Promise<void>>();
  let weightInFlight = 0;
  let failure: { error: unknown } | undefined;
  let slotFreed: (() => void) | undefined;
  const stopped = () => failure !== undefined || options.stopWhen?.() === true;
  let index = 0;
  if (stopped()) return;
  for await (const item of items) {
    const weight = options.weigh?.(item) ?? 0;
    while (inFlight.size > 0 && (inFlight.size >= most || weightInFlight + weight > budget)) {
      await new Promise<void>((resolve) => (slotFreed = resolve));
    }
    if (stopped()) break;
    weightInFlight += weight;
    const call: Promise<void> = start(run, item, index++)
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => {
        inFlight.delete(call);
        weightInFlight -= weight;
        slotFreed?.();
      });
    inFlight.add(call);
    if (stopped()) break;
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure.error;
}

/** Calls `run`, turning a synchronous throw into a rejection so the pool treats both alike. */
function start<T>(run: (item: T, index: number) => Promise<void>, item: T, index: number): Promise<void> {
  try {
    return run(item, index);
  } catch (error) {
    return Promise.reject(error);
  }
}

function* indices(count: number): Generator<number> {
  for (let index = 0; index < count; index += 1) yield index;
}
