import { SchemaValidationError } from '../../../shared/errors.ts';
import { runPartitionTask } from '../../../shared/batch/partition-task.ts';

const options = { s3: {} as never, workBucket: 'work' };

describe('runPartitionTask input validation', () => {
  it('names the bad field of an inline Map partition', async () => {
    // Act
    const task = runPartitionTask({ job: { jobId: 'j' }, partition: { index: -1 } }, options);
    // Assess
    await expect(task).rejects.toThrow(SchemaValidationError);
    await expect(task).rejects.toThrow(/^invalid partition task input: partition\.index: Too small: expected number to be >=0; /);
    await expect(task).rejects.toMatchObject({ issues: expect.arrayContaining([{ path: 'partition.index', message: expect.stringMatching(/Too small/) }]) });
  });

  it('names the bad field of a Distributed Map batch instead of a bare "Invalid input"', async () => {
    // Act
    const task = runPartitionTask({ BatchInput: { job: {} }, Items: [] }, options);
    // Assess
    await expect(task).rejects.toThrow('invalid partition task input: BatchInput.job.jobId: Invalid input: expected string, received undefined; Items: Too small: expected array to have >=1 items');
  });
});
