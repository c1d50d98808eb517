import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { parseJobSummary, SUMMARY_TABLE_KEY, type JobSummary, type SucceededJobSummary } from './job-summary.ts';

export type { FailedJobSummary, JobSummary, SucceededJobSummary } from './job-summary.ts';

/**
 * Reads and writes job summaries (table key: `jobId`). Reduce writes a completed job's summary; failures
 * are written by the state machine itself (a DynamoDB PutItem task in the Catch path), with
 * `status = FAILED`, `failedState`, `error` and `cause`. `get()` reads either shape, told apart by `status`.
 *
 * @example
 * const store = new JobSummaryStore({ client: DynamoDBDocumentClient.from(new DynamoDBClient({})), tableName });
 * const summary = await store.get('daily-2026-11-25');
 * if (summary?.status === 'FAILED') console.log(describeFailure(summary));
 */
export class JobSummaryStore {
  constructor(private readonly options: { client: DynamoDBDocumentClient; tableName: string }) {}

  /** Records a completed job's summary (Reduce's last step). */
  async put(summary: SucceededJobSummary): Promise<void> {
    await this.options.client.send(new PutCommand({ TableName: this.options.tableName, Item: summary }));
  }

  /**
   * The job's summary (strongly consistent), `undefined` before the job has ended.
   *
   * @throws SchemaValidationError when the item matches neither shape.
   */
  async get(jobId: string): Promise<JobSummary | undefined> {
    const { Item } = await this.options.client.send(new GetCommand({ TableName: this.options.tableName, Key: { [SUMMARY_TABLE_KEY]: jobId }, ConsistentRead: true }));
    return Item === undefined ? undefined : parseJobSummary(Item);
  }
}
