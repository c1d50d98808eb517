/**
 * The one way sluice code reads the time. Injecting it lets tests pin time and lets the local runtime
 * run virtual time (it may patch `Date.now`), so implementations must read the time on every call and
 * never cache it.
 *
 * @example
 * const store = new DedupStore({ client, tableName, clock: { now: () => 1_700_000_000_000 } });
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/**
 * The wall clock, read through `Date.now` on every call (so a patched `Date.now` is honoured).
 *
 * @example
 * const remaining = deliverAt - systemClock.now();
 */
export const systemClock: Clock = { now: () => Date.now() };
