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

/**
 * What Lambda's event filtering sees for a Kinesis record: its metadata, with `data` decoded when it is
 * JSON. Non-JSON data is left out, so a pattern on `data` does not match it (Lambda drops such records
 * when the pattern filters on data) while metadata-only patterns still can.
 *
 * @example
 * matchesAnyPattern(filters, kinesisFilterSubject(record));
 */
export function kinesisFilterSubject(record: KinesisStreamRecord): Record<string, unknown> {
  const { data, ...metadata } = record.kinesis;
  try {
    return { ...metadata, data: JSON.parse(Buffer.from(data, 'base64').toString('utf8')) };
  } catch {
    return metadata;
  }
}

/** Compares Kinesis sequence numbers (decimal strings longer than 2^53). */
export function compareSequenceNumbers(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}
