/** States of a dedup record. A missing record means "never seen (or forgotten after the window)". */
export const DedupStatus = {
  inProgress: 'IN_PROGRESS',
  completed: 'COMPLETED',
} as const;
export type DedupStatus = (typeof DedupStatus)[keyof typeof DedupStatus];

/**
 * Attribute names of a dedup record. `leaseUntil` and the timestamps are epoch **milliseconds**;
 * `expiresAt` is epoch **seconds**, because DynamoDB TTL only reads seconds (a value in ms would look
 * like a date 50,000 years away and never expire).
 *
 * @example
 * new TableV2(this, 'Dedup', { partitionKey: { name: DEDUP_RECORD.pk, type: AttributeType.STRING }, timeToLiveAttribute: DEDUP_RECORD.expiresAt });
 */
export const DEDUP_RECORD = {
  pk: 'pk',
  status: 'status',
  owner: 'owner',
  leaseUntil: 'leaseUntil',
  expiresAt: 'expiresAt',
  claimedAt: 'claimedAt',
  completedAt: 'completedAt',
} as const;

/** 14 days: SQS's longest retention, so by default a record outlives every copy of its message. */
export const DEFAULT_DEDUP_WINDOW_SECONDS = 1_209_600;
