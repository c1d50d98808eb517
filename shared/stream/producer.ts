import { setTimeout as sleep } from 'node:timers/promises';
import { PutRecordsCommand, type KinesisClient, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { InvalidAttributeError, PartialSendError, PayloadTooLargeError } from '../errors.ts';
import { forEachConcurrently } from '../concurrency.ts';

/** One record to put: JSON-serialized `data` (or raw bytes) under a partition key. */
export interface ProducerRecord {
  readonly data: unknown;
  readonly partitionKey: string;
  /** Names the record in PartialSendError. Default: its partition key. */
  readonly id?: string;
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
/** Kinesis partition keys are 1 to 256 characters. */
export const MAX_PARTITION_KEY_LENGTH = 256;

/**
 * Puts records with PutRecords: chunks of at most 500 records / 5 MiB, and only the entries a call
 * reports as failed (`ProvisionedThroughputExceededException`, `InternalFailure`) are put again, with
 * exponential backoff and full jitter. A record over 1 MiB, or with a partition key Kinesis refuses,
 * is refused before anything is sent ({@link checkRecord}).
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
  const ids = new Map(entries.map((entry, i) => [entry, records[i]!.id ?? records[i]!.partitionKey]));
  const chunks = chunk(entries);
  const summary: PutRecordsSummary = { sent: 0, calls: 0, retried: 0 };
  await forEachConcurrently(chunks.length, options.concurrency ?? 1, async (index) => {
    const entriesOfChunk = chunks[index]!;
    await putChunk(kinesis, streamName, entriesOfChunk, options, summary, ids);
    summary.sent += entriesOfChunk.length;
    options.onProgress?.(summary.sent, entries.length);
  });
  return summary;
}

async function putChunk(
  kinesis: KinesisClient,
  streamName: string,
  entries: PutRecordsRequestEntry[],
  options: PutRecordsOptions,
  summary: PutRecordsSummary,
  ids: ReadonlyMap<PutRecordsRequestEntry, string>,
) {
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
        failed.map(({ entry, code, message }) => ({ id: ids.get(entry) ?? '', code, message })),
      );
    }
    summary.retried += failed.length;
    pending = failed.map((f) => f.entry);
    await sleep(Math.random() * Math.min(5_000, baseDelayMs * 2 ** attempt));
  }
}

/** The bytes a record's data is put as: raw bytes as they are, anything else as JSON. */
function recordData(record: ProducerRecord): Uint8Array {
  return record.data instanceof Uint8Array ? record.data : Buffer.from(JSON.stringify(record.data), 'utf8');
}

/**
 * Checks a record as {@link putRecords} does before sending anything: a partition key of 1 to 256
 * characters, and at most 1 MiB of data plus partition key.
 *
 * @returns the record's size in bytes (data + partition key).
 * @throws InvalidAttributeError for the partition key, PayloadTooLargeError for the size.
 * @example
 * checkRecord({ data: event, partitionKey: event.customerId });
 */
export function checkRecord(record: ProducerRecord): number {
  return checkedSize(recordData(record), record.partitionKey);
}

function checkedSize(data: Uint8Array, partitionKey: string): number {
  if (partitionKey.length < 1 || partitionKey.length > MAX_PARTITION_KEY_LENGTH) {
    throw new InvalidAttributeError(`the partition key is ${partitionKey.length} characters; Kinesis accepts 1 to ${MAX_PARTITION_KEY_LENGTH}`);
  }
  const size = data.byteLength + Buffer.byteLength(partitionKey);
  if (size > MAX_RECORD_BYTES) {
    throw new PayloadTooLargeError(`the record is ${size.toLocaleString('en-US')} bytes (data + partition key); Kinesis accepts at most ${MAX_RECORD_BYTES.toLocaleString('en-US')}`);
  }
  return size;
}

function toEntry(record: ProducerRecord): PutRecordsRequestEntry {
  const Data = recordData(record);
  checkedSize(Data, record.partitionKey);
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
