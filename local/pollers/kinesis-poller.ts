import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  type GetShardIteratorCommandInput,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { KinesisStreamRecord } from 'aws-lambda';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { recordFilter } from '../event-filter.ts';
import { KinesisLane, type KinesisPollerStats } from './kinesis-lane.ts';
import { kinesisMappingSettings, type KinesisMappingProperties, type KinesisMappingSettings } from './kinesis-mapping.ts';
import { onFailureMessage, type KinesisDiscardCondition } from './kinesis-on-failure.ts';
import { toKinesisStreamRecord } from './kinesis-record.ts';

export type { KinesisMappingProperties } from './kinesis-mapping.ts';
export type { KinesisPollerStats } from './kinesis-lane.ts';

/** The part of a local function the poller uses (the runtime's `LocalFunction` fits). */
export interface InvokableFunction {
  readonly arn: string;
  invoke(event: unknown): Promise<unknown>;
}

export interface KinesisPollerOptions {
  readonly mapping: KinesisMappingProperties;
  readonly fn: InvokableFunction;
  readonly streamName: string;
  readonly kinesis: KinesisClient;
  readonly sqs: SQSClient;
  /** Resolves the on-failure destination (an SQS queue ARN) to its URL. */
  queueUrlForArn(arn: string): string;
  /** Time for record age and tumbling windows (default the system clock; injectable so window tests do not wait). */
  readonly clock?: Clock;
  readonly region?: string;
  /** Pause between GetRecords calls on a shard that has caught up (Lambda polls once per second). */
  readonly idlePollMs?: number;
  /** Called with each function error, for logs. */
  readonly onError?: (error: unknown) => void;
}

export interface KinesisPoller {
  readonly stats: KinesisPollerStats;
  start(): void;
  stop(): Promise<void>;
  /**
   * Every shard read to its end, nothing buffered or in flight, and no window that has ended still waiting
   * for its final invocation. Only reads sent after the first quiet observation of a wait count, and each
   * `true` ends that wait, so a caller that puts records and then polls `idle()` never gets `true` from a read
   * that started before its put, even if it had waited for idle before.
   */
  idle(): boolean;
}

/** Stop reading a shard while its lanes hold this many undelivered records (Lambda's poller does not read ahead without bound either). */
const MAX_BUFFERED_PER_SHARD = 20_000;

/**
 * Lambda's Kinesis event source mapping, run locally on kinesis-mock. One reader per shard (standard
 * iterator from StartingPosition) feeds `ParallelizationFactor` lanes by partition-key hash; each lane has
 * one batch in flight, so records of a key stay in order. FilterCriteria are applied as records are read
 * (non-matching records are skipped and count as processed). Batching, retries, bisect, record age,
 * `ReportBatchItemFailures`, tumbling windows and the on-failure destination follow
 * {@link KinesisLane}. Checkpoints live in memory: a restarted poller starts again from StartingPosition.
 *
 * @example
 * const poller = createKinesisPoller({ mapping, fn, streamName, kinesis, sqs, queueUrlForArn });
 * poller.start();
 * await poller.stop();
 */
