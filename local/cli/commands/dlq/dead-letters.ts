import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSMessageAttribute, SQSMessageAttributes } from 'aws-lambda';
import { DLQ_ATTRIBUTES, toSendAttributes } from '../../../../shared/envelope.ts';
import { InvalidAttributeError } from '../../../../shared/errors.ts';
import { keyedRecord, ownValue } from '../../../../shared/keyed-record.ts';

/** Reason shown for dead letters without `sluice-reason`: SQS's redrive policy moved them after maxReceiveCount. */
export const REDRIVE_REASON = 'redrive';

/**
 * Why a message is in the DLQ: its `sluice-reason`, or {@link REDRIVE_REASON} when SQS's redrive policy
 * (not sluice) moved it there.
 *
 * @example
 * deadLetterReason(message); // 'schema-invalid'
 */
export function deadLetterReason(message: Message): string {
  return message.MessageAttributes?.[DLQ_ATTRIBUTES.reason]?.StringValue ?? REDRIVE_REASON;
}

/** The attribute in the SDK's send shape, without the empty list fields ReceiveMessage adds. */
function cleanAttribute(value: MessageAttributeValue): MessageAttributeValue {
  return {
    DataType: value.DataType,
    ...(value.StringValue !== undefined ? { StringValue: value.StringValue } : {}),
    ...(value.BinaryValue !== undefined ? { BinaryValue: value.BinaryValue } : {}),
  };
}

const DEAD_LETTER_NAMES = new Set<string>(Object.values(DLQ_ATTRIBUTES));

const OVERFLOW = DLQ_ATTRIBUTES.overflow;

/** The attributes packed in `sluice-overflow-attributes` (Lambda event shape), checked one by one. */
function overflowAttributes(text: string): SQSMessageAttributes {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new InvalidAttributeError(`${OVERFLOW} is not valid JSON (${(err as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new InvalidAttributeError(`${OVERFLOW} is not a JSON object of attributes`);
  const attributes = keyedRecord<SQSMessageAttribute>();
  for (const [name, value] of Object.entries(parsed)) {
    const dataType = ownValue(value, 'dataType');
    const stringValue = ownValue(value, 'stringValue');
    const binaryValue = ownValue(value, 'binaryValue');
    const valid = typeof dataType === 'string' && (typeof stringValue === 'string' || typeof binaryValue === 'string');
    if (!valid) throw new InvalidAttributeError(`${OVERFLOW} holds "${name}" without a dataType and a stringValue or binaryValue`);
    attributes[name] = { dataType, ...(typeof stringValue === 'string' ? { stringValue } : { binaryValue: binaryValue as string }) } as SQSMessageAttribute;
  }
  return attributes;
}

/**
 * The attributes a dead letter had before sluice dead-lettered it: the `sluice-reason`/`-error`/
 * `-source-message-id`/`-failed-at` attributes removed, and those packed into
 * `sluice-overflow-attributes` unpacked, so a replayed message looks like the original.
 *
 * @throws InvalidAttributeError when `sluice-overflow-attributes` is not what sluice writes (not JSON, or
 * not attributes): such a dead letter cannot be replayed as it was.
 * @example
 * new SendMessageCommand({ QueueUrl: source, MessageBody: m.Body, MessageAttributes: originalAttributes(m) });
 */
export function originalAttributes(message: Message): Record<string, MessageAttributeValue> {
  const attributes = keyedRecord<MessageAttributeValue>();
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    if (!DEAD_LETTER_NAMES.has(name)) attributes[name] = cleanAttribute(value);
  }
  const overflow = message.MessageAttributes?.[OVERFLOW]?.StringValue;
  if (overflow !== undefined) Object.assign(attributes, toSendAttributes(overflowAttributes(overflow)));
  return attributes;
}
