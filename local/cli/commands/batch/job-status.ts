import { DescribeExecutionCommand, ExecutionDoesNotExist, ListExecutionsCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { JobSummaryStore, type JobSummary } from '../../../../shared/batch/job-summary-store.ts';
import { jobExecutionArn } from '../../../../shared/batch/job-starter.ts';

/** What is known of one batch job: its execution (when Step Functions is reachable) and its summary item. */
export interface JobStatus {
  readonly jobId: string;
  /** RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, or undefined when no execution is known. */
  readonly executionStatus?: string;
  readonly executionArn?: string;
  readonly startDate?: Date;
  readonly stopDate?: Date;
  /** The summary item (`status`, `records`, `groups`, `output`, … or `failedState`/`error`/`cause` on failure). */
  readonly summary?: JobSummary;
}

/**
 * A job's execution state and summary item.
 *
 * @example
 * const status = await jobStatus({ sfn, dynamodb, stateMachineArn, summaryTable }, 'daily-2026-11-25');
 */
export async function jobStatus(
  resources: { sfn?: SFNClient; dynamodb: DynamoDBClient; stateMachineArn: string; summaryTable?: string },
  jobId: string,
): Promise<JobStatus> {
  const [execution, summary] = await Promise.all([
    resources.sfn
      ? resources.sfn.send(new DescribeExecutionCommand({ executionArn: jobExecutionArn(resources.stateMachineArn, jobId) })).catch((err: unknown) => {
          if (err instanceof ExecutionDoesNotExist || (err as Error).name === 'ExecutionDoesNotExist') return undefined;
          throw err;
        })
      : Promise.resolve(undefined),
    resources.summaryTable
      ? new JobSummaryStore({ client: DynamoDBDocumentClient.from(resources.dynamodb), tableName: resources.summaryTable }).get(jobId)
      : Promise.resolve(undefined),
  ]);
  return {
    jobId,
    ...(execution ? { executionStatus: execution.status, executionArn: execution.executionArn, startDate: execution.startDate, stopDate: execution.stopDate } : {}),
    ...(summary ? { summary } : {}),
  };
}

/**
 * The most recent executions of the batch state machine (for `sluice status`).
 *
 * @example
 * const jobs = await recentJobs(sfn, stateMachineArn, 10);
 */
export async function recentJobs(sfn: SFNClient, stateMachineArn: string, max: number): Promise<{ jobId: string; status: string; startDate?: Date }[]> {
  const out = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: max }));
  return (out.executions ?? []).map((e) => ({ jobId: e.name ?? '', status: e.status ?? 'UNKNOWN', ...(e.startDate ? { startDate: e.startDate } : {}) }));
}
