import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mergeAggregates, type KeyedAggregates } from './aggregates.ts';
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
 *
 * @example
 * const results = new WindowResultStore(new DynamoDBClient(clientConfig()), process.env.SLUICE_RESULTS_TABLE!);
 * await results.commit({ pipeline: 'orders', shardId, window: event.window, state, terminatedEarly: false });
 */
export class WindowResultStore {
  private readonly documents: DynamoDBDocumentClient;

  constructor(
    dynamodb: DynamoDBClient,
    readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {
    this.documents = DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
  }

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
      await this.documents.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
      return 'committed';
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return 'duplicate';
      throw err;
    }
  }

  /** Every committed part of one shard's window. */
  async parts(pipeline: string, shardId: string, windowStart: string): Promise<WindowResultItem[]> {
    const items: WindowResultItem[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.documents.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': windowResultKey(pipeline, shardId, windowStart) },
          ExclusiveStartKey,
        }),
      );
      items.push(...((page.Items ?? []) as WindowResultItem[]));
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
  for (const item of items) totals.set(item.windowStart, mergeAggregates(totals.get(item.windowStart) ?? {}, item.aggregates));
  return totals;
}
