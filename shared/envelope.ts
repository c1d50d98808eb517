import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { SQSMessageAttributes } from 'aws-lambda';
import { InvalidAttributeError } from './errors.ts';
import { keyedRecord } from './keyed-record.ts';

/**
 * Names of the message attributes sluice reads. The body stays the user's plain JSON, so any producer
 * (console, CLI, another service) can send to a sluice queue; sluice's metadata rides beside it.
 * Times are epoch **milliseconds** (DataType `Number`); the dedup key is a `String`.
 *
 * @example
 * attributes[ENVELOPE_ATTRIBUTES.deliverAt] = { DataType: 'Number', StringValue: String(Date.now() + 3_600_000) };
 */
export const ENVELOPE_ATTRIBUTES = {
  dedupKey: 'sluice-dedup-key',
  deliverAt: 'sluice-deliver-at',
  expiresAt: 'sluice-expires-at',
  hops: 'sluice-hops',
  /**
   * The message id a consumer keyed on message ids (`hashContent: false`) dedups on: set by sluice on its
   * own copies of a message (delay hops, DLQ replays), which SQS gives new ids.
   */
  originId: 'sluice-origin-id',
} as const;

/**
 * Attributes sluice adds to a message it moves to a dead-letter queue, beside all the original ones.
 *
 * @example
 * const reason = dlqMessage.MessageAttributes?.[DLQ_ATTRIBUTES.reason]?.StringValue; // 'expired'
 */
export const DLQ_ATTRIBUTES = {
  reason: 'sluice-reason',
  error: 'sluice-error',
  sourceMessageId: 'sluice-source-message-id',
  failedAt: 'sluice-failed-at',
  /** JSON of the original attributes that did not fit under SQS's cap (see {@link deadLetterAttributes}). */
  overflow: 'sluice-overflow-attributes',
} as const;

/** SQS accepts at most 10 message attributes per message. */
export const MAX_MESSAGE_ATTRIBUTES = 10;
/** Longest `sluice-error` text kept on a DLQ message. */
export const MAX_ERROR_LENGTH = 1_000;
/** Longest explicit dedup key accepted (DynamoDB partition keys stop at 2,048 bytes, scope included). */
export const MAX_DEDUP_KEY_LENGTH = 1_024;
/** Longest `sluice-origin-id` accepted (SQS message ids are 36-character UUIDs). */
export const MAX_ORIGIN_ID_LENGTH = 128;

/** sluice's metadata for one message, read from its attributes. */
export interface Envelope {
  /** Explicit idempotency key chosen by the producer. */
  dedupKey?: string;
  /** Epoch ms before which the message must not be processed. */
  deliverAt?: number;
  /** Epoch ms after which the message must not be processed. */
  expiresAt?: number;
  /** How many times the message was re-sent to wait for `deliverAt`. */
  hops: number;
  /**
   * The first message id of a message sluice re-sent (hops, replays): `sluice-origin-id`, else the
   * `sluice-source-message-id` a dead letter moved back by SQS's move task still carries.
   */
  originId?: string;
}

/** Attributes by name; built prototype-free, as names are the sender's (`constructor` is a valid SQS attribute name). */
type SendAttributes = Record<string, MessageAttributeValue>;

/**
 * Reads and validates sluice's attributes of a received message (Lambda event shape).
 *
 * @throws InvalidAttributeError when a sluice attribute is present but not valid (permanent: DLQ).
 * @example
 * const { deliverAt, expiresAt, dedupKey, hops } = readEnvelope(record.messageAttributes);
 */
