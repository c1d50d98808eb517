import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { DedupClaims } from '../dedup/store.ts';
import { ClaimLostError, CompletionFailedError, OutOfTimeError, TransactionConflictError } from '../errors.ts';
import { fullJitterDelayMs, sleeper } from '../retry.ts';
import type { RetryTiming } from '../retry.ts';

/**
 * Default safety margin: nothing is claimed or committed with less of the invocation left.
 *
 * @example
 * createQueueWorker({ ...options, timeMarginMs: 2 * DEFAULT_TIME_MARGIN_MS });
 */
export const DEFAULT_TIME_MARGIN_MS = 1_000;
/** Commit attempts on TransactionConflict before the record goes back to the queue. */
export const CONFLICT_ATTEMPTS = 5;
/** `complete` attempts after a successful effect before the record goes back (its claim kept). */
export const COMPLETE_ATTEMPTS = 5;
const CONFLICT_BACKOFF = { baseMs: 25, capMs: 1_000 };
const COMPLETE_BACKOFF = { baseMs: 50, capMs: 2_000 };

/** The time an invocation has, and the part of it that is never spent on starting a claim or a commit. */
export interface TimeBudget {
  remainingTimeMs: () => number;
  marginMs: number;
}

/** What a dedup-guarded effect came to. `claimLost`: the effect ran but the lease had ended and was taken over. */
export type GuardedOutcome = { status: 'processed'; claimLost?: boolean } | { status: 'duplicate' };

/**
 * Throws when less than the safety margin is left: a claim's lease ends with the invocation, so a claim
 * (or a commit) started at the deadline would be free for another invocation, or land after Lambda gave up.
 *
 * @throws OutOfTimeError (retryable).
 * @example
 * ensureTimeLeft(budget, 'claim of orders#o-1');
 */
export function ensureTimeLeft(budget: TimeBudget, what: string): void {
  const left = budget.remainingTimeMs();
  if (left < budget.marginMs) {
    throw new OutOfTimeError(`${Math.max(0, left)} ms left in the invocation, under the ${budget.marginMs} ms safety margin: ${what} not started`);
  }
}

/**
 * Atomic mode: commits `effect` with the dedup record in one transaction. A `TransactionConflict` (a hot
 * effect row, or a copy committing the same key) is retried here with full-jitter backoff, up to
 * {@link CONFLICT_ATTEMPTS}, before the record goes back to the queue (where each try costs a receive).
 *
 * @example
 * const outcome = await commitAtomically(store, 'orders#o-1', effect, budget);
 */
export async function commitAtomically(
  store: DedupClaims,
  key: string,
  effect: readonly TransactWriteItem[],
  budget: TimeBudget,
  timing: RetryTiming = {},
): Promise<GuardedOutcome> {
  const sleep = sleeper(timing);
  for (let attempt = 1; ; attempt += 1) {
    ensureTimeLeft(budget, `commit of ${key}`);
    try {
      const result = await store.commitOnce(key, effect);
      return { status: result.status === 'duplicate' ? 'duplicate' : 'processed' };
    } catch (err) {
      if (!(err instanceof TransactionConflictError) || attempt >= CONFLICT_ATTEMPTS) throw err;
      await sleep(fullJitterDelayMs(attempt, { ...CONFLICT_BACKOFF, ...(timing.random ? { random: timing.random } : {}) }));
    }
  }
}

/**
 * Claim mode: claim → `run` (the effect) → complete. A failed `run` releases the claim (the effect did
 * not happen, so a retry may claim at once). Once `run` succeeded the claim is never released: `complete`
 * is retried up to {@link COMPLETE_ATTEMPTS} while time is left, and if it still fails the claim is kept
 * until its lease ends, so no other copy repeats the effect in the meantime. Only a crash (or a
 * completion that never gets through) between the effect and `complete` can repeat the effect.
 *
 * @throws ClaimInProgressError (another invocation holds the key), OutOfTimeError, CompletionFailedError: retryable.
 * @example
 * const outcome = await runClaimed(store, 'jobs#j-1', budget, () => sendEmail(job));
 */
export async function runClaimed(store: DedupClaims, key: string, budget: TimeBudget, run: () => Promise<void>, timing: RetryTiming = {}): Promise<GuardedOutcome> {
  ensureTimeLeft(budget, `claim of ${key}`);
  const claim = await store.claim(key, { leaseMs: budget.remainingTimeMs() });
  if (claim.status === 'duplicate') return { status: 'duplicate' };
  try {
    await run();
  } catch (err) {
    // If the release fails too, the lease still ends with the invocation.
    await store.release(key, claim.token).catch(() => undefined);
    throw err;
  }
  const sleep = sleeper(timing);
  for (let attempt = 1; ; attempt += 1) {
    try {
      await store.complete(key, claim.token);
      return { status: 'processed' };
    } catch (err) {
      if (err instanceof ClaimLostError) return { status: 'processed', claimLost: true };
      const wait = fullJitterDelayMs(attempt, { ...COMPLETE_BACKOFF, ...(timing.random ? { random: timing.random } : {}) });
      if (attempt >= COMPLETE_ATTEMPTS || budget.remainingTimeMs() <= wait) {
        throw new CompletionFailedError(
          `the effect of ${key} ran but its completion was not recorded after ${attempt} attempt${attempt === 1 ? '' : 's'}; the claim is kept until its lease ends`,
          { cause: err },
        );
      }
      await sleep(wait);
    }
  }
}

/**
 * Runs tasks that share a key one after another and others side by side. Copies of one message often
 * arrive in one batch (a producer's retries, a hop and its original): run together, all but one would
 * meet a live claim and go back to the queue, each costing a receive — enough copies of a poison message
 * and the last is redriven without its reason. In turn, each sees what the one before left: a duplicate,
 * or a released claim it can take.
 *
 * @example
 * const serial = keyedSerial();
 * await Promise.all(records.map((r) => serial(keyOf(r), () => process(r))));
 */
export function keyedSerial(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return async <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const run = (tails.get(key) ?? Promise.resolve()).then(task, task);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
