/**
 * Whether a queue URL or ARN names a FIFO queue (SQS requires the `.fifo` suffix).
 *
 * @example
 * isFifoQueue('arn:aws:sqs:us-east-1:123456789012:orders.fifo'); // true
 */
export function isFifoQueue(urlOrArn: string | undefined): boolean {
  return urlOrArn?.endsWith('.fifo') ?? false;
}

/**
 * How far ahead of the consumer's clock a FIFO message's `sluice-deliver-at` may lie and still be taken
 * as "now": producer and consumer clocks differ by a few milliseconds (Lambda hosts are NTP-synced well
 * under this), and a FIFO queue cannot delay one message, so a small lead must not dead-letter it.
 *
 * @example
 * const takenAsNow = deliverAt - Date.now() <= FIFO_CLOCK_SKEW_MS;
 */
export const FIFO_CLOCK_SKEW_MS = 1_000;
