import { createHash } from 'node:crypto';
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { MessageAttributeValue, SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import { systemClock } from '../clock.ts';
import type { Clock } from '../clock.ts';
import { contentHash } from '../dedup/key.ts';
import { ENVELOPE_ATTRIBUTES, envelopeAttributes, MAX_DEDUP_KEY_LENGTH, MAX_MESSAGE_ATTRIBUTES } from '../envelope.ts';
import { keyedRecord } from '../keyed-record.ts';
import { validateWithSchemaSync, type Schema } from '../schema.ts';
import {
  DelayUnsupportedError,
  InvalidAttributeError,
  PartialSendError,
  PayloadTooLargeError,
} from '../errors.ts';
import { deadLetterSize } from './dead-letter.ts';
import { isFifoQueue } from './fifo.ts';
import { delaySecondsFor, MAX_DELAY_SECONDS } from './redelivery.ts';
import { MAX_SQS_MESSAGE_BYTES, sqsMessageSize } from './size.ts';

/** Per-message options of {@link QueueProducer.send}. */
export interface SendOptions {
  /** Epoch ms: not processed before. Beyond 15 minutes the consumer hops (standard queues only). */
  deliverAt?: number;
  /** Epoch ms: not processed after (DLQ reason `expired`). */
  expiresAt?: number;
  /** Explicit idempotency key (else the consumer hashes the body). */
  dedupKey?: string;
  /** Plain SQS delay, 0–900 s; the alternative to `deliverAt`. */
  delaySeconds?: number;
  /** FIFO message group (required on FIFO queues). */
  groupId?: string;
  /** Your own attributes; with sluice's, at most 10 in all. */
  attributes?: Record<string, MessageAttributeValue>;
}

/** One entry of {@link QueueProducer.sendBatch}. */
export interface BatchItem<T> {
  payload: T;
  options?: SendOptions;
  /** Batch entry id (letters, digits, `-`, `_`; ≤ 80). Default: the item's index. Named in PartialSendError. */
  id?: string;
}

export interface QueueProducerOptions<T> {
  client: SQSClient;
  queueUrl: string;
  /** Validates payloads before sending (SchemaValidationError); any synchronous Standard Schema (zod, `zod/mini`, valibot, …). */
  schema?: Schema<T>;
  /** Default: the URL ends in `.fifo`. */
  fifo?: boolean;
  clock?: Clock;
  /** Attempts per batch entry, first included. Default 4. */
  maxAttempts?: number;
  /** First backoff; doubles per attempt, with jitter, capped at 2 s. Default 50 ms. */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

type Entry = SendMessageBatchRequestEntry & { Id: string; MessageBody: string };

/** What {@link QueueProducer.check} found out about a message without sending it. */
export interface CheckedMessage {
  /** Size SQS counts: body + attributes. */
  readonly bytes: number;
  /** FIFO queues: the deduplication id the message is sent with (SQS keeps one message per id within 5 minutes). */
  readonly deduplicationId?: string;
}

/** A `sluice-hops` counter as a hopping consumer adds it (≤ 14 days of 15-minute hops). */
const PLANNED_HOPS: MessageAttributeValue = { DataType: 'Number', StringValue: '99999' };

/**
 * Typed sender for a sluice queue: JSON bodies, sluice attributes (deliverAt, expiresAt, dedup key),
 * size checks before anything is sent, and batches of ≤ 10 (and ≤ 1 MiB) whose failed entries alone
 * are retried with bounded backoff. A message must fit under SQS's 1 MiB with room to spare for its
 * dead-lettered copy (sluice's DLQ attributes and `DEAD_LETTER_TEXT_BYTES` of reason and error), so
 * the consumer can always dead-letter it with its reason. FIFO queues have no per-message delay, so a delay asked of a FIFO
 * producer throws DelayUnsupportedError instead of being silently ignored; the FIFO deduplication id
 * is the dedup key (hashed when longer than 128) or the content hash.
 *
 * @example
 * const orders = new QueueProducer<OrderJob>({ client: sqs, queueUrl, schema: OrderJob });
 * await orders.send(order, { deliverAt: Date.now() + 3_600_000, dedupKey: order.orderId });
 * await orders.sendBatch(jobs.map((payload) => ({ payload })));
 */
export class QueueProducer<T = unknown> {
  readonly queueUrl: string;
  readonly fifo: boolean;
  readonly #options: QueueProducerOptions<T>;
  readonly #clock: Clock;

  constructor(options: QueueProducerOptions<T>) {
    this.queueUrl = options.queueUrl;
    this.fifo = options.fifo ?? isFifoQueue(options.queueUrl);
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
  }

  /**
   * Sends one message.
   *
   * @throws PayloadTooLargeError, SchemaValidationError, InvalidAttributeError, DelayUnsupportedError before sending.
   * @example
   * const { messageId } = await producer.send({ orderId: 'o-1' }, { expiresAt: Date.now() + 60_000 });
   */
  async send(payload: T, options: SendOptions = {}): Promise<{ messageId: string }> {
    const { Id: _id, ...entry } = this.#entry('0', payload, options);
    const result = await this.#options.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, ...entry }));
    return { messageId: result.MessageId ?? '' };
  }

  /**
   * Checks a message exactly as {@link send} would (schema, attributes, size), without sending it.
   *
   * @throws PayloadTooLargeError, SchemaValidationError, InvalidAttributeError, DelayUnsupportedError.
   * @example
   * for (const [i, order] of orders.entries()) producer.check(order, { dedupKey: order.orderId }, `line-${i + 1}`);
   */
  check(payload: T, options: SendOptions = {}, id = '0'): CheckedMessage {
    const entry = this.#entry(id, payload, options);
    return {
      bytes: sqsMessageSize(entry.MessageBody, entry.MessageAttributes),
      ...(entry.MessageDeduplicationId !== undefined ? { deduplicationId: entry.MessageDeduplicationId } : {}),
    };
  }

  /**
   * Sends many messages in SendMessageBatch calls of ≤ 10 entries and ≤ 1 MiB, in order. Entries SQS
   * rejects as the sender's fault are not retried; the others are, up to `maxAttempts`.
   *
   * @returns message ids by entry id (a prototype-free object: `constructor` is a valid entry id).
   * @throws PartialSendError naming the entries that still failed (the rest were sent).
   * @example
   * const { messageIds } = await producer.sendBatch([{ id: 'a', payload: a }, { id: 'b', payload: b }]);
   */
  async sendBatch(items: readonly BatchItem<T>[]): Promise<{ messageIds: Record<string, string> }> {
    const entries = items.map((item, index) => this.#entry(item.id ?? String(index), item.payload, item.options ?? {}));
    const ids = new Set(entries.map((entry) => entry.Id));
    if (ids.size !== entries.length) throw new InvalidAttributeError('batch entry ids must be unique');
    const messageIds = keyedRecord<string>();
    const failed: PartialSendError['failed'][number][] = [];
    for (const chunk of chunkEntries(entries)) {
      const result = await this.#sendChunk(chunk);
      Object.assign(messageIds, result.messageIds);
      failed.push(...result.failed);
    }
    if (failed.length > 0) {
      throw new PartialSendError(`${failed.length} of ${entries.length} messages were not sent`, failed);
    }
    return { messageIds };
  }

  async #sendChunk(chunk: Entry[]) {
    const maxAttempts = Math.max(1, this.#options.maxAttempts ?? 4);
    const messageIds = keyedRecord<string>();
    const failed: PartialSendError['failed'][number][] = [];
    let pending = chunk;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const last = attempt >= maxAttempts;
      const retry: Entry[] = [];
      try {
        const result = await this.#options.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }));
        for (const ok of result.Successful ?? []) if (ok.Id) messageIds[ok.Id] = ok.MessageId ?? '';
        for (const bad of result.Failed ?? []) {
          const entry = pending.find((candidate) => candidate.Id === bad.Id);
          if (!entry) continue;
          if (bad.SenderFault || last) failed.push({ id: entry.Id, code: bad.Code, message: bad.Message });
          else retry.push(entry);
        }
      } catch (err) {
        // The SDK already retried throttling and network errors; one more round of ours, then give up.
        if (last) failed.push(...pending.map((entry) => ({ id: entry.Id, code: (err as Error).name, message: (err as Error).message })));
        else retry.push(...pending);
      }
      pending = retry;
      if (pending.length > 0) await this.#backoff(attempt);
    }
    return { messageIds, failed };
  }

  #backoff(attempt: number): Promise<void> {
    const base = this.#options.baseDelayMs ?? 50;
    const ms = Math.min(2_000, base * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
    return (this.#options.sleep ?? ((delay) => new Promise((resolve) => setTimeout(resolve, delay))))(ms);
  }

  #entry(id: string, payload: T, options: SendOptions): Entry {
    // The payload is sent as given; the schema only vouches for it.
    if (this.#options.schema) validateWithSchemaSync(this.#options.schema, payload, `payload ${id}`);
    const now = this.#clock.now();
    checkTime('deliverAt', options.deliverAt);
    checkTime('expiresAt', options.expiresAt);
    if (options.expiresAt !== undefined && options.expiresAt <= now) throw new InvalidAttributeError(`expiresAt of ${id} is in the past`);
    if (options.dedupKey !== undefined && (options.dedupKey === '' || options.dedupKey.length > MAX_DEDUP_KEY_LENGTH)) {
      throw new InvalidAttributeError(`dedupKey must be 1..${MAX_DEDUP_KEY_LENGTH} characters`);
    }
    if (options.deliverAt !== undefined && options.delaySeconds !== undefined) {
      throw new InvalidAttributeError('give deliverAt or delaySeconds, not both');
    }
    const delaySeconds = options.delaySeconds ?? (options.deliverAt === undefined ? 0 : delaySecondsFor(options.deliverAt - now));
    if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > MAX_DELAY_SECONDS) {
      throw new InvalidAttributeError(`delaySeconds must be an integer in 0..${MAX_DELAY_SECONDS}, got ${delaySeconds}`);
    }
    if (this.fifo && delaySeconds > 0) {
      throw new DelayUnsupportedError('FIFO queues have no per-message delay: use the queue-level DelaySeconds or a standard queue');
    }
    if (this.fifo && !options.groupId) throw new InvalidAttributeError('FIFO queues need a groupId on every message');

    const body = JSON.stringify(payload);
    const attributes = Object.assign(
      keyedRecord<MessageAttributeValue>(),
      options.attributes,
      envelopeAttributes({ dedupKey: options.dedupKey, deliverAt: options.deliverAt, expiresAt: options.expiresAt }),
    );
    if (Object.keys(attributes).length > MAX_MESSAGE_ATTRIBUTES) {
      throw new InvalidAttributeError(`SQS allows ${MAX_MESSAGE_ATTRIBUTES} message attributes, ${id} has ${Object.keys(attributes).length}`);
    }
    const size = sqsMessageSize(body, attributes);
    // A consumer that re-sends the message to wait for deliverAt adds a hop counter, which its dead letter keeps.
    const planned = options.deliverAt === undefined ? attributes : Object.assign(keyedRecord<MessageAttributeValue>(), attributes, { [ENVELOPE_ATTRIBUTES.hops]: PLANNED_HOPS });
    const deadLettered = deadLetterSize(body, planned);
    if (deadLettered > MAX_SQS_MESSAGE_BYTES) {
      const fits = MAX_SQS_MESSAGE_BYTES - (deadLettered - size);
      throw new PayloadTooLargeError(
        `message ${id} is ${bytes(size)} bytes (body + attributes); at most ${bytes(fits)} bytes fit, to keep room to dead-letter it with its reason ` +
          `(SQS accepts ${bytes(MAX_SQS_MESSAGE_BYTES)} bytes, and the DLQ attributes take up to ${bytes(deadLettered - size)})`,
      );
    }
    const entry: Entry = { Id: id, MessageBody: body };
    if (Object.keys(attributes).length > 0) entry.MessageAttributes = attributes;
    if (delaySeconds > 0) entry.DelaySeconds = delaySeconds;
    if (this.fifo) {
      entry.MessageGroupId = options.groupId;
      entry.MessageDeduplicationId = fifoDeduplicationId(options.dedupKey, payload);
    }
    return entry;
  }
}

function bytes(n: number): string {
  return n.toLocaleString('en-US');
}

function checkTime(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
    throw new InvalidAttributeError(`${name} must be epoch milliseconds (a non-negative integer), got ${value}`);
  }
}

function fifoDeduplicationId(dedupKey: string | undefined, payload: unknown): string {
  if (dedupKey === undefined) return contentHash(payload);
  // SQS accepts 1–128 printable ASCII characters here; anything else is hashed.
  return /^[\x21-\x7e]{1,128}$/.test(dedupKey) ? dedupKey : createHash('sha256').update(dedupKey).digest('hex');
}

function* chunkEntries(entries: readonly Entry[]): Generator<Entry[]> {
  let chunk: Entry[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = sqsMessageSize(entry.MessageBody, entry.MessageAttributes);
    if (chunk.length === 10 || (chunk.length > 0 && bytes + size > MAX_SQS_MESSAGE_BYTES)) {
      yield chunk;
      chunk = [];
      bytes = 0;
    }
    chunk.push(entry);
    bytes += size;
  }
  if (chunk.length > 0) yield chunk;
}
