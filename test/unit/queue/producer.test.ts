import { z } from 'zod';
import { contentHash } from '../../../shared/dedup/key.ts';
import { ENVELOPE_ATTRIBUTES } from '../../../shared/envelope.ts';
import {
  DelayUnsupportedError,
  InvalidAttributeError,
  PartialSendError,
  PayloadTooLargeError,
  SchemaValidationError,
} from '../../../shared/errors.ts';
import { deadLetterSize } from '../../../shared/queue/dead-letter.ts';
import { QueueProducer, type SendOptions } from '../../../shared/queue/producer.ts';
import { MAX_SQS_MESSAGE_BYTES } from '../../../shared/queue/size.ts';
import { RecordingSqs } from './fake-sqs.ts';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs';
const FIFO_URL = `${QUEUE_URL}.fifo`;
const NOW = 1_700_000_000_000;
const noSleep = async () => undefined;

function producer(sqs: RecordingSqs, overrides: Partial<ConstructorParameters<typeof QueueProducer>[0]> = {}) {
  return new QueueProducer<unknown>({ client: sqs.client, queueUrl: QUEUE_URL, clock: { now: () => NOW }, sleep: noSleep, ...overrides });
}

const batchEntries = (sqs: RecordingSqs) =>
  sqs.sent.filter((c) => c.name === 'SendMessageBatchCommand').map((c) => (c.input.Entries as { Id: string }[]).map((e) => e.Id));

