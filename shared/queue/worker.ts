import middy from '@middy/core';
import type { MiddyfiedHandler } from '@middy/core';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../aws-clients.ts';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Clock } from '../clock.ts';
import { addQueueMetrics, createObservability, emptyTally } from '../observability.ts';
import type { QueueTally } from '../observability.ts';
import { readFirst } from '../dedup/read-first.ts';
import { DedupStore } from '../dedup/store.ts';
import { ClaimInProgressError, ConfigurationError, OutOfTimeError, TransactionConflictError } from '../errors.ts';
import { fifoEnv, queueWorkerEnv } from './config.ts';
import { QUEUE_ENV } from './contract.ts';
import { processSqsBatch } from './batch.ts';
import { DeadLetterQueue } from './dead-letter.ts';
import { isFifoQueue } from './fifo.ts';
import { createMessageProcessor } from './message-processor.ts';
import type { DedupOptions, MessageEffect, MessageOutcome, MessageProcessorOptions, ProcessingLimits } from './message-processor.ts';
import type { Schema } from '../schema.ts';

export type QueueWorkerOptions<T> = MessageEffect<T> &
  ProcessingLimits & {
  /**
   * Schema of the body, any [Standard Schema](https://standardschema.dev) (zod, `zod/mini`, valibot, …);
   * a body that fails it goes to the DLQ with reason `schema-invalid`.
   */
  schema: Schema<T>;
  /**
   * Dedup settings. Default: the dedup table the QueuePipeline construct wired (`QUEUE_ENV.dedupTable`,
   * `.dedupScope`, `.dedupWindowSeconds` in contract.ts), read first when duplicates are frequent
   * (`QUEUE_ENV.dedupReadFirst`, default `adaptive`: see `readFirst`), or none when no table is set.
   * `false` runs without dedup (then only `handle` is allowed).
   */
  dedup?: DedupOptions | false;
  /** Default: an SQS client with sluice's client settings. */
  sqs?: SQSClient;
  /** The consumed queue: delay hops go back to it. Default: the `QUEUE_ENV.queueUrl` variable. */
  queueUrl?: string;
  /** The dead-letter queue. Default: the `QUEUE_ENV.dlqUrl` variable. */
  dlqUrl?: string;
  /** Default: SLUICE_FIFO=true or an event source ARN ending in `.fifo`. */
  fifo?: boolean;
  /**
   * FIFO only: `false` (default, AWS's documented behaviour) stops the batch at the first failure and
   * returns every later record; `true` (Powertools' `skipGroupOnError`) blocks only the failed message
   * group and processes the other groups concurrently. Default: the `QUEUE_ENV.fifoSkipGroupOnError` variable is `true`, else false.
   */
  skipGroupOnError?: boolean;
  /** Records (standard) or message groups (FIFO with `skipGroupOnError`) processed at once. Default 10. */
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
 * Call it at module scope: everything not passed comes from the environment the QueuePipeline construct
 * sets (queue, DLQ, dedup table and scope) with clients created once per cold start.
 *
 * @example
 * // The effect's DynamoDB writes commit with the dedup record in one transaction: exactly once.
 * export const handler = createQueueWorker({
 *   schema: Invoice,
 *   atomic: (invoice) => [{ Put: { TableName: process.env.INVOICES_TABLE, Item: marshall(invoice) } }],
 * });
 */
export function createQueueWorker<T>(options: QueueWorkerOptions<T>): QueueWorkerHandler {
  const observability = options.logger && options.metrics ? undefined : createObservability();
  const logger = options.logger ?? (observability as { logger: Logger }).logger;
  const metrics = options.metrics ?? (observability as { metrics: Metrics }).metrics;
  const wiring = workerWiring(options);
  const dlq = new DeadLetterQueue({ client: wiring.sqs, queueUrl: wiring.dlqUrl, ...(options.clock ? { clock: options.clock } : {}) });
  const processMessage = createMessageProcessor<T>({ ...options, ...wiring, dlq } as MessageProcessorOptions<T>);
  const envFifo = fifoEnv();
  const skipGroupOnError = options.skipGroupOnError ?? process.env[QUEUE_ENV.fifoSkipGroupOnError] === 'true';

  const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    const records = event.Records ?? [];
    const fifo = options.fifo ?? envFifo ?? isFifoQueue(records[0]?.eventSourceARN);
    const tally = emptyTally();
    tally.received = records.length;
    const invocation = { fifo, remainingTimeMs: () => context.getRemainingTimeInMillis() };

    const { response, failures } = await processSqsBatch(
      records,
      async (record) => count(tally, record, await processMessage(record, invocation), logger),
      { fifo, skipGroupOnError, ...(options.concurrency ? { concurrency: options.concurrency } : {}) },
    );

    tally.retried = failures.length;
    for (const { record, error, blocked } of failures) {
      if (blocked) logger.warn('record not processed: an earlier record failed (FIFO order)', { messageId: record.messageId });
      // Expected under duplicates, hot rows and long batches: not errors to page on.
      else if (error instanceof ClaimInProgressError || error instanceof TransactionConflictError || error instanceof OutOfTimeError) {
        logger.warn('record not processed now; it will be retried', { messageId: record.messageId, reason: error.reason, detail: error.message });
      }
      else logger.error('record failed; it will be retried', { messageId: record.messageId, error: error as Error });
    }
    addQueueMetrics(metrics, tally);
    return response;
  };

  return middy<SQSEvent, SQSBatchResponse, Error, Context>(handler).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}

/** The clients, queues and dedup store a worker uses: what was passed, else what the environment names. */
function workerWiring<T>(options: QueueWorkerOptions<T>): { sqs: SQSClient; queueUrl: string; dlqUrl: string; dedup?: DedupOptions } {
  const env = process.env;
  const queueUrl = options.queueUrl ?? env[QUEUE_ENV.queueUrl];
  const dlqUrl = options.dlqUrl ?? env[QUEUE_ENV.dlqUrl];
  if (!queueUrl || !dlqUrl) {
    throw new ConfigurationError(`a queue worker needs queueUrl and dlqUrl, or ${QUEUE_ENV.queueUrl} and ${QUEUE_ENV.dlqUrl} (the QueuePipeline construct sets them)`);
  }
  const sqs = options.sqs ?? new SQSClient(clientConfig({ service: 'sqs' }));
  if (options.dedup !== undefined) return { sqs, queueUrl, dlqUrl, ...(options.dedup ? { dedup: options.dedup } : {}) };
  if (!env[QUEUE_ENV.dedupTable]) return { sqs, queueUrl, dlqUrl };
  const config = queueWorkerEnv(env);
  const store = new DedupStore({ client: new DynamoDBClient(clientConfig()), tableName: config.dedupTable, windowSeconds: config.dedupWindowSeconds });
  // A duplicate costs a read instead of a refused transaction once duplicates are frequent enough to pay for it.
  return { sqs, queueUrl, dlqUrl, dedup: { store: readFirst(store, config.dedupReadFirst), scope: config.dedupScope } };
}

function count(tally: QueueTally, record: SQSRecord, outcome: MessageOutcome, logger: Logger): void {
  switch (outcome.kind) {
    case 'processed':
      tally.processed += 1;
      if (outcome.claimLost) logger.warn('effect ran after its claim lapsed; another copy may repeat it', { messageId: record.messageId });
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
