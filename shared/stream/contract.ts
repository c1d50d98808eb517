import { OUTPUT_SUFFIXES } from '../stack-outputs.ts';

/**
 * The stream pipeline's contract between its deployed pieces, in one place: the environment variables the
 * StreamPipeline construct writes ({@link streamConsumerEnvironment}) and the consumer reads
 * ({@link streamConsumerEnv} in config.ts), the stack outputs the construct offers and the CLI, the console,
 * the testing helpers and the sample look streams up by ({@link streamOutputName}), the results table's key
 * attributes and the mapping's data filter ({@link streamFilterPattern}).
 *
 * @example
 * process.env[STREAM_ENV.resultsTable]; // the window results table's name, as the construct wired it
 */
export const STREAM_ENV = {
  /** Names the pipeline in result keys: the construct's `pipelineName`, else its id. */
  pipelineName: 'SLUICE_PIPELINE_NAME',
  /** The window results table. */
  resultsTable: 'SLUICE_RESULTS_TABLE',
  /** The failure queue: rejected records are reported to it (it is also the mapping's on-failure destination). */
  failureQueueUrl: 'SLUICE_FAILURE_QUEUE_URL',
  /** Largest part an invocation commits, in bytes. Not set by the construct: default {@link DEFAULT_MAX_PART_BYTES}. */
  maxPartBytes: 'SLUICE_MAX_PART_BYTES',
} as const;

/**
 * Largest window part (estimated item bytes) one invocation commits before it splits: a results item is at most 400 KB.
 *
 * @example
 * createStreamConsumer({ ...pipeline, maxPartBytes: DEFAULT_MAX_PART_BYTES / 2 });
 */
export const DEFAULT_MAX_PART_BYTES = 300_000;

/** What the StreamPipeline construct wires into its consumer's environment. */
export interface StreamConsumerWiring {
  readonly pipelineName: string;
  readonly resultsTable: string;
  readonly failureQueueUrl: string;
}

/**
 * The consumer environment for a stream pipeline, under the {@link STREAM_ENV} names (the values may be CDK
 * tokens).
 *
 * @example
 * environment: { ...streamConsumerEnvironment({ pipelineName: 'orders', resultsTable: table.tableName, failureQueueUrl: queue.queueUrl }) }
 */
export function streamConsumerEnvironment(wiring: StreamConsumerWiring): Record<string, string> {
  return {
    [STREAM_ENV.pipelineName]: wiring.pipelineName,
    [STREAM_ENV.resultsTable]: wiring.resultsTable,
    [STREAM_ENV.failureQueueUrl]: wiring.failureQueueUrl,
  };
}

/**
 * The output suffixes of a stream pipeline (`<id><suffix>`), a subset of {@link OUTPUT_SUFFIXES}.
 *
 * @example
 * Object.keys(outputs).filter((name) => name.endsWith(STREAM_OUTPUT_SUFFIXES.streamName)); // every stream of the stack
 */
export const STREAM_OUTPUT_SUFFIXES = {
  streamName: OUTPUT_SUFFIXES.streamName,
  resultsTableName: OUTPUT_SUFFIXES.resultsTableName,
  failureQueueUrl: OUTPUT_SUFFIXES.failureQueueUrl,
  consumerName: OUTPUT_SUFFIXES.consumerName,
} as const;

/**
 * The name of one of a stream pipeline's stack outputs.
 *
 * @example
 * streamOutputName('OrderStream', 'resultsTableName'); // 'OrderStreamResultsTableName'
 */
export function streamOutputName(prefix: string, output: keyof typeof STREAM_OUTPUT_SUFFIXES): string {
  return `${prefix}${STREAM_OUTPUT_SUFFIXES[output]}`;
}

/**
 * The key attributes of the window results table (strings both): `pk` = pipeline#shard#windowStart, `sk` = the
 * part's first sequence number (or `close`, `close#…` after an early end, `late#…`: see WindowResultStore.close).
 *
 * @example
 * new Table(this, 'Results', { partitionKey: { name: WINDOW_RESULT_KEY.partitionKey, type: AttributeType.STRING }, … });
 */
export const WINDOW_RESULT_KEY = {
  partitionKey: 'pk',
  sortKey: 'sk',
} as const;

/**
 * The filter pattern of a stream mapping that keeps the records whose decoded JSON data matches `dataFilter`
 * (AWS filter-rule syntax): Lambda matches Kinesis records on their `data` field. The StreamPipeline
 * construct's `dataFilter` becomes this pattern; a mapping set up by hand (a test, another tool) uses it too.
 *
 * @example
 * streamFilterPattern({ type: ['order'] }); // { data: { type: ['order'] } }
 * JSON.stringify(streamFilterPattern({ type: ['order'] })); // the FilterCriteria's Pattern
 */
export function streamFilterPattern<const T extends Record<string, unknown>>(dataFilter: T): { readonly data: T } {
  return { data: dataFilter };
}
