import { SchemaValidationError } from '../../../shared/errors.ts';
import { jobContext, parseJobSpec } from '../../../shared/batch/job-spec.ts';
import { runPartitionTask } from '../../../shared/batch/partition-task.ts';
import { jobSpecInput } from '../../helpers/batch-records.ts';

const options = { s3: {} as never, workBucket: 'work' };
const job = jobContext(parseJobSpec(jobSpecInput({ jobId: 'j' })));

describe('runPartitionTask input validation', () => {
  it('names the bad field of an inline Map partition', async () => {
    // Act
    const task = runPartitionTask({ job, partition: { index: -1 } }, options);
    // Assess
    await expect(task).rejects.toThrow(SchemaValidationError);
    await expect(task).rejects.toThrow(/^invalid partition task input: partition\.index: Too small: expected number to be >=0; /);
    await expect(task).rejects.toMatchObject({ issues: expect.arrayContaining([{ path: 'partition.index', message: expect.stringMatching(/Too small/) }]) });
  });

  it('names the bad field of a Distributed Map batch instead of a bare "Invalid input"', async () => {
    // Prepare
    const { jobId: _jobId, ...withoutId } = job;
    // Act
    const task = runPartitionTask({ BatchInput: { job: withoutId }, Items: [] }, options);
    // Assess
    await expect(task).rejects.toThrow('invalid partition task input: BatchInput.job.jobId: Invalid input: expected string, received undefined; Items: Too small: expected array to have >=1 items');
  });

  it('refuses a job context that is not a whole job, naming its missing fields, before any work', async () => {
    // Prepare
    const slice = { index: 0, slice: 0, slices: 1, firstChunk: 0, chunks: 1, records: 1, firstRecord: 1, partitionRecords: 1, lines: [1, 1] };
    // Act
    const task = runPartitionTask({ job: { jobId: 'j', groupBy: 'region' }, partition: slice }, options);
    // Assess
    await expect(task).rejects.toThrow(
      'invalid partition task input: job.partition: Invalid input: expected object, received undefined; job.sort: Invalid input: expected object, received undefined; job.aggregates: Invalid input: expected array, received undefined; job.output: Invalid input: expected object, received undefined',
    );
  });
});
