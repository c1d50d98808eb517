import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { toSendAttributes } from '../../shared/envelope.ts';
import { InvocationTimeoutError } from '../../shared/errors.ts';

/** Faults the SQS poller can inject (all off by default). */
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

/** What the injected faults did, counted into the poller's stats. */
export interface SqsFaultStats {
  injectedCrashes: number;
  injectedFailures: number;
  injectedDuplicates: number;
  injectedTimeouts: number;
}

/**
 * How one batch invocation ended, as the mapping sees it: the handler's response, or `lost` when the
 * response never came back (the environment crashed after the handler ran), so nothing is acknowledged
 * and the messages return after their visibility timeout.
 */
export type SqsBatchOutcome = { readonly response: unknown } | { readonly lost: true };

/** Invokes the function with one batch (the mapping's view of an invocation). */
export type SqsBatchInvoker = (records: SQSRecord[]) => Promise<SqsBatchOutcome>;

export interface SqsFaultInjectionOptions {
  readonly faults: SqsFaults;
  readonly fifo: boolean;
  /** The mapping reports item failures: an injected record failure is reported, else the handler throws. */
  readonly reportsItemFailures: boolean;
  /** Where duplicate deliveries are sent back to. */
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  /** Receives the injected-fault counts (the poller's stats). */
  readonly stats: SqsFaultStats;
}

/** Later records of the message groups in which a record failed: a FIFO handler stops a group at its first failure. */
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
 * The handler's response with the injected failures added to its `batchItemFailures`. A response
 * Lambda would reject as a whole (not an object, a list that is not a list) is returned as it is: the
 * whole batch fails either way.
 */
function withReportedFailures(response: unknown, failed: ReadonlySet<string>): unknown {
  if (failed.size === 0) return response;
  const injected = [...failed].map((itemIdentifier) => ({ itemIdentifier }));
  if (response === null || response === undefined) return { batchItemFailures: injected };
  if (typeof response !== 'object') return response;
  const listed = (response as { batchItemFailures?: unknown }).batchItemFailures;
  if (listed === undefined || listed === null) return { ...response, batchItemFailures: injected };
  if (!Array.isArray(listed)) return response;
  return { ...response, batchItemFailures: [...(listed as unknown[]), ...injected] };
}

/**
 * Wraps a batch invoker with the poller's injected faults, so the poller itself keeps to the mapping's
 * semantics: the faulty invoker behaves like a handler (and an environment) that fails in the ways
 * {@link SqsFaults} asks for. Per batch, in order: duplicate deliveries are sent back to the queue
 * (standard queues only); records chosen by `failRecord` (and, on FIFO, the later records of their
 * message groups) are withheld from the handler and reported as failed, or the whole batch throws
 * without ReportBatchItemFailures; the handler runs under the injected timeout, if any (Lambda stops a
 * timed-out handler; in-process it cannot be stopped, so it is abandoned, as LocalFunction does on a
 * real timeout, and whatever it commits later is fenced by the dedup owner token); finally a crash
 * before the acknowledgement turns the response into `lost`.
 *
 * @example
 * const invoke = withSqsFaults(invokeFunction, { faults: queueFaultPlan({ seed: 7, rates }), fifo: false, reportsItemFailures: true, sqs, queueUrl, stats });
 * const outcome = await invoke(records);
 */
export function withSqsFaults(invoke: SqsBatchInvoker, options: SqsFaultInjectionOptions): SqsBatchInvoker {
  const { faults, stats } = options;

  async function sendDuplicates(records: readonly SQSRecord[]): Promise<void> {
    if (options.fifo || !faults.duplicateDelivery) return;
    for (const record of records.filter((r) => faults.duplicateDelivery!(r))) {
      const attributes = toSendAttributes(record.messageAttributes);
      await options.sqs.send(
        new SendMessageCommand({ QueueUrl: options.queueUrl, MessageBody: record.body, ...(Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {}) }),
      );
      stats.injectedDuplicates += 1;
    }
  }

  async function invokeWithTimeout(records: SQSRecord[]): Promise<SqsBatchOutcome> {
    const timeoutMs = faults.invocationTimeoutMs?.(records);
    const invocation = invoke(records);
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

  return async (records) => {
    const failed = new Set(records.filter((r) => faults.failRecord?.(r)).map((r) => r.messageId));
    if (options.fifo) for (const id of laterRecordsOfFailedGroups(records, failed)) failed.add(id);
    stats.injectedFailures += failed.size;
    await sendDuplicates(records);
    if (failed.size > 0 && !options.reportsItemFailures) throw new Error('injected fault: handler threw');
    const invoked = records.filter((r) => !failed.has(r.messageId));
    const outcome = invoked.length > 0 ? await invokeWithTimeout(invoked) : { response: undefined };
    if (faults.crashBeforeAck?.(records)) {
      stats.injectedCrashes += 1;
      return { lost: true };
    }
    return 'lost' in outcome ? outcome : { response: withReportedFailures(outcome.response, failed) };
  };
}
