import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { QUEUE_METRICS } from 'sluice';
import { until, type LocalRuntime, type MetricsCollector, type VirtualClock } from 'sluice/local';
import { ORDERS_OUTPUTS } from '../lib/orders-contract.ts';
import { orderWorkload, type OrderWorkloadOptions, type WorkloadMessage } from './order-workload.ts';
import { sendWorkload } from './send-workload.ts';

export interface QueueStageResult {
  /** Messages handed to the producer (or, for bad input, to SQS directly). */
  readonly sent: number;
  /** Messages the producer refused before sending, by reason: counted, never sent, never expected downstream. */
  readonly refusedByReason: Record<string, number>;
  readonly uniqueOrders: number;
  readonly effects: number;
  readonly duplicates: number;
  readonly dlqByReason: Record<string, number>;
  /** What the DLQ must hold by reason, from the workload as accepted. */
  readonly expectedDlqByReason: Record<string, number>;
  readonly dlqDepth: number;
  readonly delayedDelivered: number;
  readonly delayHops: number;
  readonly lost: number;
  readonly wallMs: number;
  readonly virtualMinutesSkipped: number;
}

export interface QueueStageProgress {
  start(total: number): void;
  update(done: number, note: string): void;
  stop(): void;
}

/** How long the stage may go without a message accounted for before it gives up (it takes about 17 s in all on an idle 2-core machine). */
const STALL_MS = 5 * 60_000;

async function countItems(runtime: LocalRuntime, tableName: string): Promise<Set<string>> {
  const ids = new Set<string>();
  let start: Record<string, never> | undefined;
  do {
    const page = await runtime.clients.dynamodb.send(new ScanCommand({ TableName: tableName, ProjectionExpression: 'orderId', ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) ids.add(item.orderId!.S!);
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  return ids;
}

/**
 * The demo's queue stage: sends a generated order workload (duplicates, short and 20-minute delays,
 * expired, unparseable and schema-invalid messages) to the sample Orders pipeline, lets the local
 * runtime process it, fast-forwards the virtual clock through the long delays, and checks every
 * message's fate: one effect per unique order, duplicates skipped, the rest in the DLQ by reason.
 *
 * @example
 * const result = await runQueueStage(runtime, collector, clock, { orders: 2000, seed: 7 }, progress);
 */
export async function runQueueStage(
  runtime: LocalRuntime,
  collector: MetricsCollector,
  clock: VirtualClock,
  workloadOptions: OrderWorkloadOptions,
  progress: QueueStageProgress,
): Promise<QueueStageResult> {
  const queueUrl = runtime.output('OrdersQueueUrl');
  const dlqUrl = runtime.output('OrdersDeadLetterQueueUrl');
  const ordersTable = runtime.output(ORDERS_OUTPUTS.ordersTable);
  const messages = orderWorkload(workloadOptions);
  // Durations use performance.now(): Date.now() is the virtual clock, which this stage moves.
  const started = performance.now();
  let skippedMs = 0;
  progress.start(messages.length);
  const { accepted, refused } = await sendWorkload(runtime.clients.sqs, queueUrl, messages, { clock });

  const accounted = () => collector.get(QUEUE_METRICS.processed) + collector.get(QUEUE_METRICS.duplicate) + Object.values(collector.series(QUEUE_METRICS.dlq)).reduce((a, b) => a + b, 0);
  const poller = runtime.sqsPoller(queueUrl);
  await until(() => accounted() >= accepted.length, {
    what: () => `the queue stage: ${accounted()} of ${accepted.length} messages accounted for`,
    stallMs: STALL_MS,
    // Moving the virtual clock is not progress: a message that never arrives must still end the wait.
    progress: accounted,
    intervalMs: 200,
    onPoll: async () => {
      const depth = await runtime.queueDepth(queueUrl);
      const stalled = depth.visible === 0 && poller.idle() && depth.delayed + depth.inFlight > 0;
      // Only delayed messages and retries waiting out their visibility timeout are left: move virtual
      // time on instead of waiting real minutes (the demo's long delays are 20 minutes). The first
      // seconds run in real time, so the short SQS delays are seen to work on their own.
      if (stalled && performance.now() - started > 3_000) {
        clock.advance(60_000);
        skippedMs += 60_000;
      }
      progress.update(Math.min(refused.length + accounted(), messages.length), skippedMs > 0 ? `virtual clock +${(skippedMs / 60_000).toFixed(1)} min` : 'processing');
    },
  });
  await runtime.drain({ timeoutMs: STALL_MS });
  progress.update(messages.length, 'done');
  progress.stop();
  const wallMs = performance.now() - started;

  const effects = await countItems(runtime, ordersTable);
  const expectation = expectedFates(accepted);
  const lost = [...expectation.orderIds].filter((id) => !effects.has(id)).length;
  const dlqDepth = (await runtime.queueDepth(dlqUrl)).visible;
  const dlqByReason = Object.fromEntries(Object.entries(collector.series(QUEUE_METRICS.dlq)).map(([k, v]) => [k.replace(/^reason=/, ''), v]));
  const refusedByReason: Record<string, number> = {};
  for (const { reason } of refused) refusedByReason[reason] = (refusedByReason[reason] ?? 0) + 1;
  return {
    sent: messages.length,
    refusedByReason,
    uniqueOrders: expectation.orderIds.size,
    effects: effects.size,
    duplicates: collector.get(QUEUE_METRICS.duplicate),
    dlqByReason,
    expectedDlqByReason: expectation.dlqByReason,
    dlqDepth,
    delayedDelivered: accepted.filter((m) => m.expected === 'effect' && m.delayMs !== undefined).length,
    delayHops: collector.get(QUEUE_METRICS.delayedHop),
    lost,
    wallMs,
    virtualMinutesSkipped: skippedMs / 60_000,
  };
}

/**
 * What must become of the messages SQS accepted, computed from the workload alone: the orders that must
 * take effect (an order whose every copy was refused is not among them) and the DLQ entries by reason.
 */
function expectedFates(accepted: readonly WorkloadMessage[]): { orderIds: Set<string>; dlqByReason: Record<string, number> } {
  const orderIds = new Set<string>();
  const dlqByReason: Record<string, number> = {};
  for (const message of accepted) {
    if (message.expected === 'effect' || message.expected === 'duplicate') orderIds.add(message.order!.orderId);
    else dlqByReason[message.expected] = (dlqByReason[message.expected] ?? 0) + 1;
  }
  return { orderIds, dlqByReason };
}
