import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { hopAttributes } from '../envelope.ts';

/** SQS's longest per-message delay, in seconds. */
export const MAX_DELAY_SECONDS = 900;

/**
 * Default horizon of `sluice-deliver-at`: 30 days (2,880 hops of 15 minutes). A message due later goes to
 * the DLQ as `delay-too-long` rather than hopping for ever; schedule such work with EventBridge Scheduler.
 *
 * @example
 * new QueueProducer({ ...options, maxDeliverAtMs: DEFAULT_MAX_DELIVER_AT_MS / 2 });
 */
export const DEFAULT_MAX_DELIVER_AT_MS = 30 * 24 * 3_600_000;

/**
 * Seconds to wait for `remainingMs`, rounded up (never early) and capped at SQS's 900 s.
 *
 * @example
 * delaySecondsFor(3_600_000); // 900
 * delaySecondsFor(1_500); // 2
 */
export function delaySecondsFor(remainingMs: number): number {
  return Math.min(Math.max(0, Math.ceil(remainingMs / 1000)), MAX_DELAY_SECONDS);
}

/**
 * Honours a `deliverAt` beyond SQS's 15 minutes by hops: the early message is sent again to the same
 * queue with the same body and attributes, `sluice-hops` + 1 and the longest delay that does not
 * overshoot; for a consumer keyed on message ids also `sluice-origin-id`, as the copy gets a new id.
 * The caller acknowledges the original only after this resolves (a crash in between makes a
 * duplicate, which dedup absorbs).
 *
 * @example
 * await redeliverLater(sqs, queueUrl, record, { remainingMs: deliverAt - clock.now(), hops: envelope.hops + 1 });
 */
export async function redeliverLater(
  client: SQSClient,
  queueUrl: string,
  record: SQSRecord,
  hop: { remainingMs: number; hops: number; /** Set `sluice-origin-id` to this when the message has none. */ originId?: string },
): Promise<{ delaySeconds: number; hopsRecorded: boolean }> {
  const delaySeconds = delaySecondsFor(hop.remainingMs);
  const { attributes, hopsRecorded } = hopAttributes(record.messageAttributes, hop.hops, hop.originId);
  await client.send(
    new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: record.body, MessageAttributes: attributes, DelaySeconds: delaySeconds }),
  );
  return { delaySeconds, hopsRecorded };
}
