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
