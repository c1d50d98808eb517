import type { MessageAttributeValue } from '@aws-sdk/client-sqs';

/** SQS's largest message, body plus attributes: 1 MiB. A SendMessageBatch call has the same total cap. */
export const MAX_SQS_MESSAGE_BYTES = 1_048_576;

/**
 * The size SQS counts for a message: UTF-8 bytes of the body plus, per attribute, its name, data type
 * and value.
 *
 * @example
 * sqsMessageSize('{"a":1}', { k: { DataType: 'String', StringValue: 'v' } }); // 7 + 1 + 6 + 1 = 15
 */
export function sqsMessageSize(body: string, attributes: Record<string, MessageAttributeValue> = {}): number {
  let size = Buffer.byteLength(body, 'utf8');
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value.DataType ?? '', 'utf8');
    if (value.StringValue !== undefined) size += Buffer.byteLength(value.StringValue, 'utf8');
    if (value.BinaryValue !== undefined) size += value.BinaryValue.byteLength;
  }
  return size;
}
