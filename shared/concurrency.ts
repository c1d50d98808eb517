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
  options: { stopWhen?: () => boolean } = {},
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (failure === undefined && next < count && !options.stopWhen?.()) {
      const index = next++;
      try {
        await run(index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(Math.floor(limit) || 1, count)) }, worker));
  if (failure !== undefined) throw failure.error;
}
