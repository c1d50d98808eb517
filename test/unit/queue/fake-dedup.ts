import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { ClaimResult, CommitResult, DedupClaims } from '../../../shared/dedup/store.ts';
import { ClaimInProgressError } from '../../../shared/errors.ts';

/**
 * In-memory stand-in for DedupStore in worker unit tests: just enough of the state machine to drive
 * the worker's branches, and a log of the calls. DedupStore itself is tested against DynamoDB Local.
 */
export class FakeDedup implements DedupClaims {
  readonly records = new Map<string, 'IN_PROGRESS' | 'COMPLETED'>();
  readonly calls: { op: string; key: string; effect?: readonly TransactWriteItem[] }[] = [];
  /** Errors the next calls of an operation throw, in order (before changing anything). */
  readonly failures = new Map<string, Error[]>();

  #record(op: string, key: string, effect?: readonly TransactWriteItem[]): void {
    this.calls.push(effect ? { op, key, effect } : { op, key });
    const error = this.failures.get(op)?.shift();
    if (error) throw error;
  }

  async claim(key: string): Promise<ClaimResult> {
    this.#record('claim', key);
    const status = this.records.get(key);
    if (status === 'COMPLETED') return { status: 'duplicate' };
    if (status === 'IN_PROGRESS') throw new ClaimInProgressError(`${key} is being processed`);
    this.records.set(key, 'IN_PROGRESS');
    return { status: 'claimed', token: `token-${key}` };
  }

  async complete(key: string): Promise<void> {
    this.#record('complete', key);
    this.records.set(key, 'COMPLETED');
  }

  async release(key: string): Promise<void> {
    this.#record('release', key);
    this.records.delete(key);
  }

  async completeWith(key: string, _token: string, effect: readonly TransactWriteItem[]): Promise<void> {
    this.#record('completeWith', key, effect);
    this.records.set(key, 'COMPLETED');
  }

  async commitOnce(key: string, effect: readonly TransactWriteItem[]): Promise<CommitResult> {
    this.#record('commitOnce', key, effect);
    const status = this.records.get(key);
    if (status === 'COMPLETED') return { status: 'duplicate' };
    if (status === 'IN_PROGRESS') throw new ClaimInProgressError(`${key} is being processed`);
    this.records.set(key, 'COMPLETED');
    return { status: 'committed' };
  }
}
