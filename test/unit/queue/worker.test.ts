import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { DLQ_ATTRIBUTES, ENVELOPE_ATTRIBUTES } from '../../../shared/envelope.ts';
import { SluiceError } from '../../../shared/errors.ts';
import type { MessageMeta } from '../../../shared/queue/message-processor.ts';
import { createQueueWorker } from '../../../shared/queue/worker.ts';
import type { QueueWorkerOptions } from '../../../shared/queue/worker.ts';
import { numberAttribute, sqsEvent, sqsRecord, stringAttribute, testContext } from '../../helpers/sqs-events.ts';
import { FakeDedup } from './fake-dedup.ts';
import { RecordingSqs } from './fake-sqs.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs';
const DLQ_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/jobs-dlq';
const NOW = 1_700_000_000_000;
const Job = z.object({ id: z.string(), n: z.number().int() });
type Job = z.infer<typeof Job>;

class PoisonError extends SluiceError {
  override readonly reason = 'poison';
}

function setup(overrides: Partial<QueueWorkerOptions<Job>> = {}) {
  const sqs = new RecordingSqs();
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
    sqs: sqs.client,
    queueUrl: QUEUE_URL,
    dlqUrl: DLQ_URL,
    clock: { now: () => NOW },
    logger: new Logger({ logLevel: 'SILENT' }),
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

  it('sends an early message on a FIFO queue to the DLQ as delay-unsupported, keeping its group', async () => {
    // Prepare
    const { sqs, handler } = setup({ dlqUrl: `${DLQ_URL}.fifo` });
    const record = sqsRecord({ body: job, groupId: 'g-1', attributes: { [ENVELOPE_ATTRIBUTES.deliverAt]: numberAttribute(NOW + 1) } });
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

  it('on FIFO, stops at the first failure and returns every later record by default (AWS’s documented behaviour)', async () => {
    // Prepare
    const seen: string[] = [];
    const { handler } = setup({
      handle: async (payload) => {
        seen.push(payload.id);
        if (payload.id === 'A2') throw new Error('transient');
      },
    });
    const records = [
      sqsRecord({ groupId: 'A', body: { id: 'A1', n: 1 } }),
      sqsRecord({ groupId: 'A', body: { id: 'A2', n: 2 } }),
      sqsRecord({ groupId: 'B', body: { id: 'B1', n: 1 } }),
      sqsRecord({ groupId: 'A', body: { id: 'A3', n: 3 } }),
      sqsRecord({ groupId: 'B', body: { id: 'B2', n: 2 } }),
    ];
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
    const records = [
      sqsRecord({ groupId: 'A', body: { id: 'A1', n: 1 } }),
      sqsRecord({ groupId: 'A', body: { id: 'A2', n: 2 } }),
      sqsRecord({ groupId: 'B', body: { id: 'B1', n: 1 } }),
      sqsRecord({ groupId: 'A', body: { id: 'A3', n: 3 } }),
      sqsRecord({ groupId: 'B', body: { id: 'B2', n: 2 } }),
    ];
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
