import { randomUUID } from 'node:crypto';
import type { Context, SQSEvent, SQSMessageAttribute, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { lambdaContext } from '../../local/runtime/lambda-context.ts';

/** Test queue ARNs: a standard queue and a FIFO one. */
export const STANDARD_QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:orders';
export const FIFO_QUEUE_ARN = 'arn:aws:sqs:us-east-1:123456789012:orders.fifo';

/**
 * A String message attribute in the Lambda event shape.
 *
 * @example
 * sqsRecord({ attributes: { 'sluice-dedup-key': stringAttribute('o-1') } });
 */
export function stringAttribute(value: string): SQSMessageAttribute {
  return { dataType: 'String', stringValue: value, stringListValues: [], binaryListValues: [] };
}

/**
 * A Number message attribute in the Lambda event shape.
 *
 * @example
 * sqsRecord({ attributes: { 'sluice-deliver-at': numberAttribute(Date.now() + 60_000) } });
 */
export function numberAttribute(value: number | string): SQSMessageAttribute {
  return { dataType: 'Number', stringValue: String(value), stringListValues: [], binaryListValues: [] };
}

export interface RecordOptions {
  /** A string is used as is; anything else is JSON-encoded. */
  body?: unknown;
  messageId?: string;
  attributes?: SQSMessageAttributes;
  /** FIFO message group; also switches the ARN to the FIFO queue. */
  groupId?: string;
  receiveCount?: number;
  eventSourceARN?: string;
}

/**
 * One SQS record as Lambda delivers it.
 *
 * @example
 * const record = sqsRecord({ body: { orderId: 'o-1' }, attributes: { 'sluice-expires-at': numberAttribute(0) } });
 */
export function sqsRecord(options: RecordOptions = {}): SQSRecord {
  const body = options.body === undefined ? '{}' : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const fifo = options.groupId !== undefined;
  return {
    messageId: options.messageId ?? randomUUID(),
    receiptHandle: `receipt-${randomUUID()}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: '1700000000000',
      SenderId: 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: '1700000000000',
      ...(fifo ? { MessageGroupId: options.groupId, MessageDeduplicationId: randomUUID(), SequenceNumber: '1' } : {}),
    },
    messageAttributes: options.attributes ?? {},
    md5OfBody: 'ignored',
    eventSource: 'aws:sqs',
    eventSourceARN: options.eventSourceARN ?? (fifo ? FIFO_QUEUE_ARN : STANDARD_QUEUE_ARN),
    awsRegion: 'us-east-1',
  };
}

/**
 * An SQS event around records.
 *
 * @example
 * await handler(sqsEvent([sqsRecord(), sqsRecord()]), testContext());
 */
export function sqsEvent(records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/**
 * A Lambda context with `remainingMs` left on the wall clock.
 *
 * @example
 * const context = testContext({ remainingMs: 5_000 });
 */
export function testContext(options: { remainingMs?: number } = {}): Context {
  return lambdaContext({
    functionName: 'order-worker',
    functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:order-worker',
    memoryLimitInMB: 256,
    deadline: Date.now() + (options.remainingMs ?? 30_000),
  });
}
