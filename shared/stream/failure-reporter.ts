import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { SluiceError } from '../errors.ts';

/** Body of the message sluice sends for a record it rejects (bad data, schema mismatch). */
export interface RejectedRecordReport {
  source: 'sluice';
  reason: string;
  message: string;
  pipeline: string;
  shardId: string;
  sequenceNumber: string;
  partitionKey: string;
  approximateArrivalTimestamp: string;
  eventSourceARN: string;
}

/**
 * Sends a rejected record's coordinates to the pipeline's failure queue (the same queue as the event
 * source mapping's on-failure destination): the record is acknowledged, never retried, and never lost:
 * the report names the shard and sequence number to read it back from the stream.
 *
 * @example
 * const reporter = new SqsFailureReporter(sqs, streamConsumerEnv().failureQueueUrl, 'orders');
 * await reporter.report(record, err);
 */
export class SqsFailureReporter {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly pipeline: string,
  ) {}

  async report(record: KinesisStreamRecord, error: SluiceError): Promise<void> {
    const body: RejectedRecordReport = {
      source: 'sluice',
      reason: error.reason,
      message: error.message,
      pipeline: this.pipeline,
      shardId: record.eventID.split(':')[0] ?? '',
      sequenceNumber: record.kinesis.sequenceNumber,
      partitionKey: record.kinesis.partitionKey,
      approximateArrivalTimestamp: new Date(record.kinesis.approximateArrivalTimestamp * 1000).toISOString(),
      eventSourceARN: record.eventSourceARN,
    };
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(body),
        MessageAttributes: { 'sluice-reason': { DataType: 'String', StringValue: error.reason } },
      }),
    );
  }
}

/** Anything that can take a rejected record (the SQS reporter, or a test double). */
export type FailureReporter = Pick<SqsFailureReporter, 'report'>;
