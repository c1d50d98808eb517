import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../../shared/clock.ts';
import { realTimeClock } from './clock.ts';

export interface UntilOptions {
  /** What is awaited, named in the error (a function is read when the wait gives up, e.g. to show depths). */
  readonly what: string | (() => string);
  /** Gives up once `progress` has read the same for this long (ms of real time). */
  readonly stallMs: number;
  /**
   * A reading that moves while the work advances (a count, a depth …), compared with `===`. Without it
   * nothing counts as progress, and `stallMs` bounds the whole wait.
   */
  readonly progress?: () => unknown;
  /** Called after every poll whose `done` said no (e.g. to move a progress bar or the virtual clock). */
  readonly onPoll?: () => void | Promise<void>;
  /** Pause between polls. Default 100 ms. */
  readonly intervalMs?: number;
  /** Real time. Default {@link realTimeClock}: `Date.now` may be the local runtime's virtual clock. */
  readonly clock?: Clock;
  readonly sleep?: (ms: number) => Promise<unknown>;
}

/**
 * Polls until `done()` holds, and gives up only when the work stops moving: the deadline is on progress
 * (`stallMs` without a change of `progress()`), not on the whole wait, so a slower or busier machine takes
 * longer instead of failing, while a stuck pipeline still fails with a clear error.
 *
 * @example
 * await until(() => poller.stats.deleted >= sent, { what: 'the queue to drain', progress: () => poller.stats.deleted, stallMs: 60_000 });
 */
export async function until(done: () => boolean | Promise<boolean>, options: UntilOptions): Promise<void> {
  const clock = options.clock ?? realTimeClock;
  const pause = options.sleep ?? sleep;
  let last = options.progress?.();
  let movedAt = clock.now();
  while (!(await done())) {
    const reading = options.progress?.();
    if (reading !== last) {
      last = reading;
      movedAt = clock.now();
    } else if (clock.now() - movedAt > options.stallMs) {
      const what = typeof options.what === 'function' ? options.what() : options.what;
      throw new Error(`gave up waiting for ${what}: no progress in ${formatMs(options.stallMs)}`);
    }
    await options.onPoll?.();
    await pause(options.intervalMs ?? 100);
  }
}

function formatMs(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`;
}
