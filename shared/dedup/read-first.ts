import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { ConfigurationError } from '../errors.ts';
import type { ClaimResult, CommitResult, DedupClaims, DedupStore } from './store.ts';

/**
 * When to look a key up before writing: `never` (the conditional write alone decides), `always`, or
 * `adaptive` (when the duplicates seen lately make the read cheaper than the writes it saves).
 */
export type ReadFirstMode = 'never' | 'always' | 'adaptive';

/** The read-first modes, for parsing configuration. */
export const READ_FIRST_MODES: readonly ReadFirstMode[] = ['never', 'always', 'adaptive'];

/**
 * Prices in write-unit equivalents. On demand, a read request unit costs a fifth of a write request
 * unit ($0.125 vs $0.625 per million in us-east-1 since November 2024; provisioned RCU and WCU hours
 * keep the same 1:5); an eventually consistent read of a record ≤ 4 KB takes half a read unit.
 */
const READ_COST = 0.5 / 5;
/** A refused conditional PutItem still consumes its write unit (dedup records are ≤ 1 KB). */
const FAILED_CLAIM_COST = 1;
/** A cancelled TransactWriteItems is counted at 2 write units per item, as a committed one. */
const failedCommitCost = (effectItems: number) => 2 * (effectItems + 1);

/** How quickly the duplicate estimate follows the traffic: about the last 32 keys weigh most. */
const WEIGHT = 1 / 32;

/** The duplicate share lately seen by one execution environment. */
class DuplicateRate {
  #share = 0;
  #reading = false;

  /** True when a read costs less than the share of failed writes it would spare (with hysteresis). */
  worthReading(failedWriteCost: number): boolean {
    const breakEven = READ_COST / failedWriteCost;
    // Switch on above the break-even share and off below half of it, so a share near it does not flap.
    this.#reading = this.#reading ? this.#share >= breakEven / 2 : this.#share >= breakEven;
    return this.#reading;
  }

  record(duplicate: boolean): void {
    this.#share += WEIGHT * ((duplicate ? 1 : 0) - this.#share);
  }

  get share(): number {
    return this.#share;
  }
}

/** A dedup store with a read-first path: {@link DedupStore} answers both. */
export type ReadableDedupStore = DedupClaims & Pick<DedupStore, 'findCompleted'>;

/** A dedup store that may look a key up before its conditional write; see {@link readFirst}. */
export interface ReadFirstClaims extends DedupClaims {
  readonly mode: ReadFirstMode;
  /** The duplicate share this store has seen lately (an exponentially weighted average). */
  readonly duplicateShare: number;
}

/**
 * Wraps a dedup store so that a duplicate can cost a read instead of a refused write. In atomic mode a
 * duplicate makes `commitOnce`'s transaction fail, and a failed transaction is billed like one that
 * committed: 2 write units per item, 6 for a two-item effect. An eventually consistent GetItem of the
 * dedup record costs 0.5 read units (a tenth of one write unit), but it is one more round trip for
 * every message, new ones included.
 *
 * - `never`: only the conditional write (fewest round trips; the cheapest when duplicates are rare).
 * - `always`: read, and write only when the read did not find the key done.
 * - `adaptive` (the queue worker's default): read only while the duplicates seen lately exceed the
 *   break-even share: 1.7 % for a two-item effect in atomic mode (0.1 write units against 6), 10 % for a
 *   claim (against the 1 write unit of a refused PutItem). With no duplicates it behaves like `never`.
 *
 * A read can only answer "done" for a key that is done (a COMPLETED record inside its window); anything
 * else goes on to the conditional write, which decides as before: exactly-once is unchanged.
 * docs/benchmarks.md measures the three modes.
 *
 * @example
 * const store = readFirst(new DedupStore({ client, tableName }), 'adaptive');
 * createQueueWorker({ schema, atomic, dedup: { store, scope: 'orders' } });
 */
export function readFirst(store: ReadableDedupStore, mode: ReadFirstMode = 'adaptive'): ReadFirstClaims {
  if (!READ_FIRST_MODES.includes(mode)) throw new ConfigurationError(`read-first mode must be one of ${READ_FIRST_MODES.join(', ')}, got "${String(mode)}"`);
  const rate = new DuplicateRate();
  const shouldRead = (failedWriteCost: number) => mode === 'always' || (mode === 'adaptive' && rate.worthReading(failedWriteCost));
  const known = async (key: string, failedWriteCost: number) => {
    if (!shouldRead(failedWriteCost)) return undefined;
    const done = await store.findCompleted(key);
    if (done) rate.record(true);
    return done;
  };
  return {
    mode,
    get duplicateShare() {
      return rate.share;
    },
    async claim(key: string, options: { leaseMs: number }): Promise<ClaimResult> {
      const done = await known(key, FAILED_CLAIM_COST);
      if (done) return done;
      const result = await store.claim(key, options);
      rate.record(result.status === 'duplicate');
      return result;
    },
    async commitOnce(key: string, effect: readonly TransactWriteItem[]): Promise<CommitResult> {
      const done = await known(key, failedCommitCost(effect.length));
      if (done) return done;
      const result = await store.commitOnce(key, effect);
      rate.record(result.status === 'duplicate');
      return result;
    },
    complete: (key, token) => store.complete(key, token),
    release: (key, token) => store.release(key, token),
    completeWith: (key, token, effect) => store.completeWith(key, token, effect),
  };
}
