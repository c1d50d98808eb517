import { randomUUID } from 'node:crypto';
import { CreateStreamCommand, GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';
import { generateOrderTraffic } from '../examples/orders/demo/order-stream-traffic.ts';
import { orderRevenuePipeline } from '../examples/orders/lib/order-revenue-pipeline.ts';
import { processWindowBatch } from '../shared/stream/processor.ts';
import { StreamProducer } from '../shared/stream/producer.ts';
import { toEventWindow, windowContaining } from '../shared/stream/tumbling-window.ts';

/** Records per second of each part of the stream stage, measured separately. */
export interface StreamFigures {
  records: number;
  /** Our handler's processing (decode → validate → filter/transform → window aggregate) fed in-process, no emulator. */
  processingPerSecond: number;
  /** kinesis-mock accepting the same records with PutRecords (500 per call, 4 calls in flight). */
  putPerSecond: number;
  /** kinesis-mock handing them back with GetRecords (10,000 per call, one shard). */
  getPerSecond: number;
}

const SHARD_ID = 'shardId-000000000000';
const STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/bench';

/**
 * The order pipeline's processing with the emulator taken out: the same generated traffic the demo puts
 * on the stream, as Lambda's tumbling-window events of 500 records (state carried between them, the last
 * one final), into `processWindowBatch` with in-memory result and failure stores.
 *
 * @example
 * const { recordsPerSecond } = await measureStreamProcessing(100_000);
 */
export async function measureStreamProcessing(count: number, batchSize = 500): Promise<{ recordsPerSecond: number; aggregated: number }> {
  const arrival = Date.parse('2026-01-01T00:00:10Z');
  const records: KinesisStreamRecord[] = generateOrderTraffic(count).map((r, i) => {
    const sequenceNumber = String(49_590_000_000_000_000_000n + BigInt(i));
    return {
      kinesis: { kinesisSchemaVersion: '1.0', partitionKey: r.partitionKey, sequenceNumber, data: Buffer.from(JSON.stringify(r.data)).toString('base64'), approximateArrivalTimestamp: arrival / 1000 },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${SHARD_ID}:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: 'arn:aws:iam::000000000000:role/bench',
      awsRegion: 'us-east-1',
      eventSourceARN: STREAM_ARN,
    };
  });
  const pipeline = orderRevenuePipeline('bench');
  const deps = { results: { commit: async () => ({ status: 'committed' as const }), close: async () => 'closed' as const }, failures: { report: async () => undefined } };
  const window = toEventWindow(windowContaining(arrival, 3600));
  let state: Record<string, unknown> = {};
  let aggregated = 0;
  const started = performance.now();
  for (let i = 0; i < records.length; i += batchSize) {
    const final = i + batchSize >= records.length;
    const { response, summary } = await processWindowBatch(
      { Records: records.slice(i, i + batchSize), window, state, shardId: SHARD_ID, eventSourceARN: STREAM_ARN, isFinalInvokeForWindow: final, isWindowTerminatedEarly: false } as Parameters<typeof processWindowBatch>[0],
      pipeline,
      deps,
    );
    if ((response.batchItemFailures ?? []).length > 0) throw new Error(`processing failed at ${summary.failedAt}`);
    state = response.state ?? {};
    aggregated += summary.aggregated;
  }
  return { recordsPerSecond: records.length / ((performance.now() - started) / 1000), aggregated };
}

/**
 * kinesis-mock's own rates on one shard: PutRecords of the same traffic, then GetRecords from TRIM_HORIZON
 * until every record is back.
 *
 * @example
 * const { putPerSecond, getPerSecond } = await measureKinesisMock(kinesis, 10_000);
 */
export async function measureKinesisMock(kinesis: KinesisClient, count: number): Promise<{ putPerSecond: number; getPerSecond: number }> {
  const streamName = `bench-${randomUUID().slice(0, 8)}`;
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }));
  const traffic = generateOrderTraffic(count);
  const producer = new StreamProducer({ client: kinesis, streamName, concurrency: 4 });
  for (let attempt = 0; ; attempt++) {
    try {
      await producer.send(traffic[0]!);
      break;
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((r) => setTimeout(r, 100)); // the stream is still being created
    }
  }
  const putStarted = performance.now();
  await producer.sendBatch(traffic.slice(1));
  const putSeconds = (performance.now() - putStarted) / 1000;
  const shards = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  let iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shards.Shards![0]!.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
  let read = 0;
  const getStarted = performance.now();
  while (iterator && read < count) {
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
    read += page.Records?.length ?? 0;
    iterator = page.NextShardIterator;
  }
  const getSeconds = (performance.now() - getStarted) / 1000;
  return { putPerSecond: (count - 1) / putSeconds, getPerSecond: read / getSeconds };
}
