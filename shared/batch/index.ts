/**
 * `sluice/batch`: the batch job's spec, starting jobs, reading their summaries and moving data in and out
 * of the job bucket, and the batch pipeline's contract (environment, stack outputs, payload shapes). The
 * job's own functions are deployed by the BatchJob construct.
 *
 * @example
 * import { parseJobSpec, startJobExecution, JobSummaryStore } from 'sluice/batch';
 */
export { jobSpecSchema, parseJobSpec, type JobSpec, type JobSpecInput, type AggregateSpec, type PartitionSpec, type SortSpec } from './job-spec.ts';
export { jobExecutionArn, startJobExecution } from './job-starter.ts';
export { JobSummaryStore } from './job-summary-store.ts';
export { jobSummarySchema, parseJobSummary, type FailedJobSummary, type JobSummary, type SucceededJobSummary } from './job-summary.ts';
export { describeFailure } from './job-failure.ts';
export { BATCH_ENV, BATCH_JOB_ID, BATCH_OUTPUT_SUFFIXES, batchOutputName, DEFAULT_INLINE_MAX_PARTITIONS } from './contract.ts';
export { splitFunctionEnv, type SplitFunctionEnv } from './config.ts';
export { jobLayout, outputLayout } from './job-layout.ts';
export { openObject, readJson, uploadLines } from './s3-objects.ts';
export type { BatchRecord } from './fields.ts';
