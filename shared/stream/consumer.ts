import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { KinesisStreamStateResponse, KinesisStreamTumblingWindowEvent } from 'aws-lambda';
import { clientConfig } from '../aws-clients.ts';
import { createObservability } from '../observability.ts';
import { streamConsumerEnv } from './config.ts';
import { SqsFailureReporter, type FailureReporter } from './failure-reporter.ts';
import { processWindowBatch, type StreamPipelineDefinition } from './processor.ts';
import { WindowResultStore } from './window-results.ts';

export type StreamConsumerOptions<TEvent> = Omit<StreamPipelineDefinition<TEvent>, 'name'> & {
  /** Names the pipeline in result keys. Default: the construct's pipeline name, from the environment ({@link streamConsumerEnv}). */
  name?: string;
  /** Default: the construct's results table, through a client made once per cold start. */
  results?: Pick<WindowResultStore, 'commit' | 'close'>;
  /** Default: reports to the construct's failure queue. */
  failures?: FailureReporter;
  /** Largest part an invocation commits. Default: the environment's, else `DEFAULT_MAX_PART_BYTES` (300,000). */
  maxPartBytes?: number;
  logger?: Logger;
};

/** The Lambda handler a stream consumer is. */
export type StreamConsumerHandler = (event: KinesisStreamTumblingWindowEvent) => Promise<KinesisStreamStateResponse>;

/**
 * Builds a Kinesis tumbling-window consumer for a StreamPipeline: decode → validate (`schema`) →
 * `transform` to `{ key, value }` → per-key count/sum/min/max per window. Each invocation commits what it
 * aggregated as a part with a conditional key, so a window's result is exact even if its final invocation
 * never succeeds; the mapping must have a tumbling window (the StreamPipeline construct always sets one).
 * Bad records go to the failure queue and are acknowledged. Call it at module scope: what is not passed
 * comes from the construct's environment.
 *
 * @example
 * export const handler = createStreamConsumer({
 *   schema: PageView,
 *   transform: Transform.of<PageView>().map((view) => ({ key: view.page, value: view.durationMs })),
 * });
 */
export function createStreamConsumer<TEvent>(options: StreamConsumerOptions<TEvent>): StreamConsumerHandler {
  const env = streamConsumerEnv();
  const name = options.name ?? env.pipelineName;
  const pipeline: StreamPipelineDefinition<TEvent> = { name, schema: options.schema, transform: options.transform };
  const results = options.results ?? new WindowResultStore(new DynamoDBClient(clientConfig()), env.resultsTable);
  const failures = options.failures ?? new SqsFailureReporter(new SQSClient(clientConfig({ service: 'sqs' })), env.failureQueueUrl, name);
  const maxPartBytes = options.maxPartBytes ?? env.maxPartBytes;
  const logger = options.logger ?? createObservability().logger;
  return async (event) => {
    const warn = (message: string, details: Record<string, unknown>) => logger.warn(message, details);
    const { response, summary } = await processWindowBatch(event, pipeline, { results, failures, maxPartBytes, warn });
    logger.info('stream batch', { window: event.window, final: event.isFinalInvokeForWindow, records: event.Records.length, ...summary });
    return response;
  };
}
