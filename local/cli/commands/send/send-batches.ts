import type { MessageSource, Outgoing } from './message-source.ts';

/** What every `sluice send` run works from and reports to, whatever the destination. */
export interface SendRun {
  readonly source: MessageSource;
  /** How many messages the check counted: the report says "sent N of total". */
  readonly total: number;
  /** Where the messages go, as the report names it: `queue Orders (local)`. */
  readonly destination: string;
  readonly onProgress: (sent: number) => void;
}

/** How large one call of the destination's batch API may be. */
export interface BatchLimits<T> {
  readonly maxCount: number;
  readonly maxBytes: number;
  /** What is sent for a message, and the bytes it counts against `maxBytes`. */
  readonly entryFor: (message: Outgoing) => { entry: T; bytes: number };
}

/** One call's worth of entries. */
export interface SendBatch<T> {
  readonly entries: T[];
  readonly bytes: number;
}

/**
 * Reads a source once, as it goes, and groups its messages into batches of at most `maxCount` entries and
 * `maxBytes` (an entry larger than that alone makes a batch of one, for the service to judge). Stops reading
 * once `stopWhen` answers true (a send that failed sends nothing more).
 *
 * @example
 * for await (const batch of sendBatches(source, { maxCount: 10, maxBytes: MAX_SQS_MESSAGE_BYTES, entryFor }, () => ledger.stopped)) await send(batch.entries);
 */
export async function* sendBatches<T>(source: MessageSource, limits: BatchLimits<T>, stopWhen: () => boolean): AsyncGenerator<SendBatch<T>> {
  let entries: T[] = [];
  let bytes = 0;
  for await (const message of source.messages()) {
    if (stopWhen()) return;
    if ('problem' in message) continue; // cannot happen after checkAll; a file changed meanwhile is read as it is now
    const next = limits.entryFor(message);
    if (entries.length === limits.maxCount || (entries.length > 0 && bytes + next.bytes > limits.maxBytes)) {
      yield { entries, bytes };
      entries = [];
      bytes = 0;
    }
    entries.push(next.entry);
    bytes += next.bytes;
  }
  if (entries.length > 0 && !stopWhen()) yield { entries, bytes };
}
