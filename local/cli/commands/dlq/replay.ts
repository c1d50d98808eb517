import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock, type Clock } from '../../../../shared/clock.ts';
import { DeleteMessageCommand, SendMessageCommand, type Message, type MessageAttributeValue, type SQSClient } from '@aws-sdk/client-sqs';
import { isFifoQueue } from '../../../../shared/queue/fifo.ts';
import { queueDepth, type QueueDepth } from '../../../../shared/queue/queue-depth.ts';
import { DLQ_ATTRIBUTES } from '../../../../shared/envelope.ts';
import { deadLetterAgeMs, deadLetterReason, replayAttributes } from './dead-letters.ts';
import { HeldMessages } from './held-messages.ts';
import { receiveBatch } from './peek.ts';

/** Default seconds a received dead letter stays hidden between extensions (and after a killed replay). */
export const DEFAULT_VISIBILITY_TIMEOUT = 30;
/** Default seconds replay keeps trying while the DLQ's counts say dead letters are left it cannot receive. */
export const DEFAULT_WAIT_SECONDS = 60;

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
  /** Seconds each received dead letter stays hidden; extended while replay holds it. Default 30. */
  readonly visibilityTimeout?: number;
  /** How long (ms) to keep trying without progress while the DLQ's counts say dead letters are left. Default 60 s. */
  readonly waitMs?: number;
  /** Pause (ms) between receives while waiting for dead letters to come back. Default 1 s. */
  readonly pollMs?: number;
  /** Aborting stops after the message in flight; received but unreplayed messages are released. */
  readonly signal?: AbortSignal;
  readonly onReplayed?: (replayed: number) => void;
  /**
   * Dead letters older than this (ms since first sent) stay in the DLQ: past the consumer's dedup window
   * a replayed copy of a message whose effect already ran would run it again. Default: no limit.
   */
  readonly maxAgeMs?: number;
  /** The clock of dead-letter ages and of when the replay began. Default the system clock. */
  readonly clock?: Clock;
}

/** A dead letter replay leaves in the DLQ because it cannot be sent back as it was. */
export interface UnreplayableDeadLetter {
  readonly messageId: string;
  readonly problem: string;
}

export interface ReplayResult {
  replayed: number;
  interrupted: boolean;
  /** Left on purpose: another reason than `filter`. */
  filteredOut: number;
  /** Dead-lettered after the replay began (e.g. replayed messages that failed again): left for the next replay. */
  newer: number;
  /** Left on purpose: older than `maxAgeMs` (the consumer's dedup window). */
  tooOld: number;
  /** Left because they cannot be replayed (e.g. a malformed `sluice-overflow-attributes`), with why. */
  unreplayable: UnreplayableDeadLetter[];
  /**
   * What the DLQ's counts said when the replay stopped, beyond the messages it held itself: in flight
   * with another reader, visible but not received (on a FIFO queue: behind the head of their message
   * group), delayed. Undefined when interrupted.
   */
  unreached?: QueueDepth;
  /** Whether it stopped because `waitMs` passed without progress (rather than the counts saying it was done). */
  timedOut: boolean;
  fifo: boolean;
  /** Every reason seen, with its count (to hint at a `filter` that matched none). */
  reasons: Map<string, number>;
  /** The error that stopped the replay; what was replayed before it stays replayed. */
  error?: Error;
}

/** SendMessage errors that are about the one message (its contents or attributes), not the queue or the caller. */
const MESSAGE_REFUSED = new Set(['InvalidMessageContents', 'InvalidAttributeName', 'InvalidAttributeValue', 'InvalidParameterValue']);

/** Dead letters that arrived after the replay began (e.g. a replayed message that failed again) are left alone. */
function arrivedBefore(message: Message, startedAt: number): boolean {
  const sent = Number(message.Attributes?.SentTimestamp ?? 0);
  const failedAt = Number(message.MessageAttributes?.[DLQ_ATTRIBUTES.failedAt]?.StringValue ?? 0);
  return sent < startedAt && failedAt < startedAt;
}

async function resend(options: ReplayOptions, message: Message, attributes: Record<string, MessageAttributeValue>): Promise<void> {
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

function abortableSleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return sleep(ms, undefined, signal ? { signal } : {}).catch(() => undefined);
}

/**
 * Replays dead letters to their source queue by receive → send → delete, one message at a time:
 * the send comes first, so an interruption leaves at most one duplicate (which the consumer's dedup
 * absorbs), never a loss. The original attributes are restored (sluice's DLQ attributes removed, the
 * origin id added: see `replayAttributes`), FIFO messages keep their group. Dead letters older than
 * `maxAgeMs` (the consumer's dedup window) are left in the DLQ.
 *
 * Every received message stays hidden, its visibility extended, until it is replayed or the replay ends:
 * a slow `ratePerSecond` never lets another reader get a message replay is about to send. A dead letter
 * that cannot be replayed is skipped and reported, never a stop. The replay ends when the DLQ's own
 * counts (visible + in flight + delayed) hold nothing but the messages it leaves on purpose, or when
 * `waitMs` passes without progress (another reader holds messages, FIFO groups are blocked), or on `signal`.
 *
 * @example
 * const { replayed, unreplayable } = await replayDeadLetters({ sqs, deadLetterUrl, sourceUrl, filter: 'malformed', waitTimeSeconds: 0 });
 */
