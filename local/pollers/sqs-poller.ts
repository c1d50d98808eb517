import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { LocalFunction } from '../runtime/local-function.ts';
import { readBatchItemFailures } from './batch-item-failures.ts';
import { recordFilter } from '../event-filter.ts';
import { sqsMappingSettings, type SqsMappingProperties } from './sqs-mapping.ts';
import { toSqsRecord } from './sqs-record.ts';
import { withSqsFaults, type SqsBatchInvoker, type SqsFaults, type SqsFaultStats } from './sqs-fault-injection.ts';

export type { SqsMappingProperties } from './sqs-mapping.ts';

/** What one poller did, for progress lines and summaries. */
export interface SqsPollerStats extends SqsFaultStats {
  received: number;
  invocations: number;
  deleted: number;
  itemFailures: number;
  batchErrors: number;
  filtered: number;
}

export interface SqsPollerOptions {
  readonly mapping: SqsMappingProperties;
  readonly queueUrl: string;
  readonly fifo: boolean;
  readonly fn: LocalFunction;
  readonly sqs: SQSClient;
  readonly region: string;
  /** Upper bound on concurrent batches when the mapping sets no MaximumConcurrency (Lambda starts with 5 pollers). */
  readonly defaultConcurrency?: number;
  /** Long-poll wait per ReceiveMessage, seconds (Lambda uses 20; locally 1 keeps stop() and virtual time responsive). */
  readonly receiveWaitSeconds?: number;
  /** Faults to inject (tests and chaos runs): see {@link withSqsFaults}. */
  readonly faults?: SqsFaults;
  /** Called with each handler error, for logs. */
  readonly onError?: (error: unknown, records: readonly SQSRecord[]) => void;
}

export interface SqsPoller {
  readonly stats: SqsPollerStats;
  start(): void;
  stop(): Promise<void>;
  /** True while no batch is being assembled or invoked and the last receive came back empty. */
  idle(): boolean;
}

/** Lambda's synchronous invocation payload limit: a batch's event (records as JSON) stays under it. */
export const MAX_SQS_EVENT_BYTES = 6 * 1024 * 1024;
/** `{"Records":[]}` */
const EVENT_ENVELOPE_BYTES = 14;

/**
 * Lambda's SQS event source mapping, run locally: long-polls the queue, assembles batches up to
 * BatchSize within MaximumBatchingWindowInSeconds (or 6 MB), runs up to MaximumConcurrency batches at
 * once, and acknowledges exactly as Lambda does: success deletes the batch; a thrown error deletes
 * nothing (the messages return after the visibility timeout and the queue's RedrivePolicy moves them
 * to the DLQ); with ReportBatchItemFailures everything but the listed ids is deleted, and an unknown or
 * empty itemIdentifier fails the whole batch. Injected faults (`faults`) live in
 * {@link withSqsFaults}, which wraps the invocation: the mapping below never branches on them.
 *
 * @example
 * const poller = createSqsPoller({ mapping, queueUrl, fifo: false, fn, sqs, region: 'us-east-1' });
 * poller.start();
 * await poller.stop();
 */
