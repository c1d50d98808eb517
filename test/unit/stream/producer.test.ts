import type { KinesisClient, PutRecordsCommand, PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import { InvalidAttributeError, PartialSendError, PayloadTooLargeError } from '../../../shared/errors.ts';
import { StreamProducer, type StreamProducerOptions } from '../../../shared/stream/producer.ts';

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

/** A producer on stream `s` whose backoff does not wait. */
function producerOn(client: KinesisClient, options: Partial<StreamProducerOptions> = {}): StreamProducer {
  return new StreamProducer({ client, streamName: 's', sleep: async () => undefined, ...options });
}

describe('StreamProducer.sendBatch', () => {
  it('puts at most 500 records per call', async () => {
    // Prepare
    const { client, calls } = fakeKinesis();
    // Act
    const summary = await producerOn(client).sendBatch(records(1201));
    // Assess
    expect(calls.map((c) => c.length)).toEqual([500, 500, 201]);
    expect(summary).toMatchObject({ sent: 1201, calls: 3, retried: 0 });
  });

  it('puts again only the entries a call reports as failed', async () => {
    // Prepare
    const { client, calls } = fakeKinesis((entries, call) => entries.map((_, i) => (call === 1 && (i === 1 || i === 3) ? 'ProvisionedThroughputExceededException' : undefined)));
    // Act
    const summary = await producerOn(client).sendBatch(records(5));
    // Assess
    expect(calls[1]?.map((e) => e.PartitionKey)).toEqual(['k1', 'k3']);
    expect(summary.retried).toBe(2);
  });

  it('gives up after maxAttempts with the failed entries and their error codes', async () => {
    // Prepare
    const { client } = fakeKinesis((entries) => entries.map((_, i) => (i === 0 ? 'InternalFailure' : undefined)));
    // Act
    const attempt = producerOn(client, { maxAttempts: 3 }).sendBatch(records(3));
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(PartialSendError);
    await expect(attempt).rejects.toMatchObject({ failed: [{ id: 'k0', code: 'InternalFailure' }] });
  });

  it('refuses a record over 1 MiB before sending anything', async () => {
    // Prepare
    const { client, calls } = fakeKinesis();
    const huge = { data: 'x'.repeat(1024 * 1024), partitionKey: 'k' };
    // Act
    const attempt = producerOn(client).sendBatch([...records(2), huge]);
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
    const attempt = producerOn(client).sendBatch([...records(2), { data: {}, partitionKey }]);
    // Assess
    await expect(attempt).rejects.toThrow(new InvalidAttributeError(`the partition key is ${partitionKey.length} characters; Kinesis accepts 1 to 256`));
    expect(calls).toHaveLength(0);
  });

  it('names a record by its id in PartialSendError when it has one', async () => {
    // Prepare
    const { client } = fakeKinesis((entries) => entries.map(() => 'InternalFailure'));
    // Act
    const attempt = producerOn(client, { maxAttempts: 1 }).sendBatch([{ data: {}, partitionKey: 'same', id: 'line-7' }]);
    // Assess
    await expect(attempt).rejects.toMatchObject({ failed: [{ id: 'line-7', code: 'InternalFailure' }] });
  });

  it('keeps a call under 5 MiB by starting a new call early', async () => {
    // Prepare
    const { client, calls } = fakeKinesis();
    const large = Array.from({ length: 12 }, (_, i) => ({ data: 'y'.repeat(900 * 1024), partitionKey: `p${i}` }));
    // Act
    await producerOn(client).sendBatch(large);
    // Assess
    expect(calls.every((c) => c.reduce((n, e) => n + (e.Data?.byteLength ?? 0), 0) <= 5 * 1024 * 1024)).toBe(true);
    expect(calls.flat()).toHaveLength(12);
  });

  it('tells the progress after each call that put all its records', async () => {
    // Prepare
    const { client } = fakeKinesis();
    const progress: [number, number][] = [];
    // Act
    await producerOn(client).sendBatch(records(1001), { onProgress: (sent, total) => progress.push([sent, total]) });
    // Assess
    expect(progress).toEqual([
      [500, 1001],
      [1000, 1001],
      [1001, 1001],
    ]);
  });
});

describe('StreamProducer.send', () => {
  it('puts one record again until Kinesis accepts it, and says where it landed', async () => {
    // Prepare
    const { client, calls } = fakeKinesis((entries, call) => entries.map(() => (call < 3 ? 'ProvisionedThroughputExceededException' : undefined)));
    // Act
    const sent = await producerOn(client).send({ data: { orderId: 'o-1' }, partitionKey: 'c-1' });
    // Assess
    expect(calls.map((c) => c.map((e) => e.PartitionKey))).toEqual([['c-1'], ['c-1'], ['c-1']]);
    expect(sent).toEqual({ sequenceNumber: '0', shardId: 'shardId-0' });
  });

  it('refuses a record over 1 MiB before sending it', async () => {
    // Prepare
    const { client, calls } = fakeKinesis();
    // Act
    const attempt = producerOn(client).send({ data: 'x'.repeat(1024 * 1024), partitionKey: 'k' });
    // Assess
    await expect(attempt).rejects.toThrow(new PayloadTooLargeError('the record is 1,048,579 bytes (data + partition key); Kinesis accepts at most 1,048,576'));
    expect(calls).toHaveLength(0);
  });
});

describe('StreamProducer.check', () => {
  it('counts data and partition key as Kinesis does, and refuses what send would refuse', () => {
    // Prepare
    const { client, calls } = fakeKinesis();
    const producer = producerOn(client);
    // Act
    const checked = producer.check({ data: { a: 'é' }, partitionKey: 'ké' });
    // Assess
    expect(checked).toEqual({ bytes: Buffer.byteLength('{"a":"é"}') + Buffer.byteLength('ké') });
    expect(() => producer.check({ data: new Uint8Array(1024 * 1024), partitionKey: 'k' })).toThrow(PayloadTooLargeError);
    expect(() => producer.check({ data: {}, partitionKey: '' })).toThrow(InvalidAttributeError);
    expect(calls).toHaveLength(0);
  });
});
