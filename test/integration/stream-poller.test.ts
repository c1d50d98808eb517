import { setTimeout as sleep } from 'node:timers/promises';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent, KinesisStreamRecord, KinesisStreamTumblingWindowEvent } from 'aws-lambda';
import { createKinesisPoller, type KinesisMappingProperties, type KinesisPoller } from '../../local/pollers/kinesis-poller.ts';
import type { KinesisOnFailureMessage } from '../../local/pollers/kinesis-on-failure.ts';
import { kinesisClientConfig } from '../../shared/stream/kinesis-client-config.ts';
import { StreamProducer } from '../../shared/stream/producer.ts';
import { windowContaining } from '../../shared/stream/tumbling-window.ts';
import { orderEvent } from '../helpers/kinesis-events.ts';
import { createQueue, createStream, drainQueue, emulatorClients, eventually, inProcessFunction, ShiftedClock, uniqueName } from '../helpers/kinesis-fixtures.ts';

const { kinesis, sqs } = emulatorClients();
const decode = (record: KinesisStreamRecord) => JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8')) as Record<string, unknown>;

interface Setup {
  streamName: string;
  streamArn: string;
  failureQueue: { url: string; arn: string };
}

async function setUp(shards = 1): Promise<Setup> {
  const streamName = uniqueName('poller');
  const streamArn = await createStream(kinesis, streamName, shards);
  const failureQueue = await createQueue(sqs, uniqueName('poller-failures'));
  return { streamName, streamArn, failureQueue };
}

function startPoller(
  setup: Setup,
  mapping: Partial<KinesisMappingProperties>,
  fn: { arn: string; invoke(e: unknown): Promise<unknown> },
  clock = new ShiftedClock(),
  reader: KinesisClient = kinesis,
): KinesisPoller {
  const poller = createKinesisPoller({
    mapping: { EventSourceArn: setup.streamArn, StartingPosition: 'TRIM_HORIZON', DestinationConfig: { OnFailure: { Destination: setup.failureQueue.arn } }, ...mapping },
    fn,
    streamName: setup.streamName,
    kinesis: reader,
    sqs,
    queueUrlForArn: () => setup.failureQueue.url,
    clock,
    idlePollMs: 50,
  });
  poller.start();
  return poller;
}

/** A Kinesis client whose GetRecords calls wait, unsent, while the test holds them. */
function heldReader() {
  const client = new KinesisClient(kinesisClientConfig());
  let held: { waiting: boolean; released: Promise<void>; release: () => void } | undefined;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const gate = held;
      if (context.commandName === 'GetRecordsCommand' && gate) {
        gate.waiting = true;
        await gate.released;
      }
      return next(args);
    },
    { step: 'initialize', name: 'holdGetRecords' },
  );
  return {
    client,
    hold() {
      let release = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      held = { waiting: false, released, release };
    },
    /** A read is waiting: the reader's previous read has been answered. */
    waiting: () => held?.waiting === true,
    release() {
      held?.release();
      held = undefined;
    },
  };
}

