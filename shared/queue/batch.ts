import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { isFifoQueue } from './fifo.ts';

/** A record that failed (or, on FIFO, was skipped behind a failed record of its group). */
export interface RecordFailure {
  record: SQSRecord;
  error: unknown;
  /** FIFO only: not processed because an earlier record of its message group failed. */
  blocked: boolean;
}

export interface BatchOptions {
  /** Process in order per message group and block a group after its first failure. Default: from the event source ARN. */
  fifo?: boolean;
  /** Records (standard) or message groups (FIFO) in flight at once. Default 10. */
  concurrency?: number;
}

/** Default number of records (or FIFO groups) processed at once. */
export const DEFAULT_CONCURRENCY = 10;

/**
 * Runs `processRecord` over a batch and builds Lambda's partial batch response: a record whose
 * promise rejects is listed in `batchItemFailures` (and redelivered), the rest are deleted by Lambda.
 * Standard queues: records run with bounded concurrency. FIFO: each message group runs in order, and
 * once a record of a group fails every later record of that group is reported failed unprocessed, so
 * order survives the retry; other groups carry on. When every record fails, every id is listed
 * (equivalent to failing the invocation, without the error-rate noise of a thrown handler).
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

  if (fifo) {
    const groups = groupInOrder(records);
    await runBounded(groups, concurrency, async (group) => {
      let blockedBy: unknown;
      for (const record of group) {
        if (blockedBy !== undefined) failed.set(record, { record, error: blockedBy, blocked: true });
        else if (!(await runOne(record))) blockedBy = failed.get(record)?.error ?? new Error('failed');
      }
    });
  } else {
    await runBounded(records, concurrency, runOne);
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

async function runBounded<T>(items: readonly T[], limit: number, run: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await run(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}
