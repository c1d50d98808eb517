import { JobSpecError } from '../../../shared/errors.ts';
import { bucketAllowListFromEnv } from '../../../shared/batch/config.ts';
import { assertJobBuckets, jobBucketIssues, jobRequestSchema } from '../../../shared/batch/bucket-allow-list.ts';
import { parseJobSpec } from '../../../shared/batch/job-spec.ts';

const spec = (inputBucket: string, outputBucket: string) =>
  parseJobSpec({
    jobId: 'j-1',
    input: { format: 'jsonl', s3: { bucket: inputBucket, key: 'in/orders.jsonl' } },
    partition: { key: 'customerId', count: 4 },
    sort: { key: 'orderId' },
    groupBy: 'customerId',
    aggregates: [{ op: 'count' }],
    output: { bucket: outputBucket, prefix: 'out/' },
  });

const allowed = bucketAllowListFromEnv({ BATCH_INPUT_BUCKETS: 'batch-bucket,raw-orders', BATCH_OUTPUT_BUCKETS: 'batch-bucket' })!;

describe('the batch job bucket allow-list (what the job roles may read and write)', () => {
  it('reads the buckets the BatchJob construct allows from the environment, and none when it set nothing', () => {
    // Assess
    expect(allowed).toEqual({ input: new Set(['batch-bucket', 'raw-orders']), output: new Set(['batch-bucket']) });
    expect(bucketAllowListFromEnv({})).toBeUndefined();
  });

  it('accepts a spec whose input and output buckets are allowed', () => {
    // Act
    const issues = jobBucketIssues(spec('raw-orders', 'batch-bucket'), allowed);

    // Assess
    expect(issues).toEqual([]);
  });

  it('refuses a spec naming another bucket before any read, naming the bucket and the allowed ones', () => {
    // Act
    const check = () => assertJobBuckets(spec('someone-elses', 'raw-orders'), allowed);

    // Assess
    expect(check).toThrow(JobSpecError);
    expect(check).toThrow(
      'invalid batch job spec: input.s3.bucket: "someone-elses" is not a bucket this job may read (allowed: batch-bucket, raw-orders; BatchJob inputBuckets); ' +
        'output.bucket: "raw-orders" is not a bucket this job may write (allowed: batch-bucket; BatchJob outputBuckets)',
    );
  });

  it('ignores the input bucket of inline records', () => {
    // Prepare
    const inline = { ...spec('batch-bucket', 'batch-bucket'), input: { format: 'inline' as const, records: [{ a: 1 }] } };

    // Act
    const issues = jobBucketIssues(inline, allowed);

    // Assess
    expect(issues).toEqual([]);
  });

  it('makes a request queue refuse such a spec as schema-invalid, so it goes to the DLQ instead of starting a job', () => {
    // Act
    const parsed = jobRequestSchema(allowed).safeParse(spec('someone-elses', 'batch-bucket'));

    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.message)).toEqual([expect.stringMatching(/^input\.s3\.bucket: "someone-elses" is not a bucket this job may read/)]);
  });
});
