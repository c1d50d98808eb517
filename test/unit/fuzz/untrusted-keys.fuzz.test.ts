import { isDeepStrictEqual } from 'node:util';
import type { Message } from '@aws-sdk/client-sqs';
import type { KinesisStreamRecord } from 'aws-lambda';
import fc from 'fast-check';
import { z } from 'zod';
import { finalizeGroups, GroupAccumulator, PartialMerger, type GroupPartial } from '../../../shared/batch/aggregates.ts';
import { parseJobSpec } from '../../../shared/batch/job-spec.ts';
import { hashPartition, partitionerFor } from '../../../shared/batch/partitioners.ts';
import { ENVELOPE_ATTRIBUTES } from '../../../shared/envelope.ts';
import { QueueProducer } from '../../../shared/queue/producer.ts';
import type { MessageMeta } from '../../../shared/queue/message-processor.ts';
import { createQueueWorker } from '../../../shared/queue/worker.ts';
import type { KeyAggregate } from '../../../shared/stream/aggregates.ts';
import { orderRevenuePipeline } from '../../../examples/orders/lib/order-revenue-pipeline.ts';
import { processWindowBatch } from '../../../shared/stream/processor.ts';
import { totalsByWindow, type WindowPartCommit } from '../../../shared/stream/window-results.ts';
import { originalAttributes } from '../../../local/cli/commands/dlq/dead-letters.ts';
import { matchesPattern, parseFilterCriteria } from '../../../local/event-filter.ts';
import { toSqsRecord } from '../../../local/pollers/sqs-record.ts';
import { kinesisRecord, orderEvent, tumblingWindowEvent } from '../../helpers/kinesis-events.ts';
import { sqsEvent, sqsRecord, testContext } from '../../helpers/sqs-events.ts';
import { builtInsFingerprint, untrustedKey } from '../../helpers/untrusted-keys.ts';
import { FakeDedup } from '../queue/fake-dedup.ts';
import { RecordingSqs } from '../queue/fake-sqs.ts';
import { quietWorkerWiring, TEST_DLQ_URL as DLQ_URL, TEST_QUEUE_URL as QUEUE_URL } from '../queue/quiet-worker.ts';

/*
 * Keys that come with the data (stream categories, batch field names and values, `as` names, message
 * attribute names, dedup keys, batch entry ids) drawn mostly from the names every JavaScript object
 * inherits. Each property computes the exact expected result with Maps, independently of sluice, and
 * checks that the built-in prototypes are as they were.
 */

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const untouched = builtInsFingerprint();
const expectBuiltInsUntouched = () => expect(builtInsFingerprint()).toEqual(untouched);

/** SQS attribute names: letters, digits, `_`, `-` and `.` (not first or last, never two in a row); `sluice-` is ours. */
const attributeName = untrustedKey(fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/)).filter((name) => !name.startsWith('sluice-'));
/** A field path of one step (a dot would make it a path of two). */
const fieldName = untrustedKey(fc.stringMatching(/^[A-Za-z0-9_ -]{1,6}$/));

/** A received message as the SDK gives it: attributes as own properties (as JSON.parse makes them). */
function receivedMessage(body: string, attributes: ReadonlyMap<string, string>): Message {
  const wire = JSON.stringify(Object.fromEntries([...attributes].map(([name, value]) => [name, { DataType: 'String', StringValue: value }])));
  return { MessageId: 'm-1', ReceiptHandle: 'r-1', Body: body, Attributes: { ApproximateReceiveCount: '1' }, MessageAttributes: JSON.parse(wire) as Message['MessageAttributes'] };
}

/** String attributes by name, read from a send or receive shape. */
function stringValues(attributes: Record<string, { StringValue?: string; stringValue?: string }> | undefined): Map<string, string | undefined> {
  return new Map(Object.entries(attributes ?? {}).map(([name, value]) => [name, value.StringValue ?? value.stringValue]));
}

function without(values: Map<string, string | undefined>, ...names: string[]): Map<string, string | undefined> {
  return new Map([...values].filter(([name]) => !names.includes(name)));
}

const Job = z.object({ id: z.string(), n: z.number().int() });
type Job = z.infer<typeof Job>;
const NOW = 1_700_000_000_000;

