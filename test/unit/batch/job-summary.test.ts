import { SchemaValidationError } from '../../../shared/errors.ts';
import { parseJobSummary } from '../../../shared/batch/job-summary.ts';

const succeeded = {
  jobId: 'j1',
  status: 'SUCCEEDED',
  partitions: 4,
  partitionsUsed: 3,
  largestPartitionRecords: 2,
  records: 5,
  groups: 2,
  skipped: 1,
  badLines: [{ line: 3, reason: 'not JSON' }],
  durationMs: 10,
  recordsPerSecond: 500,
  startedAt: 1_795_687_200_000,
  finishedAt: 1_795_687_200_010,
  output: { bucket: 'out', groupsKey: 'j1/groups.jsonl', sortedKey: 'j1/sorted.jsonl' },
};

describe('parseJobSummary', () => {
  it('reads the summary Reduce writes as it is', () => {
    // Act
    const summary = parseJobSummary(succeeded);
    // Assess
    expect(summary).toEqual(succeeded);
  });

  it('reads the failure the state machine writes with its ISO start time as epoch milliseconds', () => {
    // Act
    const summary = parseJobSummary({ jobId: 'j1', status: 'FAILED', failedState: 'Reduce', error: 'States.Timeout', cause: 'timed out', startedAt: '2026-11-26T10:00:00.000Z' });
    // Assess
    expect(summary).toEqual({ jobId: 'j1', status: 'FAILED', failedState: 'Reduce', error: 'States.Timeout', cause: 'timed out', startedAt: 1_795_687_200_000 });
  });

  it('names what is wrong with an item that matches no shape', () => {
    // Act
    const read = () => parseJobSummary({ jobId: 'j1', status: 'FAILED', failedState: 'Split', error: 'E', startedAt: 'yesterday' });
    // Assess
    expect(read).toThrow(SchemaValidationError);
    expect(read).toThrow('invalid summary item of job j1: cause: Invalid input: expected string, received undefined; startedAt: Invalid input');
  });

  it('refuses a status no writer writes', () => {
    // Act
    const read = () => parseJobSummary({ ...succeeded, status: 'DONE' });
    // Assess
    expect(read).toThrow(/^invalid summary item of job j1: status: /);
  });
});