export function createKinesisPoller(options: KinesisPollerOptions): KinesisPoller {
  const settings = kinesisMappingSettings(options.mapping);
  const stats: KinesisPollerStats = { fetched: 0, filtered: 0, delivered: 0, invocations: 0, finalInvocations: 0, functionErrors: 0, partialFailures: 0, bisections: 0, discarded: 0, discardedWindows: 0 };
  const passesFilters = recordFilter(settings.filters, 'kinesis');
  const idlePollMs = options.idlePollMs ?? 200;
  const clock = options.clock ?? systemClock;
  const region = options.region ?? process.env.AWS_REGION ?? 'us-east-1';
  const shards = new Map<string, ShardState>();
  // idle() must not trust a GetRecords that was already under way when the caller's last put finished:
  // it only counts empty reads that started after it first saw the poller quiet.
  let quietSince: { at: number; fetched: number } | undefined;
  let stopped = true;
  let started = false;
  let loops: Promise<void>[] = [];

  const discard = async (
    shardId: string,
    records: readonly KinesisStreamRecord[],
    condition: KinesisDiscardCondition,
    invokeCount: number,
    functionError: boolean,
    batchSize?: number,
  ) => {
    if (!settings.onFailureDestination || records.length === 0) return;
    const message = onFailureMessage({
      records,
      shardId,
      streamArn: settings.streamArn,
      functionArn: options.fn.arn,
      condition,
      invokeCount,
      functionError,
      now: clock.now(),
      ...(batchSize !== undefined ? { batchSize } : {}),
    });
    const QueueUrl = options.queueUrlForArn(settings.onFailureDestination);
    for (let attempt = 1; ; attempt += 1) {
      try {
        await options.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(message) }));
        return;
      } catch (err) {
        // Lambda keeps the shard where it is until the destination accepts the record.
        if (stopped) throw err;
        options.onError?.(err);
        await sleep(Math.min(1000, 50 * attempt));
      }
    }
  };

  const laneLoop = async (shard: ShardState, lane: KinesisLane) => {
    while (!stopped) {
      const worked = await lane.step(shard.caughtUp ? shard.caughtUpReadAt : undefined).catch((err: unknown) => {
        options.onError?.(err);
        return false;
      });
      if (!worked) await sleep(10);
    }
  };

  const readShard = async (shardId: string, shard: ShardState) => {
    let iterator = await shardIterator(options, settings, shardId);
    let lastSequenceNumber: string | undefined;
    while (!stopped && iterator) {
      if (shard.lanes.reduce((n, lane) => n + lane.buffered, 0) >= MAX_BUFFERED_PER_SHARD) {
        await sleep(20);
        continue;
      }
      let page;
      const requestedAt = performance.now();
      // Taken before sending: a record put after this instant may be missing from the answer.
      const sentAt = clock.now();
      try {
        page = await options.kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      } catch (err) {
        if ((err as { name?: string }).name === 'ExpiredIteratorException') {
          iterator = await shardIterator(options, settings, shardId, lastSequenceNumber);
        } else {
          options.onError?.(err);
          await sleep(idlePollMs);
        }
        continue;
      }
      const records = page.Records ?? [];
      stats.fetched += records.length;
      const byLane = shard.lanes.map(() => [] as KinesisStreamRecord[]);
      for (const apiRecord of records) {
        const record = toKinesisStreamRecord(apiRecord, { shardId, streamArn: settings.streamArn, region });
        lastSequenceNumber = record.kinesis.sequenceNumber;
        if (!passesFilters(record)) {
          stats.filtered += 1;
          continue;
        }
        byLane[laneOf(record.kinesis.partitionKey, shard.lanes.length)]!.push(record);
      }
      byLane.forEach((batch, i) => shard.lanes[i]!.push(batch));
      iterator = page.NextShardIterator;
      shard.caughtUp = records.length === 0 && (page.MillisBehindLatest ?? 0) === 0;
      if (shard.caughtUp) {
        shard.lastEmptyReadStartedAt = requestedAt;
        shard.caughtUpReadAt = sentAt;
      }
      if (records.length === 0) await sleep(idlePollMs);
    }
    shard.closed = !iterator;
  };

  return {
    stats,
    start() {
      if (started) return;
      started = true;
      stopped = false;
      shards.clear(); // checkpoints are in memory: a restarted poller reads again from StartingPosition
      const run = (async () => {
        const listed = await options.kinesis.send(new ListShardsCommand({ StreamName: options.streamName }));
        const shardLoops: Promise<void>[] = [];
        for (const { ShardId } of listed.Shards ?? []) {
          if (!ShardId) continue;
          const shard: ShardState = { lanes: [], caughtUp: false, closed: false, lastEmptyReadStartedAt: -1, caughtUpReadAt: -Infinity };
          for (let i = 0; i < settings.parallelizationFactor; i += 1) {
            shard.lanes.push(
              new KinesisLane(
                {
                  settings,
                  shardId: ShardId,
                  clock,
                  invoke: async (event) => jsonRoundTrip(await options.fn.invoke(jsonRoundTrip(event))),
                  discard: (records, condition, count, functionError, batchSize) => discard(ShardId, records, condition, count, functionError, batchSize),
                  onError: options.onError,
                },
                stats,
              ),
            );
          }
          shards.set(ShardId, shard);
          shardLoops.push(readShard(ShardId, shard), ...shard.lanes.map((lane) => laneLoop(shard, lane)));
        }
        await Promise.all(shardLoops);
      })().catch((err: unknown) => {
        options.onError?.(err);
      });
      loops = [run];
    },
    async stop() {
      stopped = true;
      await Promise.allSettled(loops);
      loops = [];
      started = false;
    },
    idle() {
      const all = [...shards.values()];
      const quiet = all.length > 0 && all.every((shard) => (shard.caughtUp || shard.closed) && shard.lanes.every((lane) => lane.idle()));
      if (!quiet || (quietSince && quietSince.fetched !== stats.fetched)) {
        quietSince = undefined;
        return false;
      }
      quietSince ??= { at: performance.now(), fetched: stats.fetched };
      const since = quietSince.at;
      if (!all.every((shard) => shard.closed || shard.lastEmptyReadStartedAt > since)) return false;
      // An answer is good for the wait that asked: a caller that puts more records and waits again must not
      // get true from a read sent after this observation but before its put, so the next wait starts afresh.
      quietSince = undefined;
      return true;
    },
  };
}

interface ShardState {
  lanes: KinesisLane[];
  caughtUp: boolean;
  closed: boolean;
  /** When the last GetRecords that found the shard empty was sent (performance.now()). */
  lastEmptyReadStartedAt: number;
  /** The same instant on the mapping's clock: lanes close a window by time only on a caught-up read sent after its end. */
  caughtUpReadAt: number;
}

async function shardIterator(options: KinesisPollerOptions, settings: KinesisMappingSettings, shardId: string, after?: string): Promise<string | undefined> {
  const input: GetShardIteratorCommandInput = after
    ? { StreamName: options.streamName, ShardId: shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: after }
    : { StreamName: options.streamName, ShardId: shardId, ShardIteratorType: settings.startingPosition, Timestamp: settings.startingTimestamp };
  const { ShardIterator } = await options.kinesis.send(new GetShardIteratorCommand(input));
  return ShardIterator;
}

/** Lane of a partition key: a stable hash, so one key always lands on the same lane and keeps its order. */
export function laneOf(partitionKey: string, lanes: number): number {
  if (lanes === 1) return 0;
  return createHash('md5').update(partitionKey).digest().readUInt32BE(0) % lanes;
}

/** Lambda passes events and responses as JSON: a handler never shares objects with the poller (e.g. the window state it was given). */
function jsonRoundTrip(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
