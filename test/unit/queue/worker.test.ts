import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { DedupStore } from '../../../shared/dedup/store.ts';
import { DLQ_ATTRIBUTES, ENVELOPE_ATTRIBUTES } from '../../../shared/envelope.ts';
import { SluiceError } from '../../../shared/errors.ts';
import type { MessageMeta } from '../../../shared/queue/message-processor.ts';
import { createQueueWorker } from '../../../shared/queue/worker.ts';
import type { QueueWorkerOptions } from '../../../shared/queue/worker.ts';
import { numberAttribute, sqsEvent, sqsRecord, stringAttribute, testContext } from '../../helpers/sqs-events.ts';
import { ScriptedDynamoDb } from '../dedup/scripted-dynamodb.ts';
import { FakeDedup } from './fake-dedup.ts';
import type { RecordingSqs } from './fake-sqs.ts';
import { quietWorkerWiring, TEST_DLQ_URL as DLQ_URL, TEST_QUEUE_URL as QUEUE_URL } from './quiet-worker.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const NOW = 1_700_000_000_000;
const Job = z.object({ id: z.string(), n: z.number().int() });
type Job = z.infer<typeof Job>;

class PoisonError extends SluiceError {
  override readonly reason = 'poison';
}

function setup(overrides: Partial<QueueWorkerOptions<Job>> = {}) {
  const { sqs, wiring } = quietWorkerWiring({ now: NOW });
  const handled: { payload: Job; meta: MessageMeta }[] = [];
  const metrics = new Metrics({ namespace: 'test' });
  const counted: Record<string, number> = {};
  const addMetric = metrics.addMetric.bind(metrics);
  metrics.addMetric = (name, unit, value) => {
    counted[name] = (counted[name] ?? 0) + value;
    return addMetric(name, unit, value);
  };
  metrics.singleMetric = () => {
    const single = new Metrics({ namespace: 'test' });
    let reason = '';
    single.addDimension = (_name, value) => {
      reason = value;
      return single;
    };
    single.addMetric = (name, _unit, value) => {
      counted[`${name}:${reason}`] = (counted[`${name}:${reason}`] ?? 0) + value;
      return single;
    };
    return single;
  };
  const options = {
    schema: Job,
    handle: async (payload: Job, meta: MessageMeta) => {
      handled.push({ payload, meta });
    },
    ...wiring,
    metrics,
    ...overrides,
  } as QueueWorkerOptions<Job>;
  return { sqs, handled, counted, handler: createQueueWorker(options) };
}

const job = { id: 'j-1', n: 1 };

