import type { KinesisStreamStateResponse, KinesisStreamTumblingWindowEvent } from 'aws-lambda';
import { createKinesisPoller, type KinesisPoller } from '../../local/pollers/kinesis-poller.ts';
import type { RejectedRecordReport } from '../../shared/stream/failure-reporter.ts';
import { orderDataFilter } from '../../examples/orders/lib/order-revenue-pipeline.ts';
import { streamConsumerEnvironment, streamFilterPattern } from '../../shared/stream/contract.ts';
import { StreamProducer } from '../../shared/stream/producer.ts';
import { totalsByWindow } from '../../shared/stream/window-results.ts';
import {
  createQueue,
  createResultsTable,
  createStream,
  drainQueue,
  emulatorClients,
  eventually,
  inProcessFunction,
  readWholeStream,
  scanResults,
  ShiftedClock,
  uniqueName,
} from '../helpers/kinesis-fixtures.ts';
import { expectedRejections, expectedRevenueByWindow, generateOrderTraffic } from '../helpers/kinesis-order-stream.ts';

/**
 * 5,000 events by default: kinesis-mock's PutRecords slows down as a stream grows (≈1,000 rec/s for the
 * first 4,000 records, ≈300 rec/s past 16,000), so the full 20,000 takes 50–75 s. Run it with
 * SLUICE_STREAM_TEST_EVENTS=20000.
 */
const EVENTS = Number(process.env.SLUICE_STREAM_TEST_EVENTS ?? 5_000);
const SHARDS = 4;
const WINDOW_SECONDS = 5;

const { kinesis, sqs, dynamodb } = emulatorClients();

describe('stream pipeline: orders → revenue per category per window (kinesis-mock, DynamoDB Local)', () => {
  const streamName = uniqueName('orders');
  const tableName = uniqueName('order-revenue');
  let failureQueue: { url: string; arn: string };
  let streamArn: string;
  let handler: (event: KinesisStreamTumblingWindowEvent) => Promise<KinesisStreamStateResponse>;
  let poller: KinesisPoller | undefined;

  beforeAll(async () => {
    streamArn = await createStream(kinesis, streamName, SHARDS);
    failureQueue = await createQueue(sqs, uniqueName('order-failures'));
    await createResultsTable(dynamodb, tableName);
    Object.assign(process.env, {
      ...streamConsumerEnvironment({ pipelineName: 'orders', resultsTable: tableName, failureQueueUrl: failureQueue.url }),
      POWERTOOLS_LOG_LEVEL: 'WARN',
    });
    ({ handler } = await import('../../examples/orders/functions/stream-order-aggregator.ts'));
  });

  afterAll(async () => {
    await poller?.stop();
  });

  it(`aggregates ${EVENTS} events over ${SHARDS} shards into per-window results equal to an independent computation`, async () => {
    // Prepare
    const clock = new ShiftedClock();
    poller = createKinesisPoller({
      mapping: {
        EventSourceArn: streamArn,
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 500,
        TumblingWindowInSeconds: WINDOW_SECONDS,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 3,
        FilterCriteria: { Filters: [{ Pattern: JSON.stringify(streamFilterPattern(orderDataFilter)) }] },
        DestinationConfig: { OnFailure: { Destination: failureQueue.arn } },
      },
      fn: inProcessFunction(handler),
      streamName,
      kinesis,
      sqs,
      queueUrlForArn: () => failureQueue.url,
      clock,
      idlePollMs: 250,
    });
    poller.start();
    // Act
    const started = performance.now();
    await new StreamProducer({ client: kinesis, streamName, concurrency: 4 }).sendBatch(generateOrderTraffic(EVENTS));
    const produced = performance.now();
    clock.advance(3_600_000); // every window has ended: the poller may close them without waiting
    await eventually(() => poller!.idle(), 120_000, 'the pipeline to drain the stream');
    const drained = performance.now();
    // Assess
    const streamRecords = await readWholeStream(kinesis, streamName);
    const results = await scanResults(dynamodb, tableName);
    const reports = await drainQueue<RejectedRecordReport>(sqs, failureQueue.url);
    expect(streamRecords).toHaveLength(EVENTS);
    expect(Object.fromEntries(totalsByWindow(results))).toEqual(Object.fromEntries(expectedRevenueByWindow(streamRecords, WINDOW_SECONDS)));
    expect(results.filter((r) => r.kind === 'close')).toHaveLength(new Set(results.map((r) => r.pk)).size); // every (shard, window) closed once
    expect(reports.map((r) => r.sequenceNumber).sort()).toEqual(expectedRejections(streamRecords).sort());
    expect(reports.every((r) => r.reason === 'schema-invalid')).toBe(true);
    console.info(
      `stream pipeline: ${EVENTS} events, ${SHARDS} shards: produce ${(produced - started).toFixed(0)} ms (${((EVENTS / (produced - started)) * 1000).toFixed(0)} rec/s), ` +
        `drain after produce ${(drained - produced).toFixed(0)} ms, end-to-end ${((EVENTS / (drained - started)) * 1000).toFixed(0)} rec/s; ` +
        `${results.length} window results, ${poller.stats.invocations} invocations (${poller.stats.finalInvocations} final), ${poller.stats.filtered} filtered`,
    );
  }, 180_000);
});
