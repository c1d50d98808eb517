import { QUEUE_OUTPUT_SUFFIXES } from '../../../shared/queue/contract.ts';
import { STREAM_OUTPUT_SUFFIXES } from '../../../shared/stream/contract.ts';

/** A queue of the stack, named by its output prefix (`Orders` for `OrdersQueueUrl`). */
export interface StackQueue {
  readonly name: string;
  readonly url: string;
  /** From `<name>DeadLetterQueueUrl`, when the stack has one. */
  readonly deadLetterUrl?: string;
  /** From `<name>DedupWindowSeconds` (a QueuePipeline's dedup window), when the stack has it. */
  readonly dedupWindowSeconds?: number;
}

/** A Kinesis stream of the stack, named by its output prefix (`OrderStream` for `streamOutputName('OrderStream', 'streamName')`). */
export interface StackStream {
  readonly name: string;
  readonly streamName: string;
}

const QUEUE_SUFFIX = QUEUE_OUTPUT_SUFFIXES.queueUrl;
const DLQ_SUFFIX = QUEUE_OUTPUT_SUFFIXES.deadLetterQueueUrl;
const STREAM_SUFFIX = STREAM_OUTPUT_SUFFIXES.streamName;

/**
 * The queues of a stack, found generically from its outputs: every `<Name>QueueUrl` that is not itself a
 * `<Name>DeadLetterQueueUrl`, paired with `<Name>DeadLetterQueueUrl` when present. New pipelines appear
 * here without CLI changes as long as they follow the output naming.
 *
 * @example
 * stackQueues({ OrdersQueueUrl: 'https://…/orders', OrdersDeadLetterQueueUrl: 'https://…/orders-dlq' });
 * // [{ name: 'Orders', url: 'https://…/orders', deadLetterUrl: 'https://…/orders-dlq' }]
 */
export function stackQueues(outputs: Readonly<Record<string, string>>): StackQueue[] {
  return Object.keys(outputs)
    .filter((key) => key.endsWith(QUEUE_SUFFIX) && !key.endsWith(DLQ_SUFFIX) && key.length > QUEUE_SUFFIX.length)
    .sort()
    .map((key) => {
      const name = key.slice(0, -QUEUE_SUFFIX.length);
      const deadLetterUrl = outputs[`${name}${DLQ_SUFFIX}`];
      const window = Number(outputs[`${name}${QUEUE_OUTPUT_SUFFIXES.dedupWindowSeconds}`]);
      return {
        name,
        url: outputs[key]!,
        ...(deadLetterUrl ? { deadLetterUrl } : {}),
        ...(Number.isSafeInteger(window) && window > 0 ? { dedupWindowSeconds: window } : {}),
      };
    });
}

/**
 * The Kinesis streams of a stack: every output named `streamOutputName(<name>, 'streamName')`.
 *
 * @example
 * stackStreams({ OrderStreamStreamName: 'sluice-orders' }); // [{ name: 'OrderStream', streamName: 'sluice-orders' }]
 */
export function stackStreams(outputs: Readonly<Record<string, string>>): StackStream[] {
  return Object.keys(outputs)
    .filter((key) => key.endsWith(STREAM_SUFFIX) && key.length > STREAM_SUFFIX.length)
    .sort()
    .map((key) => ({ name: key.slice(0, -STREAM_SUFFIX.length), streamName: outputs[key]! }));
}
