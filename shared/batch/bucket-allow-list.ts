import * as z from 'zod/mini';
import { JobSpecError } from '../errors.ts';
import { jobSpecSchema, type JobSpec } from './job-spec.ts';

/** The buckets a deployed batch job may read inputs from and write outputs to (its roles allow no others). */
export interface BucketAllowList {
  readonly input: ReadonlySet<string>;
  readonly output: ReadonlySet<string>;
}

/**
 * What is wrong with the buckets a spec names, one message per bucket outside the allow-list (empty when
 * all are allowed), each naming the buckets the job may use.
 *
 * @example
 * jobBucketIssues(spec, allowed); // ['input.s3.bucket: "other" is not a bucket this job may read (allowed: batch-bucket)']
 */
export function jobBucketIssues(spec: Pick<JobSpec, 'input' | 'output'>, allowed: BucketAllowList): string[] {
  const issues: string[] = [];
  const list = (set: ReadonlySet<string>) => [...set].join(', ') || 'none';
  if (spec.input.format !== 'inline' && !allowed.input.has(spec.input.s3.bucket)) {
    issues.push(`input.s3.bucket: ${JSON.stringify(spec.input.s3.bucket)} is not a bucket this job may read (allowed: ${list(allowed.input)}; BatchJob inputBuckets)`);
  }
  if (!allowed.output.has(spec.output.bucket)) {
    issues.push(`output.bucket: ${JSON.stringify(spec.output.bucket)} is not a bucket this job may write (allowed: ${list(allowed.output)}; BatchJob outputBuckets)`);
  }
  return issues;
}

/**
 * Refuses a spec naming a bucket outside the allow-list, before any read: the job's roles would answer
 * AccessDenied halfway through.
 *
 * @throws JobSpecError naming each refused bucket and the allowed ones.
 * @example
 * assertJobBuckets(spec, bucketAllowListFromEnv());
 */
export function assertJobBuckets(spec: Pick<JobSpec, 'input' | 'output'>, allowed: BucketAllowList | undefined): void {
  if (!allowed) return;
  const issues = jobBucketIssues(spec, allowed);
  if (issues.length > 0) throw new JobSpecError(`invalid batch job spec: ${issues.join('; ')}`);
}

/**
 * The job spec schema of a request queue: a spec naming a bucket outside the allow-list fails it, so the
 * request goes to the DLQ (reason `schema-invalid`) instead of starting a job that fails halfway.
 *
 * @example
 * createQueueWorker({ schema: jobRequestSchema(bucketAllowListFromEnv()), … });
 */
export function jobRequestSchema(allowed: BucketAllowList | undefined) {
  return jobSpecSchema.check(
    z.superRefine((spec, ctx) => {
      if (allowed) for (const message of jobBucketIssues(spec, allowed)) ctx.addIssue({ code: 'custom', message });
    }),
  );
}
