import { ConditionalCheckFailedException, PutItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { keyedRecord } from '../keyed-record.ts';
import { emptyAggregates, mergeAggregates, type KeyAggregate, type KeyedAggregates } from './aggregates.ts';
import type { WindowState } from './window-state.ts';

/** One committed part of a window's result, as stored. */
export interface WindowResultItem {
  /** `pipeline#shardId#windowStart`. */
  pk: string;
  /** Sequence number of the part's first record: a window has one part, or several when its state outgrew the cap. */
  sk: string;
  pipeline: string;
  shardId: string;
  windowStart: string;
  windowEnd: string;
  records: number;
  rejected: number;
  aggregates: KeyedAggregates;
  firstSequenceNumber: string;
  lastSequenceNumber: string;
  terminatedEarly: boolean;
  committedAt: string;
}

export interface WindowCommit {
  pipeline: string;
  shardId: string;
  window: { start: string; end: string };
  state: WindowState;
  terminatedEarly: boolean;
}

/**
 * The results table of a stream pipeline. A window's result is written with one conditional PutItem keyed
 * by (pipeline, shard, window start) and the part's first sequence number, so when Lambda retries a batch
 * or a final invocation (a crash after the write, a timeout), the second write is refused and the window
 * is counted once. The key is a pure function of the records, so every retry computes the same key.
 * Items are written and read with the plain DynamoDB client and {@link windowResultAttributes} /
 * {@link windowResultFromAttributes}: the document client's (un)marshalling drops or refuses map keys
 * such as `__proto__` and `constructor`, and the aggregates are keyed by category, which comes with the data.
 *
 * @example
 * const results = new WindowResultStore(new DynamoDBClient(clientConfig()), process.env.SLUICE_RESULTS_TABLE!);
 * await results.commit({ pipeline: 'orders', shardId, window: event.window, state, terminatedEarly: false });
 */
export class WindowResultStore {
  constructor(
    private readonly dynamodb: DynamoDBClient,
    readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Writes a part once: `'duplicate'` when an earlier attempt already wrote it, `'empty'` when it has no records. */
  async commit(commit: WindowCommit): Promise<'committed' | 'duplicate' | 'empty'> {
    const { pipeline, shardId, window, state, terminatedEarly } = commit;
    if (state.firstSequenceNumber === undefined || state.lastSequenceNumber === undefined) return 'empty';
    const item: WindowResultItem = {
      pk: windowResultKey(pipeline, shardId, window.start),
      sk: state.firstSequenceNumber,
      pipeline,
      shardId,
      windowStart: window.start,
      windowEnd: window.end,
      records: state.records,
      rejected: state.rejected,
      aggregates: state.aggregates,
      firstSequenceNumber: state.firstSequenceNumber,
      lastSequenceNumber: state.lastSequenceNumber,
      terminatedEarly,
      committedAt: new Date(this.now()).toISOString(),
    };
    try {
      await this.dynamodb.send(new PutItemCommand({ TableName: this.tableName, Item: windowResultAttributes(item), ConditionExpression: 'attribute_not_exists(pk)' }));
      return 'committed';
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return 'duplicate';
      throw err;
    }
  }

  /** Every committed part of one shard's window. */
  async parts(pipeline: string, shardId: string, windowStart: string): Promise<WindowResultItem[]> {
    const items: WindowResultItem[] = [];
    let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.dynamodb.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: windowResultKey(pipeline, shardId, windowStart) } },
          ExclusiveStartKey,
        }),
      );
      items.push(...(page.Items ?? []).map(windowResultFromAttributes));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  }
}

/**
 * Partition key of a shard's window result.
 *
 * @example
 * windowResultKey('orders', 'shardId-000000000000', '2026-01-01T00:00:00.000Z');
 */
export function windowResultKey(pipeline: string, shardId: string, windowStart: string): string {
  return `${pipeline}#${shardId}#${windowStart}`;
}

