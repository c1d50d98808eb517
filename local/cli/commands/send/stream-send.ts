import { MAX_BYTES_PER_CALL, MAX_RECORDS_PER_CALL, type ProducerRecord, type StreamProducer } from '../../../../shared/stream/producer.ts';
import { expandText } from '../send-input.ts';
import type { MessageSource, Outgoing } from './message-source.ts';
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
export async function sendToStream(args: {
  producer: StreamProducer;
  source: MessageSource;
  recordFor: (message: Outgoing) => ProducerRecord;
  total: number;
  destination: string;
  onProgress: (sent: number) => void;
}): Promise<number> {
  const ledger = new SendLedger();
  let chunk: (Outgoing & { record: ProducerRecord })[] = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (chunk.length === 0) return;
    ledger.attempt(chunk);
    try {
      await args.producer.sendBatch(chunk.map((c) => c.record));
      ledger.sent += chunk.length;
    } catch (err) {
      ledger.fail(chunk, err, 'Kinesis');
    }
    chunk = [];
    bytes = 0;
    args.onProgress(ledger.sent);
  };
  for await (const message of args.source.messages()) {
    if ('problem' in message) continue; // cannot happen after checkAll
    const record = args.recordFor(message);
    const size = args.producer.check(record).bytes;
    if (chunk.length === MAX_RECORDS_PER_CALL || bytes + size > MAX_BYTES_PER_CALL) await flush();
    if (ledger.stopped) break;
    chunk.push({ ...message, record });
    bytes += size;
  }
  if (!ledger.stopped) await flush();
  return ledger.finish({ total: args.total, noun: 'record', destination: args.destination });
}
