import { App, Duration, Stack } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { SluiceFunction } from '../../infra/sluice-function.ts';
import type { CfnTemplate } from '../../local/template/types.ts';
import { TEST_VISIBILITY_TIMEOUT_SECONDS } from './test-visibility.ts';

/**
 * A small synthesized stack for the SQS poller's semantics: a queue with a DLQ (maxReceiveCount 2)
 * feeding test/helpers/functions/recording-handler.ts, which records every delivery.
 */
export function pollerTestTemplate(options: { reportBatchItemFailures: boolean; fifo?: boolean; batchSize?: number; bodyFilter?: Record<string, unknown> }): CfnTemplate {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'PollerTest');
  const table = new Table(stack, 'Records', { partitionKey: { name: 'pk', type: AttributeType.STRING }, billingMode: BillingMode.PAY_PER_REQUEST });
  const dlq = new Queue(stack, 'Dlq', { fifo: options.fifo });
  const queue = new Queue(stack, 'Work', {
    fifo: options.fifo,
    contentBasedDeduplication: options.fifo,
    visibilityTimeout: Duration.seconds(TEST_VISIBILITY_TIMEOUT_SECONDS),
    deadLetterQueue: { queue: dlq, maxReceiveCount: 2 },
  });
  const fn = new SluiceFunction(stack, 'Recorder', { entry: 'test/helpers/functions/recording-handler.ts', environment: { RECORD_TABLE: table.tableName }, timeout: Duration.seconds(TEST_VISIBILITY_TIMEOUT_SECONDS) });
  fn.addEventSource(
    new SqsEventSource(queue, {
      batchSize: options.batchSize ?? 10,
      reportBatchItemFailures: options.reportBatchItemFailures,
      ...(options.bodyFilter ? { filters: [FilterCriteria.filter({ body: options.bodyFilter })] } : {}),
    }),
  );
  table.grantReadWriteData(fn);
  return app.synth().getStackByName('PollerTest').template as CfnTemplate;
}