describe('createQueueWorker: delays', () => {
  it('re-sends a message due in more than 15 minutes with a 900 s delay and hops + 1, then acknowledges it', async () => {
    // Prepare
    const { sqs, handled, counted, handler } = setup();
    const attributes = { [ENVELOPE_ATTRIBUTES.deliverAt]: numberAttribute(NOW + 3_600_000), tenant: stringAttribute('t-1') };
    const record = sqsRecord({ body: job, attributes });
    // Act
    const response = await handler(sqsEvent([record]), testContext());
    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(handled).toHaveLength(0);
    const [resent] = sqs.to(QUEUE_URL);
    expect(resent?.input).toMatchObject({
      MessageBody: record.body,
      DelaySeconds: 900,
      MessageAttributes: {
        [ENVELOPE_ATTRIBUTES.deliverAt]: { DataType: 'Number', StringValue: String(NOW + 3_600_000) },
        [ENVELOPE_ATTRIBUTES.hops]: { DataType: 'Number', StringValue: '1' },
        tenant: { DataType: 'String', StringValue: 't-1' },
      },
    });
    expect(counted['delayed-hop']).toBe(1);
  });

  it('waits the remaining time rounded up when less than 15 minutes are left, counting hops on', async () => {
    // Prepare
    const { sqs, handler } = setup();
    const attributes = { [ENVELOPE_ATTRIBUTES.deliverAt]: numberAttribute(NOW + 1_500), [ENVELOPE_ATTRIBUTES.hops]: numberAttribute(4) };
    // Act
    await handler(sqsEvent([sqsRecord({ body: job, attributes })]), testContext());
    // Assess
    const [resent] = sqs.to(QUEUE_URL);
    expect(resent?.input.DelaySeconds).toBe(2);
    expect(resent?.input).toMatchObject({ MessageAttributes: { [ENVELOPE_ATTRIBUTES.hops]: { StringValue: '5' } } });
  });

  it('processes a message whose deliverAt is exactly now', async () => {
    // Prepare
    const { sqs, handled, handler } = setup();
    // Act
    await handler(sqsEvent([sqsRecord({ body: job, attributes: { [ENVELOPE_ATTRIBUTES.deliverAt]: numberAttribute(NOW) } })]), testContext());
    // Assess
    expect(handled.map((h) => h.payload)).toEqual([job]);
    expect(sqs.sent).toHaveLength(0);
  });

  it('reports the record failed (not acknowledged) when the re-send fails', async () => {
    // Prepare
    const { sqs, handler } = setup();
    sqs.respond = () => new Error('SQS unavailable');
    const record = sqsRecord({ body: job, attributes: { [ENVELOPE_ATTRIBUTES.deliverAt]: numberAttribute(NOW + 60_000) } });
    // Act
    const response = await handler(sqsEvent([record]), testContext());
    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: record.messageId }] });
  });

  it('sends a FIFO message due more than a second of clock skew ahead to the DLQ as delay-unsupported, keeping its group', async () => {
    // Prepare
    const { sqs, handler } = setup({ dlqUrl: `${DLQ_URL}.fifo` });
    const record = sqsRecord({ body: job, groupId: 'g-1', attributes: { [ENVELOPE_ATTRIBUTES.deliverAt]: numberAttribute(NOW + 5_000) } });
    // Act
    const response = await handler(sqsEvent([record]), testContext());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(sqs.to(QUEUE_URL)).toHaveLength(0);
    expect(sqs.to(`${DLQ_URL}.fifo`)[0]?.input).toMatchObject({
      MessageGroupId: 'g-1',
      MessageDeduplicationId: record.messageId,
      MessageAttributes: { [DLQ_ATTRIBUTES.reason]: { StringValue: 'delay-unsupported' } },
    });
  });
});

