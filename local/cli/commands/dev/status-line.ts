import type { QueueStatus } from '../status/queue-status.ts';

/**
 * One line for `sluice dev`'s live status: each queue's visible / in flight / delayed / DLQ counts and
 * the messages the consumers acknowledged so far.
 *
 * @example
 * statusLine([{ name: 'Orders', visible: 3, inFlight: 10, delayed: 0, deadLetters: 1 }], { messages: 120, records: 0 });
 * // 'Orders 3 visible · 10 in flight · 0 delayed · DLQ 1 | 120 messages handled · 0 stream records'
 */
export function statusLine(queues: readonly QueueStatus[], handled: { messages: number; records: number }): string {
  const parts = queues.map((q) => `${q.name} ${q.visible} visible · ${q.inFlight} in flight · ${q.delayed} delayed${q.deadLetters === undefined ? '' : ` · DLQ ${q.deadLetters}`}`);
  return `${parts.join(' | ')} | ${handled.messages} messages handled · ${handled.records} stream records`;
}
