import { createHash, randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { LocalRuntime, type LocalRuntimeOptions } from '../../local/runtime/local-runtime.ts';
import { endpointsFromEnvironment } from '../../local/emulators/environment.ts';
import { sampleTemplate } from './sample-app.ts';
import { DLQ_ATTRIBUTES } from '../../shared/envelope.ts';
import type { WorkloadMessage } from '../../examples/orders/demo/order-workload.ts';
import { ORDERS_OUTPUTS } from '../../examples/orders/lib/orders-contract.ts';
import { TEST_VISIBILITY_TIMEOUT_SECONDS } from './test-visibility.ts';

/**
 * Starts the local runtime on the sample template over the shared test emulators, with its own name
 * prefix and a compressed visibility timeout (10 s instead of 181 s) so retries come back quickly.
 */
export async function startOrdersRuntime(options: Partial<LocalRuntimeOptions> = {}): Promise<LocalRuntime> {
  return LocalRuntime.start({
    template: await sampleTemplate(),
    endpoints: endpointsFromEnvironment()!,
    namePrefix: `t${randomUUID().slice(0, 6)}-`,
    overrides: { visibilityTimeoutSeconds: TEST_VISIBILITY_TIMEOUT_SECONDS },
    functionEnvironment: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    ...options,
  });
}

async function scanAll(runtime: LocalRuntime, tableName: string) {
  const items: Record<string, { S?: string; N?: string }>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await runtime.clients.dynamodb.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    items.push(...((page.Items ?? []) as typeof items));
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  return items;
}

/** Orders written by the worker, by id. */
export async function writtenOrders(runtime: LocalRuntime): Promise<Set<string>> {
  return new Set((await scanAll(runtime, runtime.output(ORDERS_OUTPUTS.ordersTable))).map((i) => i.orderId!.S!));
}

/** Per-customer totals as the worker accumulated them (ADD: a duplicate effect would show here). */
export async function customerTotals(runtime: LocalRuntime): Promise<Map<string, { orderCount: number; totalCents: number }>> {
  const items = await scanAll(runtime, runtime.output(ORDERS_OUTPUTS.totalsTable));
  return new Map(items.map((i) => [i.customerId!.S!, { orderCount: Number(i.orderCount!.N), totalCents: Number(i.totalCents!.N) }]));
}

/** What the totals must be if every expected order took effect exactly once, computed independently. */
export function expectedTotals(messages: readonly WorkloadMessage[]): Map<string, { orderCount: number; totalCents: number }> {
  const totals = new Map<string, { orderCount: number; totalCents: number }>();
  for (const m of messages.filter((x) => x.expected === 'effect')) {
    const t = totals.get(m.order!.customerId) ?? { orderCount: 0, totalCents: 0 };
    totals.set(m.order!.customerId, { orderCount: t.orderCount + 1, totalCents: t.totalCents + m.order!.amountCents });
  }
  return totals;
}

/** Receives everything in a DLQ (leaving it invisible for a while) with each message's reason. */
export async function drainDeadLetters(runtime: LocalRuntime, dlqUrl: string): Promise<{ body: string; reason?: string; error?: string }[]> {
  const out: { body: string; reason?: string; error?: string }[] = [];
  for (let empty = 0; empty < 2; ) {
    const page = await runtime.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'], VisibilityTimeout: 60 }),
    );
    const messages = page.Messages ?? [];
    if (messages.length === 0) empty += 1;
    for (const m of messages) {
      out.push({ body: m.Body!, reason: m.MessageAttributes?.[DLQ_ATTRIBUTES.reason]?.StringValue, error: m.MessageAttributes?.[DLQ_ATTRIBUTES.error]?.StringValue });
    }
  }
  return out;
}

/** A stable pseudo-random choice per key, so "a random 5%" is the same set on every run. */
export function chosen(key: string, share: number, salt: string): boolean {
  const digest = createHash('sha256').update(`${salt}:${key}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32 < share;
}

/** The order id inside an SQS record's body, or its message id when the body is not an order. */
export function orderIdOf(record: SQSRecord): string {
  try {
    return (JSON.parse(record.body) as { orderId?: string }).orderId ?? record.messageId;
  } catch {
    return record.messageId;
  }
}
