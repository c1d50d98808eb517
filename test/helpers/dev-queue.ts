import { DeleteMessageBatchCommand, PurgeQueueCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../shared/aws-clients.ts';
import { DeadLetterQueue } from '../../shared/queue/dead-letter.ts';
import { queueDepth } from '../../shared/queue/queue-depth.ts';
import { startDev, type DevProcess } from './cli-process.ts';

/** A running `sluice dev`, an SQS client on its emulator, and one of its queues with its DLQ. */
export interface DevQueue {
  dev: DevProcess;
  sqs: SQSClient;
  queueUrl: string;
  deadLetterUrl: string;
  /** Sends to the DLQ the way the worker does. */
  dlq: DeadLetterQueue;
}

/**
 * Starts `sluice dev` (by default `--no-pollers`: nothing consumes, so every message can be counted)
 * before the tests of the enclosing block and stops it after; purges `queue` and its DLQ before each
 * test. The fields are filled in once `beforeAll` has run.
 *
 * @example
 * const orders = useDevQueue('Orders');
 * it('…', async () => { await orders.dlq.send(sqsRecord(), { reason: 'expired', error: '' }); });
 */
export function useDevQueue(queue: string, devArgs: readonly string[] = ['--no-pollers']): DevQueue {
  const context = {} as DevQueue;
  beforeAll(async () => {
    context.dev = await startDev(devArgs);
    context.queueUrl = context.dev.state.outputs[`${queue}QueueUrl`]!;
    context.deadLetterUrl = context.dev.state.outputs[`${queue}DeadLetterQueueUrl`]!;
    context.sqs = new SQSClient({ ...clientConfig({ service: 'sqs' }), endpoint: context.dev.state.endpoints.sqs });
    context.dlq = new DeadLetterQueue({ client: context.sqs, queueUrl: context.deadLetterUrl });
  });
  afterAll(async () => {
    context.sqs?.destroy();
    await context.dev?.stop();
  });
  beforeEach(async () => {
    await context.sqs.send(new PurgeQueueCommand({ QueueUrl: context.queueUrl }));
    await context.sqs.send(new PurgeQueueCommand({ QueueUrl: context.deadLetterUrl }));
  });
  return context;
}

/**
 * Everything visible in a queue, with all attributes: received and deleted batch by batch (a FIFO
 * queue's groups in order).
 *
 * @example
 * const replayed = await takeAll(sqs, ordersUrl);
 */
export async function takeAll(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const taken: Message[] = [];
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], VisibilityTimeout: 30 }));
    const batch = out.Messages ?? [];
    if (batch.length === 0) return taken;
    taken.push(...batch);
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
  }
}

/**
 * Messages in a queue by its counts: visible + in flight + delayed.
 *
 * @example
 * expect(await messageCount(sqs, ordersUrl)).toBe(20);
 */
export async function messageCount(sqs: SQSClient, queueUrl: string): Promise<number> {
  const depth = await queueDepth(sqs, queueUrl);
  return depth.visible + depth.inFlight + depth.delayed;
}
