import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import type { KinesisStreamStateResponse, KinesisStreamTumblingWindowEvent } from 'aws-lambda';
import { clientConfig } from '../shared/aws-clients.ts';
import { intEnv, requireEnv } from '../shared/config.ts';
import { SqsFailureReporter } from '../shared/stream/failure-reporter.ts';
import { orderRevenuePipeline } from '../shared/stream/order-pipeline.ts';
import { DEFAULT_MAX_STATE_BYTES, processWindowBatch } from '../shared/stream/processor.ts';
import { WindowResultStore } from '../shared/stream/window-results.ts';

const pipeline = orderRevenuePipeline(requireEnv('SLUICE_PIPELINE_NAME'));
const results = new WindowResultStore(new DynamoDBClient(clientConfig()), requireEnv('SLUICE_RESULTS_TABLE'));
const failures = new SqsFailureReporter(new SQSClient(clientConfig({ service: 'sqs' })), requireEnv('SLUICE_FAILURE_QUEUE_URL'), pipeline.name);
const maxStateBytes = intEnv('SLUICE_MAX_STATE_BYTES', DEFAULT_MAX_STATE_BYTES);
const logger = new Logger();

/** Kinesis tumbling-window consumer: order revenue and count per category per window, committed exactly once. */
export const handler = async (event: KinesisStreamTumblingWindowEvent): Promise<KinesisStreamStateResponse> => {
  const { response, summary } = await processWindowBatch(event, pipeline, { results, failures, maxStateBytes });
  logger.info('stream batch', { window: event.window, final: event.isFinalInvokeForWindow, records: event.Records.length, ...summary });
  return response;
};
