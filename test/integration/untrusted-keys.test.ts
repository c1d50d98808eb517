import { ReceiveMessageCommand, SendMessageCommand, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { originalAttributes } from '../../local/cli/commands/dlq/dead-letters.ts';
import type { KinesisPoller } from '../../local/pollers/kinesis-poller.ts';
import type { LocalRuntime } from '../../local/runtime/local-runtime.ts';
import { DLQ_ATTRIBUTES } from '../../shared/envelope.ts';
import type { KeyAggregate } from '../../shared/stream/aggregates.ts';
import { StreamProducer } from '../../shared/stream/producer.ts';
import { streamOutputName } from '../../shared/stream/contract.ts';
import { totalsByWindow, WindowResultStore } from '../../shared/stream/window-results.ts';
import { startBatchHarness, type BatchHarness } from '../helpers/batch-runtime.ts';
import { createResultsTable, emulatorClients, eventually, readWholeStream, scanResults, uniqueName } from '../helpers/kinesis-fixtures.ts';
import { startOrdersRuntime } from '../helpers/orders-runtime.ts';
import { startSampleRuntime, startTemplateStreamPoller } from '../helpers/template-stream-poller.ts';
import { BUILT_IN_NAMES, builtInsFingerprint, untrustedKey } from '../helpers/untrusted-keys.ts';

/*
 * Keys named like JavaScript built-ins (`__proto__`, `constructor`, `toString`, …) through the real
 * handlers, emulators and stores: stream categories and partition keys through kinesis-mock, the
 * consumer and DynamoDB; message attribute names through fauxqs, the Orders worker and its DLQ; batch
 * field and result names through the state machine and S3. Expectations are computed here, with Maps.
 */

const untouched = builtInsFingerprint();

type Aggregates = Map<string, KeyAggregate>;

function add(totals: Aggregates, key: string, value: number): void {
  const was = totals.get(key);
  totals.set(key, was ? { count: was.count + 1, sum: was.sum + value, min: Math.min(was.min, value), max: Math.max(was.max, value) } : { count: 1, sum: value, min: value, max: value });
}

describe('stream: categories and partition keys named like built-ins, through the sample OrderStream', () => {
  let runtime: LocalRuntime;
  let poller: KinesisPoller | undefined;

  beforeAll(async () => {
    runtime = await startSampleRuntime('k');
  });

  afterAll(async () => {
    await poller?.stop();
    await runtime?.stop();
  });

  it('commits per-window totals for every category exactly, read back from DynamoDB', async () => {
    // Prepare: the template's Kinesis mapping, driven with a clock the test moves to close the windows.
    const started = startTemplateStreamPoller(runtime);
    const { stream, clock } = started;
    poller = started.poller;
    const categories = [...BUILT_IN_NAMES, 'books', 'games'];
    const orders = Array.from({ length: 3 * categories.length }, (_, i) => ({
      data: { type: 'order', orderId: `o-${i}`, customerId: categories[(i * 7) % categories.length]!, category: categories[i % categories.length]!, amountCents: 1 + ((i * 37) % 500) },
      partitionKey: categories[(i * 7) % categories.length]!,
    }));

    // Act
    await new StreamProducer({ client: runtime.clients.kinesis!, streamName: stream.physicalName }).sendBatch(orders);
    clock.advance(3_600_000);
    await eventually(() => poller!.idle(), 240_000, 'the order stream to drain');
    const totals = totalsByWindow(await scanResults(runtime.clients.dynamodb, runtime.output(streamOutputName('OrderStream', 'resultsTableName'))));

    // Assess: against what a plain reader of the stream saw, by arrival minute
    const expected = new Map<string, Aggregates>();
    for (const record of await readWholeStream(runtime.clients.kinesis!, stream.physicalName)) {
      const { category, amountCents } = JSON.parse(record.data) as { category: string; amountCents: number };
      const window = new Date(Math.floor(record.arrivalMs / 60_000) * 60_000).toISOString().replace('.000Z', 'Z'); // Lambda's bounds: to the second
      if (!expected.has(window)) expected.set(window, new Map());
      add(expected.get(window)!, category, amountCents);
    }
    expect(new Map([...totals].map(([window, aggregates]) => [window, new Map(Object.entries(aggregates))]))).toEqual(expected);
    expect([...expected.values()].reduce((n, window) => n + [...window.values()].reduce((m, a) => m + a.count, 0), 0)).toBe(orders.length);
    expect(builtInsFingerprint()).toEqual(untouched);
  }, 120_000);

  it('stores and queries back window results whose aggregates are keyed by built-in names (fast-check)', async () => {
    // Prepare
    const { dynamodb } = emulatorClients();
    const tableName = uniqueName('keys-results');
    await createResultsTable(dynamodb, tableName);
    const store = new WindowResultStore(dynamodb, tableName);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(untrustedKey(), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 1_000 }), async (categories, base) => {
        run += 1;
        const aggregates = Object.create(null) as Record<string, KeyAggregate>;
        categories.forEach((category, i) => (aggregates[category] = { count: i + 1, sum: base * (i + 1), min: base, max: base + i }));
        const window = { start: new Date(Date.UTC(2026, 0, 1, 0, run)).toISOString(), end: new Date(Date.UTC(2026, 0, 1, 0, run + 1)).toISOString() };
        const part = { firstSequenceNumber: '1', lastSequenceNumber: '9', records: categories.length, rejected: 0, aggregates };
        // Act
        const outcome = await store.commit({ pipeline: 'keys', shardId: 'shardId-000000000000', window, part });
        const [stored, ...more] = await store.parts('keys', 'shardId-000000000000', window.start);
        // Assess
        expect(outcome).toEqual({ status: 'committed' });
        expect(more).toEqual([]);
        expect(new Map(Object.entries(stored!.aggregates))).toEqual(new Map(Object.entries(aggregates)));
        expect(builtInsFingerprint()).toEqual(untouched);
      }),
      { numRuns: 25, seed: 20260126 },
    );
    dynamodb.destroy();
  }, 120_000);
});

