import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { isPermanent, systemClock, type Clock } from 'sluice';
import { QueueProducer } from 'sluice/queue';
import type { OrderJob } from '../lib/order-schema.ts';
import { sendOptionsAt, type WorkloadMessage } from './order-workload.ts';

/** A workload message the producer refused before sending it (bad attributes, too large …). */
export interface RefusedMessage {
  readonly message: WorkloadMessage;
  /** The producer's error reason, e.g. `invalid-attribute`. */
  readonly reason: string;
  readonly error: string;
}

export interface SentWorkload {
  /** Messages SQS accepted, in the order they were handed over. */
  readonly accepted: WorkloadMessage[];
  readonly refused: RefusedMessage[];
}

export interface SendWorkloadOptions {
  /** SendMessageBatch calls in flight at once. Default 8. */
  readonly concurrency?: number;
  /** Reads the send time that `deliverAt` and `expiresAt` are stamped from. Default: the system clock. */
  readonly clock?: Clock;
}

/**
 * Sends a generated workload to a queue: orders through {@link QueueProducer} in batches of 10, each
 * batch's times stamped just before it goes out (so a slow machine cannot make a message expire before it
 * is sent), bad input (`raw`) as plain bodies. A message the producer refuses is an outcome, not a
 * crash: it is returned in `refused` with the reason, and the rest of its batch is still sent. Errors of
 * SQS itself (after the producer's retries) still throw.
 *
 * @example
 * const { accepted, refused } = await sendWorkload(sqs, queueUrl, orderWorkload({ orders: 100, expiredRate: 0.02 }));
 */
export async function sendWorkload(sqs: SQSClient, queueUrl: string, messages: readonly WorkloadMessage[], options: SendWorkloadOptions = {}): Promise<SentWorkload> {
  const clock = options.clock ?? systemClock;
  const producer = new QueueProducer<OrderJob>({ client: sqs, queueUrl, clock });
  const refused: RefusedMessage[] = [];
  const rejected = new Set<WorkloadMessage>();
  const refuse = (message: WorkloadMessage, err: unknown) => {
    if (!isPermanent(err)) throw err;
    refused.push({ message, reason: err.reason, error: err.message });
    rejected.add(message);
  };

  const sendOrders = async (chunk: readonly WorkloadMessage[]) => {
    try {
      await producer.sendBatch(chunk.map((m) => ({ payload: m.order!, options: sendOptionsAt(m, clock.now()) })));
    } catch (err) {
      // The producer checks a whole batch before sending any of it: one by one, only the refused stay behind.
      if (!isPermanent(err)) throw err;
      for (const message of chunk) await producer.send(message.order!, sendOptionsAt(message, clock.now())).catch((cause: unknown) => refuse(message, cause));
    }
  };
  const sendRaw = (chunk: readonly WorkloadMessage[]) =>
    sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: chunk.map((m, n) => ({ Id: String(n), MessageBody: m.raw! })) }));

  const chunks = [...chunksOf(messages.filter((m) => m.order), sendOrders), ...chunksOf(messages.filter((m) => m.raw !== undefined), sendRaw)];
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const inFlight: Promise<unknown>[] = [];
  for (const send of chunks) {
    inFlight.push(send());
    if (inFlight.length >= concurrency) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  return { accepted: messages.filter((m) => !rejected.has(m)), refused };
}

function chunksOf(messages: readonly WorkloadMessage[], send: (chunk: readonly WorkloadMessage[]) => Promise<unknown>): (() => Promise<unknown>)[] {
  const chunks: (() => Promise<unknown>)[] = [];
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    chunks.push(() => send(chunk));
  }
  return chunks;
}
