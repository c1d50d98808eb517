import { S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../shared/aws-clients.ts';
import { assertJobBuckets } from '../shared/batch/bucket-allow-list.ts';
import { splitFunctionEnv } from '../shared/batch/config.ts';
import { parseJobSpec } from '../shared/batch/job-spec.ts';
import { splitJob } from '../shared/batch/split.ts';
import type { SplitResult } from '../shared/batch/task-payloads.ts';
import { createObservability } from '../shared/observability.ts';

const s3 = new S3Client(clientConfig({ service: 's3' }));
// Chunk and slice sizes (bytes) are tuning knobs, set through the construct's functionProps.environment.
const { workBucket, inlineMaxPartitions, chunkBytes, sliceBytes, allowedBuckets } = splitFunctionEnv();
const { logger } = createObservability({ serviceName: 'batch-split' });

/** Step Functions task: job spec → partitions in S3 → manifest (inline, or in S3 for a Distributed Map). */
export const handler = async (event: unknown): Promise<SplitResult> => {
  const spec = parseJobSpec(event);
  assertJobBuckets(spec, allowedBuckets);
  const result = await splitJob(spec, { s3, workBucket, inlineMaxPartitions, chunkBytes, sliceBytes });
  const { partitions: _partitions, ...summary } = result;
  logger.info('job split', { ...summary });
  return result;
};
