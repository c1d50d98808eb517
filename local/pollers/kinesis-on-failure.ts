import { randomUUID } from 'node:crypto';
import type { KinesisStreamRecord } from 'aws-lambda';

/** Why Lambda gave up on a batch. */
export type KinesisDiscardCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';

/** The on-failure destination message for a discarded Kinesis batch, in the shape AWS sends. */
export interface KinesisOnFailureMessage {
  requestContext: { requestId: string; functionArn: string; condition: KinesisDiscardCondition; approximateInvokeCount: number };
  responseContext: { statusCode: number; executedVersion: string; functionError?: string };
  version: '1.0';
  timestamp: string;
  KinesisBatchInfo: {
    shardId: string;
    startSequenceNumber: string;
    endSequenceNumber: string;
    approximateArrivalOfFirstRecord: string;
    approximateArrivalOfLastRecord: string;
    batchSize: number;
    streamArn: string;
  };
}

/**
 * Builds the message Lambda sends to a Kinesis mapping's on-failure destination ("Retain discarded batch
 * records for a Kinesis Data Streams event source"): it describes the batch (shard, sequence range,
 * arrival times, size) and never carries the records themselves.
 *
 * @example
 * const body = onFailureMessage({ records, shardId, streamArn, functionArn, condition: 'RetryAttemptsExhausted', invokeCount: 3, now });
 */
export function onFailureMessage(input: {
  records: readonly KinesisStreamRecord[];
  shardId: string;
  streamArn: string;
  functionArn: string;
  condition: KinesisDiscardCondition;
  invokeCount: number;
  functionError: boolean;
  now: number;
  /** Records in the batch when `records` only holds its first and last (a tumbling window given up on). */
  batchSize?: number;
}): KinesisOnFailureMessage {
  const first = input.records[0];
  const last = input.records[input.records.length - 1];
  if (!first || !last) throw new Error('an on-failure message needs at least one record');
  const iso = (seconds: number) => new Date(Math.round(seconds * 1000)).toISOString();
  return {
    requestContext: { requestId: randomUUID(), functionArn: input.functionArn, condition: input.condition, approximateInvokeCount: input.invokeCount },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', ...(input.functionError ? { functionError: 'Unhandled' } : {}) },
    version: '1.0',
    timestamp: new Date(input.now).toISOString(),
    KinesisBatchInfo: {
      shardId: input.shardId,
      startSequenceNumber: first.kinesis.sequenceNumber,
      endSequenceNumber: last.kinesis.sequenceNumber,
      approximateArrivalOfFirstRecord: iso(first.kinesis.approximateArrivalTimestamp),
      approximateArrivalOfLastRecord: iso(last.kinesis.approximateArrivalTimestamp),
      batchSize: input.batchSize ?? input.records.length,
      streamArn: input.streamArn,
    },
  };
}
