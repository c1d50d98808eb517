import type { KinesisStreamRecord, KinesisStreamTumblingWindowEvent } from 'aws-lambda';
import type { OrderEvent } from '../../examples/orders/lib/order-revenue-pipeline.ts';
import { toEventWindow, windowContaining } from '../../shared/stream/tumbling-window.ts';

export const TEST_STREAM_ARN = 'arn:aws:kinesis:us-east-1:000000000000:stream/orders';
export const TEST_SHARD_ID = 'shardId-000000000000';

let sequence = 49_590_338_271_490_256_608_559_692_538_361_571_095_921_575_989_136_588_898n;

/** A Kinesis record as Lambda delivers it, with `data` JSON-encoded (or raw bytes when a string is given). */
export function kinesisRecord(
  data: unknown,
  overrides: { partitionKey?: string; arrivalMs?: number; sequenceNumber?: string; shardId?: string } = {},
): KinesisStreamRecord {
  sequence += 1n;
  const sequenceNumber = overrides.sequenceNumber ?? sequence.toString();
  const shardId = overrides.shardId ?? TEST_SHARD_ID;
  const bytes = typeof data === 'string' ? data : JSON.stringify(data);
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: overrides.partitionKey ?? 'pk-1',
      sequenceNumber,
      data: Buffer.from(bytes, 'utf8').toString('base64'),
      approximateArrivalTimestamp: (overrides.arrivalMs ?? Date.parse('2026-01-01T00:00:10Z')) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/consumer',
    awsRegion: 'us-east-1',
    eventSourceARN: TEST_STREAM_ARN,
  };
}

/** A tumbling-window invocation of the window that contains `windowAtMs` (60 s windows by default). */
export function tumblingWindowEvent(
  records: KinesisStreamRecord[],
  options: { state?: Record<string, unknown>; final?: boolean; terminatedEarly?: boolean; windowAtMs?: number; windowSeconds?: number } = {},
): KinesisStreamTumblingWindowEvent & { shardId: string; eventSourceARN: string } {
  const at = options.windowAtMs ?? Date.parse('2026-01-01T00:00:10Z');
  return {
    Records: records,
    window: toEventWindow(windowContaining(at, options.windowSeconds ?? 60)),
    state: options.state ?? {},
    shardId: TEST_SHARD_ID,
    eventSourceARN: TEST_STREAM_ARN,
    isFinalInvokeForWindow: options.final ?? false,
    isWindowTerminatedEarly: options.terminatedEarly ?? false,
  };
}

let orderCounter = 0;

/** An order event with sensible defaults. */
export function orderEvent(overrides: Partial<OrderEvent> = {}): OrderEvent {
  orderCounter += 1;
  return { type: 'order', orderId: `o-${orderCounter}`, customerId: 'c-1', category: 'books', amountCents: 1000, ...overrides };
}
