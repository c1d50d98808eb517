import { setTimeout as delay } from 'node:timers/promises';

/** How in-process retries wait: injectable, so tests and the model test run them on a virtual clock. */
export interface RetryTiming {
  /** Waits `ms` milliseconds. Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1). Default `Math.random`. */
  random?: () => number;
}

/**
 * "Full jitter" backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"): a random wait in
 * [0, min(capMs, baseMs × 2^(attempt − 1))), so contenders that failed together do not retry together.
 *
 * @example
 * await sleep(fullJitterDelayMs(attempt, { baseMs: 25, capMs: 1_000 }));
 */
export function fullJitterDelayMs(attempt: number, options: { baseMs: number; capMs: number; random?: () => number }): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor((options.random ?? Math.random)() * ceiling);
}

/**
 * The `sleep` of a {@link RetryTiming}, or a real timer.
 *
 * @example
 * await sleeper(timing)(50);
 */
export function sleeper(timing: RetryTiming = {}): (ms: number) => Promise<void> {
  return timing.sleep ?? ((ms) => delay(ms).then(() => undefined));
}
