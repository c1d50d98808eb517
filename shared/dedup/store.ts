import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { AttributeValue, DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { systemClock } from '../clock.ts';
import type { Clock } from '../clock.ts';
import { ClaimInProgressError, ClaimLostError, ConfigurationError } from '../errors.ts';
import { DEDUP_RECORD, DEFAULT_DEDUP_WINDOW_SECONDS, DedupStatus } from './record.ts';

/** Outcome of {@link DedupStore.claim}. A live claim held by someone else is thrown as `ClaimInProgressError`. */
export type ClaimResult =
  | { status: 'claimed'; /** Owner token: pass it to complete / release / completeWith. */ token: string }
  | { status: 'duplicate'; /** Epoch ms the first run completed, when recorded. */ completedAt?: number };

export interface DedupStoreOptions {
  client: DynamoDBClient;
  tableName: string;
  /** How long a record is kept, in seconds; at least the source queue's retention. Default 14 days. */
  windowSeconds?: number;
  clock?: Clock;
}

/**
 * What a worker needs of a dedup store; {@link DedupStore} is the DynamoDB one.
 *
 * @example
 * const dedup: DedupClaims = new DedupStore({ client, tableName });
 */
export type DedupClaims = Pick<DedupStore, 'claim' | 'complete' | 'release' | 'completeWith' | 'commitOnce'>;

/** What {@link DedupStore.commitOnce} did. */
export type CommitResult = { status: 'committed' } | { status: 'duplicate'; completedAt?: number };

// A record may be (re)written when absent, past its window (TTL deletes lazily, hours to days later),
// or an IN_PROGRESS claim whose lease has ended.
const claimable = 'attribute_not_exists(pk) OR (#status = :inProgress AND leaseUntil < :now) OR expiresAt < :nowSec';

const names = { '#status': DEDUP_RECORD.status, '#owner': DEDUP_RECORD.owner };
const ownedAndInProgress = '#owner = :token AND #status = :inProgress';

/**
 * Exactly-once bookkeeping in DynamoDB: one record per `scope#idempotencyKey`.
 *
 * - Any effect: `claim` (a conditional PutItem: a duplicate costs that one request and nothing more), run
 *   the effect, then `complete` or `release` with the claim's owner token. A crash between the effect and
 *   `complete` can repeat the effect (at-least-once), as with any claim-based idempotency.
 * - DynamoDB effects (atomic mode): `commitOnce` writes the effect and the COMPLETED record in one
 *   TransactWriteItems whose dedup condition refuses a key already done: one request per first-time
 *   message, one per duplicate, and the effect happens exactly once even across crashes.
 *
 * @example
 * const store = new DedupStore({ client: new DynamoDBClient(clientConfig()), tableName: 'dedup' });
 * const claim = await store.claim('orders#o-1', { leaseMs: context.getRemainingTimeInMillis() });
 * if (claim.status === 'claimed') await store.completeWith('orders#o-1', claim.token, [{ Put: orderPut }]);
 */
export class DedupStore {
  readonly tableName: string;
  readonly windowSeconds: number;
  readonly #client: DynamoDBClient;
  readonly #clock: Clock;

  constructor(options: DedupStoreOptions) {
    const windowSeconds = options.windowSeconds ?? DEFAULT_DEDUP_WINDOW_SECONDS;
    if (!Number.isInteger(windowSeconds) || windowSeconds <= 0) {
      throw new ConfigurationError(`dedup window must be a positive number of seconds, got ${windowSeconds}`);
    }
    this.tableName = options.tableName;
    this.windowSeconds = windowSeconds;
    this.#client = options.client;
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Claims a key for this invocation until `now + leaseMs` (pass the invocation's remaining time, so a
   * crashed invocation frees its claims when its timeout passes).
   *
   * @throws ClaimInProgressError when another invocation holds a live lease (retryable).
   * @example
   * const claim = await store.claim(key, { leaseMs: context.getRemainingTimeInMillis() });
   */
  async claim(key: string, options: { leaseMs: number }): Promise<ClaimResult> {
    const now = this.#clock.now();
    const token = randomUUID();
    try {
      await this.#client.send(
        new PutItemCommand(
          this.#recordPut(key, token, now, {
            [DEDUP_RECORD.status]: { S: DedupStatus.inProgress },
            [DEDUP_RECORD.leaseUntil]: num(now + Math.max(0, options.leaseMs)),
          }),
        ),
      );
      return { status: 'claimed', token };
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      return duplicateOrInProgress(key, err.Item);
    }
  }

  /**
   * Marks a claimed key COMPLETED (the window restarts from now).
   *
   * @throws ClaimLostError when the token no longer owns the record.
   * @example
   * await handle(payload); await store.complete(key, claim.token);
   */
  async complete(key: string, token: string): Promise<void> {
    await this.#fenced(key, () => this.#client.send(new UpdateItemCommand({ TableName: this.tableName, ...this.#completion(key, token) })));
  }

  /**
   * Gives a claim back (the handler failed) so a retry can claim at once instead of waiting for the lease.
   *
   * @throws ClaimLostError when the token no longer owns the record.
   * @example
   * try { await handle(payload); } catch (err) { await store.release(key, claim.token); throw err; }
   */
  async release(key: string, token: string): Promise<void> {
    await this.#fenced(key, () =>
      this.#client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { [DEDUP_RECORD.pk]: { S: key } },
          // Only an IN_PROGRESS claim is released: a COMPLETED record keeps its owner token, and deleting
          // it (e.g. after a commit whose response was lost) would let a redelivery apply the effect again.
          ConditionExpression: ownedAndInProgress,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':token': { S: token }, ':inProgress': { S: DedupStatus.inProgress } },
        }),
      ),
    );
  }

  /**
   * Atomic mode: writes `effect` and the COMPLETED update in one TransactWriteItems, so the effect
   * happens exactly once or not at all. The token doubles as the ClientRequestToken, so an SDK retry of
   * a transaction that already committed is answered as a success, not applied twice.
   *
   * @throws ClaimLostError when the claim was lost (the effect was not written).
   * @throws TransactionCanceledException as is when an effect's own condition failed.
   * @example
   * await store.completeWith(key, claim.token, [{ Put: { TableName: 'orders', Item: { orderId: { S: 'o-1' } } } }]);
   */
  async completeWith(key: string, token: string, effect: readonly TransactWriteItem[]): Promise<void> {
    const dedupIndex = effect.length;
    try {
      await this.#client.send(
        new TransactWriteItemsCommand({
          TransactItems: [...effect, { Update: { TableName: this.tableName, ...this.#completion(key, token) } }],
          ClientRequestToken: token,
        }),
      );
    } catch (err) {
      const code = err instanceof TransactionCanceledException ? err.CancellationReasons?.[dedupIndex]?.Code : undefined;
      if (code === 'ConditionalCheckFailed') throw new ClaimLostError(`claim on ${key} was lost before completion`, { cause: err });
      throw err;
    }
  }

  /**
   * Atomic mode in one round trip: writes `effect` together with a COMPLETED dedup record, on the
   * condition that the key is not already done (absent, past its window, or an expired claim). No claim
   * comes first: the transaction is all or nothing, so there is no in-between state to lease, and a
   * crash anywhere leaves either nothing or everything. A random ClientRequestToken makes an SDK retry of
   * a transaction that committed (its response lost) succeed instead of reporting a duplicate.
   *
   * @returns `committed`, or `duplicate` when the key was already done (nothing was written).
   * @throws ClaimInProgressError when a claim-mode worker holds a live lease on the key, or another
   *   transaction on the key was in flight (TransactionConflict): retryable.
   * @throws TransactionCanceledException as is when an effect's own condition failed.
   * @example
   * const result = await store.commitOnce('orders#o-1', [{ Put: { TableName: 'orders', Item: { orderId: { S: 'o-1' } } } }]);
   * if (result.status === 'duplicate') metrics.duplicate += 1;
   */
  async commitOnce(key: string, effect: readonly TransactWriteItem[]): Promise<CommitResult> {
    const now = this.#clock.now();
    const token = randomUUID();
    const dedupIndex = effect.length;
    try {
      await this.#client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            ...effect,
            {
              Put: this.#recordPut(key, token, now, {
                [DEDUP_RECORD.status]: { S: DedupStatus.completed },
                [DEDUP_RECORD.completedAt]: num(now),
              }),
            },
          ],
          ClientRequestToken: token,
        }),
      );
      return { status: 'committed' };
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      const reasons = err.CancellationReasons ?? [];
      const dedupReason = reasons[dedupIndex];
      if (dedupReason?.Code === 'ConditionalCheckFailed') return duplicateOrInProgress(key, dedupReason.Item);
      if (reasons.some((r) => r.Code === 'TransactionConflict')) {
        throw new ClaimInProgressError(`${key} is being committed by another invocation`, { cause: err });
      }
      throw err;
    }
  }

  /**
   * Reads whether `key` is already done: a COMPLETED record still inside its window. An eventually
   * consistent GetItem (half a read unit for a record ≤ 4 KB, a fifth of the price of one write unit):
   * a record written a moment ago may not show yet, so `undefined` means "not known to be done" and the
   * conditional write that follows stays the judge. A record it does return is never wrong: a COMPLETED
   * record inside its window is only ever replaced after the window.
   *
   * @returns the duplicate outcome, or `undefined` when the key may still be new.
   * @example
   * const done = await store.findCompleted('orders#o-1'); // { status: 'duplicate', completedAt: 1700000000000 } | undefined
   */
  async findCompleted(key: string): Promise<Extract<CommitResult, { status: 'duplicate' }> | undefined> {
    const out = await this.#client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { [DEDUP_RECORD.pk]: { S: key } },
        ProjectionExpression: '#status, completedAt, expiresAt',
        ExpressionAttributeNames: { '#status': DEDUP_RECORD.status },
      }),
    );
    const item = out.Item;
    if (item?.[DEDUP_RECORD.status]?.S !== DedupStatus.completed) return undefined;
    const expiresAt = Number(item[DEDUP_RECORD.expiresAt]?.N);
    if (Number.isFinite(expiresAt) && expiresAt < Math.floor(this.#clock.now() / 1000)) return undefined;
    const completedAt = Number(item[DEDUP_RECORD.completedAt]?.N);
    return Number.isFinite(completedAt) ? { status: 'duplicate', completedAt } : { status: 'duplicate' };
  }

  /** A conditional put of the key's record: written only where the key is claimable (see `claimable`). */
  #recordPut(key: string, token: string, now: number, state: Record<string, AttributeValue>) {
    return {
      TableName: this.tableName,
      Item: {
        [DEDUP_RECORD.pk]: { S: key },
        [DEDUP_RECORD.owner]: { S: token },
        [DEDUP_RECORD.claimedAt]: num(now),
        [DEDUP_RECORD.expiresAt]: num(this.#expiresAtSeconds(now)),
        ...state,
      },
      ConditionExpression: claimable,
      ExpressionAttributeNames: { '#status': DEDUP_RECORD.status },
      ExpressionAttributeValues: {
        ':inProgress': { S: DedupStatus.inProgress },
        ':now': num(now),
        ':nowSec': num(Math.floor(now / 1000)),
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
  }

  #completion(key: string, token: string) {
    const now = this.#clock.now();
    return {
      Key: { [DEDUP_RECORD.pk]: { S: key } },
      UpdateExpression: 'SET #status = :completed, completedAt = :now, expiresAt = :expiresAt REMOVE leaseUntil',
      ConditionExpression: ownedAndInProgress,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: {
        ':completed': { S: DedupStatus.completed },
        ':inProgress': { S: DedupStatus.inProgress },
        ':token': { S: token },
        ':now': num(now),
        ':expiresAt': num(this.#expiresAtSeconds(now)),
      },
    };
  }

  async #fenced(key: string, write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        throw new ClaimLostError(`claim on ${key} was lost (lease expired and taken over, or already completed)`, { cause: err });
      }
      throw err;
    }
  }

  #expiresAtSeconds(nowMs: number): number {
    return Math.ceil(nowMs / 1000) + this.windowSeconds;
  }
}

function duplicateOrInProgress(key: string, item: Record<string, AttributeValue> | undefined): Extract<ClaimResult, { status: 'duplicate' }> {
  if (item?.[DEDUP_RECORD.status]?.S === DedupStatus.completed) {
    const completedAt = Number(item[DEDUP_RECORD.completedAt]?.N);
    return Number.isFinite(completedAt) ? { status: 'duplicate', completedAt } : { status: 'duplicate' };
  }
  // Either a live lease, or the record changed between the check and the read: both are worth a retry.
  const leaseUntil = Number(item?.[DEDUP_RECORD.leaseUntil]?.N);
  throw new ClaimInProgressError(
    Number.isFinite(leaseUntil) ? `${key} is being processed (lease until ${new Date(leaseUntil).toISOString()})` : `${key} is being processed`,
  );
}

function num(value: number): AttributeValue {
  return { N: String(value) };
}
