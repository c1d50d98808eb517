/**
 * `sluice/batch`: the batch job's spec, starting jobs, reading their summaries and moving data in and out
 * of the job bucket. The job's own functions are deployed by the BatchJob construct.
 *
 * @example
 * import { parseJobSpec, startJobExecution, JobSummaryStore } from 'sluice/batch';
 */
export { jobSpecSchema, parseJobSpec, type JobSpec, type JobSpecInput, type AggregateSpec, type PartitionSpec, type SortSpec } from './job-spec.ts';
export { startJobExecution } from './job-starter.ts';
export { JobSummaryStore, type JobSummary } from './job-summary-store.ts';
export { jobLayout, outputLayout } from './job-layout.ts';
export { openObject, readJson, uploadLines } from './s3-objects.ts';
export type { BatchRecord } from './fields.ts';