export function createSqsPoller(options: SqsPollerOptions): SqsPoller {
  const { mapping, fn, sqs, faults } = options;
  const settings = sqsMappingSettings(mapping, { fifo: options.fifo });
  const { batchSize, batchingWindowMs: windowMs, reportBatchItemFailures: reportsItemFailures } = settings;
  const concurrency = settings.maximumConcurrency ?? options.defaultConcurrency ?? 5;
  const passesFilters = recordFilter(settings.filters, 'sqs');
  const waitSeconds = options.receiveWaitSeconds ?? 1;
  const stats: SqsPollerStats = { received: 0, invocations: 0, deleted: 0, itemFailures: 0, batchErrors: 0, injectedCrashes: 0, injectedFailures: 0, injectedDuplicates: 0, injectedTimeouts: 0, filtered: 0 };
  const abort = new AbortController();
  let running = false;
  let workers: Promise<void>[] = [];
  const busy = new Set<number>();
  const lastEmpty = new Map<number, boolean>();

  async function receive(max: number): Promise<Message[]> {
    const out = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: options.queueUrl,
        MaxNumberOfMessages: Math.min(10, max),
        WaitTimeSeconds: waitSeconds,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
      }),
      { abortSignal: abort.signal },
    );
    return out.Messages ?? [];
  }

  // Messages received but left out of a full batch (6 MB) wait here for the worker's next batch: they are
  // in flight (invisible) already, so handing them back to SQS would cost them a receive count.
  const leftovers = new Map<number, SQSRecord[]>();

  async function assembleBatch(worker: number): Promise<SQSRecord[]> {
    const records: SQSRecord[] = [];
    let bytes = EVENT_ENVELOPE_BYTES;
    const waiting = leftovers.get(worker) ?? [];
    leftovers.delete(worker);
    const add = (record: SQSRecord): boolean => {
      const size = Buffer.byteLength(JSON.stringify(record)) + (records.length > 0 ? 1 : 0);
      if (records.length >= batchSize || (records.length > 0 && bytes + size > MAX_SQS_EVENT_BYTES)) return false;
      records.push(record);
      bytes += size;
      return true;
    };
    while (waiting.length > 0 && add(waiting[0]!)) waiting.shift();
    const windowEnd = Date.now() + windowMs;
    while (running && waiting.length === 0 && records.length < batchSize) {
      const messages = await receive(batchSize - records.length);
      lastEmpty.set(worker, messages.length === 0 && records.length === 0);
      if (messages.length > 0) busy.add(worker);
      for (const message of messages) {
        const record = toSqsRecord(message, mapping.EventSourceArn, options.region);
        if (waiting.length > 0 || !add(record)) waiting.push(record);
      }
      if (windowMs === 0 || Date.now() >= windowEnd) break;
    }
    if (waiting.length > 0) leftovers.set(worker, waiting);
    return records;
  }

  async function deleteRecords(records: readonly SQSRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 10) {
      const chunk = records.slice(i, i + 10);
      const out = await sqs.send(
        new DeleteMessageBatchCommand({ QueueUrl: options.queueUrl, Entries: chunk.map((r, n) => ({ Id: String(n), ReceiptHandle: r.receiptHandle })) }),
      );
      stats.deleted += out.Successful?.length ?? 0;
    }
  }

  const invokeFunction: SqsBatchInvoker = async (records) => {
    stats.invocations += 1;
    return { response: await fn.invoke({ Records: records }) };
  };
  const invokeBatch = faults ? withSqsFaults(invokeFunction, { faults, fifo: options.fifo, reportsItemFailures, sqs, queueUrl: options.queueUrl, stats }) : invokeFunction;

  async function processBatch(records: SQSRecord[]): Promise<void> {
    stats.received += records.length;
    // "If a message doesn't satisfy your filter criteria, Lambda automatically removes the message from the queue."
    const filtered = records.filter((r) => !passesFilters(r));
    if (filtered.length > 0) {
      stats.filtered += filtered.length;
      await deleteRecords(filtered);
    }
    const batch = filtered.length > 0 ? records.filter((r) => !filtered.includes(r)) : records;
    if (batch.length === 0) return;
    try {
      const outcome = await invokeBatch(batch);
      // The response never came back: nothing is deleted, the messages return after the visibility timeout.
      if ('lost' in outcome) return;
      let failedIds = new Set<string>();
      if (reportsItemFailures) {
        const read = readBatchItemFailures(outcome.response, new Set(batch.map((r) => r.messageId)));
        if (read.wholeBatchFailed) throw new Error(`invalid batchItemFailures response: ${read.reason}`);
        failedIds = read.failedIds;
      }
      stats.itemFailures += failedIds.size;
      await deleteRecords(batch.filter((r) => !failedIds.has(r.messageId)));
    } catch (error) {
      stats.batchErrors += 1;
      options.onError?.(error, batch);
    }
  }

  async function work(worker: number): Promise<void> {
    while (running) {
      try {
        const records = await assembleBatch(worker);
        if (records.length > 0) await processBatch(records);
      } catch (error) {
        if (!running) break;
        options.onError?.(error, []);
        await new Promise((r) => setTimeout(r, 200));
      } finally {
        busy.delete(worker);
      }
    }
  }

  return {
    stats,
    start() {
      if (running || !settings.enabled) return;
      running = true;
      workers = Array.from({ length: concurrency }, (_, i) => work(i));
    },
    async stop() {
      running = false;
      abort.abort();
      await Promise.allSettled(workers);
    },
    idle() {
      return busy.size === 0 && leftovers.size === 0 && [...lastEmpty.values()].every(Boolean) && lastEmpty.size === concurrency;
    },
  };
}
