import type { Message } from '@aws-sdk/client-sqs';
import { DLQ_ATTRIBUTES } from '../../../../shared/envelope.ts';
import { deadLetterReason } from './dead-letters.ts';

/** Dead letters of one reason. */
export interface ReasonGroup {
  readonly reason: string;
  count: number;
  readonly sampleBody: string;
  readonly sampleError?: string;
}

/**
 * Groups dead letters by reason, most frequent first, with the first message of each as a sample.
 *
 * @example
 * groupByReason(messages); // [{ reason: 'malformed', count: 3, sampleBody: '{not json', sampleError: '…' }]
 */
export function groupByReason(messages: readonly Message[]): ReasonGroup[] {
  const groups = new Map<string, ReasonGroup>();
  for (const message of messages) {
    const reason = deadLetterReason(message);
    const group = groups.get(reason);
    if (group) group.count += 1;
    else {
      const error = message.MessageAttributes?.[DLQ_ATTRIBUTES.error]?.StringValue;
      groups.set(reason, { reason, count: 1, sampleBody: message.Body ?? '', ...(error ? { sampleError: error } : {}) });
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}
