import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { MessageAttributeValue, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { systemClock } from '../clock.ts';
import type { Clock } from '../clock.ts';
import { deadLetterAttributes, DLQ_ATTRIBUTES } from '../envelope.ts';
import { keyedRecord } from '../keyed-record.ts';
import { isFifoQueue } from './fifo.ts';
import { MAX_SQS_MESSAGE_BYTES, sqsMessageSize } from './size.ts';

/**
 * Bytes of `sluice-reason` + `sluice-error` text a dead letter always has room for: {@link QueueProducer}
 * refuses a message unless its dead-lettered copy fits under SQS's cap with this much text, and
 * {@link DeadLetterQueue} cuts `sluice-error` to whatever room a message near the cap leaves.
 */
export const DEAD_LETTER_TEXT_BYTES = 512;

/** SQS message ids are 36 characters; a failure time is a 13-digit epoch-ms number until the year 2286. */
const PLANNED_INFO = { reason: '', error: '', sourceMessageId: 'x'.repeat(36), failedAt: 9_999_999_999_999 };

/**
 * The size SQS would count for the dead-lettered copy of a message sent with `body` and `attributes`
 * (SDK shape): its attributes beside sluice's four DLQ ones (or packed into `sluice-overflow-attributes`),
 * plus {@link DEAD_LETTER_TEXT_BYTES} of reason and error text.
 *
 * @example
 * if (deadLetterSize(body, attributes) > MAX_SQS_MESSAGE_BYTES) throw new PayloadTooLargeError('…');
 */
export function deadLetterSize(body: string, attributes: Record<string, MessageAttributeValue> = {}): number {
  const received: SQSMessageAttributes = keyedRecord();
  for (const [name, value] of Object.entries(attributes)) {
    // As Lambda delivers them, empty list fields included: they count when attributes overflow into JSON.
    received[name] = {
      dataType: value.DataType ?? 'String',
      stringListValues: [],
      binaryListValues: [],
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
    };
  }
  return sqsMessageSize(body, deadLetterAttributes(received, PLANNED_INFO)) + DEAD_LETTER_TEXT_BYTES;
}

/** The longest start of `text` that is at most `bytes` long in UTF-8, whole characters only, `…` marking the cut. */
function truncateUtf8(text: string, bytes: number): string {
  if (Buffer.byteLength(text) <= bytes) return text;
  const marker = bytes >= 4 ? '…' : '';
  const { read } = new TextEncoder().encodeInto(text, new Uint8Array(Math.max(0, bytes - Buffer.byteLength(marker))));
  return `${text.slice(0, read)}${marker}`;
}

/**
 * Cuts `sluice-error` so a dead letter fits under SQS's cap: a body near 1 MiB leaves less room than the
 * longest error. The reason, the source id and the original attributes are kept whole.
 */
function fitUnderCap(body: string, attributes: Record<string, MessageAttributeValue>): void {
  const over = sqsMessageSize(body, attributes) - MAX_SQS_MESSAGE_BYTES;
  const error = attributes[DLQ_ATTRIBUTES.error];
  if (over <= 0 || error?.StringValue === undefined) return;
  // SQS refuses an empty attribute value: keep at least one character (if even that does not fit, the send fails and the redrive policy moves the message)
  error.StringValue = truncateUtf8(error.StringValue, Math.max(1, Buffer.byteLength(error.StringValue) - over));
}

/**
 * Moves a received message to the dead-letter queue itself (instead of waiting for maxReceiveCount)
 * with its original body, its original attributes and the reason. A failed send throws, so the caller
 * reports the record as a batch item failure: a message is never acknowledged without being in the DLQ.
 *
 * @example
 * const dlq = new DeadLetterQueue({ client: sqs, queueUrl: requireEnv(QUEUE_ENV.dlqUrl) });
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
    const attributes = deadLetterAttributes(record.messageAttributes, {
      ...failure,
      sourceMessageId: record.messageId,
      failedAt: this.#clock.now(),
    });
    fitUnderCap(record.body, attributes);
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: record.body,
        MessageAttributes: attributes,
        // A FIFO queue's DLQ is FIFO too: keep the group, and let a repeated send of the same record dedupe.
        ...(fifo
          ? { MessageGroupId: record.attributes.MessageGroupId ?? 'sluice-dlq', MessageDeduplicationId: record.messageId }
          : {}),
      }),
    );
  }
}
