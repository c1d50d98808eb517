/**
 * Whether a queue URL or ARN names a FIFO queue (SQS requires the `.fifo` suffix).
 *
 * @example
 * isFifoQueue('arn:aws:sqs:us-east-1:123456789012:orders.fifo'); // true
 */
export function isFifoQueue(urlOrArn: string | undefined): boolean {
  return urlOrArn?.endsWith('.fifo') ?? false;
}
