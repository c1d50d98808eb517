import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { deadLetterAttributes } from '../../../shared/envelope.ts';
import { deadLetterReason, originalAttributes, REDRIVE_REASON } from '../../../local/cli/commands/dlq/dead-letters.ts';
import { groupByReason } from '../../../local/cli/commands/dlq/reasons.ts';
import { numberAttribute, stringAttribute } from '../../helpers/sqs-events.ts';

/** A DLQ message as ReceiveMessage returns it, with the attributes sluice's DeadLetterQueue sends. */
function received(body: string, attributes: Record<string, MessageAttributeValue> = {}): Message {
  const withLists = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { ...v, StringListValues: [], BinaryListValues: [] }]));
  return { MessageId: `m-${body}`, ReceiptHandle: `r-${body}`, Body: body, MessageAttributes: withLists };
}

function deadLettered(body: string, reason: string, original: Parameters<typeof deadLetterAttributes>[0]): Message {
  return received(body, deadLetterAttributes(original, { reason, error: `${reason}!`, sourceMessageId: 'src-1', failedAt: 1 }));
}

describe('dead letters', () => {
  it('restores the original attributes: sluice DLQ attributes removed, nothing else touched', () => {
    // Prepare
    const message = deadLettered('{}', 'expired', { 'sluice-dedup-key': stringAttribute('o-1'), 'sluice-expires-at': numberAttribute(5) });
    // Act
    const attributes = originalAttributes(message);
    // Assess
    expect(attributes).toEqual({
      'sluice-dedup-key': { DataType: 'String', StringValue: 'o-1' },
      'sluice-expires-at': { DataType: 'Number', StringValue: '5' },
    });
  });

  it('unpacks the attributes that overflowed SQS’s cap of 10 into sluice-overflow-attributes', () => {
    // Prepare: 9 originals + 4 sluice DLQ attributes do not fit in 10
    const original = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`user-${i}`, stringAttribute(`v${i}`)]));
    const message = deadLettered('{}', 'malformed', original);
    expect(Object.keys(message.MessageAttributes!)).toHaveLength(10);
    // Act
    const attributes = originalAttributes(message);
    // Assess
    expect(attributes).toEqual(Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`user-${i}`, { DataType: 'String', StringValue: `v${i}` }])));
  });

  it('reads the sluice reason, or "redrive" for messages SQS moved after maxReceiveCount', () => {
    // Assess
    expect(deadLetterReason(deadLettered('{}', 'schema-invalid', {}))).toBe('schema-invalid');
    expect(deadLetterReason(received('{}'))).toBe(REDRIVE_REASON);
  });

  it('groups by reason, most frequent first, with the first body and error as samples', () => {
    // Prepare
    const messages = [deadLettered('a', 'expired', {}), deadLettered('b', 'malformed', {}), deadLettered('c', 'malformed', {}), received('d')];
    // Act
    const groups = groupByReason(messages);
    // Assess
    expect(groups).toEqual([
      { reason: 'malformed', count: 2, sampleBody: 'b', sampleError: 'malformed!' },
      { reason: 'expired', count: 1, sampleBody: 'a', sampleError: 'expired!' },
      { reason: 'redrive', count: 1, sampleBody: 'd' },
    ]);
  });
});
