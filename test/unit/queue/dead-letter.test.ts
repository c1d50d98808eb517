import type { MessageAttributeValue } from '@aws-sdk/client-sqs';
import { DLQ_ATTRIBUTES } from '../../../shared/envelope.ts';
import { DEAD_LETTER_TEXT_BYTES, DeadLetterQueue, deadLetterSize } from '../../../shared/queue/dead-letter.ts';
import { MAX_SQS_MESSAGE_BYTES, sqsMessageSize } from '../../../shared/queue/size.ts';
import { sqsRecord, stringAttribute } from '../../helpers/sqs-events.ts';
import { RecordingSqs } from './fake-sqs.ts';

const DLQ_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders-dlq';

/** A body of `bytes` UTF-8 bytes (a JSON string). */
const bodyOf = (bytes: number) => JSON.stringify('x'.repeat(bytes - 2));

describe('DeadLetterQueue near SQS’s size cap', () => {
  it('cuts sluice-error to the room a body of the largest size QueueProducer sends leaves, keeping the reason whole', async () => {
    // Prepare: the largest body the producer accepts with one attribute, and a 1,000-character error
    const attributes = { 'sluice-dedup-key': stringAttribute('order-1') };
    const sent: Record<string, MessageAttributeValue> = { 'sluice-dedup-key': { DataType: 'String', StringValue: 'order-1' } };
    const record = sqsRecord({ body: bodyOf(MAX_SQS_MESSAGE_BYTES - deadLetterSize('', sent)), attributes });
    const sqs = new RecordingSqs();
    // Act
    await new DeadLetterQueue({ client: sqs.client, queueUrl: DLQ_URL }).send(record, { reason: 'schema-invalid', error: 'é'.repeat(1_000) });
    // Assess
    const input = sqs.sent[0]!.input as { MessageBody: string; MessageAttributes: Record<string, MessageAttributeValue> };
    expect(sqsMessageSize(input.MessageBody, input.MessageAttributes)).toBeLessThanOrEqual(MAX_SQS_MESSAGE_BYTES);
    expect(input.MessageAttributes[DLQ_ATTRIBUTES.reason]!.StringValue).toBe('schema-invalid');
    const error = input.MessageAttributes[DLQ_ATTRIBUTES.error]!.StringValue!;
    expect(error).toMatch(/^é+…$/);
    expect(Buffer.byteLength(error) + Buffer.byteLength('schema-invalid')).toBeGreaterThan(DEAD_LETTER_TEXT_BYTES - 4);
    expect(input.MessageAttributes['sluice-dedup-key']!.StringValue).toBe('order-1');
  });

  it('leaves the error whole when the message is far from the cap', async () => {
    // Prepare
    const sqs = new RecordingSqs();
    // Act
    await new DeadLetterQueue({ client: sqs.client, queueUrl: DLQ_URL }).send(sqsRecord({ body: '{}' }), { reason: 'malformed', error: 'e'.repeat(1_000) });
    // Assess
    const input = sqs.sent[0]!.input as { MessageAttributes: Record<string, MessageAttributeValue> };
    expect(input.MessageAttributes[DLQ_ATTRIBUTES.error]!.StringValue).toBe('e'.repeat(1_000));
  });
});
