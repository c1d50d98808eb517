import type { SQSRecord } from 'aws-lambda';
import type { SqsFaults } from '../pollers/sqs-fault-injection.ts';
import { seededChoice } from './seeded-choice.ts';

/** Shares of deliveries (or of invocations, for the batch-level faults) that get each fault. */
export interface QueueFaultRates {
  /** Share of delivered records SQS delivers once more (a copy goes back to the queue). */
  readonly duplicateDelivery?: number;
  /** Share of invocations whose success is lost: the handler ran, nothing is deleted. */
  readonly crashBeforeAck?: number;
  /** Share of invocations that time out part-way through the handler. */
  readonly invocationTimeout?: number;
  /** Share of records that fail as if the handler reported them. */
  readonly failRecord?: number;
}

export interface QueueFaultPlanOptions {
  readonly seed: number;
  readonly rates: QueueFaultRates;
  /**
   * Faults hit receives 1..lastFaultyReceive only (default 3). Keep it below the queue's
   * maxReceiveCount: otherwise an unlucky message is redriven to the DLQ by injected faults alone,
   * which is SQS working as configured, not something a run can assert exactly-once about.
   */
  readonly lastFaultyReceive?: number;
  /** An injected timeout cuts the invocation after 1..timeoutWindowMs ms (default 200): mid-batch. */
  readonly timeoutWindowMs?: number;
}

/**
 * Seeded poller faults for the local SQS event source mapping: duplicate deliveries, crashes before
 * the acknowledgement, invocation timeouts and per-record failures, each at its rate, decided per
 * (message id, receive count) so a seed reproduces the same faults. Off unless a rate is set.
 *
 * @example
 * const runtime = await LocalRuntime.start({ sqsFaults: queueFaultPlan({ seed: 7, rates: { crashBeforeAck: 0.05 } }) });
 */
export function queueFaultPlan(options: QueueFaultPlanOptions): SqsFaults {
  const { seed, rates } = options;
  const lastFaultyReceive = options.lastFaultyReceive ?? 3;
  const window = options.timeoutWindowMs ?? 200;
  const faulty = (record: SQSRecord) => Number(record.attributes.ApproximateReceiveCount) <= lastFaultyReceive;
  const hit = (rate: number | undefined, kind: string, record: SQSRecord) =>
    rate !== undefined && rate > 0 && faulty(record) && seededChoice(seed, kind, record.messageId, record.attributes.ApproximateReceiveCount) < rate;
  // A batch-level fault is decided by the batch's first record, so its rate is a share of invocations.
  const batchHit = (rate: number | undefined, kind: string, records: readonly SQSRecord[]) =>
    records.length > 0 && records.every(faulty) && hit(rate, kind, records[0]!);
  return {
    failRecord: (record) => hit(rates.failRecord, 'fail', record),
    crashBeforeAck: (records) => batchHit(rates.crashBeforeAck, 'crash', records),
    duplicateDelivery: (record) => hit(rates.duplicateDelivery, 'duplicate', record),
    invocationTimeoutMs: (records) =>
      batchHit(rates.invocationTimeout, 'timeout', records)
        ? 1 + Math.floor(seededChoice(seed, 'timeout-at', records[0]!.messageId) * window)
        : undefined,
  };
}
