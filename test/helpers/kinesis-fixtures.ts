import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { until } from '../../local/runtime/until.ts';
import { clientConfig } from '../../shared/aws-clients.ts';
import { kinesisClientConfig } from '../../shared/stream/kinesis-client-config.ts';
import { WINDOW_RESULT_KEY } from '../../shared/stream/contract.ts';

/** Clients for the emulators the integration global setup started. */
export function emulatorClients() {
  return {
    kinesis: new KinesisClient(kinesisClientConfig()),
    sqs: new SQSClient(clientConfig({ service: 'sqs' })),
    dynamodb: new DynamoDBClient(clientConfig()),
  };
}

/** A unique resource name for this test file. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Creates a stream and waits until it is ACTIVE; returns its ARN. */
export async function createStream(kinesis: KinesisClient, streamName: string, shardCount: number): Promise<string> {
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
  for (;;) {
    const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
    if (StreamDescriptionSummary?.StreamStatus === 'ACTIVE') return StreamDescriptionSummary.StreamARN!;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Creates an SQS queue; returns its URL and ARN. */
export async function createQueue(sqs: SQSClient, queueName: string): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queueName }));
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: QueueUrl!, arn: Attributes!.QueueArn! };
}

/** Creates a results table with the key schema of the StreamPipeline construct ({@link WINDOW_RESULT_KEY}, strings). */
export async function createResultsTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: WINDOW_RESULT_KEY.partitionKey, AttributeType: 'S' },
        { AttributeName: WINDOW_RESULT_KEY.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: WINDOW_RESULT_KEY.partitionKey, KeyType: 'HASH' },
        { AttributeName: WINDOW_RESULT_KEY.sortKey, KeyType: 'RANGE' },
      ],
    }),
  );
}

/** Every item of a results table (the demo's reader). */
export { scanWindowResults as scanResults } from '../../examples/orders/demo/stream-reader.ts';

/** Receives (and deletes) every message currently in a queue, parsed as JSON. */
export async function drainQueue<T = unknown>(sqs: SQSClient, queueUrl: string): Promise<T[]> {
  const bodies: T[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return bodies;
    bodies.push(...Messages.map((m) => JSON.parse(m.Body!) as T));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
  }
}

// The independent stream reader is shared with the demo's stream stage.
export { readWholeStream, type StreamRecordSnapshot } from '../../examples/orders/demo/stream-reader.ts';

/**
 * Waits until `done()` holds, polling every 50 ms, for at most `timeoutMs` of real time (a generous
 * bound: the waits here take well under a tenth of it on an idle machine).
 */
export async function eventually(done: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  await until(done, { what, stallMs: timeoutMs, intervalMs: 50 });
}

/** A clock the test moves forward by hand (windows close and records age without waiting). */
export class ShiftedClock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** Wraps a handler as the poller's function, with a timeout like the runtime's LocalFunction. */
export function inProcessFunction(handler: (event: never) => Promise<unknown>, options: { name?: string; timeoutMs?: number } = {}) {
  const name = options.name ?? 'stream-consumer';
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    arn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    async invoke(event: unknown): Promise<unknown> {
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          handler(event as never),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new Error(`Task timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