describe('local Kinesis poller (kinesis-mock)', () => {
  const pollers: KinesisPoller[] = [];
  afterEach(async () => {
    await Promise.all(pollers.splice(0).map((p) => p.stop()));
  });

  it('delivers each shard in order in batches of at most BatchSize and skips records the filter rejects', async () => {
    // Prepare
    const setup = await setUp(2);
    const events = Array.from({ length: 120 }, (_, i) => orderEvent({ type: i % 3 === 0 ? 'cart' : 'order', seq: i, customerId: `c-${i % 5}` }));
    await new StreamProducer({ client: kinesis, streamName: setup.streamName }).sendBatch(events.map((e) => ({ data: e, partitionKey: e.customerId })));
    const batches: KinesisStreamRecord[][] = [];
    const fn = inProcessFunction(async (event: KinesisStreamEvent) => {
      batches.push(event.Records);
    });
    // Act
    const poller = startPoller(setup, { BatchSize: 7, FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ data: { type: ['order'] } }) }] } }, fn);
    pollers.push(poller);
    await eventually(() => poller.idle(), 20_000, 'the poller to drain the stream');
    // Assess
    const delivered = batches.flat().map(decode);
    expect(delivered.map((e) => e.seq).sort((a, b) => Number(a) - Number(b))).toEqual(events.filter((e) => e.type === 'order').map((e) => e.seq));
    expect(Math.max(...batches.map((b) => b.length))).toBeLessThanOrEqual(7);
    expect(batches.every((b) => new Set(b.map((r) => r.eventID.split(':')[0])).size === 1)).toBe(true);
    for (const shard of new Set(batches.flat().map((r) => r.eventID.split(':')[0]))) {
      const seqs = batches.flat().filter((r) => r.eventID.startsWith(`${shard}:`)).map((r) => BigInt(r.kinesis.sequenceNumber));
      expect(seqs).toEqual([...seqs].sort((a, b) => (a < b ? -1 : 1)));
    }
    expect(poller.stats.filtered).toBe(40);
  });

  it('isolates a poison record by bisecting, reports it to the on-failure queue in AWS shape, and processes the rest of its batch', async () => {
    // Prepare
    const setup = await setUp(1);
    const events = Array.from({ length: 20 }, (_, i) => orderEvent({ seq: i, ...(i === 13 ? { category: 'poison' } : {}) }));
    await new StreamProducer({ client: kinesis, streamName: setup.streamName }).sendBatch(events.map((e) => ({ data: e, partitionKey: 'one-key' })));
    const processed: number[] = [];
    const fn = inProcessFunction(async (event: KinesisStreamEvent) => {
      const decoded = event.Records.map(decode);
      if (decoded.some((e) => e.category === 'poison')) throw new Error('cannot process poison');
      processed.push(...decoded.map((e) => Number(e.seq)));
    });
    // Act
    const poller = startPoller(setup, { BatchSize: 10, BisectBatchOnFunctionError: true, MaximumRetryAttempts: 2 }, fn);
    pollers.push(poller);
    await eventually(() => poller.idle(), 20_000, 'the poller to drain the stream');
    const failures = await drainQueue<KinesisOnFailureMessage>(sqs, setup.failureQueue.url);
    // Assess
    expect(processed.sort((a, b) => a - b)).toEqual(events.map((e) => e.seq).filter((s) => s !== 13));
    expect(failures).toHaveLength(1);
    const [failure] = failures;
    expect(failure?.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3, functionArn: fn.arn });
    expect(failure?.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' });
    expect(failure?.version).toBe('1.0');
    expect(failure?.KinesisBatchInfo).toMatchObject({ shardId: 'shardId-000000000000', batchSize: 1, streamArn: setup.streamArn });
    expect(failure?.KinesisBatchInfo.startSequenceNumber).toBe(failure?.KinesisBatchInfo.endSequenceNumber);
    expect(Date.parse(failure!.KinesisBatchInfo.approximateArrivalOfFirstRecord)).not.toBeNaN();
    expect(poller.stats.bisections).toBeGreaterThanOrEqual(2);
  });

  it('checkpoints at the lowest reported failure and retries from there without redelivering earlier records', async () => {
    // Prepare
    const setup = await setUp(1);
    const events = Array.from({ length: 10 }, (_, i) => orderEvent({ seq: i }));
    await new StreamProducer({ client: kinesis, streamName: setup.streamName }).sendBatch(events.map((e) => ({ data: e, partitionKey: 'k' })));
    const deliveries: number[][] = [];
    let failedOnce = false;
    const fn = inProcessFunction(async (event: KinesisStreamEvent) => {
      const seqs = event.Records.map((r) => Number(decode(r).seq));
      deliveries.push(seqs);
      if (!failedOnce) {
        failedOnce = true;
        // Report two failures: Lambda must use the lower one (seq 4) as the checkpoint.
        return { batchItemFailures: [7, 4].map((s) => ({ itemIdentifier: event.Records[seqs.indexOf(s)]!.kinesis.sequenceNumber })) };
      }
      return { batchItemFailures: [] };
    });
    // Act
    const poller = startPoller(setup, { BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] }, fn);
    pollers.push(poller);
    await eventually(() => poller.idle(), 20_000, 'the poller to drain the stream');
    // Assess
    expect(deliveries).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [4, 5, 6, 7, 8, 9],
    ]);
  });

  it('discards records older than MaximumRecordAgeInSeconds without invoking and reports them as RecordAgeExceeded', async () => {
    // Prepare
    const setup = await setUp(1);
    await new StreamProducer({ client: kinesis, streamName: setup.streamName }).sendBatch([1, 2, 3].map((seq) => ({ data: orderEvent({ seq }), partitionKey: 'k' })));
    const clock = new ShiftedClock();
    clock.advance(120_000);
    let invocations = 0;
    const fn = inProcessFunction(async () => {
      invocations += 1;
    });
    // Act
    const poller = startPoller(setup, { MaximumRecordAgeInSeconds: 60 }, fn, clock);
    pollers.push(poller);
    await eventually(() => poller.idle(), 20_000, 'the poller to drain the stream');
    const failures = await drainQueue<KinesisOnFailureMessage>(sqs, setup.failureQueue.url);
    // Assess
    expect(invocations).toBe(0);
    expect(failures.map((f) => [f.requestContext.condition, f.KinesisBatchInfo.batchSize])).toEqual([['RecordAgeExceeded', 3]]);
  });

  it('keeps each partition key in order with ParallelizationFactor > 1 while running batches of one shard concurrently', async () => {
    // Prepare
    const setup = await setUp(1);
    const keys = Array.from({ length: 12 }, (_, i) => `customer-${i}`);
    const events = Array.from({ length: 600 }, (_, i) => orderEvent({ customerId: keys[i % keys.length]!, seq: Math.floor(i / keys.length) }));
    await new StreamProducer({ client: kinesis, streamName: setup.streamName }).sendBatch(events.map((e) => ({ data: e, partitionKey: e.customerId })));
    const seen = new Map<string, number[]>();
    let inFlight = 0;
    let maxInFlight = 0;
    const fn = inProcessFunction(async (event: KinesisStreamEvent) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, Math.random() * 15));
      for (const e of event.Records.map(decode)) seen.set(String(e.customerId), [...(seen.get(String(e.customerId)) ?? []), Number(e.seq)]);
      inFlight -= 1;
    });
    // Act
    const poller = startPoller(setup, { BatchSize: 10, ParallelizationFactor: 4 }, fn);
    pollers.push(poller);
    await eventually(() => poller.idle(), 30_000, 'the poller to drain the stream');
    // Assess
    expect(maxInFlight).toBeGreaterThan(1);
    for (const key of keys) expect(seen.get(key)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('closes a tumbling window once when a record put just before its end is read only after the end', async () => {
    // Prepare: 900 s windows, so both records fall in one window (a run within 15 s of a window's end waits it out)
    const windowSeconds = 900;
    const untilEnd = windowContaining(Date.now(), windowSeconds).endMs - Date.now();
    if (untilEnd < 15_000) await sleep(untilEnd + 100);
    const setup = await setUp(1);
    const producer = new StreamProducer({ client: kinesis, streamName: setup.streamName });
    await producer.send({ data: orderEvent({ seq: 1 }), partitionKey: 'k' });
    const events: KinesisStreamTumblingWindowEvent[] = [];
    const fn = inProcessFunction(async (event: KinesisStreamTumblingWindowEvent) => {
      events.push(event);
      return { state: { count: Number(event.state?.count ?? 0) + event.Records.length } };
    });
    const clock = new ShiftedClock();
    const reader = heldReader();
    const poller = startPoller(setup, { TumblingWindowInSeconds: windowSeconds }, fn, clock, reader.client);
    pollers.push(poller);
    await eventually(() => poller.idle(), 20_000, 'the first record to be delivered');
    // Act: the reader's last read found the shard caught up; the next one waits unsent while a record is
    // put and the clock passes the window's end (a lane that trusted the earlier read would close the window
    // now: it gets half a second of steps to do so), then goes out after the end and brings the record
    reader.hold();
    await eventually(() => reader.waiting(), 20_000, 'the next read to be held');
    await producer.send({ data: orderEvent({ seq: 2 }), partitionKey: 'k' });
    const window = windowContaining(events[0]!.Records[0]!.kinesis.approximateArrivalTimestamp * 1000, windowSeconds);
    clock.advance(window.endMs - clock.now() + 1_000);
    await sleep(500);
    reader.release();
    await eventually(() => events.flatMap((e) => e.Records).length === 2 && poller.idle(), 20_000, 'the second record to be delivered and the window to close');
    // Assess: one final invocation for the window, after both records
    const records = events.flatMap((e) => e.Records);
    expect(records.map((r) => windowContaining(r.kinesis.approximateArrivalTimestamp * 1000, windowSeconds).startMs)).toEqual([window.startMs, window.startMs]);
    expect(events.filter((e) => e.isFinalInvokeForWindow).map((e) => e.state)).toEqual([{ count: 2 }]);
  });
});
