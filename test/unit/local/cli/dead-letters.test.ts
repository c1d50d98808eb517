import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import { deadLetterAttributes } from '../../../../shared/envelope.ts';
import { deadLetterAgeMs, deadLetterReason, originalAttributes, REDRIVE_REASON, replayAttributes } from '../../../../local/cli/commands/dlq/dead-letters.ts';
import { replayDeadLetters } from '../../../../local/cli/commands/dlq/replay.ts';
import { RecordingSqs } from '../../queue/fake-sqs.ts';
import { groupByReason } from '../../../../local/cli/commands/dlq/reasons.ts';
import { numberAttribute, stringAttribute } from '../../../helpers/sqs-events.ts';

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

describe('replaying dead letters (issue 12, defects 2 and 9)', () => {
  const DAY = 86_400_000;
  const NOW = 1_800_000_000_000;
  const sentDaysAgo = (message: Message, days: number): Message => ({ ...message, Attributes: { SentTimestamp: String(NOW - days * DAY) } });

  it('gives a replayed dead letter the message id it was dead-lettered under as sluice-origin-id', () => {
    // Prepare: one sluice dead-lettered (its source id recorded), one SQS's redrive moved (no sluice attributes)
    const byWorker = deadLettered('{}', 'schema-invalid', {});
    const byRedrive = received('{"a":1}');
    // Act & Assess
    expect(replayAttributes(byWorker)['sluice-origin-id']).toEqual({ DataType: 'String', StringValue: 'src-1' });
    expect(replayAttributes(byRedrive)['sluice-origin-id']).toEqual({ DataType: 'String', StringValue: 'm-{"a":1}' });
  });

  it('keeps an origin id already there, and adds none beside an explicit dedup key or to 10 attributes', () => {
    // Prepare
    const hopped = deadLettered('{}', 'expired', { 'sluice-origin-id': stringAttribute('m-first') });
    const keyed = deadLettered('{}', 'expired', { 'sluice-dedup-key': stringAttribute('o-1') });
    const full = received('{}', Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, { DataType: 'String', StringValue: 'v' }])));
    // Act & Assess
    expect(replayAttributes(hopped)['sluice-origin-id']?.StringValue).toBe('m-first');
    expect(Object.keys(replayAttributes(keyed))).toEqual(['sluice-dedup-key']);
    expect(Object.keys(replayAttributes(full))).toHaveLength(10);
  });

  it('leaves dead letters older than the dedup window in the DLQ and replays the rest', async () => {
    // Prepare: a DLQ with a 3-day-old and a 20-day-old dead letter; the window is 18 days
    const sqs = new RecordingSqs();
    const messages = [sentDaysAgo(received('{"n":3}'), 3), sentDaysAgo(received('{"n":20}'), 20)];
    let receives = 0;
    sqs.respond = (command) => (command.name === 'ReceiveMessageCommand' ? { Messages: receives++ === 0 ? messages : [] } : undefined);
    // Act
    const result = await replayDeadLetters({
      sqs: sqs.client,
      deadLetterUrl: 'dlq',
      sourceUrl: 'queue',
      waitTimeSeconds: 0,
      maxAgeMs: 18 * DAY,
      clock: { now: () => NOW },
    });
    // Assess
    expect(result).toMatchObject({ replayed: 1, tooOld: 1 });
    expect(sqs.to('queue').map((c) => c.input.MessageBody)).toEqual(['{"n":3}']);
    expect(deadLetterAgeMs(messages[1]!, NOW)).toBe(20 * DAY);
  });
});
