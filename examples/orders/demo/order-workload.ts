import { seededRandom } from 'sluice/local';
import { MAX_DELAY_SECONDS, type SendOptions } from 'sluice/queue';
import type { OrderJob } from '../lib/order-schema.ts';

/**
 * One message of a generated workload and what must become of it. Its times are relative to the moment
 * it is sent (see {@link sendOptionsAt}): a workload holds no clock reading, so however long a machine
 * takes to send it, each message is delayed and expires exactly as planned.
 */
export interface WorkloadMessage {
  /** Valid orders go through the producer; `raw` bodies are sent as they are (bad input). */
  readonly order?: OrderJob;
  readonly raw?: string;
  readonly expected: 'effect' | 'duplicate' | 'expired' | 'malformed' | 'schema-invalid';
  /** Delivery deferred by this many ms after sending: an SQS delay up to 15 minutes, a `deliverAt` (delay hops) beyond. */
  readonly delayMs?: number;
  /** Not to be processed later than this many ms after sending (`expiresAt`). */
  readonly expiresAfterMs?: number;
}

/**
 * How long a message that must expire in transit stays valid, and how long SQS holds it back. The
 * validity is stamped when the message is sent and the delay only starts when SQS accepts it, so the
 * message is past its `expiresAt` on arrival on any machine, however slow.
 */
export const EXPIRES_IN_TRANSIT = { expiresAfterMs: 1_000, delayMs: 2_000 } as const;

export interface OrderWorkloadOptions {
  /** Unique valid orders (each must produce exactly one effect). */
  readonly orders: number;
  readonly seed?: number;
  /** Share of orders sent a second time. */
  readonly duplicateRate?: number;
  /** Share of orders delayed past SQS's 15-minute cap (20 minutes). */
  readonly longDelayRate?: number;
  /** Share of orders delayed a few seconds (plain SQS delay). */
  readonly shortDelayRate?: number;
  /** Extra messages whose expiresAt has passed, as a share of orders. */
  readonly expiredRate?: number;
  /** Extra unparseable and schema-invalid messages, each as a share of orders. */
  readonly malformedRate?: number;
}

export const LONG_DELAY_MS = 20 * 60_000;

function order(id: string, random: () => number): OrderJob {
  const items = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => ({
    sku: `SKU-${Math.floor(random() * 500)}-${i}`,
    quantity: 1 + Math.floor(random() * 5),
    unitPriceCents: 100 + Math.floor(random() * 10_000),
  }));
  return { orderId: id, customerId: `c-${Math.floor(random() * 200)}`, amountCents: items.reduce((s, l) => s + l.quantity * l.unitPriceCents, 0), items };
}

/**
 * Generates a reproducible order workload: unique orders, some sent twice, some delayed (a few
 * seconds, or 20 minutes: beyond SQS's cap), plus expired, unparseable and schema-invalid messages.
 * Every message says what must become of it, so a run can be checked message by message.
 *
 * @example
 * const workload = orderWorkload({ orders: 1000, seed: 7 });
 * workload.filter((m) => m.expected === 'effect').length; // 1000
 */
export function orderWorkload(options: OrderWorkloadOptions): WorkloadMessage[] {
  const random = seededRandom(options.seed ?? 1);
  const messages: WorkloadMessage[] = [];
  const duplicates: WorkloadMessage[] = [];
  for (let i = 0; i < options.orders; i++) {
    const job = order(`o-${options.seed ?? 1}-${i}`, random);
    const roll = random();
    let delay: Pick<WorkloadMessage, 'delayMs'> = {};
    if (roll < (options.longDelayRate ?? 0)) delay = { delayMs: LONG_DELAY_MS };
    else if (roll < (options.longDelayRate ?? 0) + (options.shortDelayRate ?? 0)) delay = { delayMs: (1 + Math.floor(random() * 4)) * 1000 };
    const message: WorkloadMessage = { order: job, expected: 'effect', ...delay };
    messages.push(message);
    if (random() < (options.duplicateRate ?? 0)) duplicates.push({ ...message, expected: 'duplicate' });
  }
  const extra = (rate: number | undefined) => Math.round(options.orders * (rate ?? 0));
  for (let i = 0; i < extra(options.expiredRate); i++) {
    // A producer refuses an expiresAt already past, so these expire in transit.
    messages.push({ order: order(`x-${options.seed ?? 1}-${i}`, random), ...EXPIRES_IN_TRANSIT, expected: 'expired' });
  }
  for (let i = 0; i < extra(options.malformedRate); i++) {
    messages.push({ raw: `{"orderId": "m-${i}", truncated`, expected: 'malformed' });
    messages.push({ raw: JSON.stringify({ orderId: `s-${i}`, amountCents: -5 }), expected: 'schema-invalid' });
  }
  // Duplicates go out after the originals, interleaved at random, as a retrying producer would send them.
  for (const duplicate of duplicates) messages.splice(Math.floor(random() * (messages.length + 1)), 0, duplicate);
  return messages;
}

/**
 * The producer options of a workload order sent at `sentAt` (epoch ms, read just before sending): its
 * dedup key, its delay (whole seconds up to SQS's 15 minutes, a `deliverAt` beyond) and its `expiresAt`.
 *
 * @example
 * await producer.sendBatch(chunk.map((m) => ({ payload: m.order!, options: sendOptionsAt(m, Date.now()) })));
 */
export function sendOptionsAt(message: WorkloadMessage, sentAt: number): SendOptions {
  const options: SendOptions = {};
  if (message.order) options.dedupKey = message.order.orderId;
  if (message.delayMs !== undefined) {
    if (message.delayMs > MAX_DELAY_SECONDS * 1000) options.deliverAt = sentAt + message.delayMs;
    else options.delaySeconds = Math.ceil(message.delayMs / 1000);
  }
  if (message.expiresAfterMs !== undefined) options.expiresAt = sentAt + message.expiresAfterMs;
  return options;
}
