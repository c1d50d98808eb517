import type { OrderJob } from '../lib/order-schema.ts';
import type { SendOptions } from 'sluice/queue';
import { seededRandom } from 'sluice/local';

/** One message of a generated workload and what must become of it. */
export interface WorkloadMessage {
  /** Valid orders go through the producer; `raw` bodies are sent as they are (bad input). */
  readonly order?: OrderJob;
  readonly raw?: string;
  readonly options?: SendOptions;
  readonly expected: 'effect' | 'duplicate' | 'expired' | 'malformed' | 'schema-invalid';
  /** Set when delivery is deferred (ms from the start); long delays need delay hops. */
  readonly delayMs?: number;
}

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
  readonly now?: number;
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
  const now = options.now ?? Date.now();
  const messages: WorkloadMessage[] = [];
  const duplicates: WorkloadMessage[] = [];
  for (let i = 0; i < options.orders; i++) {
    const job = order(`o-${options.seed ?? 1}-${i}`, random);
    const roll = random();
    let delay: Pick<WorkloadMessage, 'options' | 'delayMs'> = {};
    if (roll < (options.longDelayRate ?? 0)) delay = { options: { deliverAt: now + LONG_DELAY_MS }, delayMs: LONG_DELAY_MS };
    else if (roll < (options.longDelayRate ?? 0) + (options.shortDelayRate ?? 0)) {
      const seconds = 1 + Math.floor(random() * 4);
      delay = { options: { delaySeconds: seconds }, delayMs: seconds * 1000 };
    }
    const message: WorkloadMessage = { order: job, expected: 'effect', ...delay };
    messages.push(message);
    if (random() < (options.duplicateRate ?? 0)) duplicates.push({ ...message, expected: 'duplicate' });
  }
  const extra = (rate: number | undefined) => Math.round(options.orders * (rate ?? 0));
  for (let i = 0; i < extra(options.expiredRate); i++) {
    // A producer refuses an expiresAt already past, so these expire in transit: held back 2 s, valid for 1 s.
    messages.push({ order: order(`x-${options.seed ?? 1}-${i}`, random), options: { delaySeconds: 2, expiresAt: now + 1_000 }, expected: 'expired' });
  }
  for (let i = 0; i < extra(options.malformedRate); i++) {
    messages.push({ raw: `{"orderId": "m-${i}", truncated`, expected: 'malformed' });
    messages.push({ raw: JSON.stringify({ orderId: `s-${i}`, amountCents: -5 }), expected: 'schema-invalid' });
  }
  // Duplicates go out after the originals, interleaved at random, as a retrying producer would send them.
  for (const duplicate of duplicates) messages.splice(Math.floor(random() * (messages.length + 1)), 0, duplicate);
  return messages;
}
