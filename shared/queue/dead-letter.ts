import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { systemClock } from '../clock.ts';
import type { Clock } from '../clock.ts';
import { deadLetterAttributes } from '../envelope.ts';
import { isFifoQueue } from './fifo.ts';

/**
 * Moves a received message to the dead-letter queue itself (instead of waiting for maxReceiveCount)
 * with its original body, its original attributes and the reason. A failed send throws, so the caller
 * reports the record as a batch item failure: a message is never acknowledged without being in the DLQ.
 *
 * @example
 * const dlq = new DeadLetterQueue({ client: sqs, queueUrl: requireEnv('SLUICE_DLQ_URL') });
 * await dlq.send(record, { reason: 'expired', error: 'expired at 2026-01-01T00:00:00.000Z' });
 */
export class DeadLetterQueue {
  readonly queueUrl: string;
  readonly #client: SQSClient;
  readonly #clock: Clock;

  constructor(options: { client: SQSClient; queueUrl: string; clock?: Clock }) {
    this.queueUrl = options.queueUrl;
    this.#client = options.client;
    this.#clock = options.clock ?? systemClock;
  }

  /** Sends `record` to the DLQ with `sluice-reason` / `sluice-error`; resolves once SQS accepted it. */
  async send(record: SQSRecord, failure: { reason: string; error: string }): Promise<void> {
    const fifo = isFifoQueue(this.queueUrl);
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: record.body,
        MessageAttributes: deadLetterAttributes(record.messageAttributes, {
          ...failure,
          sourceMessageId: record.messageId,
          failedAt: this.#clock.now(),
        }),
        // A FIFO queue's DLQ is FIFO too: keep the group, and let a repeated send of the same record dedupe.
        ...(fifo
          ? { MessageGroupId: record.attributes.MessageGroupId ?? 'sluice-dlq', MessageDeduplicationId: record.messageId }
          : {}),
      }),
    );
  }
}