export function readEnvelope(attributes: SQSMessageAttributes | undefined): Envelope {
  const attrs = attributes ?? {};
  const dedupKey = attrs[ENVELOPE_ATTRIBUTES.dedupKey]?.stringValue;
  if (dedupKey !== undefined && (dedupKey === '' || dedupKey.length > MAX_DEDUP_KEY_LENGTH)) {
    throw new InvalidAttributeError(`${ENVELOPE_ATTRIBUTES.dedupKey} must be 1..${MAX_DEDUP_KEY_LENGTH} characters`);
  }
  // A dead letter SQS's move task brought back (a new id) still names the id it was dead-lettered under.
  const originId = attrs[ENVELOPE_ATTRIBUTES.originId]?.stringValue ?? attrs[DLQ_ATTRIBUTES.sourceMessageId]?.stringValue;
  if (originId !== undefined && (originId === '' || originId.length > MAX_ORIGIN_ID_LENGTH)) {
    throw new InvalidAttributeError(`${ENVELOPE_ATTRIBUTES.originId} must be 1..${MAX_ORIGIN_ID_LENGTH} characters`);
  }
  const envelope: Envelope = { hops: readInteger(attrs, ENVELOPE_ATTRIBUTES.hops) ?? 0 };
  if (dedupKey !== undefined) envelope.dedupKey = dedupKey;
  if (originId !== undefined) envelope.originId = originId;
  const deliverAt = readInteger(attrs, ENVELOPE_ATTRIBUTES.deliverAt);
  if (deliverAt !== undefined) envelope.deliverAt = deliverAt;
  const expiresAt = readInteger(attrs, ENVELOPE_ATTRIBUTES.expiresAt);
  if (expiresAt !== undefined) envelope.expiresAt = expiresAt;
  return envelope;
}

function readInteger(attrs: SQSMessageAttributes, name: string): number | undefined {
  const attribute = attrs[name];
  if (attribute === undefined) return undefined;
  const raw = attribute.stringValue;
  // Plain decimal digits only: Number() would also take '0x10', '1e3' or ' 12 ' as times.
  const value = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidAttributeError(`${name} must be a non-negative integer, got "${raw ?? ''}"`);
  }
  return value;
}

/**
 * Builds the sluice attributes for a message to send (SDK shape).
 *
 * @example
 * new SendMessageCommand({ QueueUrl, MessageBody, MessageAttributes: envelopeAttributes({ deliverAt, hops: 0 }) });
 */
export function envelopeAttributes(envelope: Partial<Envelope>): SendAttributes {
  const attributes = keyedRecord<MessageAttributeValue>();
  if (envelope.dedupKey !== undefined) {
    attributes[ENVELOPE_ATTRIBUTES.dedupKey] = { DataType: 'String', StringValue: envelope.dedupKey };
  }
  if (envelope.deliverAt !== undefined) attributes[ENVELOPE_ATTRIBUTES.deliverAt] = numberAttribute(envelope.deliverAt);
  if (envelope.expiresAt !== undefined) attributes[ENVELOPE_ATTRIBUTES.expiresAt] = numberAttribute(envelope.expiresAt);
  if (envelope.hops !== undefined) attributes[ENVELOPE_ATTRIBUTES.hops] = numberAttribute(envelope.hops);
  return attributes;
}

function numberAttribute(value: number): MessageAttributeValue {
  return { DataType: 'Number', StringValue: String(value) };
}

/**
 * Converts received attributes (Lambda event shape: camelCase, binary as base64) to the SDK shape used
 * to send them again, keeping every attribute and its data type.
 *
 * @example
 * const attributes = toSendAttributes(record.messageAttributes);
 */
export function toSendAttributes(attributes: SQSMessageAttributes | undefined): SendAttributes {
  const converted = keyedRecord<MessageAttributeValue>();
  for (const [name, attribute] of Object.entries(attributes ?? {})) {
    const value: MessageAttributeValue = { DataType: attribute.dataType };
    if (attribute.stringValue !== undefined) value.StringValue = attribute.stringValue;
    if (attribute.binaryValue !== undefined) value.BinaryValue = Buffer.from(attribute.binaryValue, 'base64');
    converted[name] = value;
  }
  return converted;
}

/**
 * Attributes for re-sending a message to wait for its `deliverAt`: all the originals with `sluice-hops`
 * set to `hops`, and `sluice-origin-id` set to `originId` when given and not already there. SQS takes 10
 * attributes: a user's attribute is never dropped; the origin id (which dedup may need) goes before the
 * hop counter (which only counts), and what does not fit is left out (`hopsRecorded` / `originRecorded`).
 *
 * @example
 * const { attributes } = hopAttributes(record.messageAttributes, envelope.hops + 1);
 */
