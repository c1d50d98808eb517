import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { isFifoQueue } from './fifo.ts';
import { forEachConcurrently } from '../concurrency.ts';

/** A record that failed (or, on FIFO, was not processed behind a failed record). */
export interface RecordFailure {
  record: SQSRecord;
  error: unknown;
  /** FIFO only: not processed because an earlier record (of the batch, or of its group with `skipGroupOnError`) failed. */
  blocked: boolean;
}

export interface BatchOptions {
  /** Process in order and stop at the first failure (see `skipGroupOnError`). Default: from the event source ARN. */
  fifo?: boolean;
  /**
   * FIFO only. `false` (default, what AWS documents): stop at the first failure and report it and every
   * later record of the batch, whatever its group. `true` (Powertools' `skipGroupOnError`): stop only the
   * failed record's message group and go on with the others, which run concurrently.
   */
  skipGroupOnError?: boolean;
  /** Records (standard) or message groups (FIFO with `skipGroupOnError`) in flight at once. Default 10. */
  concurrency?: number;
}

/** Default number of records (or FIFO groups) processed at once. */
export const DEFAULT_CONCURRENCY = 10;

/**
 * Runs `processRecord` over a batch and builds Lambda's partial batch response: a record whose
 * promise rejects is listed in `batchItemFailures` (and redelivered), the rest are deleted by Lambda.
 * Standard queues: records run with bounded concurrency. FIFO, by default as AWS documents it ("your
 * function should stop processing messages after the first failure and return all failed and
 * unprocessed messages in batchItemFailures", services-sqs-errorhandling.html): records run one after
 * another in batch order, and the first failure ends the batch. With `skipGroupOnError`, each message
 * group runs in order and a failure blocks only the rest of its own group; other groups carry on. Either
 * way order survives the retry. When every record fails, every id is listed (equivalent to failing the
 * invocation, without the error-rate noise of a thrown handler).
 *
 * @example
 * const { response } = await processSqsBatch(event.Records, async (record) => handle(JSON.parse(record.body)));
 * return response; // { batchItemFailures: [{ itemIdentifier: 'id-of-failed' }] }
 */
export async function processSqsBatch(
  records: readonly SQSRecord[],
  processRecord: (record: SQSRecord) => Promise<unknown>,
  options: BatchOptions = {},
): Promise<{ response: SQSBatchResponse; failures: RecordFailure[] }> {
  const fifo = options.fifo ?? isFifoQueue(records[0]?.eventSourceARN);
  const concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
  const failed = new Map<SQSRecord, RecordFailure>();

  const runOne = async (record: SQSRecord): Promise<boolean> => {
    try {
      await processRecord(record);
      return true;
    } catch (error) {
      failed.set(record, { record, error, blocked: false });
      return false;
    }
  };

  const runInOrder = async (ordered: readonly SQSRecord[]) => {
    let blockedBy: unknown;
    for (const record of ordered) {
      if (blockedBy !== undefined) failed.set(record, { record, error: blockedBy, blocked: true });
      else if (!(await runOne(record))) blockedBy = failed.get(record)?.error ?? new Error('failed');
    }
  };

  if (fifo && options.skipGroupOnError) {
    const groups = groupInOrder(records);
    await forEachConcurrently(groups.length, concurrency, async (index) => {
      await runInOrder(groups[index]!);
    });
  } else if (fifo) {
    await runInOrder(records);
  } else {
    await forEachConcurrently(records.length, concurrency, async (index) => {
      await runOne(records[index]!);
    });
  }

  const failures = records.flatMap((record) => failed.get(record) ?? []);
  return { response: { batchItemFailures: failures.map(({ record }) => ({ itemIdentifier: record.messageId })) }, failures };
}

function groupInOrder(records: readonly SQSRecord[]): SQSRecord[][] {
  const groups = new Map<string, SQSRecord[]>();
  for (const record of records) {
    const groupId = record.attributes.MessageGroupId ?? '';
    const group = groups.get(groupId);
    if (group) group.push(record);
    else groups.set(groupId, [record]);
  }
  return [...groups.values()];
}
