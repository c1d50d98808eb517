import { stackQueues, stackStreams, type StackQueue, type StackStream } from '../targets/stack-resources.ts';
import { UsageError } from './usage-error.ts';

/** What `sluice send <name>` writes to: one of the stack's queues or streams. */
export type SendDestination = { kind: 'queue'; queue: StackQueue } | { kind: 'stream'; stream: StackStream };

function known(outputs: Readonly<Record<string, string>>, withStreams: boolean): string {
  const names = [...stackQueues(outputs).map((q) => q.name), ...(withStreams ? stackStreams(outputs).map((s) => s.name) : [])];
  return names.length > 0 ? names.join(', ') : '(the stack has none)';
}

/**
 * The queue a user named by its output prefix (`Orders` for `OrdersQueueUrl`), case-insensitively.
 *
 * @throws UsageError listing the stack's queues when there is no such queue.
 * @example
 * const orders = findQueue(target.outputs, 'Orders');
 */
export function findQueue(outputs: Readonly<Record<string, string>>, name: string): StackQueue {
  const queue = stackQueues(outputs).find((q) => q.name.toLowerCase() === name.toLowerCase());
  if (!queue) throw new UsageError(`unknown queue "${name}": expected one of ${known(outputs, false)}`);
  return queue;
}

/**
 * The queue with a dead-letter queue that a user named (`sluice dlq … Orders`).
 *
 * @throws UsageError when the name is unknown or the queue has no `<Name>DeadLetterQueueUrl` output.
 * @example
 * const { url, deadLetterUrl } = findQueueWithDeadLetter(target.outputs, 'Orders');
 */
export function findQueueWithDeadLetter(outputs: Readonly<Record<string, string>>, name: string): StackQueue & { deadLetterUrl: string } {
  const queue = findQueue(outputs, name);
  if (!queue.deadLetterUrl) {
    const withDlq = stackQueues(outputs).filter((q) => q.deadLetterUrl).map((q) => q.name);
    throw new UsageError(`queue "${queue.name}" has no dead-letter queue output: expected one of ${withDlq.join(', ') || '(none)'}`);
  }
  return queue as StackQueue & { deadLetterUrl: string };
}

/**
 * A queue or stream a user named.
 *
 * @example
 * const destination = findDestination(target.outputs, 'OrderStream'); // { kind: 'stream', … }
 */
export function findDestination(outputs: Readonly<Record<string, string>>, name: string): SendDestination {
  const lower = name.toLowerCase();
  const queue = stackQueues(outputs).find((q) => q.name.toLowerCase() === lower);
  if (queue) return { kind: 'queue', queue };
  const stream = stackStreams(outputs).find((s) => s.name.toLowerCase() === lower);
  if (stream) return { kind: 'stream', stream };
  throw new UsageError(`unknown queue or stream "${name}": expected one of ${known(outputs, true)}`);
}
