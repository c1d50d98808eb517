import fc from 'fast-check';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { PayloadTooLargeError } from '../../../shared/errors.ts';
import { QueueProducer } from '../../../shared/queue/producer.ts';
import { deadLetterSize } from '../../../shared/queue/dead-letter.ts';
import { MAX_SQS_MESSAGE_BYTES } from '../../../shared/queue/size.ts';
import { MAX_RECORD_BYTES, StreamProducer } from '../../../shared/stream/producer.ts';
import { RecordingSqs } from '../queue/fake-sqs.ts';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders';

/** A payload whose JSON is `bytes` long give or take a multi-byte character, near the 1 MiB limits. */
const nearLimit = (limit: number) =>
  fc.record({
    delta: fc.integer({ min: -64, max: 64 }),
    filler: fc.constantFrom('a', 'é', '€', '😀'),
  }).map(({ delta, filler }) => {
    const target = limit + delta - 12;
    const unit = Buffer.byteLength(filler);
    return { pad: filler.repeat(Math.max(0, Math.floor(target / unit))) };
  });

describe('oversize payloads are refused by the producers before anything is sent (fast-check)', () => {
  it('SQS: sends a message iff its dead-lettered copy fits 1 MiB, else throws PayloadTooLargeError and sends nothing', async () => {
    await fc.assert(
      fc.asyncProperty(nearLimit(MAX_SQS_MESSAGE_BYTES - deadLetterSize('')), fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }), async (payload, dedupKey) => {
        // Prepare
        const sqs = new RecordingSqs();
        const producer = new QueueProducer({ client: sqs.client, queueUrl: QUEUE_URL });
        const size = deadLetterSize(JSON.stringify(payload), dedupKey ? { 'sluice-dedup-key': { DataType: 'String', StringValue: dedupKey } } : {});

        // Act
        const sent = producer.send(payload, dedupKey ? { dedupKey } : {});

        // Assess
        if (size <= MAX_SQS_MESSAGE_BYTES) {
          await expect(sent).resolves.toEqual({ messageId: expect.any(String) });
          expect(sqs.sent).toHaveLength(1);
        } else {
          await expect(sent).rejects.toThrow(PayloadTooLargeError);
          await expect(sent).rejects.toThrow(/bytes fit, to keep room to dead-letter it with its reason \(SQS accepts 1,048,576 bytes/);
          expect(sqs.sent).toHaveLength(0);
        }
      }),
      { numRuns: 60, seed: 20261129 },
    );
  });

  it('Kinesis: puts a record iff data + partition key fit 1 MiB, else throws PayloadTooLargeError and puts nothing', async () => {
    await fc.assert(
      fc.asyncProperty(nearLimit(MAX_RECORD_BYTES), fc.string({ minLength: 1, maxLength: 256 }), async (payload, partitionKey) => {
        // Prepare
        const calls: unknown[] = [];
        const kinesis = { send: async (command: unknown) => (calls.push(command), { FailedRecordCount: 0, Records: [] }) } as unknown as KinesisClient;
        const size = Buffer.byteLength(JSON.stringify(payload)) + Buffer.byteLength(partitionKey);

        // Act
        const put = new StreamProducer({ client: kinesis, streamName: 'orders' }).sendBatch([{ data: payload, partitionKey }]);

        // Assess
        if (size <= MAX_RECORD_BYTES) {
          await expect(put).resolves.toMatchObject({ sent: 1 });
          expect(calls).toHaveLength(1);
        } else {
          await expect(put).rejects.toThrow(PayloadTooLargeError);
          expect(calls).toHaveLength(0);
        }
      }),
      { numRuns: 60, seed: 20261130 },
    );
  });
});
