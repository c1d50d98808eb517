import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { QueueProducer } from 'sluice/queue';
import type { OrderJob } from '../lib/order-schema.ts';
import { QUEUE_METRICS } from 'sluice';
import type { LocalRuntime } from 'sluice/local';
import type { MetricsCollector } from 'sluice/local';
import type { VirtualClock } from 'sluice/local';
import { orderWorkload, type OrderWorkloadOptions, type WorkloadMessage } from './order-workload.ts';

export interface QueueStageResult {
  readonly sent: number;
  readonly uniqueOrders: number;
  readonly effects: number;
  readonly duplicates: number;
  readonly dlqByReason: Record<string, number>;
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

async function sendWorkload(runtime: LocalRuntime, queueUrl: string, messages: readonly WorkloadMessage[]): Promise<void> {
  const producer = new QueueProducer<OrderJob>({ client: runtime.clients.sqs, queueUrl });
  const valid = messages.filter((m) => m.order);
  const raw = messages.filter((m) => m.raw !== undefined);
  const chunks: Promise<unknown>[] = [];
  for (let i = 0; i < valid.length; i += 10) {
    chunks.push(producer.sendBatch(valid.slice(i, i + 10).map((m) => ({ payload: m.order!, options: { ...m.options, dedupKey: m.order!.orderId } }))));
    if (chunks.length >= 8) await Promise.all(chunks.splice(0));
  }
  for (let i = 0; i < raw.length; i += 10) {
    chunks.push(
      runtime.clients.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: raw.slice(i, i + 10).map((m, n) => ({ Id: String(n), MessageBody: m.raw! })) })),
    );
  }
  await Promise.all(chunks);
}

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
  const ordersTable = runtime.output('OrdersTableName');
  const messages = orderWorkload({ ...workloadOptions, now: Date.now() });
  const started = Date.now();
  let skippedMs = 0;
  progress.start(messages.length);
  await sendWorkload(runtime, queueUrl, messages);

  const accounted = () => collector.get(QUEUE_METRICS.processed) + collector.get(QUEUE_METRICS.duplicate) + Object.values(collector.series(QUEUE_METRICS.dlq)).reduce((a, b) => a + b, 0);
  const poller = runtime.sqsPoller(queueUrl);
  while (accounted() < messages.length) {
    const depth = await runtime.queueDepth(queueUrl);
    const stalled = depth.visible === 0 && poller.idle() && depth.delayed + depth.inFlight > 0;
    // Only delayed messages and retries waiting out their visibility timeout are left: move virtual
    // time on instead of waiting real minutes (the demo's long delays are 20 minutes).
    if (stalled && Date.now() - started > 3_000) {
      clock.advance(60_000);
      skippedMs += 60_000;
    }
    progress.update(Math.min(accounted(), messages.length), skippedMs > 0 ? `virtual clock +${(skippedMs / 60_000).toFixed(1)} min` : 'processing');
    await new Promise((r) => setTimeout(r, 200));
    if (Date.now() - started - skippedMs > 10 * 60_000) throw new Error('queue stage did not finish within 10 minutes');
  }
  await runtime.drain({ timeoutMs: 30_000 });
  progress.update(messages.length, 'done');
  progress.stop();
  const wallMs = Date.now() - started - skippedMs;

  const effects = await countItems(runtime, ordersTable);
  const expectedIds = new Set(messages.filter((m) => m.expected === 'effect').map((m) => m.order!.orderId));
  const lost = [...expectedIds].filter((id) => !effects.has(id)).length;
  const dlqDepth = (await runtime.queueDepth(dlqUrl)).visible;
  const dlqByReason = Object.fromEntries(Object.entries(collector.series(QUEUE_METRICS.dlq)).map(([k, v]) => [k.replace(/^reason=/, ''), v]));
  return {
    sent: messages.length,
    uniqueOrders: expectedIds.size,
    effects: effects.size,
    duplicates: collector.get(QUEUE_METRICS.duplicate),
    dlqByReason,
    dlqDepth,
    delayedDelivered: messages.filter((m) => m.expected === 'effect' && m.delayMs !== undefined).length,
    delayHops: collector.get(QUEUE_METRICS.delayedHop),
    lost,
    wallMs,
    virtualMinutesSkipped: skippedMs / 60_000,
  };
}
