import type { _Record as KinesisApiRecord } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';

/**
 * Converts a GetRecords record to the record Lambda puts in a Kinesis event (base64 data, arrival time
 * in fractional seconds, `eventID` = `shardId:sequenceNumber`).
 *
 * @example
 * const record = toKinesisStreamRecord(apiRecord, { shardId, streamArn, region: 'us-east-1' });
 */
export function toKinesisStreamRecord(
  record: KinesisApiRecord,
  source: { shardId: string; streamArn: string; region: string; invokeIdentityArn?: string },
): KinesisStreamRecord {
  const sequenceNumber = record.SequenceNumber ?? '';
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey ?? '',
      sequenceNumber,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
      approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? 0) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${source.shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: source.invokeIdentityArn ?? `arn:aws:iam::000000000000:role/sluice-local`,
    awsRegion: source.region,
    eventSourceARN: source.streamArn,
  };
}

export { compareSequenceNumbers } from '../../shared/stream/sequence-numbers.ts';
