import { MAX_BYTES_PER_CALL, MAX_RECORDS_PER_CALL, type ProducerRecord, type StreamProducer } from '../../../../shared/stream/producer.ts';
import { expandText } from '../send-input.ts';
import type { Outgoing } from './message-source.ts';
import { sendBatches, type SendRun } from './send-batches.ts';
import { SendLedger } from './send-report.ts';

/**
 * The record `sluice send` puts for a message: its JSON under the `--partition-key` (placeholders filled).
 *
 * @example
 * const recordFor = streamRecord('c-{{i}}');
 */
export function streamRecord(partitionKey: string): (message: Outgoing) => ProducerRecord {
  return (message) => ({ data: message.payload, partitionKey: expandText(partitionKey, message.context), id: message.id });
}

/**
 * Puts checked messages to a stream in PutRecords calls of ≤ 500 records and ≤ 5 MiB, one call at a time
 * (records of one partition key keep their order), reading the source as it goes.
 *
 * @returns how many were put.
 * @throws Error with the exact count put, each record not put and why, and what was not attempted.
 * @example
 * const sent = await sendToStream({ producer, source, recordFor, total, destination: 'stream OrderStream (local)', onProgress });
 */
export async function sendToStream(args: SendRun & { producer: StreamProducer; recordFor: (message: Outgoing) => ProducerRecord }): Promise<number> {
  const ledger = new SendLedger();
  const entryFor = (message: Outgoing) => {
    const record = args.recordFor(message);
    return { entry: { ...message, record }, bytes: args.producer.check(record).bytes };
  };
  for await (const { entries } of sendBatches(args.source, { maxCount: MAX_RECORDS_PER_CALL, maxBytes: MAX_BYTES_PER_CALL, entryFor }, () => ledger.stopped)) {
    ledger.attempt(entries);
    try {
      await args.producer.sendBatch(entries.map((e) => e.record));
      ledger.sent += entries.length;
    } catch (err) {
      ledger.fail(entries, err, 'Kinesis');
    }
    args.onProgress(ledger.sent);
  }
  return ledger.finish({ total: args.total, noun: 'record', destination: args.destination });
}
