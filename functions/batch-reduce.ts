import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientConfig } from '../shared/aws-clients.ts';
import { reduceFunctionEnv } from '../shared/batch/config.ts';
import { JobSummaryStore, type SucceededJobSummary } from '../shared/batch/job-summary-store.ts';
import { reduceJob } from '../shared/batch/reduce.ts';
import { parseTaskPayload, splitResultSchema } from '../shared/batch/task-payloads.ts';
import { createObservability } from '../shared/observability.ts';

const s3 = new S3Client(clientConfig({ service: 's3' }));
const summaries = new JobSummaryStore({
  client: DynamoDBDocumentClient.from(new DynamoDBClient(clientConfig())),
  tableName: reduceFunctionEnv().summaryTable,
});
const { logger } = createObservability({ serviceName: 'batch-reduce' });

/** Final task: merge partial aggregates and sorted runs into the output, record the job summary. */
export const handler = async (event: unknown): Promise<SucceededJobSummary> => {
  const summary = await reduceJob(parseTaskPayload(splitResultSchema, event, 'reduce task input'), { s3, summaries });
  logger.info('job reduced', { ...summary });
  return summary;
};
