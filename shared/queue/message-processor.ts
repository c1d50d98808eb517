import type { SQSClient } from '@aws-sdk/client-sqs';
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { systemClock } from '../clock.ts';
import type { Clock } from '../clock.ts';
import { dedupRecordKey, idempotencyKey } from '../dedup/key.ts';
import type { IdempotencyKeySource } from '../dedup/key.ts';
import type { DedupClaims } from '../dedup/store.ts';
import { readEnvelope } from '../envelope.ts';
import type { Envelope } from '../envelope.ts';
import { validateWithSchema, validateWithSchemaSync, type Schema } from '../schema.ts';
import {
  ConfigurationError,
  DelayUnsupportedError,
  MalformedMessageError,
  MessageExpiredError,
  isPermanent,
} from '../errors.ts';
import type { SluiceError } from '../errors.ts';
import type { DeadLetterQueue } from './dead-letter.ts';
import { redeliverLater } from './redelivery.ts';

/** What the handler learns about the message beside its payload. */
export interface MessageMeta {
  messageId: string;
  /** `scope#idempotencyKey` when dedup is on. */
  dedupKey?: string;
  dedupKeySource?: IdempotencyKeySource;
  envelope: Envelope;
  /** SQS ApproximateReceiveCount (1 on the first delivery). */
  receiveCount: number;
  record: SQSRecord;
}

/** Dedup settings of a worker. */
export interface DedupOptions {
  store: DedupClaims;
  /** Keeps pipelines sharing a table apart: the record key is `scope#idempotencyKey`. */
  scope: string;
  /** Hash the body when there is no explicit key (default true); false falls back to the message id. */
  hashContent?: boolean;
}

/** Either `handle` (any effect; at-least-once across a crash between effect and completion) or `atomic` (exactly once). */
export type MessageEffect<T> =
  | { handle: (payload: T, meta: MessageMeta) => Promise<void>; atomic?: never }
  | {
      /** Returns the DynamoDB writes of the effect; they commit with the dedup record in one transaction. */
      atomic: (payload: T, meta: MessageMeta) => TransactWriteItem[] | Promise<TransactWriteItem[]>;
      handle?: never;
    };

export type MessageProcessorOptions<T> = MessageEffect<T> & {
  schema: Schema<T>;
  dedup?: DedupOptions;
  sqs: SQSClient;
  /** The queue the worker consumes (delay hops are sent back to it). */
  queueUrl: string;
  dlq: DeadLetterQueue;
  clock?: Clock;
};

/** What became of one message; a retryable failure is thrown instead. */
export type MessageOutcome =
  | { kind: 'processed' }
  | { kind: 'duplicate' }
  | { kind: 'delayed'; delaySeconds: number }
  | { kind: 'dead-lettered'; reason: string };

/** Per-invocation facts the processor needs. */
export interface InvocationInfo {
  fifo: boolean;
  /** Read at claim time: the lease ends with the invocation. */
  remainingTimeMs: () => number;
}

/**
 * The life of one message: sluice attributes → TTL → delay hop → JSON → schema → dedup claim → effect
 * → completion. Permanent problems go to the DLQ and resolve (the record is acknowledged); retryable
 * ones reject (the record goes back to the queue). Delays run before dedup on purpose: a hop re-sends
 * the same body, which must not look like a duplicate of itself.
 *
 * FIFO queues have no per-message delay, so a FIFO message still early on receipt goes to the DLQ with
 * reason `delay-unsupported` (the producer refuses such sends in the first place).
 *
 * @example
 * const process = createMessageProcessor({ schema: OrderJob, atomic: (order) => orderEffect(order), dedup, sqs, queueUrl, dlq });
 * const outcome = await process(record, { fifo: false, remainingTimeMs: () => context.getRemainingTimeInMillis() });
 */
