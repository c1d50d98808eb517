import type { KinesisStreamStateResponse, KinesisStreamTumblingWindowEvent } from 'aws-lambda';
import { createKinesisPoller, type KinesisPoller } from '../../local/pollers/kinesis-poller.ts';
import { orderFilterPattern } from '../../examples/orders/lib/order-revenue-pipeline.ts';
import { putRecords } from '../../shared/stream/producer.ts';
import { totalsByWindow } from '../../shared/stream/window-results.ts';
import {
  createQueue,
  createResultsTable,
  createStream,
  emulatorClients,
  eventually,
  inProcessFunction,
  readWholeStream,
  scanResults,
  ShiftedClock,
  uniqueName,
} from '../helpers/kinesis-fixtures.ts';
import { expectedRevenueByWindow, generateOrderTraffic } from '../helpers/kinesis-order-stream.ts';

const WINDOW_SECONDS = 2;
const { kinesis, sqs, dynamodb } = emulatorClients();

describe('stream pipeline under crashes (kinesis-mock, DynamoDB Local)', () => {
  const streamName = uniqueName('orders-crash');
  const tableName = uniqueName('order-revenue-crash');
  let poller: KinesisPoller | undefined;
  let handler: (event: KinesisStreamTumblingWindowEvent) => Promise<KinesisStreamStateResponse>;
  let streamArn: string;
  let failureQueue: { url: string; arn: string };

  beforeAll(async () => {
    streamArn = await createStream(kinesis, streamName, 2);
    failureQueue = await createQueue(sqs, uniqueName('order-failures-crash'));
    await createResultsTable(dynamodb, tableName);
    Object.assign(process.env, { SLUICE_PIPELINE_NAME: 'orders', SLUICE_RESULTS_TABLE: tableName, SLUICE_FAILURE_QUEUE_URL: failureQueue.url, POWERTOOLS_LOG_LEVEL: 'WARN' });
    ({ handler } = await import('../../examples/orders/functions/stream-order-aggregator.ts'));
  });

  afterAll(async () => {
    await poller?.stop();
  });

  it('yields each window result exactly once when invocations crash before and after their side effects and are retried', async () => {
    // Prepare: the environment dies after the handler's work on every first final invocation of a window
    // (after the commit) and on every 4th batch (state lost), and before any work on every 7th invocation.
    const crashes = { afterCommit: 0, afterBatch: 0, beforeWork: 0 };
    const finalsSeen = new Set<string>();
    let invocations = 0;
    const crashing = inProcessFunction(async (event: KinesisStreamTumblingWindowEvent & { shardId: string }) => {
      invocations += 1;
      if (invocations % 7 === 0) {
        crashes.beforeWork += 1;
        throw new Error('crash before work');
      }
      const response = await handler(event);
      const windowKey = `${event.shardId}#${event.window.start}`;
      if (event.isFinalInvokeForWindow && !finalsSeen.has(windowKey)) {
        finalsSeen.add(windowKey);
        crashes.afterCommit += 1;
        throw new Error('crash after commit');
      }
      if (!event.isFinalInvokeForWindow && invocations % 4 === 0) {
        crashes.afterBatch += 1;
        throw new Error('crash after batch');
      }
      return response;
    });
    const clock = new ShiftedClock();
    poller = createKinesisPoller({
      mapping: {
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        TumblingWindowInSeconds: WINDOW_SECONDS,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify(orderFilterPattern) }] },
        DestinationConfig: { OnFailure: { Destination: failureQueue.arn } },
      },
      fn: crashing,
      streamName,
      kinesis,
      sqs,
      queueUrlForArn: () => failureQueue.url,
      clock,
      idlePollMs: 100,
    });
    poller.start();
    // Act
    await putRecords(kinesis, streamName, generateOrderTraffic(3_000, 7), { concurrency: 2 });
    clock.advance(3_600_000);
    await eventually(() => poller!.idle(), 60_000, 'the pipeline to drain the stream');
    // Assess
    const streamRecords = await readWholeStream(kinesis, streamName);
    const results = await scanResults(dynamodb, tableName);
    const windowsPerShard = new Set(results.map((r) => r.pk));
    expect(crashes.afterCommit).toBe(windowsPerShard.size);
    expect(crashes.afterBatch).toBeGreaterThan(0);
    expect(crashes.beforeWork).toBeGreaterThan(0);
    expect(results).toHaveLength(windowsPerShard.size); // one committed result per (shard, window), none twice
    expect(Object.fromEntries(totalsByWindow(results))).toEqual(Object.fromEntries(expectedRevenueByWindow(streamRecords, WINDOW_SECONDS)));
  }, 90_000);
});