function queueWorker<T>(schema: z.ZodType<T>, dedup?: FakeDedup) {
  const { sqs, wiring } = quietWorkerWiring({ now: NOW });
  const handled: { payload: T; meta: MessageMeta }[] = [];
  const handler = createQueueWorker<T>({
    schema,
    handle: async (payload, meta) => {
      handled.push({ payload, meta });
    },
    ...(dedup ? { dedup: { store: dedup, scope: 'jobs' } } : {}),
    ...wiring,
  });
  return { sqs, handled, handler };
}

describe('keys from the data named like built-ins (constructor, __proto__, toString, …) are data everywhere (fast-check)', () => {
  it('stream: totals every category exactly through the real processor, JSON window state between invocations, parts and the results reader', async () => {
    const pipeline = orderRevenuePipeline('keys');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(untrustedKey(), fc.integer({ min: 1, max: 100_000 })), { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 6 }),
        // 600 bytes holds about three categories, so most invocations are also split into several parts.
        fc.constantFrom(600, 300_000),
        async (orders, batchSizes, maxPartBytes) => {
          // Prepare
          const records = orders.map(([category, amountCents]) => kinesisRecord(orderEvent({ category, amountCents })));
          const commits: WindowPartCommit[] = [];
          // Committed parts as they would be stored: serialized.
          const results = {
            commit: async (commit: WindowPartCommit) => (commits.push(JSON.parse(JSON.stringify(commit)) as WindowPartCommit), { status: 'committed' as const }),
            close: async () => 'closed' as const,
          };
          const failures = { report: async (_record: KinesisStreamRecord, error: Error) => Promise.reject(error) };
          const expected = new Map<string, KeyAggregate>();
          for (const [category, amount] of orders) {
            const was = expected.get(category);
            expected.set(category, was ? { count: was.count + 1, sum: was.sum + amount, min: Math.min(was.min, amount), max: Math.max(was.max, amount) } : { count: 1, sum: amount, min: amount, max: amount });
          }

          // Act: invocations of one window, the state passed between them as Lambda keeps it (JSON).
          let state: Record<string, unknown> = {};
          for (let at = 0, b = 0; at < records.length; b += 1) {
            const batch = records.slice(at, at + batchSizes[b % batchSizes.length]!);
            at += batch.length;
            const { response } = await processWindowBatch(tumblingWindowEvent(batch, { state }), pipeline, { results, failures, maxPartBytes });
            expect(response.batchItemFailures).toEqual([]);
            state = JSON.parse(JSON.stringify(response.state)) as Record<string, unknown>;
          }
          await processWindowBatch(tumblingWindowEvent([], { state, final: true }), pipeline, { results, failures, maxPartBytes });
          const items = commits.map((commit) => ({ windowStart: commit.window.start, records: commit.part.records, aggregates: commit.part.aggregates }));
          const totals = totalsByWindow(items);

          // Assess
          expect([...totals.keys()]).toHaveLength(1);
          expect(new Map(Object.entries([...totals.values()][0]!))).toEqual(expected);
          expect(items.reduce((n, item) => n + item.records, 0)).toBe(orders.length);
          expectBuiltInsUntouched();
        },
      ),
      { numRuns: 200, seed: 20260120 },
    );
  });

  it('batch: partitions, groups and names results by own fields only, for inline records through the job spec', () => {
    const groupValue = fc.option(fc.oneof(untrustedKey(), fc.integer({ min: 0, max: 3 })), { nil: undefined });
    const amount = fc.option(fc.integer({ min: -50, max: 1_000 }), { nil: undefined });
    fc.assert(
      fc.property(
        fc.uniqueArray(fieldName, { minLength: 3, maxLength: 3 }),
        fc.uniqueArray(untrustedKey(), { minLength: 3, maxLength: 3 }),
        fc.array(fc.tuple(groupValue, groupValue, amount), { minLength: 1, maxLength: 30 }),
        ([groupBy, partitionKey, amountField], [countAs, sumAs, maxAs], rows) => {
          // Prepare: JSON Lines records; a field left out is missing (the record does not inherit it).
          const input = rows.map(([group, part, value]) => {
            const fields: [string, unknown][] = [['id', 'r']];
            if (group !== undefined) fields.push([groupBy!, group]);
            if (part !== undefined) fields.push([partitionKey!, part]);
            if (value !== undefined) fields.push([amountField!, value]);
            return JSON.parse(JSON.stringify(Object.fromEntries(fields))) as Record<string, unknown>;
          });
          const own = (record: Record<string, unknown>, name: string) => (Object.hasOwn(record, name) ? record[name] : undefined);
          const expected = new Map<string, { group: unknown; count: number; sum: number | null; max: number | null }>();
          for (const record of input) {
            const group = own(record, groupBy!) ?? null;
            const value = own(record, amountField!);
            const id = JSON.stringify(group);
            const was = expected.get(id) ?? { group, count: 0, sum: null, max: null };
            const numeric = typeof value === 'number';
            expected.set(id, { group, count: was.count + 1, sum: numeric ? (was.sum ?? 0) + value : was.sum, max: numeric && (was.max === null || value > was.max) ? value : was.max });
          }

          // Act: Split (partition by key), ProcessPartition (partials, serialized to S3), Reduce (merge, finalize, serialized).
          const spec = parseJobSpec({
            jobId: 'keys',
            input,
            partition: { key: partitionKey!, count: 4 },
            sort: { key: amountField! },
            groupBy: groupBy!,
            aggregates: [
              { op: 'count', as: countAs! },
              { op: 'sum', field: amountField!, as: sumAs! },
              { op: 'max', field: amountField!, as: maxAs! },
            ],
            output: { bucket: 'out-bucket' },
          });
          const records = spec.input.format === 'inline' ? spec.input.records : [];
          const partitioner = partitionerFor(spec.partition);
          const partitions = Array.from({ length: partitioner.count }, () => new GroupAccumulator(spec.groupBy, spec.aggregates));
          const placed = records.map((record) => {
            const json = JSON.stringify(record);
            const index = partitioner.partitionOf(record);
            partitions[index]!.add(JSON.parse(json) as Record<string, unknown>, json);
            return index;
          });
          const merger = new PartialMerger(spec.aggregates);
          for (const partition of partitions) merger.add(JSON.parse(JSON.stringify(partition.toPartials())) as GroupPartial[]);
          const groups = JSON.parse(JSON.stringify(finalizeGroups(spec.aggregates, merger.result()))) as { group: unknown; values: Record<string, unknown> }[];

          // Assess
          expect(placed).toEqual(input.map((record) => hashPartition(own(record, partitionKey!) ?? null, 4)));
          expect(groups).toHaveLength(expected.size);
          for (const { group, values } of groups) {
            const want = expected.get(JSON.stringify(group));
            expect(want).toBeDefined();
            expect(new Map(Object.entries(values))).toEqual(
              new Map<string, unknown>([
                [countAs!, want!.count],
                [sumAs!, want!.sum],
                [maxAs!, want!.max],
              ]),
            );
          }
          expectBuiltInsUntouched();
        },
      ),
      { numRuns: 300, seed: 20260121 },
    );
  });

  it('message attributes: every attribute survives the local poller, a delay hop, the DLQ and a replay, by name', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(attributeName, { minLength: 1, maxLength: 9 }),
        fc.string({ minLength: 1, maxLength: 5 }),
        async (names, text) => {
          // Prepare
          const attributes = new Map(names.map((name, i) => [name, `${text}-${i}`]));
          const badBody = receivedMessage('{"id":1}', attributes);
          const early = receivedMessage(JSON.stringify({ id: 'j', n: 1 }), new Map([...attributes, [ENVELOPE_ATTRIBUTES.deliverAt, String(NOW + 3_600_000)]]));
          early.MessageAttributes![ENVELOPE_ATTRIBUTES.deliverAt]!.DataType = 'Number';
          const { sqs, handler } = queueWorker(Job);

          // Act: the local SQS poller builds the event, the worker dead-letters one message and hops the other.
          const records = [badBody, early].map((message) => toSqsRecord(message, 'arn:aws:sqs:us-east-1:123456789012:jobs', 'us-east-1'));
          const response = await handler(sqsEvent(records), testContext());
          const [deadLetter] = sqs.to(DLQ_URL);
          const [hop] = sqs.to(QUEUE_URL);
          const replayed = originalAttributes({ MessageAttributes: JSON.parse(JSON.stringify(deadLetter?.input.MessageAttributes)) as Message['MessageAttributes'] });

          // Assess
          expect(response.batchItemFailures).toEqual([]);
          expect(stringValues(records[0]!.messageAttributes)).toEqual(attributes);
          expect(stringValues(replayed)).toEqual(attributes);
          const hopped = stringValues(hop?.input.MessageAttributes as Record<string, { StringValue?: string }>);
          expect(without(hopped, ENVELOPE_ATTRIBUTES.deliverAt, ENVELOPE_ATTRIBUTES.hops)).toEqual(attributes);
          expect(hopped.get(ENVELOPE_ATTRIBUTES.hops)).toBe(names.length < 9 ? '1' : undefined);
          expectBuiltInsUntouched();
        },
      ),
      { numRuns: 200, seed: 20260122 },
    );
  });

  it('dedup: processes each explicit dedup key and each distinct body once, the body hashed as sent', async () => {
    const looseBody = fc.dictionary(untrustedKey(), fc.integer({ min: 0, max: 2 }), { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.record({ key: untrustedKey() }), fc.record({ body: looseBody })), { minLength: 1, maxLength: 20 }),
        async (messages) => {
          // Prepare: a loose schema keeps unknown fields (zod still drops `__proto__` from its output).
          const dedup = new FakeDedup();
          const { handled, handler } = queueWorker(z.looseObject({}), dedup);
          const records = messages.map((message) =>
            'key' in message
              ? sqsRecord({ body: { explicit: true }, attributes: { [ENVELOPE_ATTRIBUTES.dedupKey]: { dataType: 'String', stringValue: message.key, stringListValues: [], binaryListValues: [] } } })
              : sqsRecord({ body: JSON.stringify(message.body) }),
          );
          const explicitKeys = new Set(messages.flatMap((message) => ('key' in message ? [message.key] : [])));
          const bodies: unknown[] = [];
          for (const message of messages) {
            if (!('key' in message)) {
              const body = JSON.parse(JSON.stringify(message.body)) as unknown;
              if (!bodies.some((seen) => isDeepStrictEqual(seen, body))) bodies.push(body);
            }
          }

          // Act: one message at a time, as duplicates arrive in later batches.
          for (const record of records) expect((await handler(sqsEvent([record]), testContext())).batchItemFailures).toEqual([]);

          // Assess
          const byAttribute = handled.filter(({ meta }) => meta.dedupKeySource === 'attribute').map(({ meta }) => meta.dedupKey);
          expect(new Set(byAttribute)).toEqual(new Set([...explicitKeys].map((key) => `jobs#${key}`)));
          expect(byAttribute).toHaveLength(explicitKeys.size);
          expect(handled.filter(({ meta }) => meta.dedupKeySource === 'content-hash')).toHaveLength(bodies.length);
          expectBuiltInsUntouched();
        },
      ),
      { numRuns: 200, seed: 20260123 },
    );
  });

  it('producer: reports the message id of every batch entry by its id', async () => {
    const entryId = untrustedKey(fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/)).filter((id) => /^[A-Za-z0-9_-]+$/.test(id));
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(entryId, { minLength: 1, maxLength: 25 }), async (ids) => {
        // Prepare
        const sqs = new RecordingSqs();
        const producer = new QueueProducer({ client: sqs.client, queueUrl: QUEUE_URL });
        // Act
        const { messageIds } = await producer.sendBatch(ids.map((id) => ({ id, payload: { id } })));
        // Assess
        expect(new Map(Object.entries(messageIds))).toEqual(new Map(ids.map((id) => [id, `m-${id}`])));
        expectBuiltInsUntouched();
      }),
      { numRuns: 100, seed: 20260124 },
    );
  });

  it('event filter: a pattern on a field named like a built-in sees only the event’s own field', () => {
    fc.assert(
      fc.property(untrustedKey(), fc.boolean(), fc.boolean(), (name, present, exists) => {
        // Prepare
        const [pattern] = parseFilterCriteria({ Filters: [{ Pattern: JSON.stringify({ data: { [name]: [{ exists }] } }) }] });
        const data = JSON.parse(present ? JSON.stringify({ [name]: 'x' }) : '{"other":"x"}') as unknown;
        // Act
        const matched = matchesPattern(pattern!, { data });
        // Assess
        expect(matched).toBe(present === exists);
        expectBuiltInsUntouched();
      }),
      { numRuns: 200, seed: 20260125 },
    );
  });
});
