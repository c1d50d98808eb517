import { intEnv, requireEnv } from '../config.ts';
import type { BucketAllowList } from './bucket-allow-list.ts';
import { BATCH_ENV } from './contract.ts';
import { DEFAULT_CHUNK_BYTES, DEFAULT_INLINE_MAX_PARTITIONS, DEFAULT_SLICE_BYTES } from './limits.ts';

/** The environment the Split function reads (wired by the BatchJob construct). */
export interface SplitFunctionEnv {
  /** `BATCH_ENV.bucket`: where Split writes the partitions' chunks and the manifest. */
  readonly workBucket: string;
  /** `BATCH_ENV.inlineMaxPartitions`: more Map items go to a Distributed Map. */
  readonly inlineMaxPartitions: number;
  /** `BATCH_ENV.chunkBytes`, `BATCH_ENV.sliceBytes`: tuning knobs, defaults 4 MiB and 16 MiB. */
  readonly chunkBytes: number;
  readonly sliceBytes: number;
  /** `BATCH_ENV.inputBuckets`, `BATCH_ENV.outputBuckets`: undefined when neither is set (the roles decide alone). */
  readonly allowedBuckets: BucketAllowList | undefined;
}

/**
 * Reads the Split function's settings at module scope (a missing one fails the cold start).
 *
 * @example
 * const config = splitFunctionEnv();
 * await splitJob(spec, { s3, workBucket: config.workBucket, inlineMaxPartitions: config.inlineMaxPartitions });
 */
export function splitFunctionEnv(env: NodeJS.ProcessEnv = process.env): SplitFunctionEnv {
  return {
    workBucket: requireEnv(BATCH_ENV.bucket, env),
    inlineMaxPartitions: intEnv(BATCH_ENV.inlineMaxPartitions, DEFAULT_INLINE_MAX_PARTITIONS, env),
    chunkBytes: intEnv(BATCH_ENV.chunkBytes, DEFAULT_CHUNK_BYTES, env),
    sliceBytes: intEnv(BATCH_ENV.sliceBytes, DEFAULT_SLICE_BYTES, env),
    allowedBuckets: bucketAllowListFromEnv(env),
  };
}

/**
 * Reads the partition function's settings at module scope.
 *
 * @example
 * const { workBucket } = partitionFunctionEnv();
 */
export function partitionFunctionEnv(env: NodeJS.ProcessEnv = process.env): { readonly workBucket: string } {
  return { workBucket: requireEnv(BATCH_ENV.bucket, env) };
}

/** The environment the Reduce function reads. */
export interface ReduceFunctionEnv {
  /** `BATCH_ENV.summaryTable`: where Reduce records the job's summary. */
  readonly summaryTable: string;
  /** `BATCH_ENV.bucket`: the job bucket. */
  readonly workBucket: string;
  /** `BATCH_ENV.inputBuckets`, `BATCH_ENV.outputBuckets`. */
  readonly allowedBuckets: BucketAllowList | undefined;
}

/**
 * Reads the Reduce function's settings at module scope.
 *
 * @example
 * const summaries = new JobSummaryStore({ client, tableName: reduceFunctionEnv().summaryTable });
 */
export function reduceFunctionEnv(env: NodeJS.ProcessEnv = process.env): ReduceFunctionEnv {
  return { summaryTable: requireEnv(BATCH_ENV.summaryTable, env), workBucket: requireEnv(BATCH_ENV.bucket, env), allowedBuckets: bucketAllowListFromEnv(env) };
}

/** The environment the request queue's starter reads, besides its queue worker settings (`queueWorkerEnv`). */
export interface JobStarterEnv {
  /** `BATCH_ENV.stateMachineArn`: the state machine it starts executions of. */
  readonly stateMachineArn: string;
  /** `BATCH_ENV.inputBuckets`, `BATCH_ENV.outputBuckets`: a request naming another bucket goes to the DLQ. */
  readonly allowedBuckets: BucketAllowList | undefined;
}

/**
 * Reads the starter function's batch settings at module scope.
 *
 * @example
 * const { stateMachineArn, allowedBuckets } = jobStarterEnv();
 */
export function jobStarterEnv(env: NodeJS.ProcessEnv = process.env): JobStarterEnv {
  return { stateMachineArn: requireEnv(BATCH_ENV.stateMachineArn, env), allowedBuckets: bucketAllowListFromEnv(env) };
}

const names = (value: string) => new Set(value.split(',').map((name) => name.trim()).filter((name) => name !== ''));

/**
 * The bucket allow-list from the environment, or undefined when the construct set none (a function run
 * outside a BatchJob, as in unit tests): the roles then decide alone.
 *
 * @example
 * const allowed = bucketAllowListFromEnv(); // { input: Set { 'batch-bucket', 'raw-orders' }, output: Set { 'batch-bucket' } }
 */
export function bucketAllowListFromEnv(env: NodeJS.ProcessEnv = process.env): BucketAllowList | undefined {
  const input = env[BATCH_ENV.inputBuckets];
  const output = env[BATCH_ENV.outputBuckets];
  if (input === undefined && output === undefined) return undefined;
  return { input: names(input ?? ''), output: names(output ?? '') };
}
