import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

function toRecordAttribute(value: MessageAttributeValue) {
  return {
    dataType: value.DataType ?? 'String',
    ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
    ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
    stringListValues: value.StringListValues ?? [],
    binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
  };
}

/**
 * Turns a received SQS message into the record Lambda's SQS poller puts in the event, field for field
 * (attributes as strings, message attributes in camelCase with list values, binary as base64).
 *
 * @example
 * const event = { Records: messages.map((m) => toSqsRecord(m, queueArn, 'us-east-1')) };
 */
export function toSqsRecord(message: Message, eventSourceARN: string, awsRegion: string): SQSRecord {
  // As Lambda's JSON.parse gives them: own properties (so an attribute named `__proto__` stays one) of an
  // ordinary object, since handlers may call its methods.
  const messageAttributes: SQSMessageAttributes = Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, toRecordAttribute(value) as SQSMessageAttributes[string]]),
  );
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: (message.Attributes ?? {}) as unknown as SQSRecordAttributes,
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN,
    awsRegion,
  };
}
