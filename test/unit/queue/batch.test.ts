import type { SQSRecord } from 'aws-lambda';
import { processSqsBatch } from '../../../shared/queue/batch.ts';
import { sqsRecord } from '../../helpers/sqs-events.ts';

const failWhenBodyIs = (bad: string) => async (record: SQSRecord) => {
  if (record.body === bad) throw new Error(`boom ${record.body}`);
};

describe('processSqsBatch', () => {
  it('returns an empty batchItemFailures list when every record succeeds', async () => {
    // Prepare
    const records = [sqsRecord({ body: 'a' }), sqsRecord({ body: 'b' })];
    // Act
    const { response } = await processSqsBatch(records, async () => undefined);
    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it('lists only the failed record ids, in record order', async () => {
    // Prepare
    const records = ['ok', 'bad', 'ok', 'bad'].map((body) => sqsRecord({ body }));
    // Act
    const { response, failures } = await processSqsBatch(records, failWhenBodyIs('bad'));
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[1]?.messageId }, { itemIdentifier: records[3]?.messageId }]);
    expect(failures.map((f) => (f.error as Error).message)).toEqual(['boom bad', 'boom bad']);
  });

  it('lists every record when the whole batch fails, instead of throwing', async () => {
    // Prepare
    const records = [sqsRecord(), sqsRecord(), sqsRecord()];
    // Act
    const { response } = await processSqsBatch(records, async () => {
      throw new Error('down');
    });
    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(records.map((r) => r.messageId));
  });

  it('handles an empty batch', async () => {
    // Act
    const { response } = await processSqsBatch([], async () => undefined);
    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
  });

  it('never runs more records at once than the concurrency limit on a standard queue', async () => {
    // Prepare
    const records = Array.from({ length: 25 }, () => sqsRecord());
    let inFlight = 0;
    let peak = 0;
    // Act
    await processSqsBatch(
      records,
      async () => {
        inFlight += 1;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 2));
        inFlight -= 1;
      },
      { concurrency: 4 },
    );
    // Assess
    expect(peak).toBe(4);
  });

  it('on FIFO, stops at the first failure and reports it and every later record of every group, as AWS documents', async () => {
    // Prepare
    const records = ['A1', 'B1', 'A2', 'B2', 'A3'].map((body) => sqsRecord({ groupId: body[0]!, body }));
    const processed: string[] = [];
    // Act
    const { response, failures } = await processSqsBatch(records, async (record) => {
      processed.push(record.body);
      if (record.body === 'A2') throw new Error('A2 failed');
    });
    // Assess
    expect(processed).toEqual(['A1', 'B1', 'A2']);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(records.slice(2).map((r) => r.messageId));
    expect(failures.map((f) => f.blocked)).toEqual([false, true, true]);
  });

  it('on FIFO with skipGroupOnError, fails every later record of a group after its first failure and leaves other groups alone', async () => {
    // Prepare
    const records = [
      sqsRecord({ groupId: 'A', body: 'A1' }),
      sqsRecord({ groupId: 'B', body: 'B1' }),
      sqsRecord({ groupId: 'A', body: 'A2' }),
      sqsRecord({ groupId: 'B', body: 'B2' }),
      sqsRecord({ groupId: 'A', body: 'A3' }),
      sqsRecord({ groupId: 'A', body: 'A4' }),
      sqsRecord({ groupId: 'B', body: 'B3' }),
    ];
    const processed: string[] = [];
    // Act
    const { response, failures } = await processSqsBatch(
      records,
      async (record) => {
        processed.push(record.body);
        if (record.body === 'A2') throw new Error('A2 failed');
      },
      { skipGroupOnError: true },
    );
    // Assess
    expect(processed.filter((b) => b.startsWith('A'))).toEqual(['A1', 'A2']);
    expect(processed.filter((b) => b.startsWith('B'))).toEqual(['B1', 'B2', 'B3']);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      [records[2], records[4], records[5]].map((r) => r?.messageId),
    );
    expect(failures.map((f) => f.blocked)).toEqual([false, true, true]);
  });

  it('on FIFO, processes the records of one group strictly one after another, in order', async () => {
    // Prepare
    const records = ['1', '2', '3', '4'].map((body) => sqsRecord({ groupId: 'G', body }));
    const events: string[] = [];
    // Act
    await processSqsBatch(records, async (record) => {
      events.push(`start ${record.body}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
      events.push(`end ${record.body}`);
    });
    // Assess
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3', 'start 4', 'end 4']);
  });

  it('treats a standard-queue batch as FIFO when told so explicitly', async () => {
    // Prepare
    const records = [sqsRecord({ body: 'bad' }), sqsRecord({ body: 'ok' })];
    const processed: string[] = [];
    // Act
    const { response } = await processSqsBatch(
      records,
      async (record) => {
        processed.push(record.body);
        if (record.body === 'bad') throw new Error('bad');
      },
      { fifo: true },
    );
    // Assess: records without a group id share one group, so the second is blocked
    expect(processed).toEqual(['bad']);
    expect(response.batchItemFailures).toHaveLength(2);
  });
});
