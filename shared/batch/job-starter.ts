import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { JobSpec } from './job-spec.ts';

/**
 * Starts a job's execution, named after the job: Step Functions refuses a second execution with the
 * same name (for 90 days), which makes a re-sent request harmless even past the dedup window. Returns
 * whether this call started it.
 *
 * @example
 * const { started } = await startJobExecution(sfn, stateMachineArn, spec);
 */
export async function startJobExecution(sfn: SFNClient, stateMachineArn: string, spec: JobSpec): Promise<{ started: boolean; executionArn?: string }> {
  try {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: spec.jobId, input: JSON.stringify(spec) }));
    return { started: true, executionArn };
  } catch (err) {
    if ((err as Error).name === 'ExecutionAlreadyExists') return { started: false };
    throw err;
  }
}

/**
 * A job's execution ARN: executions are named after the job ({@link startJobExecution}), so the job id gives it.
 *
 * @example
 * jobExecutionArn('arn:aws:states:us-east-1:1:stateMachine:Batch', 'j1'); // 'arn:aws:states:us-east-1:1:execution:Batch:j1'
 */
export function jobExecutionArn(stateMachineArn: string, jobId: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${jobId}`;
}
