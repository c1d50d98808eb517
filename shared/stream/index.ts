/**
 * `sluice/stream`: Kinesis tumbling-window consumers with exactly-once window results, and a producer.
 *
 * @example
 * import { createStreamConsumer, Transform, StreamProducer } from 'sluice/stream';
 */
export { createStreamConsumer, type StreamConsumerOptions, type StreamConsumerHandler } from './consumer.ts';
export { Transform } from './transform.ts';
export {
  STREAM_ENV,
  DEFAULT_MAX_PART_BYTES,
  streamConsumerEnvironment,
  STREAM_OUTPUT_SUFFIXES,
  streamOutputName,
  WINDOW_RESULT_KEY,
  streamFilterPattern,
  type StreamConsumerWiring,
} from './contract.ts';
export { streamConsumerEnv, type StreamConsumerEnv } from './config.ts';
export { processWindowBatch, type StreamPipelineDefinition, type StreamProcessorDependencies, type StreamBatchSummary } from './processor.ts';
export { readWindowState, freshWindowState, type WindowState, type WindowStateReading } from './window-state.ts';
export { compareSequenceNumbers } from './sequence-numbers.ts';
export {
  WindowResultStore,
  windowResultKey,
  totalsByWindow,
  windowResultFromAttributes,
  type WindowResultItem,
  type WindowResultKind,
  type WindowPart,
  type WindowPartCommit,
  type WindowPartOutcome,
  type WindowClose,
} from './window-results.ts';
export { SqsFailureReporter, type FailureReporter, type RejectedRecordReport } from './failure-reporter.ts';
export { kinesisClientConfig } from './kinesis-client-config.ts';
export {
  StreamProducer,
  MAX_RECORDS_PER_CALL,
  MAX_BYTES_PER_CALL,
  MAX_RECORD_BYTES,
  MAX_PARTITION_KEY_LENGTH,
  type ProducerRecord,
  type StreamProducerOptions,
  type StreamSendBatchOptions,
  type StreamSendSummary,
  type SentRecord,
  type CheckedRecord,
} from './producer.ts';
export { mergeAggregates, emptyAggregates, aggregateOf, copyAggregates, type KeyAggregate, type KeyedAggregates } from './aggregates.ts';
export { windowContaining, toEventWindow, type WindowBounds } from './tumbling-window.ts';
