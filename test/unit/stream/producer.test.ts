import type { KinesisClient, PutRecordsCommand, PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { InvalidAttributeError, PartialSendError, PayloadTooLargeError } from '../../../shared/errors.ts';
import { putRecords } from '../../../shared/stream/producer.ts';

/** A Kinesis client double that answers PutRecords with `answer(entries, call)`; records every call. */
function fakeKinesis(answer: (entries: PutRecordsRequestEntry[], call: number) => (string | undefined)[] = (e) => e.map(() => undefined)) {
  const calls: PutRecordsRequestEntry[][] = [];
  const client = {
    async send(command: PutRecordsCommand) {
      const entries = command.input.Records ?? [];
      calls.push(entries);
      const codes = answer(entries, calls.length);
      return {
        FailedRecordCount: codes.filter(Boolean).length,
        Records: codes.map((code, i) => (code ? { ErrorCode: code, ErrorMessage: 'slow down' } : { SequenceNumber: String(i), ShardId: 'shardId-0' })),
      };
    },
  };
  return { client: client as unknown as KinesisClient, calls };
}

const records = (n: number) => Array.from({ length: n }, (_, i) => ({ data: { i }, partitionKey: `k${i}` }));

describe('putRecords', () => {
  it('puts at most 500 records per call', async () => {
    // Prepare
    const { client, calls } = fakeKinesis();
    // Act
    const summary = await putRecords(client, 's', records(1201));
    // Assess
    expect(calls.map((c) => c.length)).toEqual([500, 500, 201]);
    expect(summary).toMatchObject({ sent: 1201, calls: 3, retried: 0 });
  });

  it('puts again only the entries a call reports as failed', async () => {
    // Prepare
    const { client, calls } = fakeKinesis((entries, call) => entries.map((_, i) => (call === 1 && (i === 1 || i === 3) ? 'ProvisionedThroughputExceededException' : undefined)));
    // Act
    const summary = await putRecords(client, 's', records(5), { baseDelayMs: 1 });
    // Assess
    expect(calls[1]?.map((e) => e.PartitionKey)).toEqual(['k1', 'k3']);
    expect(summary.retried).toBe(2);
  });

  it('gives up after maxAttempts with the failed entries and their error codes', async () => {
    // Prepare
    const { client } = fakeKinesis((entries) => entries.map((_, i) => (i === 0 ? 'InternalFailure' : undefined)));
    // Act
    const attempt = putRecords(client, 's', records(3), { maxAttempts: 3, baseDelayMs: 1 });
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(PartialSendError);
    await expect(attempt).rejects.toMatchObject({ failed: [{ id: 'k0', code: 'InternalFailure' }] });
  });

  it('refuses a record over 1 MiB before sending anything', async () => {
    // Prepare
    const { client, calls } = fakeKinesis();
    const huge = { data: 'x'.repeat(1024 * 1024), partitionKey: 'k' };
    // Act
    const attempt = putRecords(client, 's', [...records(2), huge]);
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(PayloadTooLargeError);
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['empty', ''],
    ['257 characters long', 'k'.repeat(257)],
  ])('refuses a partition key that is %s before sending anything', async (_, partitionKey) => {
    // Prepare
    const { client, calls } = fakeKinesis();
    // Act
    const attempt = putRecords(client, 's', [...records(2), { data: {}, partitionKey }]);
    // Assess
    await expect(attempt).rejects.toThrow(new InvalidAttributeError(`the partition key is ${partitionKey.length} characters; Kinesis accepts 1 to 256`));
    expect(calls).toHaveLength(0);
  });

  it('names a record by its id in PartialSendError when it has one', async () => {
    // Prepare
    const { client } = fakeKinesis((entries) => entries.map(() => 'InternalFailure'));
    // Act
    const attempt = putRecords(client, 's', [{ data: {}, partitionKey: 'same', id: 'line-7' }], { maxAttempts: 1 });
    // Assess
    await expect(attempt).rejects.toMatchObject({ failed: [{ id: 'line-7', code: 'InternalFailure' }] });
  });

  it('keeps a call under 5 MiB by starting a new call early', async () => {
    // Prepare
    const { client, calls } = fakeKinesis();
    const large = Array.from({ length: 12 }, (_, i) => ({ data: 'y'.repeat(900 * 1024), partitionKey: `p${i}` }));
    // Act
    await putRecords(client, 's', large);
    // Assess
    expect(calls.every((c) => c.reduce((n, e) => n + (e.Data?.byteLength ?? 0), 0) <= 5 * 1024 * 1024)).toBe(true);
    expect(calls.flat()).toHaveLength(12);
  });
});
