import { kinesisMappingSettings } from '../../../../local/pollers/kinesis-mapping.ts';
import { onFailureMessage } from '../../../../local/pollers/kinesis-on-failure.ts';
import { kinesisRecord, orderEvent, TEST_SHARD_ID, TEST_STREAM_ARN } from '../../../helpers/kinesis-events.ts';

describe('kinesisMappingSettings', () => {
  it("fills in Lambda's documented defaults", () => {
    // Act
    const settings = kinesisMappingSettings({ EventSourceArn: TEST_STREAM_ARN, StartingPosition: 'LATEST' });
    // Assess
    expect(settings).toMatchObject({
      batchSize: 100,
      batchingWindowMs: 0,
      parallelizationFactor: 1,
      bisectOnError: false,
      maxRetryAttempts: -1,
      maxRecordAgeMs: -1,
      reportBatchItemFailures: false,
      filters: [],
      tumblingWindowSeconds: 0,
    });
  });

  it.each([
    ['BatchSize over 10,000', { BatchSize: 10_001 }],
    ['ParallelizationFactor over 10', { ParallelizationFactor: 11 }],
    ['MaximumRecordAgeInSeconds under 60', { MaximumRecordAgeInSeconds: 30 }],
    ['TumblingWindowInSeconds over 900', { TumblingWindowInSeconds: 901 }],
    ['AT_TIMESTAMP without a timestamp', { StartingPosition: 'AT_TIMESTAMP' }],
  ])('refuses %s as Lambda does', (_name, props) => {
    // Act
    const read = () => kinesisMappingSettings({ EventSourceArn: TEST_STREAM_ARN, StartingPosition: 'TRIM_HORIZON', ...props });
    // Assess
    expect(read).toThrow(RangeError);
  });
});

describe('onFailureMessage', () => {
  it('describes the discarded batch as AWS does: shard, sequence range, arrival times, size, stream', () => {
    // Prepare
    const records = [
      kinesisRecord(orderEvent(), { arrivalMs: Date.parse('2026-01-01T00:00:01.250Z') }),
      kinesisRecord(orderEvent(), { arrivalMs: Date.parse('2026-01-01T00:00:02.500Z') }),
    ];
    // Act
    const message = onFailureMessage({
      records,
      shardId: TEST_SHARD_ID,
      streamArn: TEST_STREAM_ARN,
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f',
      condition: 'RetryAttemptsExhausted',
      invokeCount: 4,
      functionError: true,
      now: Date.parse('2026-01-01T00:01:00Z'),
    });
    // Assess
    expect(message).toEqual({
      requestContext: { requestId: expect.any(String), functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:f', condition: 'RetryAttemptsExhausted', approximateInvokeCount: 4 },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-01-01T00:01:00.000Z',
      KinesisBatchInfo: {
        shardId: TEST_SHARD_ID,
        startSequenceNumber: records[0]!.kinesis.sequenceNumber,
        endSequenceNumber: records[1]!.kinesis.sequenceNumber,
        approximateArrivalOfFirstRecord: '2026-01-01T00:00:01.250Z',
        approximateArrivalOfLastRecord: '2026-01-01T00:00:02.500Z',
        batchSize: 2,
        streamArn: TEST_STREAM_ARN,
      },
    });
  });
});
