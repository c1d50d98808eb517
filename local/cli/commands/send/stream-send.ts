import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { PartialSendError } from '../../../../shared/errors.ts';
import { checkRecord, MAX_BYTES_PER_CALL, MAX_RECORDS_PER_CALL, putRecords, type ProducerRecord } from '../../../../shared/stream/producer.ts';
import { expandText } from '../send-input.ts';
import type { MessageSource, Outgoing } from './message-source.ts';
import { ProblemList, stoppedSendReport } from './send-report.ts';

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
 * const sent = await sendToStream({ kinesis, streamName, source, recordFor, total, destination: 'stream OrderStream (local)', onProgress });
 */
export async function sendToStream(args: {
  kinesis: KinesisClient;
  streamName: string;
  source: MessageSource;
  recordFor: (message: Outgoing) => ProducerRecord;
  total: number;
  destination: string;
  onProgress: (sent: number) => void;
}): Promise<number> {
  const failed = new ProblemList();
  let error: Error | undefined;
  let sent = 0;
  let attempted = 0;
  let lastAttempted: string | undefined;
  let chunk: { record: ProducerRecord; where: string }[] = [];
  let bytes = 0;
  const flush = async (): Promise<boolean> => {
    if (chunk.length === 0) return true;
    attempted += chunk.length;
    lastAttempted = chunk.at(-1)!.where;
    try {
      await putRecords(args.kinesis, args.streamName, chunk.map((c) => c.record));
      sent += chunk.length;
    } catch (err) {
      if (!(err instanceof PartialSendError)) error = err as Error;
      else {
        const where = new Map(chunk.map((c) => [c.record.id, c.where]));
        sent += chunk.length - err.failed.length;
        for (const f of err.failed) failed.add({ where: where.get(f.id) ?? f.id, problem: `not accepted by Kinesis: ${f.code ?? 'error'}: ${f.message ?? ''}` });
      }
    }
    chunk = [];
    bytes = 0;
    args.onProgress(sent);
    return error === undefined && failed.count === 0;
  };
  let going = true;
  for await (const message of args.source.messages()) {
    if ('problem' in message) continue; // cannot happen after checkAll
    const record = args.recordFor(message);
    const size = checkRecord(record);
    if (chunk.length === MAX_RECORDS_PER_CALL || bytes + size > MAX_BYTES_PER_CALL) going = await flush();
    if (!going) break;
    chunk.push({ record, where: message.where });
    bytes += size;
  }
  if (going) going = await flush();
  if (!going) {
    throw new Error(
      stoppedSendReport({
        sent,
        total: args.total,
        noun: 'record',
        destination: args.destination,
        failed,
        notAttempted: args.total - attempted,
        ...(lastAttempted !== undefined ? { lastAttempted } : {}),
        ...(error ? { error } : {}),
      }),
    );
  }
  return sent;
}
