import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from '../shared/aws-clients.ts';
import { requireEnv } from '../shared/config.ts';
import { JobSummaryStore, type JobSummary } from '../shared/batch/job-summary-store.ts';
import { reduceJob, type ReduceInput } from '../shared/batch/reduce.ts';
import { createObservability } from '../shared/observability.ts';

const s3 = new S3Client(clientConfig({ service: 's3' }));
const summaries = new JobSummaryStore({
  client: DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig())),
  tableName: requireEnv('BATCH_SUMMARY_TABLE'),
});
const { logger } = createObservability({ serviceName: 'batch-reduce' });

/** Final task: merge partial aggregates and sorted runs into the output, record the job summary. */
export const handler = async (event: ReduceInput): Promise<JobSummary> => {
  const summary = await reduceJob(event, { s3, summaries });
  logger.info('job reduced', { ...summary });
  return summary;
};