describe('createQueueWorker: TTL and bad input', () => {
  it('moves a message received after expiresAt to the DLQ as expired with its attributes, and acknowledges it', async () => {
    // Prepare
    const { sqs, handled, counted, handler } = setup();
    const attributes = { [ENVELOPE_ATTRIBUTES.expiresAt]: numberAttribute(NOW - 1), tenant: stringAttribute('t-1') };
    const record = sqsRecord({ body: job, attributes });
    // Act
    const response = await handler(sqsEvent([record]), testContext());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(handled).toHaveLength(0);
    expect(sqs.to(DLQ_URL)[0]?.input).toMatchObject({
      MessageBody: record.body,
      MessageAttributes: {
        [DLQ_ATTRIBUTES.reason]: { StringValue: 'expired' },
        [DLQ_ATTRIBUTES.sourceMessageId]: { StringValue: record.messageId },
        [DLQ_ATTRIBUTES.failedAt]: { StringValue: String(NOW) },
        [ENVELOPE_ATTRIBUTES.expiresAt]: { StringValue: String(NOW - 1) },
        tenant: { StringValue: 't-1' },
      },
    });
    expect(counted['dlq:expired']).toBe(1);
  });

  it('still processes a message received exactly at expiresAt', async () => {
    // Prepare
    const { handled, handler } = setup();
    // Act
    await handler(sqsEvent([sqsRecord({ body: job, attributes: { [ENVELOPE_ATTRIBUTES.expiresAt]: numberAttribute(NOW) } })]), testContext());
    // Assess
    expect(handled).toHaveLength(1);
  });

  it.each([
    ['malformed', sqsRecord({ body: '{"id": "j-1",' })],
    ['schema-invalid', sqsRecord({ body: { id: 'j-1', n: 'one' } })],
    ['invalid-attribute', sqsRecord({ body: job, attributes: { [ENVELOPE_ATTRIBUTES.deliverAt]: numberAttribute('tomorrow') } })],
  ])('dead-letters a %s message at once and acknowledges it', async (reason, record) => {
    // Prepare
    const { sqs, handled, handler } = setup();
    // Act
    const response = await handler(sqsEvent([record]), testContext());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(handled).toHaveLength(0);
    const dead = sqs.to(DLQ_URL);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.input).toMatchObject({ MessageAttributes: { [DLQ_ATTRIBUTES.reason]: { StringValue: reason } } });
  });

  it('names the failing field in sluice-error for a schema-invalid body', async () => {
    // Prepare
    const { sqs, handler } = setup();
    // Act
    await handler(sqsEvent([sqsRecord({ body: { id: 'j-1', n: 'one' } })]), testContext());
    // Assess
    const attributes = sqs.to(DLQ_URL)[0]?.input.MessageAttributes as Record<string, { StringValue: string }>;
    expect(attributes[DLQ_ATTRIBUTES.error]?.StringValue).toContain('n:');
  });

  it('reports a bad message as a batch item failure when the DLQ send fails, never acknowledging it', async () => {
    // Prepare
    const { sqs, handler } = setup();
    sqs.respond = (command) => (command.input.QueueUrl === DLQ_URL ? new Error('DLQ down') : undefined);
    const bad = sqsRecord({ body: 'not json' });
    const good = sqsRecord({ body: job });
    // Act
    const response = await handler(sqsEvent([bad, good]), testContext());
    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
  });
});

describe('createQueueWorker: handler failures', () => {
  it('reports transient handler errors for retry and counts them', async () => {
    // Prepare
    const { counted, handler } = setup({
      handle: async (payload) => {
        if (payload.n === 2) throw new Error('database timeout');
      },
    });
    const records = [1, 2, 3].map((n) => sqsRecord({ body: { id: `j-${n}`, n } }));
    // Act
    const response = await handler(sqsEvent(records), testContext());
    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: records[1]?.messageId }] });
    expect(counted).toMatchObject({ received: 3, processed: 2, retried: 1 });
  });

  it('reports every record when the whole batch fails', async () => {
    // Prepare
    const { handler } = setup({ handle: async () => Promise.reject(new Error('down')) });
    const records = [sqsRecord({ body: job }), sqsRecord({ body: job })];
    // Act
    const response = await handler(sqsEvent(records), testContext());
    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(records.map((r) => r.messageId));
  });

  it('dead-letters a message whose handler throws a permanent SluiceError, under that error reason', async () => {
    // Prepare
    const { sqs, handler } = setup({ handle: async () => Promise.reject(new PoisonError('cannot ever work')) });
    // Act
    const response = await handler(sqsEvent([sqsRecord({ body: job })]), testContext());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(sqs.to(DLQ_URL)[0]?.input).toMatchObject({
      MessageAttributes: { [DLQ_ATTRIBUTES.reason]: { StringValue: 'poison' }, [DLQ_ATTRIBUTES.error]: { StringValue: 'cannot ever work' } },
    });
  });

  /** FIFO records of groups A and B, interleaved: A1 A2 B1 A3 B2. */
  const twoInterleavedGroups = () => [
    sqsRecord({ groupId: 'A', body: { id: 'A1', n: 1 } }),
    sqsRecord({ groupId: 'A', body: { id: 'A2', n: 2 } }),
    sqsRecord({ groupId: 'B', body: { id: 'B1', n: 1 } }),
    sqsRecord({ groupId: 'A', body: { id: 'A3', n: 3 } }),
    sqsRecord({ groupId: 'B', body: { id: 'B2', n: 2 } }),
  ];

  it('on FIFO, stops at the first failure and returns every later record by default (AWS’s documented behaviour)', async () => {
    // Prepare
    const seen: string[] = [];
    const { handler } = setup({
      handle: async (payload) => {
        seen.push(payload.id);
        if (payload.id === 'A2') throw new Error('transient');
      },
    });
    const records = twoInterleavedGroups();
    // Act
    const response = await handler(sqsEvent(records), testContext());
    // Assess
    expect(seen).toEqual(['A1', 'A2']);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(records.slice(1).map((r) => r.messageId));
  });

  it('on FIFO with skipGroupOnError, blocks the rest of a failed group and lets other groups through', async () => {
    // Prepare
    const seen: string[] = [];
    const { handler } = setup({
      skipGroupOnError: true,
      handle: async (payload) => {
        seen.push(payload.id);
        if (payload.id === 'A2') throw new Error('transient');
      },
    });
    const records = twoInterleavedGroups();
    // Act
    const response = await handler(sqsEvent(records), testContext());
    // Assess
    expect(seen.sort()).toEqual(['A1', 'A2', 'B1', 'B2']);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([records[1]?.messageId, records[3]?.messageId]);
  });
});

