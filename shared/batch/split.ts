import type { S3Client } from '@aws-sdk/client-s3';
import { systemClock, type Clock } from '../clock.ts';
import { jobContext, type JobContext, type JobSpec } from './job-spec.ts';
import { jobLayout } from './job-layout.ts';
import { partitionerFor } from './partitioners.ts';
import { readCsvRecords, readJsonLineBatches, type BadLine, type BadRecordHandling, type NumberedRecord } from './record-readers.ts';
import { chunkLine } from './run-lines.ts';
import { openObject, writeObject, type S3Location } from './s3-objects.ts';

/** One partition as Split wrote it: `chunks` objects of `records` lines in total. */
export interface PartitionRef {
  readonly index: number;
  readonly records: number;
  readonly chunks: number;
}

/**
 * What Split returns and the rest of the state machine carries. Kept small: the partition list is
 * inline only up to `inlineMaxPartitions`; beyond, it is in S3 (`manifest`) for a Distributed Map.
 */
export interface SplitResult {
  readonly jobId: string;
  readonly job: JobContext;
  readonly workBucket: string;
  readonly partitionCount: number;
  readonly records: number;
  readonly skipped: number;
  /** The first bad lines (at most 20), with their 1-based line numbers. */
  readonly badLines: BadLine[];
  readonly startedAt: number;
  readonly mode: 'inline' | 'distributed';
  readonly partitions?: PartitionRef[];
  readonly manifest?: S3Location;
}

export interface SplitOptions {
  readonly s3: S3Client;
  /** Bucket for intermediate data (`tmp/<jobId>/…`). */
  readonly workBucket: string;
  /** A partition's buffer is written as one chunk object when it reaches this size. */
  readonly chunkBytes?: number;
  /** Bound on all buffered partition data; the largest buffer is flushed beyond it. */
  readonly maxBufferedBytes?: number;
  readonly inlineMaxPartitions?: number;
  readonly clock?: Clock;
}

const MAX_REPORTED_BAD_LINES = 20;
const MAX_PUTS_IN_FLIGHT = 4;

/**
 * Streams a job's input once, routes each record to its partition and writes the partitions to S3 as
 * chunk lines ({@link chunkLine}). Memory is bounded by `maxBufferedBytes`, whatever the input size. Each line keeps
 * the record's input line number (`i`), the tiebreak that makes the final merge a stable sort.
 *
 * @example
 * const split = await splitJob(spec, { s3, workBucket: 'sluice-batch' });
 */
export async function splitJob(spec: JobSpec, options: SplitOptions): Promise<SplitResult> {
  const { s3, workBucket, chunkBytes = 4 << 20, maxBufferedBytes = 64 << 20, inlineMaxPartitions = 100, clock = systemClock } = options;
  const startedAt = clock.now();
  const layout = jobLayout(workBucket, spec.jobId);
  const partitioner = partitionerFor(spec.partition);
  const buffers = Array.from({ length: partitioner.count }, () => ({ lines: [] as string[], bytes: 0, records: 0, chunks: 0 }));
  const inFlight = new Set<Promise<void>>();
  let buffered = 0;
  let records = 0;
  let skipped = 0;
  const badLines: BadLine[] = [];

  const flush = async (index: number) => {
    const buffer = buffers[index]!;
    if (buffer.lines.length === 0) return;
    const body = buffer.lines.join('');
    const chunk = buffer.chunks++;
    buffered -= buffer.bytes;
    buffer.lines = [];
    buffer.bytes = 0;
    const put = writeObject(s3, layout.chunk(index, chunk), body).finally(() => inFlight.delete(put));
    inFlight.add(put);
    if (inFlight.size >= MAX_PUTS_IN_FLIGHT) await Promise.race(inFlight);
  };

  const onSkip = (bad: BadLine) => {
    skipped += 1;
    if (badLines.length < MAX_REPORTED_BAD_LINES) badLines.push(bad);
  };
  for await (const batch of readInput(spec, s3, { policy: spec.badRecordPolicy, onSkip })) {
    for (const { line, record } of batch) {
      const index = partitioner.partitionOf(record);
      const text = chunkLine(line, JSON.stringify(record));
      const buffer = buffers[index]!;
      buffer.lines.push(text);
      buffer.bytes += text.length;
      buffer.records += 1;
      buffered += text.length;
      records += 1;
      if (buffer.bytes >= chunkBytes) await flush(index);
      else if (buffered >= maxBufferedBytes) await flush(largestBuffer(buffers));
    }
  }
  for (let index = 0; index < buffers.length; index++) await flush(index);
  await Promise.all(inFlight);

  const partitions = buffers.map((b, index) => ({ index, records: b.records, chunks: b.chunks }));
  const base = { jobId: spec.jobId, job: jobContext(spec), workBucket, partitionCount: partitioner.count, records, skipped, badLines, startedAt };
  if (partitions.length <= inlineMaxPartitions) return { ...base, mode: 'inline', partitions };
  await writeObject(s3, layout.manifest, JSON.stringify(partitions), 'application/json');
  return { ...base, mode: 'distributed', manifest: layout.manifest };
}

function largestBuffer(buffers: readonly { bytes: number }[]): number {
  let largest = 0;
  buffers.forEach((b, i) => {
    if (b.bytes > buffers[largest]!.bytes) largest = i;
  });
  return largest;
}

/** The input's records, a batch at a time (JSON Lines: one batch per chunk of the object). */
async function* readInput(spec: JobSpec, s3: S3Client, handling: BadRecordHandling): AsyncGenerator<NumberedRecord[]> {
  const input = spec.input;
  if (input.format === 'inline') {
    yield input.records.map((record, index) => ({ line: index + 1, record }));
    return;
  }
  const body = await openObject(s3, input.s3);
  if (input.format === 'jsonl') {
    yield* readJsonLineBatches(body, handling);
    return;
  }
  for await (const numbered of readCsvRecords(body, handling)) yield [numbered];
}