export function hopAttributes(
  original: SQSMessageAttributes | undefined,
  hops: number,
  originId?: string,
): { attributes: SendAttributes; hopsRecorded: boolean; originRecorded: boolean } {
  const attributes = toSendAttributes(original);
  const hasRoom = () => Object.keys(attributes).length < MAX_MESSAGE_ATTRIBUTES;
  let originRecorded = originId === undefined || Object.hasOwn(attributes, ENVELOPE_ATTRIBUTES.originId);
  if (!originRecorded && hasRoom()) {
    attributes[ENVELOPE_ATTRIBUTES.originId] = { DataType: 'String', StringValue: originId };
    originRecorded = true;
  }
  const hopsRecorded = Object.hasOwn(attributes, ENVELOPE_ATTRIBUTES.hops) || hasRoom();
  if (hopsRecorded) attributes[ENVELOPE_ATTRIBUTES.hops] = numberAttribute(hops);
  return { attributes, hopsRecorded, originRecorded };
}

/** Why and when a message went to a dead-letter queue. */
export interface DeadLetterInfo {
  reason: string;
  error: string;
  sourceMessageId: string;
  /** Epoch ms. */
  failedAt: number;
}

/**
 * Attributes of a dead-lettered message: the four `sluice-*` DLQ attributes plus every original attribute.
 * SQS caps a message at 10 attributes; when the originals do not fit beside the four, sluice keeps its
 * own `sluice-*` originals first, then the others in name order, and packs the ones that do not fit into
 * one `sluice-overflow-attributes` String attribute (JSON in the Lambda event shape), so nothing is lost.
 *
 * @example
 * const attributes = deadLetterAttributes(record.messageAttributes, { reason: 'expired', error, sourceMessageId, failedAt });
 */
export function deadLetterAttributes(original: SQSMessageAttributes | undefined, info: DeadLetterInfo): SendAttributes {
  const attributes = keyedRecord<MessageAttributeValue>([
    [DLQ_ATTRIBUTES.reason, { DataType: 'String', StringValue: sqsAttributeText(info.reason || 'error', MAX_ERROR_LENGTH) }],
    [DLQ_ATTRIBUTES.error, { DataType: 'String', StringValue: sqsAttributeText(info.error || info.reason || 'error', MAX_ERROR_LENGTH) }],
    [DLQ_ATTRIBUTES.sourceMessageId, { DataType: 'String', StringValue: info.sourceMessageId }],
    [DLQ_ATTRIBUTES.failedAt, numberAttribute(info.failedAt)],
  ]);
  const originals = Object.entries(original ?? {})
    .filter(([name]) => !Object.hasOwn(attributes, name))
    .sort(([a], [b]) => originalRank(a) - originalRank(b) || (a < b ? -1 : a > b ? 1 : 0));
  const room = MAX_MESSAGE_ATTRIBUTES - Object.keys(attributes).length;
  const fits = originals.length <= room;
  const kept = fits ? originals : originals.slice(0, room - 1);
  // fromEntries defines own properties (an attribute named `__proto__` stays one); the target has no prototype.
  Object.assign(attributes, toSendAttributes(Object.fromEntries(kept)));
  if (!fits) {
    attributes[DLQ_ATTRIBUTES.overflow] = {
      DataType: 'String',
      StringValue: JSON.stringify(Object.fromEntries(originals.slice(room - 1))),
    };
  }
  return attributes;
}

function originalRank(name: string): number {
  return name.startsWith('sluice-') ? 0 : 1;
}

/** Characters outside what SQS accepts in attribute text (XML 1.0's Char production), code point by code point. */
const NOT_SQS_TEXT = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Text SQS accepts as a String attribute value, at most `max` UTF-16 units: lone surrogates (V8's JSON
 * errors quote half an emoji) and characters SQS refuses become U+FFFD, and a cut never splits a
 * surrogate pair. SQS refuses a whole message over one bad character, which would send a dead letter
 * round the queue until redrive, without its reason.
 *
 * @example
 * sqsAttributeText('Unexpected token \'\ud83d\'', 1_000); // "Unexpected token '\ufffd'"
 */
export function sqsAttributeText(text: string, max: number): string {
  const clean = text.toWellFormed().replace(NOT_SQS_TEXT, '\uFFFD');
  if (clean.length <= max) return clean;
  const cut = max - 1;
  const high = clean.charCodeAt(cut - 1);
  return `${clean.slice(0, high >= 0xd800 && high <= 0xdbff ? cut - 1 : cut)}…`;
}
