import { DescribeStreamSummaryCommand, ListShardsCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';
import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { queueDepth } from '../../shared/queue/queue-depth.ts';
import { QUEUE_OUTPUT_SUFFIXES } from '../../shared/queue/contract.ts';
import { STREAM_OUTPUT_SUFFIXES, streamOutputName } from '../../shared/stream/contract.ts';
import { emptyAggregates, mergeAggregates, type KeyedAggregates } from '../../shared/stream/aggregates.ts';
import { windowResultFromAttributes, type WindowResultItem } from '../../shared/stream/window-results.ts';
import { peekMessages } from '../cli/commands/dlq/peek.ts';
import type { KinesisPollerStats } from '../pollers/kinesis-poller.ts';
import { outputNames, type ConsoleRuntime } from './console-runtime.ts';

/** One window with committed parts: its parts (one per shard, or several) added up. */
export interface WindowView {
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly shards: number;
  /** Shards whose final invocation for this window ran (a `close` item): the window is complete when it equals `shards`. */
  readonly closedShards: number;
  readonly records: number;
  readonly rejected: number;
  /** Per key (as pairs: keys come with the data), largest sum first. */
  readonly results: readonly (readonly [key: string, aggregate: { count: number; sum: number; min: number; max: number }])[];
}

/** A stream of the template, its mappings' counts, committed windows and failure queue. */
export interface StreamView {
  readonly id: string;
  readonly name: string;
  readonly streamName: string;
  readonly status: string;
  readonly shards: readonly { readonly id: string; readonly open: boolean }[];
  readonly mappings: readonly { readonly id: string; readonly function: string; readonly stats: Readonly<KinesisPollerStats> }[];
  /** From the `streamOutputName(name, 'resultsTableName')` output, when the stack has one (sluice's StreamPipeline does). */
  readonly resultsTable?: string;
  /** Committed windows, latest first (at most {@link MAX_WINDOWS}). */
  readonly windows: readonly WindowView[];
  /** Records the function rejected, as its committed windows count them. */
  readonly rejected: number;
  readonly failureQueues: readonly { readonly name: string; readonly url: string; readonly depth: number; readonly messages: readonly string[] }[];
}

export const MAX_WINDOWS = 20;
/** Failure-queue messages shown per queue (read without consuming them). */
const FAILURE_MESSAGES = 10;
/** Window result items scanned at most per request. */
const MAX_SCANNED_ITEMS = 5_000;
const MAX_KEYS_PER_WINDOW = 12;

async function shardsOf(kinesis: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let NextToken: string | undefined;
  do {
    const page = await kinesis.send(new ListShardsCommand(NextToken ? { NextToken } : { StreamName: streamName }));
    shards.push(...(page.Shards ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return shards;
}

async function windowItems(dynamodb: DynamoDBClient, tableName: string): Promise<WindowResultItem[]> {
  const items: WindowResultItem[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamodb.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
    for (const item of page.Items ?? []) {
      try {
        items.push(windowResultFromAttributes(item));
      } catch {
        // Not a window result (another writer's item): not this view's business.
      }
    }
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey && items.length < MAX_SCANNED_ITEMS);
  return items;
}

/**
 * Window result parts added up per window start, latest first. A window's parts are committed as its
 * records are processed; a shard's `close` item says its final invocation ran, so `closedShards` equal to
 * `shards` means the window is complete (close items count no records, so the sums stay right).
 *
 * @example
 * committedWindows(items)[0]; // { windowStart: '2026-01-01T00:01:00.000Z', shards: 4, closedShards: 4, records: 120, rejected: 1, results: [['books', {…}]] }
 */
export function committedWindows(items: readonly WindowResultItem[]): WindowView[] {
  const windows = new Map<string, { end: string; shards: Set<string>; closed: Set<string>; records: number; rejected: number; totals: KeyedAggregates }>();
  for (const item of items) {
    const window = windows.get(item.windowStart) ?? { end: item.windowEnd, shards: new Set<string>(), closed: new Set<string>(), records: 0, rejected: 0, totals: emptyAggregates() };
    window.shards.add(item.shardId);
    if (item.kind === 'close') window.closed.add(item.shardId);
    window.records += item.records;
    window.rejected += item.rejected;
    window.totals = mergeAggregates(window.totals, item.aggregates);
    windows.set(item.windowStart, window);
  }
  return [...windows.entries()]
    .sort(([a], [b]) => b.localeCompare(a))
    .slice(0, MAX_WINDOWS)
    .map(([windowStart, w]) => ({
      windowStart,
      windowEnd: w.end,
      shards: w.shards.size,
      closedShards: w.closed.size,
      records: w.records,
      rejected: w.rejected,
      results: Object.entries(w.totals)
        .sort(([, a], [, b]) => b.sum - a.sum)
        .slice(0, MAX_KEYS_PER_WINDOW),
    }));
}

async function failureQueue(sqs: SQSClient, name: string, url: string) {
  const depth = await queueDepth(sqs, url);
  const total = depth.visible + depth.inFlight + depth.delayed;
  const messages = total > 0 ? await peekMessages(sqs, url, { max: FAILURE_MESSAGES, waitTimeSeconds: 0 }) : [];
  return { name, url, depth: total, messages: messages.map((m) => m.Body ?? '') };
}

/**
 * Every Kinesis stream of the template: shards, what each mapping read, delivered, filtered and
 * discarded (the pollers' own counts), the committed windows of its results table, and the messages of
 * its failure queues (the mappings' on-failure destinations and the `streamOutputName(name, 'failureQueueUrl')` output).
 *
 * @example
 * const streams = await streamsView(runtime);
 */
export async function streamsView(runtime: ConsoleRuntime): Promise<StreamView[]> {
  const { kinesis, dynamodb, sqs } = runtime.clients;
  const outputs = runtime.outputs();
  const streamNames = outputNames(outputs, [STREAM_OUTPUT_SUFFIXES.streamName]);
  const queueNames = outputNames(outputs, [QUEUE_OUTPUT_SUFFIXES.queueUrl]);
  return Promise.all(
    runtime.resources.ofType('AWS::Kinesis::Stream').map(async (stream): Promise<StreamView> => {
      const name = streamNames.get(stream.ref) ?? stream.logicalId;
      const mappings = runtime.streamMappings.filter((m) => m.source.logicalId === stream.logicalId);
      const resultsTableOutput = streamOutputName(name, 'resultsTableName');
      const resultsTable = Object.hasOwn(outputs, resultsTableOutput) ? outputs[resultsTableOutput] : undefined;
      const failureUrls = new Set<string>();
      for (const mapping of mappings) {
        const destination = (mapping.properties.DestinationConfig as { OnFailure?: { Destination?: string } } | undefined)?.OnFailure?.Destination;
        const queue = destination ? runtime.resources.byArn(destination) : undefined;
        if (queue) failureUrls.add(queue.ref);
      }
      const failureQueueOutput = streamOutputName(name, 'failureQueueUrl');
      if (Object.hasOwn(outputs, failureQueueOutput)) failureUrls.add(outputs[failureQueueOutput]!);
      const [summary, shards, items, failures] = await Promise.all([
        kinesis ? kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream.physicalName })) : undefined,
        kinesis ? shardsOf(kinesis, stream.physicalName) : [],
        resultsTable ? windowItems(dynamodb, resultsTable) : [],
        Promise.all([...failureUrls].map((url) => failureQueue(sqs, queueNames.get(url) ?? url.slice(url.lastIndexOf('/') + 1), url))),
      ]);
      return {
        id: stream.logicalId,
        name,
        streamName: stream.physicalName,
        status: summary?.StreamDescriptionSummary?.StreamStatus ?? 'UNKNOWN',
        shards: shards.map((s) => ({ id: s.ShardId ?? '?', open: s.SequenceNumberRange?.EndingSequenceNumber === undefined })),
        mappings: mappings.map((m) => ({ id: m.logicalId, function: m.functionLogicalId, stats: m.poller.stats })),
        ...(resultsTable ? { resultsTable } : {}),
        windows: committedWindows(items),
        rejected: items.reduce((sum, item) => sum + item.rejected, 0),
        failureQueues: failures,
      };
    }),
  );
}