describe('createQueueWorker: dedup', () => {
  it('claims scope#hash, runs the handler, completes, and skips a later copy as a counted duplicate', async () => {
    // Prepare
    const dedup = new FakeDedup();
    const { handled, counted, handler } = setup({ dedup: { store: dedup, scope: 'jobs' } });
    // Act
    await handler(sqsEvent([sqsRecord({ body: job })]), testContext());
    const response = await handler(sqsEvent([sqsRecord({ body: { n: 1, id: 'j-1' } })]), testContext());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(handled).toHaveLength(1);
    expect(handled[0]?.meta.dedupKey).toMatch(/^jobs#[0-9a-f]{64}$/);
    expect(handled[0]?.meta.dedupKeySource).toBe('content-hash');
    expect(dedup.calls.map((c) => c.op)).toEqual(['claim', 'complete', 'claim']);
    expect(counted.duplicate).toBe(1);
  });

  it('uses the explicit dedup attribute as the key', async () => {
    // Prepare
    const dedup = new FakeDedup();
    const { handled, handler } = setup({ dedup: { store: dedup, scope: 'jobs' } });
    // Act
    await handler(sqsEvent([sqsRecord({ body: job, attributes: { [ENVELOPE_ATTRIBUTES.dedupKey]: stringAttribute('order-7') } })]), testContext());
    // Assess
    expect(handled[0]?.meta.dedupKey).toBe('jobs#order-7');
  });

  it('reports a record whose key is in progress elsewhere as failed, for retry', async () => {
    // Prepare
    const dedup = new FakeDedup();
    dedup.records.set('jobs#order-7', 'IN_PROGRESS');
    const { handled, handler } = setup({ dedup: { store: dedup, scope: 'jobs' } });
    const record = sqsRecord({ body: job, attributes: { [ENVELOPE_ATTRIBUTES.dedupKey]: stringAttribute('order-7') } });
    // Act
    const response = await handler(sqsEvent([record]), testContext());
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(handled).toHaveLength(0);
  });

  it('releases the claim when the handler fails, so the retry can claim at once', async () => {
    // Prepare
    const dedup = new FakeDedup();
    const { handler } = setup({ dedup: { store: dedup, scope: 'jobs' }, handle: async () => Promise.reject(new Error('flaky')) });
    // Act
    await handler(sqsEvent([sqsRecord({ body: job })]), testContext());
    // Assess
    expect(dedup.calls.map((c) => c.op)).toEqual(['claim', 'release']);
    expect(dedup.records.size).toBe(0);
  });

  it('in atomic mode, commits the effect with the dedup record in one call, with no claim before it', async () => {
    // Prepare
    const dedup = new FakeDedup();
    const effect = [{ Put: { TableName: 'jobs', Item: { id: { S: 'j-1' } } } }];
    const { handler, counted } = setup({ dedup: { store: dedup, scope: 'jobs' }, handle: undefined, atomic: () => effect });
    // Act
    const first = await handler(sqsEvent([sqsRecord({ body: job })]), testContext());
    const copy = await handler(sqsEvent([sqsRecord({ body: job })]), testContext());
    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(copy.batchItemFailures).toEqual([]);
    expect(dedup.calls.map((c) => c.op)).toEqual(['commitOnce', 'commitOnce']);
    expect(dedup.calls[0]?.effect).toEqual(effect);
    expect(counted.duplicate).toBe(1);
  });

  it('keys on the message id when content hashing is off', async () => {
    // Prepare
    const dedup = new FakeDedup();
    const { handled, handler } = setup({ dedup: { store: dedup, scope: 'jobs', hashContent: false } });
    const record = sqsRecord({ body: job, messageId: 'm-42' });
    // Act
    await handler(sqsEvent([record]), testContext());
    // Assess
    expect(handled[0]?.meta.dedupKey).toBe('jobs#m-42');
  });
});

describe('createQueueWorker: content keys (issue 12, defect 1)', () => {
  it('keeps two messages apart whose ids differ only beyond 2^53, where JSON.parse rounds them together', async () => {
    // Prepare
    const dedup = new FakeDedup();
    const Big = z.object({ id: z.number() });
    const seen: number[] = [];
    const { handler } = setup({ schema: Big, dedup: { store: dedup, scope: 'jobs' }, handle: async (payload: { id: number }) => void seen.push(payload.id) } as never);
    const records = ['{"id":9007199254740993}', '{"id":9007199254740992}'].map((body) => sqsRecord({ body }));
    // Act
    const response = await handler(sqsEvent(records), testContext());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(seen).toHaveLength(2);
    expect(new Set(dedup.calls.map((c) => c.key)).size).toBe(2);
  });

  it('keeps two messages apart whose dates a coercing schema turns into Date objects', async () => {
    // Prepare
    const dedup = new FakeDedup();
    const Dated = z.object({ at: z.coerce.date() });
    const { handler, handled } = setup({ schema: Dated, dedup: { store: dedup, scope: 'jobs' } } as never);
    const records = ['2026-01-01', '2026-01-02'].map((at) => sqsRecord({ body: { at } }));
    // Act
    await handler(sqsEvent(records), testContext());
    // Assess
    expect(handled).toHaveLength(2);
  });

  it('processes a message whose schema coerces to bigint, instead of retrying it until redrive', async () => {
    // Prepare
    const dedup = new FakeDedup();
    const Counted = z.object({ n: z.coerce.bigint() });
    const { handler, handled } = setup({ schema: Counted, dedup: { store: dedup, scope: 'jobs' } } as never);
    // Act
    const response = await handler(sqsEvent([sqsRecord({ body: { n: '12345678901234567890' } })]), testContext());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(handled).toHaveLength(1);
  });

  it('refuses at cold start a dedup scope holding #, which would make scope#key ambiguous', () => {
    expect(() => setup({ dedup: { store: new FakeDedup(), scope: 'jobs#eu' } })).toThrow(/dedup scope/);
  });

  it('refuses at cold start a worker given neither handle nor atomic, instead of failing each message', () => {
    expect(() => setup({ handle: undefined })).toThrow(/give handle or atomic/);
    expect(() => setup({ handle: undefined, dedup: { store: new FakeDedup(), scope: 'jobs' } })).toThrow(/give handle or atomic/);
  });

  it('refuses at cold start atomic mode without dedup', () => {
    expect(() => setup({ handle: undefined, atomic: () => [], dedup: false })).toThrow(/atomic mode needs dedup/);
  });
});

/** In-process retries wait on nothing in these tests. */
const instantRetries = { retryTiming: { sleep: async () => undefined, random: () => 0.5 } };

describe('createQueueWorker: claim mode after the effect (issue 12, defect 3)', () => {
  it('retries complete after a transient failure and never releases a claim whose effect ran', async () => {
    // Prepare
    const dedup = new FakeDedup();
    dedup.failures.set('complete', [new Error('ProvisionedThroughputExceededException')]);
    const { handled, handler } = setup({ dedup: { store: dedup, scope: 'jobs' }, ...instantRetries });
    // Act
    const response = await handler(sqsEvent([sqsRecord({ body: job })]), testContext());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(handled).toHaveLength(1);
    expect(dedup.calls.map((c) => c.op)).toEqual(['claim', 'complete', 'complete']);
    expect([...dedup.records.values()]).toEqual(['COMPLETED']);
  });

  it('keeps the claim when complete keeps failing, so a redelivery before the lease ends does not repeat the effect', async () => {
    // Prepare
    const dedup = new FakeDedup();
    dedup.failures.set('complete', Array.from({ length: 5 }, () => new Error('DynamoDB unavailable')));
    const { handled, handler } = setup({ dedup: { store: dedup, scope: 'jobs' }, ...instantRetries });
    const record = sqsRecord({ body: job });
    // Act
    const first = await handler(sqsEvent([record]), testContext());
    const redelivery = await handler(sqsEvent([{ ...record, receiptHandle: 'second' }]), testContext());
    // Assess
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(redelivery.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(handled).toHaveLength(1);
    expect(dedup.calls.map((c) => c.op)).not.toContain('release');
    expect([...dedup.records.values()]).toEqual(['IN_PROGRESS']);
  });
});

describe('createQueueWorker: time left in the invocation (issue 12, defect 4)', () => {
  it('claims nothing when the invocation has run out of time, leaving the record to a later invocation', async () => {
    // Prepare
    const dedup = new FakeDedup();
    const { handled, handler } = setup({ dedup: { store: dedup, scope: 'jobs' } });
    const record = sqsRecord({ body: job });
    // Act
    const response = await handler(sqsEvent([record]), testContext({ remainingMs: 0 }));
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(handled).toHaveLength(0);
    expect(dedup.calls).toEqual([]);
  });

  it('stops claiming the rest of a batch once less than the safety margin is left', async () => {
    // Prepare: the first effect uses up the invocation's time
    const dedup = new FakeDedup();
    let remainingMs = 30_000;
    const { handled, handler } = setup({
      dedup: { store: dedup, scope: 'jobs' },
      concurrency: 1,
      timeMarginMs: 1_000,
      handle: async (payload: Job, meta: MessageMeta) => {
        handled.push({ payload, meta });
        remainingMs = 400;
      },
    });
    const records = [1, 2, 3].map((n) => sqsRecord({ body: { id: `j-${n}`, n } }));
    // Act
    const response = await handler(sqsEvent(records), { ...testContext(), getRemainingTimeInMillis: () => remainingMs });
    // Assess
    expect(handled.map((h) => h.payload.n)).toEqual([1]);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual([records[1]?.messageId, records[2]?.messageId]);
    expect(dedup.calls.filter((c) => c.op === 'claim')).toHaveLength(1);
  });

  it('in atomic mode, commits nothing with less than the safety margin left', async () => {
    // Prepare
    const dedup = new FakeDedup();
    const { handler } = setup({ dedup: { store: dedup, scope: 'jobs' }, handle: undefined, atomic: () => [] });
    // Act
    const response = await handler(sqsEvent([sqsRecord({ body: job })]), testContext({ remainingMs: 500 }));
    // Assess
    expect(response.batchItemFailures).toHaveLength(1);
    expect(dedup.calls).toEqual([]);
  });
});

describe('createQueueWorker: FIFO and clock skew (issue 12, defect 5)', () => {
  it('processes a FIFO message whose deliverAt is a few hundred ms ahead of the consumer clock', async () => {
    // Prepare: the producer stamped "now" on a clock 500 ms ahead of the consumer's
    const { sqs, handled, handler } = setup({ dlqUrl: `${DLQ_URL}.fifo` });
    const record = sqsRecord({ body: job, groupId: 'g-1', attributes: { [ENVELOPE_ATTRIBUTES.deliverAt]: numberAttribute(NOW + 500) } });
    // Act
    const response = await handler(sqsEvent([record]), testContext());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(handled).toHaveLength(1);
    expect(sqs.sent).toHaveLength(0);
  });
});

describe('createQueueWorker: hot rows (issue 12, defect 6)', () => {
  const conflict = () =>
    new TransactionCanceledException({
      message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None]',
      $metadata: {},
      CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
    } as never);
  const totalsUpdate = [{ Update: { TableName: 'totals', Key: { customerId: { S: 'c-1' } }, UpdateExpression: 'ADD orderCount :one', ExpressionAttributeValues: { ':one': { N: '1' } } } }];

  it('retries a TransactionConflict on a busy effect row in-process instead of giving the message back', async () => {
    // Prepare: the totals row is busy for the first two attempts
    const db = new ScriptedDynamoDb((name, call) => (name === 'TransactWriteItemsCommand' && call <= 2 ? conflict() : {}));
    const store = new DedupStore({ client: db.client, tableName: 'dedup', clock: { now: () => NOW } });
    const { counted, handler } = setup({ dedup: { store, scope: 'jobs' }, handle: undefined, atomic: () => totalsUpdate, ...instantRetries });
    // Act
    const response = await handler(sqsEvent([sqsRecord({ body: job })]), testContext());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(counted.processed).toBe(1);
    expect(db.requests.map((r) => r.name)).toEqual(Array.from({ length: 3 }, () => 'TransactWriteItemsCommand'));
  });

  it('gives the message back after a bounded number of conflicts, naming the busy row', async () => {
    // Prepare
    const db = new ScriptedDynamoDb(() => conflict());
    const store = new DedupStore({ client: db.client, tableName: 'dedup', clock: { now: () => NOW } });
    const warnings: string[] = [];
    const logger = new Logger({ logLevel: 'SILENT' });
    logger.warn = (...args: unknown[]) => void warnings.push(JSON.stringify(args));
    const { handler } = setup({ dedup: { store, scope: 'jobs' }, handle: undefined, atomic: () => totalsUpdate, logger, ...instantRetries });
    const record = sqsRecord({ body: job });
    // Act
    const response = await handler(sqsEvent([record]), testContext());
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    expect(db.requests).toHaveLength(5);
    expect(warnings.join()).toContain('busy row');
  });
});

describe('createQueueWorker: deliverAt horizon (issue 12, defect 7)', () => {
  it('dead-letters a message due ten years ahead as delay-too-long instead of hopping for ever', async () => {
    // Prepare
    const { sqs, handler } = setup();
    const record = sqsRecord({ body: job, attributes: { [ENVELOPE_ATTRIBUTES.deliverAt]: numberAttribute(NOW + 10 * 365 * 86_400_000) } });
    // Act
    const response = await handler(sqsEvent([record]), testContext());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(sqs.to(QUEUE_URL)).toHaveLength(0);
    expect(sqs.to(DLQ_URL)[0]?.input).toMatchObject({ MessageAttributes: { [DLQ_ATTRIBUTES.reason]: { StringValue: 'delay-too-long' } } });
  });

  it('still hops a message due within the horizon', async () => {
    // Prepare
    const { sqs, handler } = setup({ maxDeliverAtMs: 86_400_000 });
    const record = sqsRecord({ body: job, attributes: { [ENVELOPE_ATTRIBUTES.deliverAt]: numberAttribute(NOW + 86_400_000) } });
    // Act
    await handler(sqsEvent([record]), testContext());
    // Assess
    expect(sqs.to(QUEUE_URL)).toHaveLength(1);
  });
});

describe('createQueueWorker: DLQ attribute text (issue 12, defect 8)', () => {
  const errorText = (sqs: RecordingSqs) =>
    (sqs.to(DLQ_URL)[0]?.input.MessageAttributes as Record<string, { StringValue: string }>)[DLQ_ATTRIBUTES.error]?.StringValue ?? '';

  it('sends well-formed text when V8 quotes half an emoji in the JSON error of a malformed body', async () => {
    // Prepare: JSON.parse('[1,😀]') fails with "Unexpected token '\ud83d', ..."
    const { sqs, handler } = setup();
    // Act
    await handler(sqsEvent([sqsRecord({ body: '[1,😀]' })]), testContext());
    // Assess
    expect(errorText(sqs)).toMatch(/^body is not JSON/);
    expect(errorText(sqs).isWellFormed()).toBe(true);
  });

  it('cuts a long error without splitting a surrogate pair, and replaces characters SQS refuses', async () => {
    // Prepare
    const { sqs, handler } = setup({ handle: async () => Promise.reject(new PoisonError(`${'x'.repeat(998)}😀 and \u0000 more`)) });
    // Act
    await handler(sqsEvent([sqsRecord({ body: job })]), testContext());
    // Assess
    const text = errorText(sqs);
    expect(text.isWellFormed()).toBe(true);
    expect(text).toBe(`${'x'.repeat(998)}…`);
  });
});

describe('createQueueWorker: message-id keys across copies (issue 12, defect 9)', () => {
  it('carries the original message id on a hop copy, so copies from a crash between send and ack count once', async () => {
    // Prepare: keyed on message ids; a message due in a minute is received twice (the first ack was lost)
    const dedup = new FakeDedup();
    let now = NOW;
    const { sqs, handled, handler } = setup({ dedup: { store: dedup, scope: 'jobs', hashContent: false }, clock: { now: () => now } });
    const original = sqsRecord({ body: job, messageId: 'm-original', attributes: { [ENVELOPE_ATTRIBUTES.deliverAt]: numberAttribute(NOW + 60_000) } });
    await handler(sqsEvent([original]), testContext());
    await handler(sqsEvent([{ ...original, receiptHandle: 'again' }]), testContext());
    const copies = sqs.to(QUEUE_URL).map((sent, i) => sqsRecord({ body: sent.input.MessageBody, messageId: `m-copy-${i}`, attributes: lambdaAttributes(sent) }));
    // Act: both copies arrive when due
    now = NOW + 61_000;
    await handler(sqsEvent(copies), testContext());
    // Assess
    expect(copies).toHaveLength(2);
    expect(copies.map((c) => c.messageAttributes[ENVELOPE_ATTRIBUTES.originId]?.stringValue)).toEqual(['m-original', 'm-original']);
    expect(handled).toHaveLength(1);
    expect(handled[0]?.meta.dedupKey).toBe('jobs#m-original');
  });
});

/** The attributes of a sent message as Lambda would deliver them. */
function lambdaAttributes(sent: { input: Record<string, unknown> }) {
  const attributes = (sent.input.MessageAttributes ?? {}) as Record<string, { DataType: string; StringValue?: string }>;
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, { dataType: value.DataType, stringValue: value.StringValue, stringListValues: [], binaryListValues: [] }]),
  );
}

describe('createQueueWorker: copies of one message in one batch (found by the model test)', () => {
  it('lets copies take turns: one effect, the rest counted duplicates, none sent back to the queue', async () => {
    // Prepare
    const dedup = new FakeDedup();
    const { handled, counted, handler } = setup({ dedup: { store: dedup, scope: 'jobs' } });
    // Act
    const response = await handler(sqsEvent([1, 2, 3].map(() => sqsRecord({ body: job }))), testContext());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(handled).toHaveLength(1);
    expect(counted.duplicate).toBe(2);
  });

  it('dead-letters every copy of a poison message with its reason instead of retrying them against a live claim', async () => {
    // Prepare: claim mode; each failed receive would bring the last copy closer to a redrive without reason
    const dedup = new FakeDedup();
    const { sqs, handler } = setup({ dedup: { store: dedup, scope: 'jobs' }, handle: async () => Promise.reject(new PoisonError('never')) });
    // Act
    const response = await handler(sqsEvent([1, 2, 3].map(() => sqsRecord({ body: job }))), testContext());
    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(sqs.to(DLQ_URL)).toHaveLength(3);
  });
});
