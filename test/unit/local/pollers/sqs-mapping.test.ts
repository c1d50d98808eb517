import { InvalidFilterPatternError } from '../../../../local/event-filter.ts';
import { sqsMappingSettings, type SqsMappingProperties } from '../../../../local/pollers/sqs-mapping.ts';

const ARN = 'arn:aws:sqs:us-east-1:000000000000:work';

describe('sqsMappingSettings', () => {
  it('fills in Lambda’s documented defaults (BatchSize 10, no batching window, Lambda’s own scaling)', () => {
    // Act
    const settings = sqsMappingSettings({ EventSourceArn: ARN }, { fifo: false });
    // Assess
    expect(settings).toEqual({ batchSize: 10, batchingWindowMs: 0, reportBatchItemFailures: false, filters: [], enabled: true });
  });

  it.each([
    ['a BatchSize of 0', { BatchSize: 0 }, false],
    ['a BatchSize over 10,000 on a standard queue', { BatchSize: 10_001, MaximumBatchingWindowInSeconds: 1 }, false],
    ['a BatchSize over 10 on a FIFO queue', { BatchSize: 11 }, true],
    ['a BatchSize over 10 without a batching window', { BatchSize: 11 }, false],
    ['a batching window over 300 s', { MaximumBatchingWindowInSeconds: 301 }, false],
    ['a batching window on a FIFO queue', { MaximumBatchingWindowInSeconds: 1 }, true],
    ['a MaximumConcurrency of 1', { ScalingConfig: { MaximumConcurrency: 1 } }, false],
    ['a MaximumConcurrency over 1,000', { ScalingConfig: { MaximumConcurrency: 1_001 } }, false],
  ] as const)('refuses %s as Lambda does', (_name, properties, fifo) => {
    // Prepare
    const mapping: SqsMappingProperties = { EventSourceArn: ARN, ...properties };
    // Act
    const read = () => sqsMappingSettings(mapping, { fifo });
    // Assess
    expect(read).toThrow(RangeError);
  });

  it('accepts the documented limits: 10,000 with a window, MaximumConcurrency 2 and 1,000', () => {
    // Act
    const read = () => [
      sqsMappingSettings({ EventSourceArn: ARN, BatchSize: 10_000, MaximumBatchingWindowInSeconds: 300 }, { fifo: false }),
      sqsMappingSettings({ EventSourceArn: ARN, ScalingConfig: { MaximumConcurrency: 2 } }, { fifo: false }),
      sqsMappingSettings({ EventSourceArn: ARN, BatchSize: 10, ScalingConfig: { MaximumConcurrency: 1_000 } }, { fifo: true }),
    ];
    // Assess
    expect(read).not.toThrow();
  });

  it('parses FilterCriteria on the body and refuses a pattern on another key', () => {
    // Prepare
    const good = { Filters: [{ Pattern: '{"body":{"kind":["keep"]}}' }] };
    const bad = { Filters: [{ Pattern: '{"attributes":{"SenderId":["x"]}}' }] };
    // Act
    const settings = sqsMappingSettings({ EventSourceArn: ARN, FilterCriteria: good }, { fifo: false });
    const refuse = () => sqsMappingSettings({ EventSourceArn: ARN, FilterCriteria: bad }, { fifo: false });
    // Assess
    expect(settings.filters).toHaveLength(1);
    expect(refuse).toThrow(InvalidFilterPatternError);
  });
});
