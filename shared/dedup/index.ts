/**
 * `sluice/dedup`: the DynamoDB dedup store behind exactly-once effects, for effects the queue worker
 * does not run (claim → effect → complete), and the key functions other producers can reproduce.
 *
 * @example
 * import { DedupStore, idempotencyKey } from 'sluice/dedup';
 */
export { DedupStore, type DedupStoreOptions, type DedupClaims, type ClaimResult, type CommitResult } from './store.ts';
export { readFirst, READ_FIRST_MODES, type ReadFirstMode, type ReadFirstClaims, type ReadableDedupStore } from './read-first.ts';
export { idempotencyKey, contentHash, canonicalJson, dedupRecordKey, type IdempotencyKeySource } from './key.ts';
export { DEFAULT_DEDUP_WINDOW_SECONDS, DedupStatus } from './record.ts';