describe('QueueProducer.send', () => {
  it('sends the JSON body with sluice attributes and a capped delay for a far deliverAt', async () => {
    // Prepare
    const sqs = new RecordingSqs();
    // Act
    await producer(sqs).send({ a: 1 }, { deliverAt: NOW + 3_600_000, expiresAt: NOW + 7_200_000, dedupKey: 'k-1' });
    // Assess
    expect(sqs.sent[0]?.input).toEqual({
      QueueUrl: QUEUE_URL,
      MessageBody: '{"a":1}',
      DelaySeconds: 900,
      MessageAttributes: {
        [ENVELOPE_ATTRIBUTES.dedupKey]: { DataType: 'String', StringValue: 'k-1' },
        [ENVELOPE_ATTRIBUTES.deliverAt]: { DataType: 'Number', StringValue: String(NOW + 3_600_000) },
        [ENVELOPE_ATTRIBUTES.expiresAt]: { DataType: 'Number', StringValue: String(NOW + 7_200_000) },
      },
    });
  });

  it('rounds a near deliverAt up to whole seconds', async () => {
    // Prepare
    const sqs = new RecordingSqs();
    // Act
    await producer(sqs).send({}, { deliverAt: NOW + 2_001 });
    // Assess
    expect(sqs.sent[0]?.input.DelaySeconds).toBe(3);
  });

  it('refuses a payload that leaves no room under 1 MiB for its dead letter, saying how much fits, before sending anything', async () => {
    // Prepare
    const sqs = new RecordingSqs();
    const atCap = 'x'.repeat(MAX_SQS_MESSAGE_BYTES - 2); // JSON quotes make it exactly 1 MiB
    // Act
    const refused = (await producer(sqs).send(atCap).catch((err: unknown) => err)) as PayloadTooLargeError;
    const fits = Number(/at most ([\d,]+) bytes fit/.exec(refused.message)![1]!.replaceAll(',', ''));
    // Assess: the largest body that fits is the one whose dead letter is exactly 1 MiB
    expect(refused).toBeInstanceOf(PayloadTooLargeError);
    expect(refused.message).toMatch(/^message 0 is 1,048,576 bytes \(body \+ attributes\); at most [\d,]+ bytes fit, to keep room to dead-letter it with its reason/);
    expect(deadLetterSize(JSON.stringify('x'.repeat(fits - 2)))).toBe(MAX_SQS_MESSAGE_BYTES);
    await expect(producer(sqs).send('x'.repeat(fits - 2))).resolves.toBeDefined();
    await expect(producer(sqs).send('x'.repeat(fits - 1))).rejects.toThrow(PayloadTooLargeError);
    expect(sqs.sent).toHaveLength(1);
  });

  it('keeps room for the hop counter a consumer adds while a message waits for a far deliverAt', async () => {
    // Prepare
    const sqs = new RecordingSqs();
    const fits = (options: SendOptions) => {
      const error = (() => {
        try {
          producer(sqs).check('x'.repeat(MAX_SQS_MESSAGE_BYTES), options);
        } catch (err) {
          return err as Error;
        }
        throw new Error('expected a refusal');
      })();
      return Number(/at most ([\d,]+) bytes fit/.exec(error.message)![1]!.replaceAll(',', ''));
    };
    // Act
    const withExpiry = fits({ expiresAt: NOW + 3_600_000 });
    const withDeliverAt = fits({ deliverAt: NOW + 3_600_000 });
    // Assess: the same attribute size (a 13-digit time), plus sluice-hops
    expect(withExpiry - withDeliverAt).toBe(Buffer.byteLength('sluice-hopsNumber99999'));
  });

  it('validates the payload against the schema', async () => {
    // Prepare
    const sqs = new RecordingSqs();
    const typed = new QueueProducer({ client: sqs.client, queueUrl: QUEUE_URL, schema: z.object({ id: z.string() }) });
    // Act & Assess
    await expect(typed.send({ id: 7 } as unknown as { id: string })).rejects.toThrow(SchemaValidationError);
    expect(sqs.sent).toHaveLength(0);
  });

  it.each([
    ['deliverAt and delaySeconds together', { deliverAt: NOW + 1, delaySeconds: 1 }],
    ['delaySeconds above 900', { delaySeconds: 901 }],
    ['expiresAt in the past', { expiresAt: NOW - 1 }],
    ['a fractional deliverAt', { deliverAt: NOW + 0.5 }],
  ])('refuses %s', async (_case, options) => {
    await expect(producer(new RecordingSqs()).send({}, options)).rejects.toThrow(InvalidAttributeError);
  });

  it('refuses more than 10 attributes in all', async () => {
    // Prepare
    const attributes = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }]));
    // Act & Assess
    await expect(producer(new RecordingSqs()).send({}, { attributes, dedupKey: 'k' })).rejects.toThrow(InvalidAttributeError);
  });

  it('on FIFO, refuses any delay and sets group and deduplication id', async () => {
    // Prepare
    const sqs = new RecordingSqs();
    const fifo = producer(sqs, { queueUrl: FIFO_URL });
    // Act & Assess
    await expect(fifo.send({ a: 1 }, { groupId: 'g', deliverAt: NOW + 1_000 })).rejects.toThrow(DelayUnsupportedError);
    await expect(fifo.send({ a: 1 }, { deliverAt: NOW })).rejects.toThrow(InvalidAttributeError); // no groupId
    await fifo.send({ a: 1 }, { groupId: 'g', deliverAt: NOW });
    await fifo.send({ a: 1 }, { groupId: 'g', dedupKey: 'order 1 with spaces' });
    expect(sqs.sent[0]?.input).toMatchObject({ MessageGroupId: 'g', MessageDeduplicationId: contentHash({ a: 1 }) });
    expect(sqs.sent[0]?.input.DelaySeconds).toBeUndefined();
    expect(sqs.sent[1]?.input.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('QueueProducer.sendBatch', () => {
  it('sends in SendMessageBatch calls of at most 10 entries, in order', async () => {
    // Prepare
    const sqs = new RecordingSqs();
    const items = Array.from({ length: 25 }, (_, i) => ({ id: `e${i}`, payload: { i } }));
    // Act
    const { messageIds } = await producer(sqs).sendBatch(items);
    // Assess
    expect(batchEntries(sqs).map((ids) => ids.length)).toEqual([10, 10, 5]);
    expect(batchEntries(sqs).flat()).toEqual(items.map((item) => item.id));
    expect(Object.keys(messageIds)).toHaveLength(25);
  });

  it('starts a new call before a batch would pass 1 MiB in total', async () => {
    // Prepare
    const sqs = new RecordingSqs();
    const big = 'x'.repeat(400_000);
    // Act
    await producer(sqs).sendBatch([{ payload: big }, { payload: big }, { payload: big }, { payload: 'small' }]);
    // Assess
    expect(batchEntries(sqs)).toEqual([['0', '1'], ['2', '3']]);
  });

  it('retries only the entries that failed, with backoff', async () => {
    // Prepare
    const sqs = new RecordingSqs();
    const sleeps: number[] = [];
    sqs.respond = (command, attempt) => {
      const entries = command.input.Entries as { Id: string }[];
      if (attempt > 1) return undefined;
      return {
        Successful: entries.filter((e) => e.Id !== '1').map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}` })),
        Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false, Message: 'try again' }],
      };
    };
    // Act
    const { messageIds } = await producer(sqs, {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    }).sendBatch([{ payload: 0 }, { payload: 1 }, { payload: 2 }]);
    // Assess
    expect(batchEntries(sqs)).toEqual([['0', '1', '2'], ['1']]);
    expect(sleeps).toHaveLength(1);
    expect(Object.keys(messageIds).sort()).toEqual(['0', '1', '2']);
  });

  it('gives up after maxAttempts and throws PartialSendError naming what still failed; sender faults are not retried', async () => {
    // Prepare
    const sqs = new RecordingSqs();
    sqs.respond = (command) => {
      const entries = command.input.Entries as { Id: string }[];
      return {
        Successful: entries.filter((e) => e.Id === 'ok').map((e) => ({ Id: e.Id, MessageId: 'm' })),
        Failed: entries
          .filter((e) => e.Id !== 'ok')
          .map((e) => ({ Id: e.Id, Code: e.Id === 'bad' ? 'InvalidMessageContents' : 'ServiceUnavailable', SenderFault: e.Id === 'bad' })),
      };
    };
    // Act
    const sending = producer(sqs, { maxAttempts: 3 }).sendBatch([
      { id: 'ok', payload: 1 },
      { id: 'bad', payload: 2 },
      { id: 'flaky', payload: 3 },
    ]);
    // Assess
    await expect(sending).rejects.toThrow(PartialSendError);
    const error = (await sending.catch((err: unknown) => err)) as PartialSendError;
    expect(error.failed.map((f) => [f.id, f.code])).toEqual([
      ['bad', 'InvalidMessageContents'],
      ['flaky', 'ServiceUnavailable'],
    ]);
    expect(batchEntries(sqs)).toEqual([['ok', 'bad', 'flaky'], ['flaky'], ['flaky']]);
  });

  it('retries a whole call that threw, then reports its entries', async () => {
    // Prepare
    const sqs = new RecordingSqs();
    sqs.respond = () => Object.assign(new Error('socket hang up'), { name: 'TimeoutError' });
    // Act
    const error = (await producer(sqs, { maxAttempts: 2 }).sendBatch([{ payload: 1 }]).catch((err: unknown) => err)) as PartialSendError;
    // Assess
    expect(error).toBeInstanceOf(PartialSendError);
    expect(error.failed).toEqual([{ id: '0', code: 'TimeoutError', message: 'socket hang up' }]);
    expect(batchEntries(sqs)).toHaveLength(2);
  });

  it('refuses the whole batch before sending when one entry is too large', async () => {
    // Prepare
    const sqs = new RecordingSqs();
    // Act & Assess
    await expect(producer(sqs).sendBatch([{ payload: 1 }, { payload: 'x'.repeat(MAX_SQS_MESSAGE_BYTES) }])).rejects.toThrow(PayloadTooLargeError);
    expect(sqs.sent).toHaveLength(0);
  });
});