describe('queue: message attributes named like built-ins, through fauxqs, the Orders worker and its DLQ', () => {
  let runtime: LocalRuntime;

  beforeAll(async () => {
    runtime = await startOrdersRuntime();
  });

  afterAll(async () => {
    await runtime?.stop();
  });

  it('dead-letters a schema-invalid order with every original attribute, overflow included, restored by name for a replay', async () => {
    // Prepare: eight originals beside sluice's four DLQ attributes: two go to the overflow attribute.
    const names = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf', 'propertyIsEnumerable'];
    const attributes = Object.create(null) as Record<string, MessageAttributeValue>;
    names.forEach((name, i) => (attributes[name] = { DataType: 'String', StringValue: `value-${i}` }));
    const queueUrl = runtime.output('OrdersQueueUrl');
    const dlqUrl = runtime.output('OrdersDeadLetterQueueUrl');

    // Act
    await runtime.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"orderId":"keys-1"}', MessageAttributes: attributes }));
    await runtime.drain();
    const { Messages = [] } = await runtime.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }));

    // Assess
    expect(Messages).toHaveLength(1);
    expect(Messages[0]!.MessageAttributes?.[DLQ_ATTRIBUTES.reason]?.StringValue).toBe('schema-invalid');
    expect(Object.keys(Messages[0]!.MessageAttributes!)).toContain(DLQ_ATTRIBUTES.overflow);
    const restored = originalAttributes(Messages[0]!);
    expect(new Map(Object.entries(restored).map(([name, value]) => [name, value.StringValue]))).toEqual(new Map(names.map((name, i) => [name, `value-${i}`])));
    expect(builtInsFingerprint()).toEqual(untouched);
  });
});

describe('batch: field, partition and result names like built-ins, through the local state machine', () => {
  let batch: BatchHarness;

  beforeAll(async () => {
    batch = await startBatchHarness();
  });

  afterAll(async () => {
    await batch?.stop();
  });

  it('groups by `constructor`, partitions by `__proto__` and names results `toString`, `valueOf`, `__proto__`, exactly', async () => {
    // Prepare: JSON Lines where some records lack the group or partition field (they must not inherit one).
    const groups = [...BUILT_IN_NAMES, 'books'];
    const lines = Array.from({ length: 400 }, (_, i) => {
      const fields: [string, unknown][] = [['id', i]];
      if (i % 9 !== 0) fields.push(['constructor', groups[i % groups.length]]);
      if (i % 5 !== 0) fields.push(['__proto__', `p-${i % 13}`]);
      if (i % 7 !== 0) fields.push(['toString', (i * 31) % 1_000]);
      return JSON.stringify(Object.fromEntries(fields));
    });
    await batch.putObject('inputs/keys.jsonl', `${lines.join('\n')}\n`);
    const expected = new Map<string, { count: number; sum: number; max: number | null }>();
    for (const line of lines) {
      const record = JSON.parse(line) as Record<string, unknown>;
      const group = JSON.stringify(Object.hasOwn(record, 'constructor') ? record.constructor : null);
      const value = Object.hasOwn(record, 'toString') ? (record.toString as unknown as number) : undefined;
      const was = expected.get(group) ?? { count: 0, sum: 0, max: null };
      expected.set(group, { count: was.count + 1, sum: was.sum + (value ?? 0), max: value !== undefined && (was.max === null || value > was.max) ? value : was.max });
    }
    const spec = {
      jobId: 'built-in-names',
      input: { format: 'jsonl', s3: { bucket: batch.bucket, key: 'inputs/keys.jsonl' } },
      partition: { key: '__proto__', count: 4 },
      sort: { key: 'toString' },
      groupBy: 'constructor',
      aggregates: [
        { op: 'count', as: 'toString' },
        { op: 'sum', field: 'toString', as: 'valueOf' },
        { op: 'max', field: 'toString', as: '__proto__' },
      ],
      output: { bucket: batch.bucket, prefix: 'results/' },
    };

    // Act
    const execution = await batch.machine.wait(await batch.machine.start(spec, spec.jobId));

    // Assess
    expect(execution).toMatchObject({ status: 'SUCCEEDED' });
    const summary = JSON.parse(execution.output!) as { records: number; output: { groupsKey: string } };
    expect(summary.records).toBe(lines.length);
    const rows = (await batch.getText(summary.output.groupsKey)).trim().split('\n').map((line) => JSON.parse(line) as { group: unknown; values: Record<string, unknown> });
    expect(new Map(rows.map((row) => [JSON.stringify(row.group), new Map(Object.entries(row.values))]))).toEqual(
      new Map(
        [...expected].map(([group, want]) => [
          group,
          new Map<string, unknown>([
            ['toString', want.count],
            ['valueOf', want.sum],
            ['__proto__', want.max],
          ]),
        ]),
      ),
    );
    expect(builtInsFingerprint()).toEqual(untouched);
  }, 120_000);
});
