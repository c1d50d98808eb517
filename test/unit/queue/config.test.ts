import { ConfigurationError } from '../../../shared/errors.ts';
import { queueWorkerEnv } from '../../../shared/queue/config.ts';

const wired = {
  SLUICE_DEDUP_TABLE: 'dedup',
  SLUICE_DEDUP_SCOPE: 'orders',
  SLUICE_QUEUE_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders',
  SLUICE_DLQ_URL: 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq',
};

describe('queueWorkerEnv: the settings the QueuePipeline construct wires', () => {
  it.each([
    [undefined, 'adaptive'],
    ['', 'adaptive'],
    ['never', 'never'],
    ['always', 'always'],
  ])('reads SLUICE_DEDUP_READ_FIRST=%s as %s', (raw, mode) => {
    // Act
    const config = queueWorkerEnv({ ...wired, ...(raw === undefined ? {} : { SLUICE_DEDUP_READ_FIRST: raw }) });

    // Assess
    expect(config.dedupReadFirst).toBe(mode);
  });

  it('fails the cold start on an unknown SLUICE_DEDUP_READ_FIRST, naming the allowed values', () => {
    // Act
    const read = () => queueWorkerEnv({ ...wired, SLUICE_DEDUP_READ_FIRST: 'sometimes' });

    // Assess
    expect(read).toThrow(ConfigurationError);
    expect(read).toThrow(/never, always, adaptive, got "sometimes"/);
  });
});
