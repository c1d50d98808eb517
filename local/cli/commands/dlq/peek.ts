import { ChangeMessageVisibilityBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';

export interface PeekOptions {
  /** Stop after this many messages. */
  readonly max: number;
  /** Long-poll seconds per receive: 0 on emulators; ≥ 1 on AWS, whose short polls sample only some servers. */
  readonly waitTimeSeconds: number;
  /** How long peeked messages stay hidden while the rest is read (they are released right after). */
  readonly visibilityTimeout?: number;
}

/**
 * Receives up to 10 messages with all attributes, hidden for `visibilityTimeout` seconds.
 *
 * @example
 * const batch = await receiveBatch(sqs, dlqUrl, 60, 0);
 */
export async function receiveBatch(sqs: SQSClient, queueUrl: string, visibilityTimeout: number, waitTimeSeconds: number): Promise<Message[]> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: visibilityTimeout,
      WaitTimeSeconds: waitTimeSeconds,
      MessageAttributeNames: ['All'],
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return out.Messages ?? [];
}

/**
 * Makes received messages visible again at once (ChangeMessageVisibility 0, in batches of 10).
 *
 * @example
 * await releaseMessages(sqs, dlqUrl, held.map((m) => m.ReceiptHandle!));
 */
export async function releaseMessages(sqs: SQSClient, queueUrl: string, receiptHandles: readonly string[]): Promise<void> {
  for (let i = 0; i < receiptHandles.length; i += 10) {
    const entries = receiptHandles.slice(i, i + 10).map((handle, j) => ({ Id: String(j), ReceiptHandle: handle, VisibilityTimeout: 0 }));
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
}

/**
 * Reads the messages of a queue without consuming them: receives in batches of 10 (keeping each
 * hidden until all are read, so none is counted twice), then makes every one visible again. Receiving
 * still counts toward ApproximateReceiveCount: peek dead-letter queues, not queues with a redrive policy.
 *
 * @example
 * const messages = await peekMessages(sqs, dlqUrl, { max: 1000, waitTimeSeconds: 0 });
 */
export async function peekMessages(sqs: SQSClient, queueUrl: string, options: PeekOptions): Promise<Message[]> {
  const seen = new Map<string, Message>();
  try {
    while (seen.size < options.max) {
      const batch = await receiveBatch(sqs, queueUrl, options.visibilityTimeout ?? 30, options.waitTimeSeconds);
      if (batch.length === 0) break;
      for (const message of batch) seen.set(message.MessageId!, message);
    }
  } finally {
    await releaseMessages(sqs, queueUrl, [...seen.values()].map((m) => m.ReceiptHandle!));
  }
  return [...seen.values()].slice(0, options.max);
}
