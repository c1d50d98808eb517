import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeStreamSummaryCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { StackStream } from '../../targets/stack-resources.ts';
import { latestMetric } from './queue-status.ts';

/** Shape and lag of one stream. */
export interface StreamStatus {
  readonly name: string;
  readonly status: string;
  readonly shards: number;
  /** Milliseconds behind the tip (CloudWatch `GetRecords.IteratorAgeMilliseconds`), when known. */
  readonly iteratorAgeMs?: number;
}

/**
 * Open shards and status of a stream; the iterator age from CloudWatch when a client is given (AWS).
 *
 * @example
 * const status = await streamStatus(kinesis, { name: 'OrderStream', streamName: 'sluice-orders' });
 */
export async function streamStatus(kinesis: KinesisClient, stream: StackStream, cloudwatch?: CloudWatchClient): Promise<StreamStatus> {
  const [summary, age] = await Promise.all([
    kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream.streamName })),
    cloudwatch ? latestMetric(cloudwatch, 'AWS/Kinesis', 'GetRecords.IteratorAgeMilliseconds', { StreamName: stream.streamName }) : Promise.resolve(undefined),
  ]);
  const description = summary.StreamDescriptionSummary;
  return {
    name: stream.name,
    status: description?.StreamStatus ?? 'UNKNOWN',
    shards: description?.OpenShardCount ?? 0,
    ...(age !== undefined ? { iteratorAgeMs: age } : {}),
  };
}
