import type { S3Client } from '@aws-sdk/client-s3';
import { processPartition, type PartitionOutcome } from './process-partition.ts';
import { batchedPartitionTaskSchema, inlinePartitionTaskSchema, parseTaskPayload, type PartitionSlice } from './task-payloads.ts';

export type { PartitionTaskInput } from './task-payloads.ts';

/**
 * Validates against the shape the event claims (`Items` or `BatchInput`: the Distributed Map's batch), so a
 * bad field is named (`partition.index: Too small …`) instead of a union's bare "Invalid input".
 */
function parsePartitionTaskInput(event: unknown) {
  const batched = typeof event === 'object' && event !== null && (Object.hasOwn(event, 'Items') || Object.hasOwn(event, 'BatchInput'));
  if (batched) {
    const input = parseTaskPayload(batchedPartitionTaskSchema, event, 'partition task input');
    return { job: input.BatchInput.job, partitions: input.Items };
  }
  const input = parseTaskPayload(inlinePartitionTaskSchema, event, 'partition task input');
  return { job: input.job, partitions: [input.partition] };
}

/**
 * Runs the partition task for either input shape, one slice after the other. A failure keeps its error
 * name (Retry and Catch match it) and its message is prefixed with the slice it hit ({@link sliceLabel}),
 * so the job's failure says which partition and which records.
 *
 * @example
 * const outcomes = await runPartitionTask(event, { s3, workBucket });
 */
export async function runPartitionTask(event: unknown, options: { s3: S3Client; workBucket: string }): Promise<{ partitions: PartitionOutcome[] }> {
  const { job, partitions } = parsePartitionTaskInput(event);
  const outcomes: PartitionOutcome[] = [];
  for (const partition of partitions) {
    try {
      outcomes.push(await processPartition(job, partition, options));
    } catch (err) {
      throw withContext(err, sliceLabel(partition));
    }
  }
  return { partitions: outcomes };
}

const count = (n: number) => n.toLocaleString('en-US');

/**
 * How a failure names a slice: `partition 3 (records 1,000,001–1,250,000 of 2,000,000, slice 5 of 8,
 * input lines 4,100–5,000,123)`.
 *
 * @example
 * sliceLabel({ index: 3, slice: 0, slices: 1, firstRecord: 1, records: 10, partitionRecords: 10, lines: [2, 40], firstChunk: 0, chunks: 1 });
 * // 'partition 3 (records 1–10 of 10, input lines 2–40)'
 */
export function sliceLabel(slice: PartitionSlice): string {
  const range = slice.records === 0 ? 'no records' : `records ${count(slice.firstRecord)}–${count(slice.firstRecord + slice.records - 1)} of ${count(slice.partitionRecords)}`;
  const part = slice.slices > 1 ? `, slice ${slice.slice + 1} of ${slice.slices}` : '';
  return `partition ${slice.index} (${range}${part}, input lines ${count(slice.lines[0])}–${count(slice.lines[1])})`;
}

/** The same error (name, cause) with a message that starts with where it happened. */
function withContext(err: unknown, where: string): Error {
  const error = err instanceof Error ? err : new Error(String(err));
  const described = new Error(`${where}: ${oneLine(error.message)}`, { cause: error });
  described.name = error.name;
  return described;
}

/** Messages travel in one line (SDK parse errors carry the response body after a newline). */
function oneLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
