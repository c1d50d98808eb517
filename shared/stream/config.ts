import { intEnv, requireEnv } from '../config.ts';
import { DEFAULT_MAX_PART_BYTES, STREAM_ENV } from './contract.ts';

/** The environment a stream consumer function reads (wired by the StreamPipeline construct), under the {@link STREAM_ENV} names. */
export interface StreamConsumerEnv {
  /** Names the pipeline in result keys. Required. */
  readonly pipelineName: string;
  /** The window results table. Required. */
  readonly resultsTable: string;
  /** Where rejected records are reported. Required. */
  readonly failureQueueUrl: string;
  /** Largest part an invocation commits; default {@link DEFAULT_MAX_PART_BYTES}. */
  readonly maxPartBytes: number;
}

/**
 * Reads a stream consumer's settings from the environment. Each is read when first asked for (a missing
 * one throws ConfigurationError naming it), so a consumer given its own `results` store needs no results
 * table in its environment; call it at module scope so a missing setting fails the cold start.
 *
 * @example
 * const config = streamConsumerEnv();
 * const results = new WindowResultStore(new DynamoDBClient(clientConfig()), config.resultsTable);
 */
export function streamConsumerEnv(env: NodeJS.ProcessEnv = process.env): StreamConsumerEnv {
  return {
    get pipelineName() {
      return requireEnv(STREAM_ENV.pipelineName, env);
    },
    get resultsTable() {
      return requireEnv(STREAM_ENV.resultsTable, env);
    },
    get failureQueueUrl() {
      return requireEnv(STREAM_ENV.failureQueueUrl, env);
    },
    get maxPartBytes() {
      return intEnv(STREAM_ENV.maxPartBytes, DEFAULT_MAX_PART_BYTES, env);
    },
  };
}
