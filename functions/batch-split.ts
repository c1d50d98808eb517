import { S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../shared/aws-clients.ts';
import { intEnv, requireEnv } from '../shared/config.ts';
import { assertJobBuckets, bucketAllowListFromEnv } from '../shared/batch/bucket-allow-list.ts';
import { parseJobSpec } from '../shared/batch/job-spec.ts';
import { splitJob, type SplitResult } from '../shared/batch/split.ts';
import { createObservability } from '../shared/observability.ts';

const s3 = new S3Client(clientConfig({ service: 's3' }));
const workBucket = requireEnv('BATCH_BUCKET');
const inlineMaxPartitions = intEnv('BATCH_INLINE_MAX_PARTITIONS', 100);
const allowedBuckets = bucketAllowListFromEnv();
const { logger } = createObservability({ serviceName: 'batch-split' });

/** Step Functions task: job spec → partitions in S3 → manifest (inline, or in S3 for a Distributed Map). */
export const handler = async (event: unknown): Promise<SplitResult> => {
  const spec = parseJobSpec(event);
  assertJobBuckets(spec, allowedBuckets);
  const result = await splitJob(spec, { s3, workBucket, inlineMaxPartitions });
  const { partitions: _partitions, ...summary } = result;
  logger.info('job split', { ...summary });
  return result;
};
