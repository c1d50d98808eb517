import middy from '@middy/core';
import type { MiddyfiedHandler } from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Clock } from '../clock.ts';
import { addQueueMetrics, createObservability, emptyTally } from '../observability.ts';
import type { QueueTally } from '../observability.ts';
import { ClaimInProgressError } from '../errors.ts';
import { processSqsBatch } from './batch.ts';
import { DeadLetterQueue } from './dead-letter.ts';
import { isFifoQueue } from './fifo.ts';
import { createMessageProcessor } from './message-processor.ts';
import type { DedupOptions, MessageEffect, MessageOutcome } from './message-processor.ts';
import type { z } from 'zod';

export type QueueWorkerOptions<T> = MessageEffect<T> & {
  /** zod schema of the body; a body that fails it goes to the DLQ with reason `schema-invalid`. */
  schema: z.ZodType<T>;
  /** Omit to run without dedup (then only `handle` is allowed). */
  dedup?: DedupOptions;
  sqs: SQSClient;
  /** The consumed queue (SLUICE_QUEUE_URL): delay hops go back to it. */
  queueUrl: string;
  /** The dead-letter queue (SLUICE_DLQ_URL). */
  dlqUrl: string;
  /** Default: SLUICE_FIFO=true or an event source ARN ending in `.fifo`. */
  fifo?: boolean;
  /** Records (standard) or message groups (FIFO) processed at once. Default 10. */
  concurrency?: number;
  clock?: Clock;
  logger?: Logger;
  metrics?: Metrics;
};

/** The Lambda handler a worker is: a middy handler, so callers can `.use()` more middleware. */
export type QueueWorkerHandler = MiddyfiedHandler<SQSEvent, SQSBatchResponse, Error, Context>;

/**
 * Builds an SQS-triggered Lambda handler (event source mapping with `ReportBatchItemFailures`) that
 * validates, delays, expires, deduplicates and dead-letters messages, and calls your effect once per
 * message. Returns `{ batchItemFailures }`: only retryable failures are listed; permanent ones are in
 * the DLQ with `sluice-reason`. Logs with Powertools Logger (context injected) and flushes Powertools
 * Metrics (EMF on stdout) after every invocation: received, processed, duplicate, delayed-hop, retried,
 * dlq{reason}.
 *
 * @example
 * export const handler = createQueueWorker({
 *   schema: OrderJob,
 *   dedup: { store: new DedupStore({ client: dynamodb, tableName }), scope: 'orders' },
 *   atomic: (order) => orderWrite(order, { tableName: ordersTable, totalsTableName, processedAt: Date.now() }),
 *   sqs, queueUrl, dlqUrl,
 * });
 */
export function createQueueWorker<T>(options: QueueWorkerOptions<T>): QueueWorkerHandler {
  const observability = options.logger && options.metrics ? undefined : createObservability();
  const logger = options.logger ?? (observability as { logger: Logger }).logger;
  const metrics = options.metrics ?? (observability as { metrics: Metrics }).metrics;
  const dlq = new DeadLetterQueue({ client: options.sqs, queueUrl: options.dlqUrl, ...(options.clock ? { clock: options.clock } : {}) });
  const processMessage = createMessageProcessor<T>({ ...options, dlq });

  const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const records = event.Records ?? [];
    const fifo = options.fifo ?? isFifoQueue(records[0]?.eventSourceARN);
    const tally = emptyTally();
    tally.received = records.length;
    const invocation = { fifo, remainingTimeMs: () => context.getRemainingTimeInMillis() };

    const { response, failures } = await processSqsBatch(
      records,
      async (record) => count(tally, record, await processMessage(record, invocation), logger),
      { fifo, ...(options.concurrency ? { concurrency: options.concurrency } : {}) },
    );

    tally.retried = failures.length;
    for (const { record, error, blocked } of failures) {
      if (blocked) logger.warn('record not processed: an earlier record of its message group failed', { messageId: record.messageId });
      // A live claim held by another invocation is expected under duplicates: not an error to page on.
      else if (error instanceof ClaimInProgressError) logger.warn('record is being processed elsewhere; it will be retried', { messageId: record.messageId, reason: error.reason });
      else logger.error('record failed; it will be retried', { messageId: record.messageId, error: error as Error });
    }
    addQueueMetrics(metrics, tally);
    return response;
  };

  return middy<SQSEvent, SQSBatchResponse, Error, Context>(handler).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}

function count(tally: QueueTally, record: SQSRecord, outcome: MessageOutcome, logger: Logger): void {
  switch (outcome.kind) {
    case 'processed':
      tally.processed += 1;
      return;
    case 'duplicate':
      tally.duplicate += 1;
      logger.info('duplicate skipped', { messageId: record.messageId });
      return;
    case 'delayed':
      tally.delayedHop += 1;
      logger.debug('re-sent to wait for deliverAt', { messageId: record.messageId, delaySeconds: outcome.delaySeconds });
      return;
    case 'dead-lettered':
      tally.dlq[outcome.reason] = (tally.dlq[outcome.reason] ?? 0) + 1;
      logger.warn('message moved to the DLQ', { messageId: record.messageId, reason: outcome.reason });
      return;
  }
}
