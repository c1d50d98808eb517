import type { KinesisStreamStateResponse, KinesisStreamTumblingWindowEvent } from 'aws-lambda';
import { createKinesisPoller, type KinesisPoller } from '../../local/pollers/kinesis-poller.ts';
import { orderDataFilter, orderRevenuePipeline } from '../../examples/orders/lib/order-revenue-pipeline.ts';
import { streamConsumerEnvironment, streamFilterPattern } from '../../shared/stream/contract.ts';
import { StreamProducer } from '../../shared/stream/producer.ts';
import { createStreamConsumer } from '../../shared/stream/consumer.ts';
import { totalsByWindow, WindowResultStore } from '../../shared/stream/window-results.ts';
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
    Object.assign(process.env, { ...streamConsumerEnvironment({ pipelineName: 'orders', resultsTable: tableName, failureQueueUrl: failureQueue.url }), POWERTOOLS_LOG_LEVEL: 'WARN' });
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
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify(streamFilterPattern(orderDataFilter)) }] },
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
    await new StreamProducer({ client: kinesis, streamName, concurrency: 2 }).sendBatch(generateOrderTraffic(3_000, 7));
    clock.advance(3_600_000);
    await eventually(() => poller!.idle(), 240_000, 'the pipeline to drain the stream');
    await poller.stop();
    // Assess
    const streamRecords = await readWholeStream(kinesis, streamName);
    const results = await scanResults(dynamodb, tableName);
    const windowsPerShard = new Set(results.map((r) => r.pk));
    const closes = results.filter((r) => r.kind === 'close');
    expect(crashes.afterCommit).toBe(windowsPerShard.size);
    expect(crashes.afterBatch).toBeGreaterThan(0);
    expect(crashes.beforeWork).toBeGreaterThan(0);
    expect(closes).toHaveLength(windowsPerShard.size); // one close per (shard, window), none twice
    expect(results.filter((r) => r.kind === 'late')).toEqual([]); // no window was opened again after its close
    // The state counted every part once: what each close says equals what its window's parts hold.
    for (const close of closes) {
      const parts = results.filter((r) => r.pk === close.pk && r.kind === 'part');
      expect(close.closed).toEqual({ parts: parts.length, records: parts.reduce((n, p) => n + p.records, 0), rejected: parts.reduce((n, p) => n + p.rejected, 0) });
    }
    expect(Object.fromEntries(totalsByWindow(results))).toEqual(Object.fromEntries(expectedRevenueByWindow(streamRecords, WINDOW_SECONDS)));
  });

  it('ends with an exact result for every window when every final invocation fails past MaximumRetryAttempts', async () => {
    // Prepare: the sample's pipeline in a consumer of its own table, with the retries the StreamPipeline
    // construct sets (3); every final invocation fails before the handler runs, so Lambda gives up on each window.
    const tableName2 = uniqueName('order-revenue-finals');
    const streamName2 = uniqueName('orders-finals');
    const streamArn2 = await createStream(kinesis, streamName2, 1);
    await createResultsTable(dynamodb, tableName2);
    const consumer = createStreamConsumer({ ...orderRevenuePipeline('orders'), results: new WindowResultStore(dynamodb, tableName2) });
    let finalAttempts = 0;
    const failingFinals = inProcessFunction(async (event: KinesisStreamTumblingWindowEvent) => {
      if (event.isFinalInvokeForWindow) {
        finalAttempts += 1;
        throw new Error('final invocation failed');
      }
      return consumer(event);
    });
    const clock = new ShiftedClock();
    const finals = createKinesisPoller({
      mapping: { EventSourceArn: streamArn2, StartingPosition: 'TRIM_HORIZON', BatchSize: 50, TumblingWindowInSeconds: WINDOW_SECONDS, MaximumRetryAttempts: 3, FunctionResponseTypes: ['ReportBatchItemFailures'], DestinationConfig: { OnFailure: { Destination: failureQueue.arn } } },
      fn: failingFinals,
      streamName: streamName2,
      kinesis,
      sqs,
      queueUrlForArn: () => failureQueue.url,
      clock,
      idlePollMs: 100,
    });
    finals.start();
    // Act
    await new StreamProducer({ client: kinesis, streamName: streamName2, concurrency: 2 }).sendBatch(generateOrderTraffic(500, 11));
    clock.advance(3_600_000);
    await eventually(() => finals.idle(), 240_000, 'every window to be given up on');
    await finals.stop();
    // Assess
    const results = await scanResults(dynamodb, tableName2);
    const windows = new Set(results.map((r) => r.pk));
    expect(windows.size).toBeGreaterThan(0);
    expect(finals.stats.discardedWindows).toBe(windows.size);
    expect(finalAttempts).toBe(4 * windows.size); // the first attempt and MaximumRetryAttempts (3) retries
    expect(results.filter((r) => r.kind === 'close')).toEqual([]); // no window was ever closed …
    // … and every window's result is exact all the same
    expect(Object.fromEntries(totalsByWindow(results))).toEqual(Object.fromEntries(expectedRevenueByWindow(await readWholeStream(kinesis, streamName2), WINDOW_SECONDS)));
  });
});
