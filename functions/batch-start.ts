import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../shared/aws-clients.ts';
import { startJobExecution } from '../shared/batch/job-starter.ts';
import { jobRequestSchema } from '../shared/batch/bucket-allow-list.ts';
import { jobStarterEnv } from '../shared/batch/config.ts';
import { DedupStore } from '../shared/dedup/store.ts';
import { createObservability } from '../shared/observability.ts';
import { queueWorkerEnv } from '../shared/queue/config.ts';
import { createQueueWorker } from '../shared/queue/worker.ts';

const config = queueWorkerEnv();
const { stateMachineArn, allowedBuckets } = jobStarterEnv();
const sqs = new SQSClient(clientConfig({ service: 'sqs' }));
const sfn = new SFNClient(clientConfig());
const dynamodb = new DynamoDBClient(clientConfig());
const { logger, metrics } = createObservability({ serviceName: 'batch-start' });

/**
 * SQS batch-job request → one execution named after the job. Deduplicated twice: by the dedup store
 * (re-sent requests are counted duplicates) and by the execution name (Step Functions refuses a reused name).
 */
export const handler = createQueueWorker({
  schema: jobRequestSchema(allowedBuckets),
  dedup: {
    store: new DedupStore({ client: dynamodb, tableName: config.dedupTable, windowSeconds: config.dedupWindowSeconds }),
    scope: config.dedupScope,
  },
  handle: async (spec) => {
    const { started, executionArn } = await startJobExecution(sfn, stateMachineArn, spec);
    logger.info(started ? 'batch job started' : 'batch job already started', { jobId: spec.jobId, executionArn });
  },
  sqs,
  queueUrl: config.queueUrl,
  dlqUrl: config.dlqUrl,
  logger,
  metrics,
});
