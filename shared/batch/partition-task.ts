import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { SchemaValidationError } from '../errors.ts';
import type { JobContext } from './job-spec.ts';
import { processPartition, type PartitionOutcome } from './process-partition.ts';

const partitionRef = z.object({ index: z.number().int().min(0), records: z.number().int().min(0), chunks: z.number().int().min(0) });
const job = z.object({ jobId: z.string() }).passthrough();

/**
 * The two shapes a partition task receives: one partition from the inline Map's ItemSelector, or a
 * batch from the Distributed Map's ItemBatcher (`{ BatchInput, Items }`, as AWS builds it).
 */
const partitionTaskInput = z.union([
  z.object({ job, partition: partitionRef }),
  z.object({ BatchInput: z.object({ job }), Items: z.array(partitionRef).min(1) }),
]);

export type PartitionTaskInput = z.input<typeof partitionTaskInput>;

/**
 * Runs the partition task for either input shape, one partition after the other.
 *
 * @example
 * const outcomes = await runPartitionTask(event, { s3, workBucket });
 */
export async function runPartitionTask(event: unknown, options: { s3: S3Client; workBucket: string }): Promise<{ partitions: PartitionOutcome[] }> {
  const parsed = partitionTaskInput.safeParse(event);
  if (!parsed.success) throw new SchemaValidationError(`invalid partition task input: ${parsed.error.message}`);
  const input = parsed.data;
  const [jobContext, partitions] = 'partition' in input ? [input.job, [input.partition]] : [input.BatchInput.job, input.Items];
  const outcomes: PartitionOutcome[] = [];
  for (const partition of partitions) outcomes.push(await processPartition(jobContext as unknown as JobContext, partition, options));
  return { partitions: outcomes };
}
