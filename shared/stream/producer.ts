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

/** What a {@link StreamProducer} puts to and how hard it retries. */
export interface StreamProducerOptions {
  client: KinesisClient;
  streamName: string;
  /** Attempts per record before giving up, first included. Default 8. */
  maxAttempts?: number;
  /** First backoff; doubles per attempt, full jitter, capped at 5 s. Default 50 ms. */
  baseDelayMs?: number;
  /**
   * PutRecords calls of one {@link StreamProducer.sendBatch} in flight at once. Default 1. Above 1, records of
   * one key in different calls may interleave: keep 1 when per-key order matters.
   */
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** Per-call options of {@link StreamProducer.sendBatch}. */
export interface StreamSendBatchOptions {
  /** Told after each PutRecords call that put all its records: how many are put so far, of how many. */
  readonly onProgress?: (sent: number, total: number) => void;
}

/** What {@link StreamProducer.sendBatch} did. */
export interface StreamSendSummary {
  sent: number;
  calls: number;
  /** Records that failed at least once (throttled or internal error) and were put again. */
  retried: number;
}

/** What {@link StreamProducer.check} found out about a record without putting it. */
export interface CheckedRecord {
  /** Size Kinesis counts against its 1 MiB: data + partition key. */
  readonly bytes: number;
}

/**
 * Kinesis limits: 500 records and 5 MiB per PutRecords; 1 MiB per record (data + partition key).
 * {@link StreamProducer.sendBatch} splits by them; a caller that makes its own calls (to know which call a
 * failure belongs to) chunks by them too.
 *
 * @example
 * if (chunk.length === MAX_RECORDS_PER_CALL || bytes + producer.check(record).bytes > MAX_BYTES_PER_CALL) await flush();
 */
export const MAX_RECORDS_PER_CALL = 500;
export const MAX_BYTES_PER_CALL = 5 * 1024 * 1024;
export const MAX_RECORD_BYTES = 1024 * 1024;
/** Kinesis partition keys are 1 to 256 characters. */
export const MAX_PARTITION_KEY_LENGTH = 256;

/** Where {@link StreamProducer.send} put a record. */
export interface SentRecord {
  readonly sequenceNumber: string;
  readonly shardId: string;
}

/**
 * Sender for a Kinesis stream: JSON data (or raw bytes) under a partition key, checks before anything is
 * sent (a record over 1 MiB, a partition key Kinesis refuses), and PutRecords calls of at most 500 records /
 * 5 MiB in which only the entries a call reports as failed (`ProvisionedThroughputExceededException`,
 * `InternalFailure`) are put again, with exponential backoff and full jitter, up to `maxAttempts`.
 *
 * @example
 * const orders = new StreamProducer({ client: kinesis, streamName });
 * await orders.send({ data: order, partitionKey: order.customerId });
 * await orders.sendBatch(events.map((e) => ({ data: e, partitionKey: e.customerId })));
 */
export class StreamProducer {
  readonly streamName: string;
  readonly #options: StreamProducerOptions;

  constructor(options: StreamProducerOptions) {
    this.streamName = options.streamName;
    this.#options = options;
  }

  /**
   * Puts one record (again, if Kinesis reports it failed, up to `maxAttempts`).
   *
   * @throws PayloadTooLargeError, InvalidAttributeError before sending; PartialSendError when it was not accepted.
   * @example
   * const { sequenceNumber, shardId } = await producer.send({ data: { orderId: 'o-1' }, partitionKey: 'c-1' });
   */
  async send(record: ProducerRecord): Promise<SentRecord> {
    const [accepted] = await this.#putChunk([toEntry(record)], [record.id ?? record.partitionKey], { sent: 0, calls: 0, retried: 0 });
    return accepted!;
  }

  /**
   * Checks a record exactly as {@link send} would (partition key of 1 to 256 characters, at most 1 MiB of data
   * plus partition key), without sending it.
   *
   * @throws InvalidAttributeError for the partition key, PayloadTooLargeError for the size.
   * @example
   * for (const [i, event] of events.entries()) producer.check({ data: event, partitionKey: event.customerId, id: `line-${i + 1}` });
   */
  check(record: ProducerRecord): CheckedRecord {
    return { bytes: checkedSize(recordData(record), record.partitionKey) };
  }

