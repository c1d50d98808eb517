import { DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { toSendAttributes } from '../../shared/envelope.ts';
import { InvocationTimeoutError } from '../../shared/errors.ts';
import type { LocalFunction } from '../runtime/local-function.ts';
import { readBatchItemFailures } from './batch-item-failures.ts';
import { recordFilter } from '../event-filter.ts';
import { sqsMappingSettings, type SqsMappingProperties } from './sqs-mapping.ts';
import { toSqsRecord } from './sqs-record.ts';

export type { SqsMappingProperties } from './sqs-mapping.ts';

/** Faults the poller can inject (all off by default). */
export interface SqsFaults {
  /** Makes this record's processing fail, as if the handler reported it (or threw, without ReportBatchItemFailures). */
  failRecord?(record: SQSRecord): boolean;
  /** After the handler succeeded, lose the response, as if the environment crashed before Lambda deleted the messages. */
  crashBeforeAck?(records: readonly SQSRecord[]): boolean;
  /**
   * SQS delivers this message once more: a copy (same body and attributes, a new message id) is sent
   * back to the queue before the batch is invoked, as at-least-once delivery or a producer retry would.
   * Standard queues only (FIFO deduplicates sends itself).
   */
  duplicateDelivery?(record: SQSRecord): boolean;
  /**
   * Milliseconds after which this invocation times out (undefined: no injected timeout). The poller
   * sees Lambda's timeout error and deletes nothing; the handler keeps whatever it committed before.
   */
  invocationTimeoutMs?(records: readonly SQSRecord[]): number | undefined;
}

/** What one poller did, for progress lines and summaries. */
export interface SqsPollerStats {
  received: number;
  invocations: number;
  deleted: number;
  itemFailures: number;
  batchErrors: number;
  injectedCrashes: number;
  injectedFailures: number;
  injectedDuplicates: number;
  injectedTimeouts: number;
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

function laterRecordsOfFailedGroups(records: readonly SQSRecord[], failed: ReadonlySet<string>): Set<string> {
  const blocked = new Set<string>();
  const failedGroups = new Set<string>();
  for (const record of records) {
    const group = record.attributes.MessageGroupId ?? '';
    if (failedGroups.has(group)) blocked.add(record.messageId);
    else if (failed.has(record.messageId)) failedGroups.add(group);
  }
  return blocked;
}

/**
 * Lambda's SQS event source mapping, run locally: long-polls the queue, assembles batches up to
 * BatchSize within MaximumBatchingWindowInSeconds (or 6 MB), runs up to MaximumConcurrency batches at
 * once, and acknowledges exactly as Lambda does: success deletes the batch; a thrown error deletes
 * nothing (the messages return after the visibility timeout and the queue's RedrivePolicy moves them
 * to the DLQ); with ReportBatchItemFailures everything but the listed ids is deleted, and an unknown or
 * empty itemIdentifier fails the whole batch.
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

  async function sendDuplicates(records: readonly SQSRecord[]): Promise<void> {
    if (options.fifo || !faults?.duplicateDelivery) return;
    for (const record of records.filter((r) => faults.duplicateDelivery!(r))) {
      const attributes = toSendAttributes(record.messageAttributes);
      await sqs.send(
        new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: record.body, ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}) }),
      );
      stats.injectedDuplicates += 1;
    }
  }

  // Lambda stops a timed-out handler; in-process it cannot be stopped, so it is abandoned (as
  // LocalFunction does on a real timeout) and whatever it commits later is fenced by the dedup owner token.
  async function invoke(records: SQSRecord[]): Promise<unknown> {
    const timeoutMs = faults?.invocationTimeoutMs?.(records);
    const invocation = fn.invoke({ Records: records });
    if (timeoutMs === undefined) return invocation;
    invocation.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        stats.injectedTimeouts += 1;
        reject(new InvocationTimeoutError(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds (injected)`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([invocation, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function processBatch(records: SQSRecord[]): Promise<void> {
    stats.received += records.length;
    // "If a message doesn't satisfy your filter criteria, Lambda automatically removes the message from the queue."
    const filtered = records.filter((r) => !passesFilters(r));
    if (filtered.length > 0) {
      stats.filtered += filtered.length;
      await deleteRecords(filtered);
    }
    const candidates = filtered.length > 0 ? records.filter((r) => !filtered.includes(r)) : records;
    const injected = new Set(candidates.filter((r) => faults?.failRecord?.(r)).map((r) => r.messageId));
    if (options.fifo) for (const id of laterRecordsOfFailedGroups(candidates, injected)) injected.add(id);
    stats.injectedFailures += injected.size;
    const invoked = candidates.filter((r) => !injected.has(r.messageId));
    if (candidates.length === 0) return;
    try {
      await sendDuplicates(candidates);
      if (injected.size > 0 && !reportsItemFailures) throw new Error('injected fault: handler threw');
      stats.invocations += invoked.length > 0 ? 1 : 0;
      const response = invoked.length > 0 ? await invoke(invoked) : undefined;
      if (faults?.crashBeforeAck?.(candidates)) {
        stats.injectedCrashes += 1;
        return;
      }
      let failedIds = new Set<string>();
      if (reportsItemFailures) {
        const outcome = readBatchItemFailures(response, new Set(invoked.map((r) => r.messageId)));
        if (outcome.wholeBatchFailed) throw new Error(`invalid batchItemFailures response: ${outcome.reason}`);
        failedIds = outcome.failedIds;
      }
      for (const id of injected) failedIds.add(id);
      stats.itemFailures += failedIds.size;
      await deleteRecords(candidates.filter((r) => !failedIds.has(r.messageId)));
    } catch (error) {
      stats.batchErrors += 1;
      options.onError?.(error, candidates);
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
