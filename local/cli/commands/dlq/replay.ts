import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteMessageCommand, SendMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { isFifoQueue } from '../../../../shared/queue/fifo.ts';
import { DLQ_ATTRIBUTES } from '../../../../shared/envelope.ts';
import { deadLetterAgeMs, deadLetterReason, replayAttributes } from './dead-letters.ts';
import { receiveBatch, releaseMessages } from './peek.ts';

export interface ReplayOptions {
  readonly sqs: SQSClient;
  readonly deadLetterUrl: string;
  readonly sourceUrl: string;
  /** Replay only dead letters with this reason (`sluice-reason`, or `redrive`). */
  readonly filter?: string;
  /** Messages per second; default as fast as SQS answers. */
  readonly ratePerSecond?: number;
  /** Long-poll seconds per receive (0 on emulators). */
  readonly waitTimeSeconds: number;
  /** Aborting stops after the message in flight; received but unreplayed messages are released. */
  readonly signal?: AbortSignal;
  readonly onReplayed?: (replayed: number) => void;
  /**
   * Dead letters older than this (ms since first sent) stay in the DLQ: past the consumer's dedup window
   * a replayed copy of a message whose effect already ran would run it again. Default: no limit.
   */
  readonly maxAgeMs?: number;
  /** Default `Date.now`. */
  readonly now?: () => number;
}

export interface ReplayResult {
  replayed: number;
  /** Left in the DLQ: another reason, too old, or dead-lettered again after the replay began. */
  skipped: number;
  /** Of `skipped`: older than `maxAgeMs`. */
  tooOld: number;
  interrupted: boolean;
}

/** Seconds a received dead letter stays hidden while it is replayed or held back. */
const HOLD_SECONDS = 60;

/** Dead letters that arrived after the replay began (e.g. a replayed message that failed again) are left alone. */
function arrivedBefore(message: Message, startedAt: number): boolean {
  const sent = Number(message.Attributes?.SentTimestamp ?? 0);
  const failedAt = Number(message.MessageAttributes?.[DLQ_ATTRIBUTES.failedAt]?.StringValue ?? 0);
  return sent < startedAt && failedAt < startedAt;
}

async function resend(options: ReplayOptions, message: Message): Promise<void> {
  const attributes = replayAttributes(message);
  const fifo = isFifoQueue(options.sourceUrl);
  await options.sqs.send(
    new SendMessageCommand({
      QueueUrl: options.sourceUrl,
      MessageBody: message.Body ?? '',
      ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}),
      // The DLQ's message id as deduplication id: a replay interrupted between send and delete and run
      // again within 5 minutes does not even make a duplicate on a FIFO queue.
      ...(fifo ? { MessageGroupId: message.Attributes?.MessageGroupId ?? 'sluice-replay', MessageDeduplicationId: message.MessageId } : {}),
    }),
  );
}

/**
 * Replays dead letters to their source queue by receive → send → delete, one message at a time:
 * the send comes first, so an interruption leaves at most one duplicate (which the consumer's dedup
 * absorbs), never a loss. The original attributes are restored (sluice's DLQ attributes removed, the
 * origin id added: see `replayAttributes`), FIFO messages keep their group; dead letters older than
 * `maxAgeMs` (the consumer's dedup window) are left in the DLQ. Stops when the DLQ holds nothing
 * older than the replay, or on `signal`.
 *
 * @example
 * const { replayed } = await replayDeadLetters({ sqs, deadLetterUrl, sourceUrl, filter: 'malformed', waitTimeSeconds: 0 });
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayResult> {
  const now = options.now ?? Date.now;
  const startedAt = now();
  const held = new Map<string, string>();
  const intervalMs = options.ratePerSecond ? 1000 / options.ratePerSecond : 0;
  let nextSlot = Date.now();
  let replayed = 0;
  const tooOld = new Set<string>();
  const aborted = () => options.signal?.aborted === true;
  try {
    while (!aborted()) {
      const batch = await receiveBatch(options.sqs, options.deadLetterUrl, HOLD_SECONDS, options.waitTimeSeconds);
      const fresh = batch.filter((m) => !held.has(m.MessageId!));
      for (const m of batch) if (held.has(m.MessageId!)) held.set(m.MessageId!, m.ReceiptHandle!);
      if (fresh.length === 0) break;
      const pending = [...fresh];
      while (pending.length > 0 && !aborted()) {
        const message = pending.shift()!;
        const old = options.maxAgeMs !== undefined && (deadLetterAgeMs(message, now()) ?? 0) > options.maxAgeMs;
        if (old) tooOld.add(message.MessageId!);
        const wanted = !old && arrivedBefore(message, startedAt) && (options.filter === undefined || deadLetterReason(message) === options.filter);
        if (!wanted) {
          held.set(message.MessageId!, message.ReceiptHandle!);
          continue;
        }
        if (intervalMs > 0) {
          const wait = nextSlot - Date.now();
          if (wait > 0) await sleep(wait, undefined, options.signal ? { signal: options.signal } : {}).catch(() => undefined);
          if (aborted()) {
            pending.unshift(message);
            break;
          }
          nextSlot = Math.max(nextSlot, Date.now()) + intervalMs;
        }
        await resend(options, message);
        await options.sqs.send(new DeleteMessageCommand({ QueueUrl: options.deadLetterUrl, ReceiptHandle: message.ReceiptHandle! }));
        replayed += 1;
        options.onReplayed?.(replayed);
      }
      await releaseMessages(options.sqs, options.deadLetterUrl, pending.map((m) => m.ReceiptHandle!));
    }
  } finally {
    await releaseMessages(options.sqs, options.deadLetterUrl, [...held.values()]);
  }
  return { replayed, skipped: held.size, tooOld: tooOld.size, interrupted: aborted() };
}
