import type { S3Client } from '@aws-sdk/client-s3';
import { systemClock, type Clock } from '../clock.ts';
import { jobContext, type JobSpec } from './job-spec.ts';
import { jobLayout } from './job-layout.ts';
import { DEFAULT_CHUNK_BYTES, DEFAULT_INLINE_MAX_PARTITIONS, DEFAULT_SLICE_BYTES, INLINE_RESULT_MAX_BYTES } from './limits.ts';
import { partitionerFor } from './partitioners.ts';
import { derivedFields, type DerivedValues } from './derive.ts';
import { readCsvRecords, readJsonLineBatches, rejectOrSkip as rejectOrSkipBadLine, type BadLine, type BadRecordHandling, type NumberedRecord } from './record-readers.ts';
import { chunkLine } from './run-lines.ts';
import { openObject, writeObject } from './s3-objects.ts';
import type { PartitionSlice, SplitResult } from './task-payloads.ts';

export interface SplitOptions {
  readonly s3: S3Client;
  /** Bucket for intermediate data (`tmp/<jobId>/…`). */
  readonly workBucket: string;
  /** A partition's buffer is written as one chunk object when it reaches this size. */
  readonly chunkBytes?: number;
  /** Bound on all buffered partition data; the largest buffer is flushed beyond it. */
  readonly maxBufferedBytes?: number;
  /** A slice (one Map item) holds at most this many bytes of chunks (default {@link DEFAULT_SLICE_BYTES}). */
  readonly sliceBytes?: number;
  readonly inlineMaxPartitions?: number;
  readonly clock?: Clock;
}

const MAX_REPORTED_BAD_LINES = 20;
const MAX_PUTS_IN_FLIGHT = 4;

interface ChunkMeta {
  readonly bytes: number;
  readonly records: number;
  readonly firstLine: number;
  readonly lastLine: number;
}

/**
 * Streams a job's input once, routes each record to its partition and writes the partitions to S3 as
 * chunk lines ({@link chunkLine}). Memory is bounded by `maxBufferedBytes`, whatever the input size. Each line keeps
 * the record's input line number (`i`), the tiebreak that makes the final merge a stable sort. The
 * result lists the partitions' slices ({@link PartitionSlice}), the Map's items.
 *
 * @example
 * const split = await splitJob(spec, { s3, workBucket: 'sluice-batch' });
 */
export async function splitJob(spec: JobSpec, options: SplitOptions): Promise<SplitResult> {
  const { s3, workBucket, chunkBytes = DEFAULT_CHUNK_BYTES, maxBufferedBytes = 64 << 20, sliceBytes = DEFAULT_SLICE_BYTES, inlineMaxPartitions = DEFAULT_INLINE_MAX_PARTITIONS, clock = systemClock } = options;
  const startedAt = clock.now();
  const layout = jobLayout(workBucket, spec.jobId);
  const partitioner = partitionerFor(spec.partition);
  const deriver = derivedFields(spec.derive);
  const keyOf = deriver.fieldReader(spec.partition.key);
  const buffers = Array.from({ length: partitioner.count }, () => ({ lines: [] as string[], bytes: 0, records: 0, firstLine: 0, lastLine: 0, chunks: [] as ChunkMeta[] }));
  const inFlight = new Set<Promise<void>>();
  let buffered = 0;
  let records = 0;
  let skipped = 0;
  const badLines: BadLine[] = [];

  const flush = async (index: number) => {
    const buffer = buffers[index]!;
    if (buffer.lines.length === 0) return;
    const body = buffer.lines.join('');
    const chunk = buffer.chunks.length;
    buffer.chunks.push({ bytes: buffer.bytes, records: buffer.records, firstLine: buffer.firstLine, lastLine: buffer.lastLine });
    buffered -= buffer.bytes;
    buffer.lines = [];
    buffer.bytes = 0;
    buffer.records = 0;
    const put = writeObject(s3, layout.chunk(index, chunk), body).finally(() => inFlight.delete(put));
    inFlight.add(put);
    if (inFlight.size >= MAX_PUTS_IN_FLIGHT) await Promise.race(inFlight);
  };

  const onSkip = (bad: BadLine) => {
    skipped += bad.lines ?? 1;
    if (badLines.length < MAX_REPORTED_BAD_LINES) badLines.push(bad);
  };
  const handling = { policy: spec.badRecordPolicy, onSkip };
  for await (const batch of readInput(spec, s3, handling)) {
    for (const { line, record, json } of batch) {
      let derived = '';
      let fields: DerivedValues | undefined;
      if (deriver.active) {
        const outcome = await deriver.evaluate(record, line);
        if ('reason' in outcome) {
          rejectOrSkipBadLine(outcome, handling);
          continue;
        }
        fields = outcome.values;
        derived = outcome.json;
      }
      const index = partitioner.partitionOfKey(keyOf(record, fields));
      const text = chunkLine(line, derived, json);
      const buffer = buffers[index]!;
      if (buffer.records === 0) buffer.firstLine = line;
      buffer.lastLine = line;
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

  const slices = buffers.flatMap((buffer, index) => slicesOf(index, buffer.chunks, sliceBytes));
  const base = { jobId: spec.jobId, job: jobContext(spec), workBucket, partitionCount: partitioner.count, records, skipped, badLines, startedAt, slices: slices.length };
  const inline: SplitResult = { ...base, mode: 'inline', partitions: slices };
  if (slices.length <= inlineMaxPartitions && Buffer.byteLength(JSON.stringify(inline)) <= INLINE_RESULT_MAX_BYTES) return inline;
  await writeObject(s3, layout.manifest, JSON.stringify(slices), 'application/json');
  return { ...base, mode: 'distributed', manifest: layout.manifest };
}

/** A partition's chunks grouped into slices of at most `sliceBytes` (at least one chunk each). */
function slicesOf(index: number, chunks: readonly ChunkMeta[], sliceBytes: number): PartitionSlice[] {
  const groups: { firstChunk: number; chunks: ChunkMeta[] }[] = [];
  let bytes = 0;
  chunks.forEach((chunk, c) => {
    const current = groups.at(-1);
    if (!current || bytes + chunk.bytes > sliceBytes) {
      groups.push({ firstChunk: c, chunks: [chunk] });
      bytes = chunk.bytes;
    } else {
      current.chunks.push(chunk);
      bytes += chunk.bytes;
    }
  });
  const partitionRecords = chunks.reduce((sum, chunk) => sum + chunk.records, 0);
  let firstRecord = 1;
  return groups.map((group, slice) => {
    const records = group.chunks.reduce((sum, chunk) => sum + chunk.records, 0);
    const item: PartitionSlice = {
      index,
      slice,
      slices: groups.length,
      firstChunk: group.firstChunk,
      chunks: group.chunks.length,
      records,
      firstRecord,
      partitionRecords,
      lines: [group.chunks[0]!.firstLine, group.chunks.at(-1)!.lastLine],
    };
    firstRecord += records;
    return item;
  });
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
    yield input.records.map((record, index) => ({ line: index + 1, record, json: JSON.stringify(record) }));
    return;
  }
  const body = await openObject(s3, input.s3);
  if (input.format === 'jsonl') {
    yield* readJsonLineBatches(body, handling);
    return;
  }
  for await (const numbered of readCsvRecords(body, handling)) yield [numbered];
}