export function createMessageProcessor<T>(options: MessageProcessorOptions<T>) {
  const clock = options.clock ?? systemClock;
  if (options.atomic && !options.dedup) throw new ConfigurationError('atomic mode needs dedup: the effect commits with the dedup record');

  const deadLetter = async (record: SQSRecord, err: SluiceError): Promise<MessageOutcome> => {
    await options.dlq.send(record, { reason: err.reason, error: err.message });
    return { kind: 'dead-lettered', reason: err.reason };
  };

  return async function processMessage(record: SQSRecord, invocation: InvocationInfo): Promise<MessageOutcome> {
    let envelope: Envelope;
    let body: unknown;
    let payload: T;
    try {
      envelope = readEnvelope(record.messageAttributes);
      const now = clock.now();
      if (envelope.expiresAt !== undefined && now > envelope.expiresAt) {
        throw new MessageExpiredError(`expired at ${new Date(envelope.expiresAt).toISOString()}, received ${new Date(now).toISOString()}`);
      }
      if (envelope.deliverAt !== undefined && envelope.deliverAt > now) {
        if (invocation.fifo) throw new DelayUnsupportedError(`deliverAt is ${envelope.deliverAt - now} ms away and FIFO queues cannot delay one message`);
        const { delaySeconds } = await redeliverLater(options.sqs, options.queueUrl, record, {
          remainingMs: envelope.deliverAt - now,
          hops: envelope.hops + 1,
        });
        return { kind: 'delayed', delaySeconds };
      }
      body = parseBody(record.body);
      payload = await validateWithSchema(options.schema, body, 'body');
    } catch (err) {
      if (isPermanent(err)) return deadLetter(record, err);
      throw err;
    }

    const meta: MessageMeta = {
      messageId: record.messageId,
      envelope,
      receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
      record,
    };
    if (!options.dedup) {
      const { handle } = options;
      if (!handle) throw new ConfigurationError('atomic mode needs dedup');
      return runEffect(async () => {
        await handle(payload, meta);
        return { kind: 'processed' };
      }, record, deadLetter);
    }

    const { key, source } = idempotencyKey({
      explicitKey: envelope.dedupKey,
      // The parsed body, not the schema's output: keys the schema strips (zod drops `__proto__` even from a
      // loose object) or values it coerces must not merge distinct messages into one.
      payload: options.dedup.hashContent === false ? undefined : body,
      messageId: record.messageId,
    });
    meta.dedupKey = dedupRecordKey(options.dedup.scope, key);
    meta.dedupKeySource = source;
    const { store } = options.dedup;
    const dedupKey = meta.dedupKey;

    if (options.atomic) {
      const { atomic } = options;
      // One TransactWriteItems holds the effect and the dedup record: no claim, nothing to release.
      return runEffect(async () => {
        const result = await store.commitOnce(dedupKey, await atomic(payload, meta));
        return result.status === 'duplicate' ? { kind: 'duplicate' } : { kind: 'processed' };
      }, record, deadLetter);
    }

    const claim = await store.claim(dedupKey, { leaseMs: invocation.remainingTimeMs() });
    if (claim.status === 'duplicate') return { kind: 'duplicate' };
    try {
      await options.handle(payload, meta);
      await store.complete(dedupKey, claim.token);
      return { kind: 'processed' };
    } catch (err) {
      // Give the key back so the retry (or a redrive from the DLQ) can claim at once. If this fails
      // too, the lease still ends with the invocation.
      await store.release(dedupKey, claim.token).catch(() => undefined);
      if (isPermanent(err)) return deadLetter(record, err);
      throw err;
    }
  };
}

async function runEffect(
  effect: () => Promise<MessageOutcome>,
  record: SQSRecord,
  deadLetter: (record: SQSRecord, err: SluiceError) => Promise<MessageOutcome>,
): Promise<MessageOutcome> {
  try {
    return await effect();
  } catch (err) {
    if (isPermanent(err)) return deadLetter(record, err);
    throw err;
  }
}

/**
 * Parses a body as JSON and validates it against `schema` (a synchronous Standard Schema).
 *
 * @throws MalformedMessageError or SchemaValidationError (both permanent).
 * @example
 * const order = parsePayload(record.body, OrderJob);
 */
export function parsePayload<T>(body: string, schema: Schema<T>): T {
  return validateWithSchemaSync(schema, parseBody(body), 'body');
}

function parseBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (err) {
    throw new MalformedMessageError(`body is not JSON: ${(err as Error).message}`, { cause: err });
  }
}

