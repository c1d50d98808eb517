import { OUTPUT_SUFFIXES } from '../stack-outputs.ts';
import type { batchedPartitionTaskSchema, CaughtFailure, inlinePartitionTaskSchema, SplitResult } from './task-payloads.ts';

/**
 * The batch pipeline's contract between its deployed pieces, in one place: the environment variables the
 * BatchJob construct writes and the functions read (the readers are in config.ts), the stack outputs the
 * construct offers and the CLI and the sample look a job up by, the JSONPaths its state machine reads the
 * task payloads by (task-payloads.ts holds their schemas), and the summary item's key and failure status
 * (job-summary.ts holds its shapes).
 *
 * @example
 * process.env[BATCH_ENV.bucket]; // the job bucket, as the construct wired it
 */
export const BATCH_ENV = {
  /** The job bucket (intermediate data under `tmp/`): Split and the partition tasks. */
  bucket: 'BATCH_BUCKET',
  /** Split: more Map items than this go to a Distributed Map. Default {@link DEFAULT_INLINE_MAX_PARTITIONS}. */
  inlineMaxPartitions: 'BATCH_INLINE_MAX_PARTITIONS',
  /** Split: chunk object size in bytes. Not set by the construct (a tuning knob for `functionProps.environment`). */
  chunkBytes: 'BATCH_CHUNK_BYTES',
  /** Split: Map item (slice) size in bytes. Not set by the construct (a tuning knob for `functionProps.environment`). */
  sliceBytes: 'BATCH_SLICE_BYTES',
  /** Comma-separated buckets job specs may read inputs from (Split, Reduce, the starter). */
  inputBuckets: 'BATCH_INPUT_BUCKETS',
  /** Comma-separated buckets job specs may write outputs to (Split, Reduce, the starter). */
  outputBuckets: 'BATCH_OUTPUT_BUCKETS',
  /** Reduce: the summary table. */
  summaryTable: 'BATCH_SUMMARY_TABLE',
  /** The request queue's starter: the state machine it starts executions of. */
  stateMachineArn: 'BATCH_STATE_MACHINE_ARN',
} as const;

type BatchEnvField = keyof typeof BATCH_ENV;

/** What the BatchJob construct wires into each of its functions (values may be CDK tokens). */
export interface BatchFunctionWiring {
  readonly split: { readonly bucket: string; readonly inputBuckets: string; readonly outputBuckets: string; readonly inlineMaxPartitions: number };
  readonly partition: { readonly bucket: string };
  readonly reduce: { readonly bucket: string; readonly inputBuckets: string; readonly outputBuckets: string; readonly summaryTable: string };
  readonly start: { readonly inputBuckets: string; readonly outputBuckets: string; readonly stateMachineArn: string };
}

/**
 * A batch function's environment under the {@link BATCH_ENV} names. Bucket lists are comma-separated
 * names (in the construct, a `Fn.join(',', …)` token).
 *
 * @example
 * environment: { ...batchFunctionEnvironment('reduce', { bucket, inputBuckets, outputBuckets, summaryTable: table.tableName }) }
 */
export function batchFunctionEnvironment<K extends keyof BatchFunctionWiring>(_kind: K, wiring: BatchFunctionWiring[K]): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [field, value] of Object.entries(wiring) as [BatchEnvField, string | number][]) environment[BATCH_ENV[field]] = String(value);
  return environment;
}

/** The output suffixes of a batch job (`<id><suffix>`), a subset of {@link OUTPUT_SUFFIXES}. */
export const BATCH_OUTPUT_SUFFIXES = {
  bucketName: OUTPUT_SUFFIXES.bucketName,
  stateMachineArn: OUTPUT_SUFFIXES.stateMachineArn,
  summaryTableName: OUTPUT_SUFFIXES.summaryTableName,
  requestQueueUrl: OUTPUT_SUFFIXES.requestQueueUrl,
  requestDeadLetterQueueUrl: OUTPUT_SUFFIXES.requestDeadLetterQueueUrl,
  requestDedupWindowSeconds: OUTPUT_SUFFIXES.requestDedupWindowSeconds,
} as const;

/** The construct id `sluice batch`, `sluice status` and the Orders sample find a stack's batch job by. */
export const BATCH_JOB_ID = 'Batch';

/**
 * The name of one of a batch job's stack outputs.
 *
 * @example
 * batchOutputName(BATCH_JOB_ID, 'stateMachineArn'); // 'BatchStateMachineArn'
 */
export function batchOutputName(id: string, output: keyof typeof BATCH_OUTPUT_SUFFIXES): string {
  return `${id}${BATCH_OUTPUT_SUFFIXES[output]}`;
}

type Field<T> = Extract<keyof T, string>;

/**
 * A JSONPath builder over the fields of `T`: a field renamed in the payload's schema fails to compile
 * here instead of failing an execution.
 */
function pathsOf<T>() {
  function path<K extends Field<T>>(key: K): `$.${K}`;
  function path<K extends Field<T>, L extends Field<NonNullable<T[K]>>>(key: K, sub: L): `$.${K}.${L}`;
  function path(...keys: string[]): string {
    return `$.${keys.join('.')}`;
  }
  return path;
}
const splitField = pathsOf<SplitResult>();
const failureField = pathsOf<CaughtFailure>();

/**
 * The JSONPaths the state machine reads its payloads by: fields of Split's result ({@link SplitResult}),
 * of what a Catch adds ({@link CaughtFailure}), and of Step Functions' context object.
 *
 * @example
 * new Choice(flow, 'InlineOrDistributed').when(Condition.stringEquals(BATCH_PATHS.mode, DISTRIBUTED_MODE), distributedMap);
 */
export const BATCH_PATHS = {
  job: splitField('job'),
  mode: splitField('mode'),
  partitions: splitField('partitions'),
  manifestKey: splitField('manifest', 'key'),
  error: failureField('error'),
  errorName: failureField('error', 'Error'),
  errorCause: failureField('error', 'Cause'),
  failedState: failureField('failedState'),
  /** Executions are named after the job: the failure record's key. */
  executionName: '$$.Execution.Name',
  executionStartTime: '$$.Execution.StartTime',
  /** The inline Map's current item (a partition slice). */
  mapItem: '$$.Map.Item.Value',
} as const;

/** Split's `mode` when the slices are in the S3 manifest: the Choice sends the job to the Distributed Map. */
export const DISTRIBUTED_MODE = 'distributed' satisfies SplitResult['mode'];

type Selector<T> = Record<`${Field<T>}.$`, string>;

/**
 * The inline Map's ItemSelector: each iteration's input ({@link inlinePartitionTaskSchema}) is the job from
 * the Split result and the Map item as the partition.
 */
export const PARTITION_ITEM_SELECTOR = { 'job.$': BATCH_PATHS.job, 'partition.$': BATCH_PATHS.mapItem } satisfies Selector<typeof inlinePartitionTaskSchema.shape>;

/** The Distributed Map's ItemBatcher `BatchInput` ({@link batchedPartitionTaskSchema}): the job from the Split result. */
export const PARTITION_BATCH_INPUT = { 'job.$': BATCH_PATHS.job } satisfies Selector<typeof batchedPartitionTaskSchema.shape.BatchInput.shape>;

export { FAILED_STATUS, SUMMARY_TABLE_KEY } from './job-summary.ts';
export { DEFAULT_CHUNK_BYTES, DEFAULT_INLINE_MAX_PARTITIONS, DEFAULT_SLICE_BYTES } from './limits.ts';
