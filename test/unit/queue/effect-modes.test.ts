import { readEnvelope } from '../../../shared/envelope.ts';
import { ConfigurationError, SluiceError } from '../../../shared/errors.ts';
import { effectMode } from '../../../shared/queue/effect-modes.ts';
import type { SettleEffect } from '../../../shared/queue/effect-modes.ts';
import type { MessageMeta, MessageOutcome } from '../../../shared/queue/message-processor.ts';
import { sqsRecord } from '../../helpers/sqs-events.ts';
import { FakeDedup } from './fake-dedup.ts';

class PoisonError extends SluiceError {
  override readonly reason = 'poison';
}

const invocation = { fifo: false, remainingTimeMs: () => 30_000 };

function metaOf(body: unknown): MessageMeta {
  const record = sqsRecord({ body });
  return { messageId: record.messageId, envelope: readEnvelope(record.messageAttributes), receiveCount: 1, record };
}

/** Settles like the processor (permanent → dead letter), logging when each settle starts and ends. */
function recordingSettle(log: string[], deadLetterWait: Promise<void> = Promise.resolve()): SettleEffect {
  return async (record, effect) => {
    try {
      return await effect();
    } catch (err) {
      if (!(err instanceof SluiceError) || err.retryable) throw err;
      log.push(`dead-letter start ${record.messageId}`);
      await deadLetterWait;
      log.push(`dead-letter end ${record.messageId}`);
      return { kind: 'dead-lettered', reason: err.reason };
    }
  };
}

describe('effectMode', () => {
  it('refuses, when it is built, atomic without dedup and an effect that is neither handle nor atomic', () => {
    // Prepare
    const settle = recordingSettle([]);
    const store = new FakeDedup();
    // Act + Assess
    expect(() => effectMode({ atomic: () => [] }, settle)).toThrow(ConfigurationError);
    expect(() => effectMode({} as never, settle)).toThrow(/give handle or atomic/);
    expect(() => effectMode({ dedup: { store, scope: 'jobs' } } as never, settle)).toThrow(/give handle or atomic/);
    expect(() => effectMode({ handle: async () => undefined, dedup: { store, scope: 'a#b' } }, settle)).toThrow(/dedup scope/);
  });

  it('without dedup, runs handle on every copy and stamps no dedup key', async () => {
    // Prepare
    const seen: MessageMeta[] = [];
    const mode = effectMode<unknown>({ handle: async (_payload, meta) => void seen.push(meta) }, recordingSettle([]));
    const meta = metaOf({ id: 'a' });
    // Act
    const outcomes = [await mode.run({ id: 'a' }, meta, invocation), await mode.run({ id: 'a' }, { ...meta }, invocation)];
    // Assess
    expect(outcomes).toEqual([{ kind: 'processed' }, { kind: 'processed' }]);
    expect(seen.map((m) => m.dedupKey)).toEqual([undefined, undefined]);
    expect(mode.hopOriginId(meta.envelope, meta.messageId)).toBeUndefined();
  });

  it('in claim mode, claims, runs handle and completes once; a copy of the same body is a duplicate', async () => {
    // Prepare
    const store = new FakeDedup();
    const handled: string[] = [];
    const mode = effectMode<{ id: string }>({ handle: async (payload) => void handled.push(payload.id), dedup: { store, scope: 'jobs' } }, recordingSettle([]));
    // Act
    const first = await mode.run({ id: 'a' }, metaOf({ id: 'a' }), invocation);
    const copy = await mode.run({ id: 'a' }, metaOf({ id: 'a' }), invocation);
    // Assess
    expect([first, copy]).toEqual([{ kind: 'processed' }, { kind: 'duplicate' }]);
    expect(handled).toEqual(['a']);
    expect(store.calls.map((c) => c.op)).toEqual(['claim', 'complete', 'claim']);
  });

  it('in atomic mode, commits the effect with the dedup record and never claims', async () => {
    // Prepare
    const store = new FakeDedup();
    const write = { Put: { TableName: 'totals', Item: { pk: { S: 'a' } } } };
    const mode = effectMode<{ id: string }>({ atomic: () => [write], dedup: { store, scope: 'jobs' } }, recordingSettle([]));
    const meta = metaOf({ id: 'a' });
    // Act
    const outcome = await mode.run({ id: 'a' }, meta, invocation);
    // Assess
    expect(outcome).toEqual({ kind: 'processed' });
    expect(store.calls).toEqual([{ op: 'commitOnce', key: meta.dedupKey, effect: [write] }]);
    expect(meta.dedupKey).toMatch(/^jobs#/);
  });

  it('gives a delay hop the origin id its dedup record is keyed on only when keyed on the message id without an explicit key', () => {
    // Prepare
    const store = new FakeDedup();
    const handle = async () => undefined;
    const byContent = effectMode({ handle, dedup: { store, scope: 'jobs' } }, recordingSettle([]));
    const byId = effectMode({ handle, dedup: { store, scope: 'jobs', hashContent: false } }, recordingSettle([]));
    const envelope = metaOf({ id: 'a' }).envelope;
    // Act
    const ids = {
      byContent: byContent.hopOriginId(envelope, 'm-1'),
      byId: byId.hopOriginId(envelope, 'm-1'),
      alreadyAHop: byId.hopOriginId({ ...envelope, originId: 'm-0' }, 'm-1'),
      explicitKey: byId.hopOriginId({ ...envelope, dedupKey: 'order-1' }, 'm-1'),
    };
    // Assess
    expect(ids).toEqual({ byContent: undefined, byId: 'm-1', alreadyAHop: 'm-0', explicitKey: undefined });
  });

  it('dead-letters a permanent failure within its key’s turn: the next copy claims only after the dead letter is sent', async () => {
    // Prepare
    const store = new FakeDedup();
    const log: string[] = [];
    let sendDeadLetter!: () => void;
    const deadLetterSent = new Promise<void>((resolve) => (sendDeadLetter = resolve));
    let calls = 0;
    const mode = effectMode<{ id: string }>(
      {
        handle: async (_payload, meta) => {
          calls += 1;
          log.push(`handle ${meta.messageId}`);
          if (calls === 1) throw new PoisonError('not today');
        },
        dedup: { store, scope: 'jobs' },
      },
      recordingSettle(log, deadLetterSent),
    );
    const [first, second] = [metaOf({ id: 'a' }), metaOf({ id: 'a' })];
    // Act
    const outcomes: Promise<MessageOutcome>[] = [mode.run({ id: 'a' }, first, invocation), mode.run({ id: 'a' }, second, invocation)];
    await new Promise((resolve) => setImmediate(resolve));
    const beforeDeadLetter = [...log];
    sendDeadLetter();
    // Assess
    expect(await Promise.all(outcomes)).toEqual([{ kind: 'dead-lettered', reason: 'poison' }, { kind: 'processed' }]);
    expect(beforeDeadLetter).toEqual([`handle ${first.messageId}`, `dead-letter start ${first.messageId}`]);
    expect(log).toEqual([`handle ${first.messageId}`, `dead-letter start ${first.messageId}`, `dead-letter end ${first.messageId}`, `handle ${second.messageId}`]);
  });
});
