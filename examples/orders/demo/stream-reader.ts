import { ScanCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetRecordsCommand, GetShardIteratorCommand, ListShardsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { windowResultFromAttributes, type WindowResultItem } from 'sluice/stream';

/** A record as an independent reader of the stream sees it. */
export interface StreamRecordSnapshot {
  shardId: string;
  sequenceNumber: string;
  partitionKey: string;
  arrivalMs: number;
  data: string;
}

/**
 * Reads every record of every shard from TRIM_HORIZON with plain GetRecords: the reference the demo and
 * the tests compare the pipeline's results against (it shares no code with the poller).
 *
 * @example
 * const records = await readWholeStream(kinesis, 'orders');
 */
export async function readWholeStream(kinesis: KinesisClient, streamName: string): Promise<StreamRecordSnapshot[]> {
  const { Shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const snapshots: StreamRecordSnapshot[] = [];
  for (const { ShardId } of Shards) {
    let { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
    while (ShardIterator) {
      const page = await kinesis.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
      for (const r of page.Records ?? []) {
        snapshots.push({
          shardId: ShardId!,
          sequenceNumber: r.SequenceNumber!,
          partitionKey: r.PartitionKey!,
          arrivalMs: r.ApproximateArrivalTimestamp!.getTime(),
          data: Buffer.from(r.Data!).toString('utf8'),
        });
      }
      if ((page.Records ?? []).length === 0 && (page.MillisBehindLatest ?? 0) === 0) break;
      ShardIterator = page.NextShardIterator;
    }
  }
  return snapshots;
}

/**
 * Every committed window part in a stream pipeline's results table.
 *
 * @example
 * const parts = await scanWindowResults(dynamodb, runtime.output(streamOutputName('OrderStream', 'resultsTableName')));
 */
export async function scanWindowResults(dynamodb: DynamoDBClient, tableName: string): Promise<WindowResultItem[]> {
  const items: WindowResultItem[] = [];
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamodb.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
    items.push(...(page.Items ?? []).map(windowResultFromAttributes));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}
