import type { SQSClient } from '@aws-sdk/client-sqs';
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { SQSRecord } from 'aws-lambda';
import { systemClock } from '../clock.ts';
import type { Clock } from '../clock.ts';
import type { IdempotencyKeySource } from '../dedup/key.ts';
import type { DedupClaims } from '../dedup/store.ts';
import { readEnvelope } from '../envelope.ts';
import type { Envelope } from '../envelope.ts';
import type { SluiceError } from '../errors.ts';
import { validateWithSchema, validateWithSchemaSync, type Schema } from '../schema.ts';
import {
  DelayUnsupportedError,
  DeliverAtTooFarError,
  MalformedMessageError,
  MessageExpiredError,
  isPermanent,
} from '../errors.ts';
import type { RetryTiming } from '../retry.ts';
import type { DeadLetterQueue } from './dead-letter.ts';
import { effectMode } from './effect-modes.ts';
import type { SettleEffect } from './effect-modes.ts';
import { FIFO_CLOCK_SKEW_MS } from './fifo.ts';
import { DEFAULT_MAX_DELIVER_AT_MS, redeliverLater } from './redelivery.ts';

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
  /** Keeps pipelines sharing a table apart: the record key is `scope#idempotencyKey` (no `#` in the scope). */
  scope: string;
  /**
   * Hash the body when there is no explicit key (default true). `false` keys on the message id instead,
   * carried across sluice's own copies (delay hops, DLQ replays) in `sluice-origin-id`.
   */
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

/** Timing settings of a worker; the defaults suit Lambda. */
export interface ProcessingLimits {
  /** Nothing is claimed or committed with less of the invocation left (ms). Default 1,000. */
  timeMarginMs?: number;
  /** A `sluice-deliver-at` further ahead than this (ms) goes to the DLQ as `delay-too-long`. Default 30 days. */
  maxDeliverAtMs?: number;
  /** Waits and randomness of the in-process retries (conflicts, completion); tests pass a virtual clock. */
  retryTiming?: RetryTiming;
}

export type MessageProcessorOptions<T> = MessageEffect<T> &
  ProcessingLimits & {
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
  | { kind: 'processed'; /** Claim mode: the lease ended before `complete`; another copy may repeat the effect. */ claimLost?: boolean }
  | { kind: 'duplicate' }
  | { kind: 'delayed'; delaySeconds: number }
  | { kind: 'dead-lettered'; reason: string };

/** Per-invocation facts the processor needs. */
export interface InvocationInfo {
  fifo: boolean;
  /** Read before every claim and commit: the lease ends with the invocation. */
  remainingTimeMs: () => number;
}

/**
 * The life of one message: sluice attributes → TTL → delay hop → JSON → schema → dedup claim → effect
 * → completion. Permanent problems go to the DLQ and resolve (the record is acknowledged); retryable
 * ones reject (the record goes back to the queue). Delays run before dedup on purpose: a hop re-sends
 * the same body, which must not look like a duplicate of itself.
 *
 * - FIFO queues have no per-message delay: a FIFO message more than {@link FIFO_CLOCK_SKEW_MS} early goes
 *   to the DLQ as `delay-unsupported`; within that, the clocks of producer and consumer are taken to differ.
 * - A `deliverAt` beyond `maxDeliverAtMs` goes to the DLQ as `delay-too-long` instead of hopping for ever.
 * - Nothing is claimed or committed with less than `timeMarginMs` of the invocation left (retryable
 *   `out-of-time`), and TransactionConflicts are retried in-process before the record goes back.
 *
 * @example
 * const process = createMessageProcessor({ schema: OrderJob, atomic: (order) => orderEffect(order), dedup, sqs, queueUrl, dlq });
 * const outcome = await process(record, { fifo: false, remainingTimeMs: () => context.getRemainingTimeInMillis() });
 */
export function createMessageProcessor<T>(options: MessageProcessorOptions<T>) {
  const clock = options.clock ?? systemClock;
  const maxDeliverAtMs = options.maxDeliverAtMs ?? DEFAULT_MAX_DELIVER_AT_MS;

  const deadLetter = async (record: SQSRecord, err: SluiceError): Promise<MessageOutcome> => {
    await options.dlq.send(record, { reason: err.reason, error: err.message });
    return { kind: 'dead-lettered', reason: err.reason };
  };
  // Permanent problems go to the DLQ and resolve; anything else rejects, and the record goes back to the queue.
  const settle: SettleEffect = async (record, effect) => {
    try {
      return await effect();
    } catch (err) {
      if (isPermanent(err)) return deadLetter(record, err);
      throw err;
    }
  };
  // Chosen once: the per-message path below runs it without asking which mode it is.
  const mode = effectMode<T>(options, settle);

  return async function processMessage(record: SQSRecord, invocation: InvocationInfo): Promise<MessageOutcome> {
    let envelope: Envelope;
    let payload: T;
    try {
      envelope = readEnvelope(record.messageAttributes);
      const now = clock.now();
      if (envelope.expiresAt !== undefined && now > envelope.expiresAt) {
        throw new MessageExpiredError(`expired at ${new Date(envelope.expiresAt).toISOString()}, received ${new Date(now).toISOString()}`);
      }
      const lead = envelope.deliverAt === undefined ? 0 : envelope.deliverAt - now;
      if (lead > maxDeliverAtMs) {
        throw new DeliverAtTooFarError(`deliverAt is ${Math.round(lead / 3_600_000)} h away, beyond this worker's horizon of ${Math.round(maxDeliverAtMs / 3_600_000)} h`);
      }
      if (invocation.fifo && lead > FIFO_CLOCK_SKEW_MS) {
        throw new DelayUnsupportedError(`deliverAt is ${lead} ms away and FIFO queues cannot delay one message`);
      }
      if (!invocation.fifo && lead > 0) {
        const { delaySeconds } = await redeliverLater(options.sqs, options.queueUrl, record, {
          remainingMs: lead,
          hops: envelope.hops + 1,
          originId: mode.hopOriginId(envelope, record.messageId),
        });
        return { kind: 'delayed', delaySeconds };
      }
      payload = await validateWithSchema(options.schema, parseBody(record.body), 'body');
    } catch (err) {
      if (isPermanent(err)) return deadLetter(record, err);
      throw err;
    }

    return mode.run(payload, {
      messageId: record.messageId,
      envelope,
      receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
      record,
    }, invocation);
  };
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

