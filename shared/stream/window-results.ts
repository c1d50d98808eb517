import { ConditionalCheckFailedException, PutItemCommand, QueryCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { systemClock, type Clock } from '../clock.ts';
import { keyedRecord } from '../keyed-record.ts';
import { emptyAggregates, mergeAggregates, type KeyAggregate, type KeyedAggregates } from './aggregates.ts';
import { WINDOW_RESULT_KEY } from './contract.ts';
import type { WindowState } from './window-state.ts';

/**
 * What an item of the results table is: see {@link WindowResultItem.kind}.
 *
 * @example
 * const late = items.filter((item) => item.kind === ('late' satisfies WindowResultKind));
 */
export type WindowResultKind = 'part' | 'close' | 'late';

/** One item of the results table: a committed part of a window's result, or the mark of its close. */
export interface WindowResultItem {
  /** The partition key ({@link WINDOW_RESULT_KEY}): `pipeline#shardId#windowStart`. */
  pk: string;
  /**
   * The sort key: a part's first sequence number; `close` on a window's close; after an early end,
   * `close#` and the last sequence number covered; on a late close, `late#` and that sequence number.
   */
  sk: string;
  /**
   * `part` items hold results; a `close` item marks a window whose final invocation ran (absent: older
   * items, all parts); a `late` item records a final invocation for a window that was already closed,
   * with what its state counted (see {@link WindowResultStore.close}).
   */
  kind: WindowResultKind;
  pipeline: string;
  shardId: string;
  windowStart: string;
  windowEnd: string;
  /** A part's records (0 on a close item, so sums over items stay right). */
  records: number;
  rejected: number;
  aggregates: KeyedAggregates;
  firstSequenceNumber: string;
  lastSequenceNumber: string;
  terminatedEarly: boolean;
  committedAt: string;
  /** Close and late items: what the window's state counted (parts, records, rejected) when it closed. */
  closed?: { parts: number; records: number; rejected: number };
}

/** A run of consecutive records of one shard's window, aggregated by one invocation. */
export interface WindowPart {
  firstSequenceNumber: string;
  lastSequenceNumber: string;
  records: number;
  rejected: number;
  aggregates: KeyedAggregates;
}

export interface WindowPartCommit {
  pipeline: string;
  shardId: string;
  window: { start: string; end: string };
  part: WindowPart;
}

/** A part written now, or one an earlier attempt wrote from the same first record (its extent and counts). */
export type WindowPartOutcome = { status: 'committed' } | { status: 'duplicate'; lastSequenceNumber: string; records: number; rejected: number };

export interface WindowClose {
  pipeline: string;
  shardId: string;
  window: { start: string; end: string };
  state: WindowState;
  terminatedEarly: boolean;
}

/**
 * The results table of a stream pipeline. Each invocation commits the records it aggregated as a part,
 * with one conditional PutItem keyed by (pipeline, shard, window start) and the part's first sequence
 * number: a retried batch starts its parts at the same records, so the write is refused and the earlier
 * part's extent (returned with the refusal) tells the processor which records it already holds. A window
 * is therefore exact as soon as its records are processed; the final invocation only writes a `close`
 * item. Items are written and read with the plain DynamoDB client and {@link windowResultAttributes} /
 * {@link windowResultFromAttributes}: the document client's (un)marshalling drops or refuses map keys such
 * as `__proto__` and `constructor`, and the aggregates are keyed by category, which comes with the data.
 *
 * @example
 * const results = new WindowResultStore(new DynamoDBClient(clientConfig()), streamConsumerEnv().resultsTable);
 * await results.commit({ pipeline: 'orders', shardId, window: event.window, part });
 */
export class WindowResultStore {
  /** @param clock stamps `committedAt`. */
  constructor(
    private readonly dynamodb: DynamoDBClient,
    readonly tableName: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Writes a part once; when a part with the same first record exists, says how far it reaches. */
  async commit(commit: WindowPartCommit): Promise<WindowPartOutcome> {
    const { pipeline, shardId, window, part } = commit;
    const item: WindowResultItem = {
      pk: windowResultKey(pipeline, shardId, window.start),
      sk: part.firstSequenceNumber,
      kind: 'part',
      pipeline,
      shardId,
      windowStart: window.start,
      windowEnd: window.end,
      records: part.records,
      rejected: part.rejected,
      aggregates: part.aggregates,
      firstSequenceNumber: part.firstSequenceNumber,
      lastSequenceNumber: part.lastSequenceNumber,
      terminatedEarly: false,
      committedAt: new Date(this.clock.now()).toISOString(),
    };
    const existing = await this.putOnce(item);
    if (!existing) return { status: 'committed' };
    const earlier = windowResultFromAttributes(existing);
    return { status: 'duplicate', lastSequenceNumber: earlier.lastSequenceNumber, records: earlier.records, rejected: earlier.rejected };
  }

  /**
   * Marks a shard's window (or the stretch before an early end) closed with what its state counted, once:
   * the close is one item per (pipeline, shard, window), written with a conditional PutItem.
   * - `'closed'`: written now.
   * - `'duplicate'`: a retried final invocation found its own close (the same `coveredThrough`).
   * - `'late'`: the window was already closed, covering other records: records stamped inside it were
   *   delivered after its final invocation (Kinesis does not promise arrival stamps in order within a
   *   shard, and AWS does not say what Lambda does with such a record: this covers a second final
   *   invocation). Their parts are committed and in the totals; the close stays
   *   the first one, and a `late` item (`late#` + the sequence number covered) records what the later
   *   state counted, so a reader of the close sees one result and the late records are accounted for.
   */
  async close(close: WindowClose): Promise<'closed' | 'duplicate' | 'late'> {
    const { pipeline, shardId, window, state, terminatedEarly } = close;
    const covered = state.coveredThrough ?? '';
    const item: WindowResultItem = {
      pk: windowResultKey(pipeline, shardId, window.start),
      sk: terminatedEarly ? `close#${covered}` : 'close',
      kind: 'close',
      pipeline,
      shardId,
      windowStart: window.start,
      windowEnd: window.end,
      records: 0,
      rejected: 0,
      aggregates: emptyAggregates(),
      firstSequenceNumber: covered,
      lastSequenceNumber: covered,
      terminatedEarly,
      committedAt: new Date(this.clock.now()).toISOString(),
      closed: { parts: state.parts, records: state.records, rejected: state.rejected },
    };
    const existing = await this.putOnce(item);
    if (!existing) return 'closed';
    if (terminatedEarly || windowResultFromAttributes(existing).lastSequenceNumber === covered) return 'duplicate';
    // Put once too: a retried late close writes nothing more.
    await this.putOnce({ ...item, sk: `late#${covered}`, kind: 'late' });
    return 'late';
  }

  /** Puts an item unless its key exists; returns the existing item when it does. */
  private async putOnce(item: WindowResultItem): Promise<Record<string, AttributeValue> | undefined> {
    try {
      await this.dynamodb.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: windowResultAttributes(item),
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': WINDOW_RESULT_KEY.partitionKey },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return undefined;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) {
        if (!err.Item) throw new Error(`window result ${item.pk} ${item.sk} exists but DynamoDB did not return it`, { cause: err });
        return err.Item;
      }
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
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': WINDOW_RESULT_KEY.partitionKey },
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
 * windowResultKey('orders', 'shardId-000000000000', '2026-01-01T00:00:00Z');
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
export function totalsByWindow(items: readonly Pick<WindowResultItem, 'windowStart' | 'aggregates'>[]): Map<string, KeyedAggregates> {
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
    [WINDOW_RESULT_KEY.partitionKey]: { S: item.pk },
    [WINDOW_RESULT_KEY.sortKey]: { S: item.sk },
    kind: { S: item.kind },
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
    ...(item.closed
      ? { closedParts: number(item.closed.parts), closedRecords: number(item.closed.records), closedRejected: number(item.closed.rejected) }
      : {}),
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
  const pk = text(WINDOW_RESULT_KEY.partitionKey);
  const aggregates = emptyAggregates();
  for (const [key, value] of Object.entries(read(attributes, 'aggregates', 'M'))) {
    const fields = value.M;
    if (!fields) throw new Error(`window result ${pk}: aggregate of ${JSON.stringify(key)} is not a map`);
    aggregates[key] = { count: numberIn(fields, 'count'), sum: numberIn(fields, 'sum'), min: numberIn(fields, 'min'), max: numberIn(fields, 'max') };
  }
  const kind = Object.hasOwn(attributes, 'kind') ? text('kind') : 'part';
  if (kind !== 'part' && kind !== 'close' && kind !== 'late') throw new Error(`window result ${pk}: unknown kind ${JSON.stringify(kind)}`);
  return {
    pk,
    sk: text(WINDOW_RESULT_KEY.sortKey),
    kind,
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
    ...(kind !== 'part'
      ? { closed: { parts: numberIn(attributes, 'closedParts'), records: numberIn(attributes, 'closedRecords'), rejected: numberIn(attributes, 'closedRejected') } }
      : {}),
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
