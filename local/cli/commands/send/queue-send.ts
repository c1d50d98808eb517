import { createHash } from 'node:crypto';
import type { QueueProducer, SendOptions } from '../../../../shared/queue/producer.ts';
import { MAX_DELAY_SECONDS } from '../../../../shared/queue/redelivery.ts';
import { MAX_SQS_MESSAGE_BYTES } from '../../../../shared/queue/size.ts';
import { forEachOfConcurrently } from '../../../../shared/concurrency.ts';
import { expandText } from '../send-input.ts';
import type { Outgoing } from './message-source.ts';
import { sendBatches, type SendRun } from './send-batches.ts';
import { SendLedger } from './send-report.ts';

/** The queue options of `sluice send`. */
export interface QueueSendCliOptions {
  readonly delay?: number;
  readonly ttl?: number;
  readonly dedupKey?: string;
  readonly group?: string;
}

/** SendMessageBatch calls in flight at once on a standard queue (a FIFO queue gets 1, to keep the order). */
const CONCURRENT_BATCHES = 8;
/** Body bytes in flight at most (beyond one batch): what bounds memory when messages are large. */
const IN_FLIGHT_BYTES = 4 * MAX_SQS_MESSAGE_BYTES;

/** Characters SQS accepts in a body: #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF. */
// eslint-disable-next-line no-control-regex -- tab, LF and CR are exactly the control characters SQS allows
const REFUSED_CHARACTER = /[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
/** SQS message group ids: 1–128 printable ASCII characters. */
const GROUP_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * The QueueProducer options of each message, from the command line (placeholders filled per message).
 *
 * @example
 * const optionsFor = queueSendOptions({ dedupKey: 'order-{{i}}' }, Date.now());
 */
export function queueSendOptions(opts: QueueSendCliOptions, now: number): (message: Outgoing) => SendOptions {
  return (message) => {
    const options: SendOptions = {};
    if (opts.delay) {
      if (opts.delay <= MAX_DELAY_SECONDS) options.delaySeconds = opts.delay;
      else options.deliverAt = now + opts.delay * 1000;
    }
    if (opts.ttl !== undefined) options.expiresAt = now + opts.ttl * 1000;
    if (opts.dedupKey !== undefined) options.dedupKey = expandText(opts.dedupKey, message.context);
    if (opts.group !== undefined) options.groupId = expandText(opts.group, message.context);
    return options;
  };
}

/**
 * Counts the messages of one send whose FIFO deduplication id repeats an earlier one's: SQS keeps one
 * message per id within 5 minutes. Keeps a 72-bit digest per id (≈ 60 bytes a message), FIFO sends only.
 */
export class RepeatedDeduplicationIds {
  repeats = 0;
  readonly #seen = new Set<string>();

  add(deduplicationId: string): void {
    const digest = createHash('sha256').update(deduplicationId).digest('base64url').slice(0, 12);
    if (this.#seen.has(digest)) this.repeats += 1;
    else this.#seen.add(digest);
  }
}

/**
 * What is wrong with one message for a queue, checked as the producer would send it, plus what SQS
 * refuses that the producer does not check (characters of the body, a FIFO group id's form).
 *
 * @example
 * await checkAll(source, queueMessageCheck(producer, optionsFor, repeats));
 */
export function queueMessageCheck(producer: QueueProducer, optionsFor: (message: Outgoing) => SendOptions, repeats: RepeatedDeduplicationIds) {
  return (message: Outgoing): string | undefined => {
    const refused = REFUSED_CHARACTER.exec(JSON.stringify(message.payload));
    if (refused) return `the body holds U+${refused[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}, which SQS does not accept in a message`;
    const options = optionsFor(message);
    if (producer.fifo && options.groupId !== undefined && !GROUP_ID.test(options.groupId)) {
      return `the message group id "${options.groupId}" is not 1 to 128 printable ASCII characters, as SQS requires`;
    }
    const { deduplicationId } = producer.check(message.payload, options, message.id);
    if (deduplicationId !== undefined) repeats.add(deduplicationId);
    return undefined;
  };
}

/**
 * Sends checked messages to a queue in batches of ≤ 10 and ≤ 1 MiB (several in flight on a standard
 * queue, up to 4 MiB of bodies; one at a time on a FIFO queue, to keep the order), reading the source
 * as it goes, so memory stays flat. Stops at the first batch SQS does not fully accept, once the
 * batches in flight are done.
 *
 * @returns how many were sent.
 * @throws Error with the exact count sent, each message not sent and why, and what was not attempted.
 * @example
 * const sent = await sendToQueue({ producer, source, optionsFor, total, destination: 'queue Orders (local)', onProgress });
 */
export async function sendToQueue(args: SendRun & { producer: QueueProducer; optionsFor: (message: Outgoing) => SendOptions }): Promise<number> {
  const ledger = new SendLedger();
  const entryFor = (message: Outgoing) => ({ entry: message, bytes: Buffer.byteLength(JSON.stringify(message.payload)) });
  await forEachOfConcurrently(
    sendBatches(args.source, { maxCount: 10, maxBytes: MAX_SQS_MESSAGE_BYTES, entryFor }, () => ledger.stopped),
    args.producer.fifo ? 1 : CONCURRENT_BATCHES,
    async ({ entries: messages }) => {
      ledger.attempt(messages);
      try {
        await args.producer.sendBatch(messages.map((m) => ({ id: m.id, payload: m.payload, options: args.optionsFor(m) })));
        ledger.sent += messages.length;
      } catch (err) {
        ledger.fail(messages, err, 'SQS');
      } finally {
        args.onProgress(ledger.sent);
      }
    },
    { stopWhen: () => ledger.stopped, budget: IN_FLIGHT_BYTES, weigh: (batch) => batch.bytes },
  );
  return ledger.finish({ total: args.total, noun: 'message', destination: args.destination });
}
