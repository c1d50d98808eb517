import { describeFailure } from '../../../shared/batch/job-failure.ts';

describe('describeFailure', () => {
  it("takes a Lambda error's message out of its JSON cause, without the trace, in one line", () => {
    // Prepare
    const cause = JSON.stringify({ errorType: 'ObjectTooLargeError', errorMessage: 'partition 3 (records 1–9 of 9, input lines 2–40): s3://w/k is 14.2 MiB\n  more', trace: ['at x'] });
    // Act
    const line = describeFailure({ failedState: 'ProcessPartitions', error: 'ObjectTooLargeError', cause });
    // Assess
    expect(line).toBe('ProcessPartitions failed: ObjectTooLargeError: partition 3 (records 1–9 of 9, input lines 2–40): s3://w/k is 14.2 MiB');
  });

  it("keeps a Step Functions cause (plain text) as it is", () => {
    // Act
    const line = describeFailure({ failedState: 'Reduce', error: 'States.Timeout', cause: 'Task timed out after 930 seconds' });
    // Assess
    expect(line).toBe('Reduce failed: States.Timeout: Task timed out after 930 seconds');
  });
});
