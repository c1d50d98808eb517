import { setTimeout as sleep } from 'node:timers/promises';
import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { PartialSendError, PayloadTooLargeError } from '../errors.ts';

/** One record to put: JSON-serialized `data` (or raw bytes) under a partition key. */
export interface ProducerRecord {
  readonly data: unknown;
  readonly partitionKey: string;
}

export interface PutRecordsOptions {
  /** Attempts per record before giving up (first try included). */
  readonly maxAttempts?: number;
  readonly baseDelayMs?: number;
  /** Calls in flight at once. Above 1, records of one key in different calls may interleave: keep 1 when per-key order matters. */
  readonly concurrency?: number;
  readonly onProgress?: (sent: number, total: number) => void;
}

export interface PutRecordsSummary {
  sent: number;
  calls: number;
  /** Records that failed at least once (throttled or internal error) and were put again. */
  retried: number;
}

/** Kinesis limits: 500 records and 5 MiB per PutRecords; 1 MiB per record (data + partition key). */
export const MAX_RECORDS_PER_CALL = 500;
export const MAX_BYTES_PER_CALL = 5 * 1024 * 1024;
export const MAX_RECORD_BYTES = 1024 * 1024;

/**
 * Puts records with PutRecords: chunks of at most 500 records / 5 MiB, and only the entries a call
 * reports as failed (`ProvisionedThroughputExceededException`, `InternalFailure`) are put again, with
 * exponential backoff and full jitter. A record over 1 MiB is refused before anything is sent.
 *
 * @example
 * await putRecords(kinesis, 'orders', events.map((e) => ({ data: e, partitionKey: e.customerId })));
 */
export async function putRecords(
  kinesis: KinesisClient,
  streamName: string,
  records: readonly ProducerRecord[],
  options: PutRecordsOptions = {},
): Promise<PutRecordsSummary> {
  const entries = records.map(toEntry);
  const chunks = chunk(entries);
  const summary: PutRecordsSummary = { sent: 0, calls: 0, retried: 0 };
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const entriesOfChunk = chunks[next++]!;
      await putChunk(kinesis, streamName, entriesOfChunk, options, summary);
      summary.sent += entriesOfChunk.length;
      options.onProgress?.(summary.sent, entries.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, worker));
  return summary;
}

async function putChunk(kinesis: KinesisClient, streamName: string, entries: PutRecordsRequestEntry[], options: PutRecordsOptions, summary: PutRecordsSummary) {
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 50;
  let pending = entries;
  for (let attempt = 1; ; attempt += 1) {
    summary.calls += 1;
    const result = await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records: pending }));
    if (!result.FailedRecordCount) return;
    const failed = pending.flatMap((entry, i) => {
      const outcome = result.Records?.[i];
      return outcome?.ErrorCode ? [{ entry, code: outcome.ErrorCode, message: outcome.ErrorMessage }] : [];
    });
    if (attempt >= maxAttempts) {
      throw new PartialSendError(
        `${failed.length} of ${entries.length} records were not accepted after ${attempt} attempts`,
        failed.map(({ entry, code, message }) => ({ id: entry.PartitionKey ?? '', code, message })),
      );
    }
    summary.retried += failed.length;
    pending = failed.map((f) => f.entry);
    await sleep(Math.random() * Math.min(5_000, baseDelayMs * 2 ** attempt));
  }
}

function toEntry(record: ProducerRecord): PutRecordsRequestEntry {
  const Data = record.data instanceof Uint8Array ? record.data : Buffer.from(JSON.stringify(record.data), 'utf8');
  const size = Data.byteLength + Buffer.byteLength(record.partitionKey);
  if (size > MAX_RECORD_BYTES) throw new PayloadTooLargeError(`record for partition key ${record.partitionKey} is ${size} bytes; Kinesis accepts at most ${MAX_RECORD_BYTES}`);
  return { Data, PartitionKey: record.partitionKey };
}

function chunk(entries: PutRecordsRequestEntry[]): PutRecordsRequestEntry[][] {
  const chunks: PutRecordsRequestEntry[][] = [];
  let current: PutRecordsRequestEntry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = (entry.Data?.byteLength ?? 0) + Buffer.byteLength(entry.PartitionKey ?? '');
    if (current.length === MAX_RECORDS_PER_CALL || bytes + size > MAX_BYTES_PER_CALL) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