/**
 * Totals per window start across shards and parts: what a reader of the results table wants.
 *
 * @example
 * const perWindow = totalsByWindow(items); // Map<windowStart, KeyedAggregates>
 */
export function totalsByWindow(items: readonly WindowResultItem[]): Map<string, KeyedAggregates> {
  const totals = new Map<string, KeyedAggregates>();
  for (const item of items) totals.set(item.windowStart, mergeAggregates(totals.get(item.windowStart) ?? emptyAggregates(), item.aggregates));
  return totals;
}

/**
 * A window result as DynamoDB attribute values; the aggregates become a map keyed by category, whatever
 * the category's name.
 *
 * @example
 * new PutItemCommand({ TableName, Item: windowResultAttributes(item) });
 */
export function windowResultAttributes(item: WindowResultItem): Record<string, AttributeValue> {
  return {
    pk: { S: item.pk },
    sk: { S: item.sk },
    pipeline: { S: item.pipeline },
    shardId: { S: item.shardId },
    windowStart: { S: item.windowStart },
    windowEnd: { S: item.windowEnd },
    records: number(item.records),
    rejected: number(item.rejected),
    aggregates: { M: keyedRecord(Object.entries(item.aggregates).map(([key, aggregate]) => [key, aggregateAttribute(aggregate)])) },
    firstSequenceNumber: { S: item.firstSequenceNumber },
    lastSequenceNumber: { S: item.lastSequenceNumber },
    terminatedEarly: { BOOL: item.terminatedEarly },
    committedAt: { S: item.committedAt },
  };
}

/**
 * A window result read from DynamoDB (GetItem, Query or Scan), its aggregates prototype-free.
 *
 * @throws Error naming the attribute when the item is not a window result.
 * @example
 * const parts = (await dynamodb.send(new ScanCommand({ TableName }))).Items?.map(windowResultFromAttributes);
 */
export function windowResultFromAttributes(attributes: Record<string, AttributeValue>): WindowResultItem {
  const text = (name: string) => read(attributes, name, 'S');
  const aggregates = emptyAggregates();
  for (const [key, value] of Object.entries(read(attributes, 'aggregates', 'M'))) {
    const fields = value.M;
    if (!fields) throw new Error(`window result ${text('pk')}: aggregate of ${JSON.stringify(key)} is not a map`);
    aggregates[key] = { count: numberIn(fields, 'count'), sum: numberIn(fields, 'sum'), min: numberIn(fields, 'min'), max: numberIn(fields, 'max') };
  }
  return {
    pk: text('pk'),
    sk: text('sk'),
    pipeline: text('pipeline'),
    shardId: text('shardId'),
    windowStart: text('windowStart'),
    windowEnd: text('windowEnd'),
    records: numberIn(attributes, 'records'),
    rejected: numberIn(attributes, 'rejected'),
    aggregates,
    firstSequenceNumber: text('firstSequenceNumber'),
    lastSequenceNumber: text('lastSequenceNumber'),
    terminatedEarly: read(attributes, 'terminatedEarly', 'BOOL'),
    committedAt: text('committedAt'),
  };
}

function number(value: number): AttributeValue.NMember {
  return { N: String(value) };
}

function aggregateAttribute(aggregate: KeyAggregate): AttributeValue.MMember {
  return { M: { count: number(aggregate.count), sum: number(aggregate.sum), min: number(aggregate.min), max: number(aggregate.max) } };
}

type Scalar = { S: string; N: string; BOOL: boolean; M: Record<string, AttributeValue> };

function read<K extends keyof Scalar>(attributes: Record<string, AttributeValue>, name: string, type: K): Scalar[K] {
  const value = (Object.hasOwn(attributes, name) ? (attributes[name] as Partial<Scalar>) : undefined)?.[type];
  if (value === undefined) throw new Error(`window result: attribute ${name} is missing or not of type ${type}`);
  return value as Scalar[K];
}

function numberIn(attributes: Record<string, AttributeValue>, name: string): number {
  return Number(read(attributes, name, 'N'));
}
