import { setTimeout as sleep } from 'node:timers/promises';
import {
  CancelMessageMoveTaskCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  StartMessageMoveTaskCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';

/** SQS caps a move task's rate at 500 messages per second. */
export const MAX_MOVE_TASK_RATE = 500;

async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  return out.Attributes!.QueueArn!;
}

export interface MoveTaskResult {
  status: string;
  moved: number;
  failureReason?: string;
}

/**
 * Redrives a DLQ to its source queue with SQS's own StartMessageMoveTask (what the console's
 * "Start DLQ redrive" does), then follows it until it ends. Aborting cancels the task; SQS moves each
 * message atomically, so a cancelled task loses nothing either.
 *
 * @example
 * const { moved } = await runMoveTask(sqs, dlqUrl, sourceUrl, { ratePerSecond: 50 });
 */
export async function runMoveTask(
  sqs: SQSClient,
  deadLetterUrl: string,
  sourceUrl: string,
  options: { ratePerSecond?: number; signal?: AbortSignal; onProgress?: (moved: number, total: number) => void; pollMs?: number } = {},
): Promise<MoveTaskResult> {
  const sourceArn = await queueArn(sqs, deadLetterUrl);
  const destinationArn = await queueArn(sqs, sourceUrl);
  const started = await sqs.send(
    new StartMessageMoveTaskCommand({
      SourceArn: sourceArn,
      DestinationArn: destinationArn,
      ...(options.ratePerSecond ? { MaxNumberOfMessagesPerSecond: Math.min(MAX_MOVE_TASK_RATE, Math.ceil(options.ratePerSecond)) } : {}),
    }),
  );
  let cancelled = false;
  for (;;) {
    if (options.signal?.aborted && !cancelled) {
      cancelled = true;
      await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle: started.TaskHandle })).catch(() => undefined);
    }
    const list = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: sourceArn, MaxResults: 1 }));
    const task = list.Results?.find((t) => t.TaskHandle === started.TaskHandle) ?? list.Results?.[0];
    const moved = task?.ApproximateNumberOfMessagesMoved ?? 0;
    options.onProgress?.(moved, task?.ApproximateNumberOfMessagesToMove ?? 0);
    if (task && task.Status !== 'RUNNING' && task.Status !== 'CANCELLING') {
      return { status: task.Status ?? 'UNKNOWN', moved, ...(task.FailureReason ? { failureReason: task.FailureReason } : {}) };
    }
    await sleep(options.pollMs ?? 2000);
  }
}
