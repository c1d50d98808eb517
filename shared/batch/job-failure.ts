import type { FailedJobSummary } from './job-summary.ts';

/**
 * A failed job in one line, from its summary item (written by the state machine's Catch path:
 * `failedState`, `error`, `cause`): the state, then the function's own message, which for a partition
 * names the partition, its records and input lines (`partition 3 (records 1–1,234 of 1,234, input lines 2–9,000): …`).
 * A Lambda error's cause is Lambda's JSON (`{ errorType, errorMessage, trace }`): its message is taken
 * and the trace left out; any other cause (a Step Functions error) is taken as it is. Always one line.
 *
 * @example
 * describeFailure({ failedState: 'ProcessPartitions', error: 'AggregateLimitError', cause: '{"errorType":"AggregateLimitError","errorMessage":"partition 3 (…): …"}' });
 * // 'ProcessPartitions failed: AggregateLimitError: partition 3 (…): …'
 */
export function describeFailure(summary: Pick<FailedJobSummary, 'failedState' | 'error' | 'cause'>): string {
  const state = summary.failedState || 'the job';
  const error = summary.error || 'Error';
  const cause = summary.cause;
  let message = cause;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === 'string') message = parsed.errorMessage;
  } catch {
    // Not Lambda's JSON: a Step Functions cause, already text.
  }
  const line = message.split(/\r?\n/)[0]!.trim();
  return `${state} failed: ${error}${line === '' ? '' : `: ${line}`}`;
}
