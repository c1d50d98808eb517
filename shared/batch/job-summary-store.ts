import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The DynamoDB item that tells a job's outcome (table key: `jobId`). */
export interface JobSummary {
  readonly jobId: string;
  readonly status: 'SUCCEEDED' | 'SUCCEEDED_WITH_MISSING_PARTITIONS' | 'FAILED';
  readonly partitions: number;
  /** Partitions that received records, and the most records one of them received (skew shows here). */
  readonly partitionsUsed?: number;
  readonly largestPartitionRecords?: number;
  readonly records: number;
  readonly groups: number;
  readonly skipped: number;
  /** The first skipped input lines, with their 1-based numbers and why (policy `skip`). */
  readonly badLines?: { line: number; reason: string }[];
  readonly durationMs: number;
  readonly recordsPerSecond: number;
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly missingPartitions?: number[];
  readonly output?: { bucket: string; groupsKey: string; sortedKey: string };
}

/**
 * Reads and writes job summaries. Failures are written by the state machine itself (a DynamoDB
 * PutItem task in the Catch path), with `status = FAILED`, `error` and `cause`.
 *
 * @example
 * const store = new JobSummaryStore({ client: DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName });
 * await store.put(summary);
 */
export class JobSummaryStore {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  async put(summary: JobSummary): Promise<void> {
    await this.options.client.send(new PutCommand({ TableName: this.options.tableName, Item: summary }));
  }

  async get(jobId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: { jobId }, ConsistentRead: true }));
    return Item;
  }
}