  /**
   * Puts many records in PutRecords calls of ≤ 500 records and ≤ 5 MiB, in order (one call at a time unless
   * `concurrency` says otherwise). Every record is checked before the first call.
   *
   * @throws PayloadTooLargeError, InvalidAttributeError before sending; PartialSendError naming the records of a
   * call that still failed after `maxAttempts` (calls before it were put, calls after it were not started).
   * @example
   * const { sent, retried } = await producer.sendBatch(records, { onProgress: (sent, total) => bar.update(sent, total) });
   */
  async sendBatch(records: readonly ProducerRecord[], options: StreamSendBatchOptions = {}): Promise<StreamSendSummary> {
    const entries = records.map(toEntry);
    const ids = records.map((record) => record.id ?? record.partitionKey);
    const chunks = chunk(entries.length, (i) => entrySize(entries[i]!));
    const summary: StreamSendSummary = { sent: 0, calls: 0, retried: 0 };
    await forEachConcurrently(chunks.length, this.#options.concurrency ?? 1, async (index) => {
      const { start, end } = chunks[index]!;
      await this.#putChunk(entries.slice(start, end), ids.slice(start, end), summary);
      summary.sent += end - start;
      options.onProgress?.(summary.sent, entries.length);
    });
    return summary;
  }

  /** Puts one call's entries, then again only those it reports failed; returns where each landed. */
  async #putChunk(entries: readonly PutRecordsRequestEntry[], ids: readonly string[], summary: StreamSendSummary): Promise<SentRecord[]> {
    const maxAttempts = this.#options.maxAttempts ?? 8;
    const baseDelayMs = this.#options.baseDelayMs ?? 50;
    const accepted: SentRecord[] = new Array<SentRecord>(entries.length);
    let pending = entries.map((_, index) => index);
    for (let attempt = 1; ; attempt += 1) {
      summary.calls += 1;
      const result = await this.#options.client.send(new PutRecordsCommand({ StreamName: this.streamName, Records: pending.map((index) => entries[index]!) }));
      const failed: { index: number; code?: string; message?: string }[] = [];
      pending.forEach((index, i) => {
        const outcome = result.Records?.[i];
        if (result.FailedRecordCount && outcome?.ErrorCode) failed.push({ index, code: outcome.ErrorCode, message: outcome.ErrorMessage });
        else accepted[index] = { sequenceNumber: outcome?.SequenceNumber ?? '', shardId: outcome?.ShardId ?? '' };
      });
      if (failed.length === 0) return accepted;
      if (attempt >= maxAttempts) {
        throw new PartialSendError(
          `${failed.length} of ${entries.length} records were not accepted after ${attempt} attempts`,
          failed.map(({ index, code, message }) => ({ id: ids[index] ?? '', code, message })),
        );
      }
      summary.retried += failed.length;
      pending = failed.map((f) => f.index);
      await (this.#options.sleep ?? sleep)(Math.random() * Math.min(5_000, baseDelayMs * 2 ** attempt));
    }
  }
}

/** The bytes a record's data is put as: raw bytes as they are, anything else as JSON. */
function recordData(record: ProducerRecord): Uint8Array {
  return record.data instanceof Uint8Array ? record.data : Buffer.from(JSON.stringify(record.data), 'utf8');
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

function entrySize(entry: PutRecordsRequestEntry): number {
  return (entry.Data?.byteLength ?? 0) + Buffer.byteLength(entry.PartitionKey ?? '');
}

/** Index ranges of at most 500 records and 5 MiB each, in order. */
function chunk(count: number, sizeOf: (index: number) => number): { start: number; end: number }[] {
  const chunks: { start: number; end: number }[] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < count; i += 1) {
    const size = sizeOf(i);
    if (i - start === MAX_RECORDS_PER_CALL || (i > start && bytes + size > MAX_BYTES_PER_CALL)) {
      chunks.push({ start, end: i });
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (count > start) chunks.push({ start, end: count });
  return chunks;
}
