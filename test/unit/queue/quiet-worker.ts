import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { RecordingSqs } from './fake-sqs.ts';

/** The queue a unit-tested worker consumes, and its DLQ. */
export const TEST_QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs';
export const TEST_DLQ_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs-dlq';

/**
 * Everything a unit-tested `createQueueWorker` needs beside its schema and effect: a recording SQS, the test
 * queue and DLQ, a silent logger and metrics, and (when `now` is given) a clock stopped at `now`.
 *
 * @example
 * const { sqs, wiring } = quietWorkerWiring({ now: NOW });
 * const handler = createQueueWorker({ schema: Job, handle, ...wiring });
 */
export function quietWorkerWiring(options: { now?: number } = {}) {
  const sqs = new RecordingSqs();
  const now = options.now;
  return {
    sqs,
    wiring: {
      sqs: sqs.client,
      queueUrl: TEST_QUEUE_URL,
      dlqUrl: TEST_DLQ_URL,
      ...(now !== undefined ? { clock: { now: () => now } } : {}),
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'test' }),
    },
  };
}
