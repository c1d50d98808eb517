import { ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { HeldMessages } from './held-messages.ts';

export interface PeekOptions {
  /** Stop after this many messages. */
  readonly max: number;
  /** Long-poll seconds per receive: 0 on emulators; ≥ 1 on AWS, whose short polls sample only some servers. */
  readonly waitTimeSeconds: number;
  /** How long peeked messages stay hidden between extensions while the rest is read (they are released right after). */
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
 * Reads the messages of a queue and puts them back: receives in batches of 10, keeping each hidden (and
 * extended) until all are read so none is counted twice, then makes every one visible again. SQS has no
 * read-only peek: each read counts toward the message's ApproximateReceiveCount, so peek dead-letter
 * queues, not queues with a redrive policy. A FIFO queue hands out only the first messages of each
 * message group until they are deleted, so a peek there reads the heads of the groups.
 *
 * @example
 * const messages = await peekMessages(sqs, dlqUrl, { max: 1000, waitTimeSeconds: 0 });
 */
export async function peekMessages(sqs: SQSClient, queueUrl: string, options: PeekOptions): Promise<Message[]> {
  const seen = new Map<string, Message>();
  const held = new HeldMessages(sqs, queueUrl, options.visibilityTimeout ?? 30);
  try {
    while (seen.size < options.max) {
      const batch = await receiveBatch(sqs, queueUrl, options.visibilityTimeout ?? 30, options.waitTimeSeconds);
      const fresh = batch.filter((message) => !seen.has(message.MessageId!));
      for (const message of batch) held.hold(message);
      if (fresh.length === 0) break;
      for (const message of fresh) seen.set(message.MessageId!, message);
    }
  } finally {
    await held.releaseAll();
  }
  return [...seen.values()].slice(0, options.max);
}