export async function replayDeadLetters(options: ReplayOptions): Promise<ReplayResult> {
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  const visibilityTimeout = options.visibilityTimeout ?? DEFAULT_VISIBILITY_TIMEOUT;
  const waitMs = options.waitMs ?? DEFAULT_WAIT_SECONDS * 1000;
  const fifo = isFifoQueue(options.deadLetterUrl);
  const held = new HeldMessages(options.sqs, options.deadLetterUrl, visibilityTimeout);
  /** Messages left in the DLQ on purpose, kept hidden until the end so they are not received again and again. */
  const left = new Set<string>();
  const result: ReplayResult = { replayed: 0, interrupted: false, filteredOut: 0, newer: 0, tooOld: 0, unreplayable: [], timedOut: false, fifo, reasons: new Map() };
  const intervalMs = options.ratePerSecond ? 1000 / options.ratePerSecond : 0;
  let nextSlot = Date.now();
  let lastProgress = Date.now();
  const aborted = () => options.signal?.aborted === true;

  /** Why a dead letter stays in the DLQ, or undefined when it is to be replayed (with its original attributes). */
  const triage = (message: Message): { attributes: Record<string, MessageAttributeValue> } | undefined => {
    const reason = deadLetterReason(message);
    result.reasons.set(reason, (result.reasons.get(reason) ?? 0) + 1);
    if (!arrivedBefore(message, startedAt)) result.newer += 1;
    else if (options.filter !== undefined && reason !== options.filter) result.filteredOut += 1;
    else if (options.maxAgeMs !== undefined && (deadLetterAgeMs(message, clock.now()) ?? 0) > options.maxAgeMs) result.tooOld += 1;
    else {
      try {
        return { attributes: replayAttributes(message) };
      } catch (err) {
        result.unreplayable.push({ messageId: message.MessageId!, problem: (err as Error).message });
      }
    }
    left.add(message.MessageId!);
    return undefined;
  };

  const replayOne = async (message: Message): Promise<void> => {
    const id = message.MessageId!;
    const replayable = triage(message);
    if (!replayable) return;
    if (intervalMs > 0) {
      const wait = nextSlot - Date.now();
      if (wait > 0) await abortableSleep(wait, options.signal);
      if (aborted()) return;
      nextSlot = Math.max(nextSlot, Date.now()) + intervalMs;
    }
    // Another reader may have received it while it waited (only if this process stalled past its hold).
    if (!(await held.confirm(id))) return;
    try {
      await resend(options, message, replayable.attributes);
    } catch (err) {
      if (!MESSAGE_REFUSED.has((err as Error).name)) throw err;
      result.unreplayable.push({ messageId: id, problem: `SQS refused it: ${(err as Error).name}: ${(err as Error).message}` });
      left.add(id);
      return;
    }
    await options.sqs.send(new DeleteMessageCommand({ QueueUrl: options.deadLetterUrl, ReceiptHandle: held.receiptHandle(id)! }));
    held.forget(id);
    result.replayed += 1;
    options.onReplayed?.(result.replayed);
  };

  try {
    while (!aborted()) {
      const batch = await receiveBatch(options.sqs, options.deadLetterUrl, visibilityTimeout, options.waitTimeSeconds);
      // A message left on purpose whose hold lapsed comes back: hold it again, it is not news.
      const fresh = batch.filter((message) => !left.has(message.MessageId!));
      for (const message of batch) held.hold(message);
      if (fresh.length > 0) {
        lastProgress = Date.now();
        for (const message of fresh) {
          if (aborted()) break;
          await replayOne(message);
        }
        continue;
      }
      // Nothing new to receive: the DLQ's counts say whether anything is left beyond what this replay holds.
      const depth = await queueDepth(options.sqs, options.deadLetterUrl);
      const unreached = { visible: depth.visible, inFlight: Math.max(0, depth.inFlight - held.size), delayed: depth.delayed };
      result.unreached = unreached;
      if (unreached.visible + unreached.inFlight + unreached.delayed === 0) break;
      // FIFO: with no other reader and nothing delayed, what is visible waits behind the head of its group, which this replay leaves: no wait changes that.
      if (fifo && unreached.inFlight === 0 && unreached.delayed === 0 && held.size > 0) break;
      if (Date.now() - lastProgress >= waitMs) {
        result.timedOut = true;
        break;
      }
      await abortableSleep(options.pollMs ?? 1000, options.signal);
    }
  } catch (err) {
    result.error = err as Error;
  } finally {
    await held.releaseAll();
  }
  result.interrupted = aborted();
  if (result.interrupted) delete result.unreached;
  return result;
}
