import { GetMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { StackQueue } from '../../targets/stack-resources.ts';
import { queueDepth } from '../../../../shared/queue/queue-depth.ts';

/** Depth of one queue and its DLQ. */
export interface QueueStatus {
  readonly name: string;
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
  /** Messages in the DLQ (visible + in flight), or undefined when the queue has none. */
  readonly deadLetters?: number;
  /** Seconds; undefined when unknown (CloudWatch only: emulators do not publish it). */
  readonly oldestAgeSeconds?: number;
}


/**
 * The queue name: the last segment of a queue URL.
 *
 * @example
 * queueNameOf('https://sqs.us-east-1.amazonaws.com/123456789012/orders'); // 'orders'
 */
export function queueNameOf(queueUrl: string): string {
  return queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
}

/**
 * The latest value of a CloudWatch metric over the last 15 minutes (Maximum per minute), or undefined.
 *
 * @example
 * await latestMetric(cloudwatch, 'AWS/SQS', 'ApproximateAgeOfOldestMessage', { QueueName: 'orders' });
 */
export async function latestMetric(cloudwatch: CloudWatchClient, namespace: string, metric: string, dimensions: Record<string, string>): Promise<number | undefined> {
  const end = new Date();
  const out = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(end.getTime() - 15 * 60_000),
      EndTime: end,
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [
        {
          Id: 'm',
          MetricStat: {
            Metric: { Namespace: namespace, MetricName: metric, Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })) },
            Period: 60,
            Stat: 'Maximum',
          },
        },
      ],
    }),
  );
  return out.MetricDataResults?.[0]?.Values?.[0];
}

/**
 * Depth of a queue and its DLQ; the oldest message's age from CloudWatch when a client is given (AWS).
 *
 * @example
 * const status = await queueStatus(sqs, { name: 'Orders', url, deadLetterUrl });
 */
export async function queueStatus(sqs: SQSClient, queue: StackQueue, cloudwatch?: CloudWatchClient): Promise<QueueStatus> {
  const [main, dlq, oldest] = await Promise.all([
    queueDepth(sqs, queue.url),
    queue.deadLetterUrl ? queueDepth(sqs, queue.deadLetterUrl) : Promise.resolve(undefined),
    cloudwatch ? latestMetric(cloudwatch, 'AWS/SQS', 'ApproximateAgeOfOldestMessage', { QueueName: queueNameOf(queue.url) }) : Promise.resolve(undefined),
  ]);
  return {
    name: queue.name,
    ...main,
    ...(dlq ? { deadLetters: dlq.visible + dlq.inFlight + dlq.delayed } : {}),
    ...(oldest !== undefined ? { oldestAgeSeconds: oldest } : {}),
  };
}
