import type { KinesisStreamRecord } from 'aws-lambda';
import { mergeAggregates } from '../../../shared/stream/aggregates.ts';
import { orderRevenuePipeline } from '../../../examples/orders/lib/order-revenue-pipeline.ts';
import { ConfigurationError } from '../../../shared/errors.ts';
import { processWindowBatch } from '../../../shared/stream/processor.ts';
import { Transform } from '../../../shared/stream/transform.ts';
import { kinesisRecord, orderEvent, tumblingWindowEvent } from '../../helpers/kinesis-events.ts';
import { InMemoryWindowResults, RecordingFailureReporter } from '../../helpers/kinesis-window-store.ts';

const pipeline = orderRevenuePipeline('orders');

function orders(count: number, category = 'books', amountCents = 100): KinesisStreamRecord[] {
  return Array.from({ length: count }, () => kinesisRecord(orderEvent({ category, amountCents })));
}

function dependencies(results = new InMemoryWindowResults()) {
  return { results, failures: new RecordingFailureReporter() };
}

function totalOf(results: InMemoryWindowResults) {
  return mergeAggregates(...results.committed().map((part) => part.aggregates));
}

describe('processWindowBatch', () => {
  it('commits what each invocation aggregated, so the window is exact before its final invocation', async () => {
    // Prepare
    const deps = dependencies();
    // Act
    const first = await processWindowBatch(tumblingWindowEvent([...orders(2), ...orders(1, 'games', 500)]), pipeline, deps);
    await processWindowBatch(tumblingWindowEvent(orders(3), { state: first.response.state }), pipeline, deps);
    // Assess
    expect(deps.results.committed()).toHaveLength(2);
    expect(totalOf(deps.results)).toEqual({ books: { count: 5, sum: 500, min: 100, max: 100 }, games: { count: 1, sum: 500, min: 500, max: 500 } });
    expect(deps.results.closes.size).toBe(0);
  });

  it('closes the window on the final invocation with what its state counted, and returns an empty state', async () => {
    // Prepare
    const deps = dependencies();
    const first = await processWindowBatch(tumblingWindowEvent(orders(2)), pipeline, deps);
    const second = await processWindowBatch(tumblingWindowEvent(orders(3), { state: first.response.state }), pipeline, deps);
    // Act
    const final = await processWindowBatch(tumblingWindowEvent([], { state: second.response.state, final: true }), pipeline, deps);
    // Assess
    expect(final.response).toEqual({ state: {}, batchItemFailures: [] });
    expect([...deps.results.closes.values()].map((c) => c.state)).toEqual([expect.objectContaining({ parts: 2, records: 5, rejected: 0 })]);
    expect(final.summary.closed).toBe(true);
  });

  it('skips records the transform chain filters out without failing them', async () => {
    // Prepare
    const records = [kinesisRecord(orderEvent({ type: 'cart' })), kinesisRecord(orderEvent({ amountCents: 0 })), ...orders(1)];
    // Act
    const { response, summary } = await processWindowBatch(tumblingWindowEvent(records), pipeline, dependencies());
    // Assess
    expect(summary).toMatchObject({ aggregated: 1, filtered: 2 });
    expect(response.batchItemFailures).toEqual([]);
  });

  it('reports undecodable and schema-invalid records with their sequence numbers and processes the rest', async () => {
    // Prepare
    const deps = dependencies();
    const bad = kinesisRecord('%%% not json');
    const invalid = kinesisRecord({ type: 'order', category: 'books' });
    // Act
    const { response } = await processWindowBatch(tumblingWindowEvent([...orders(1), bad, invalid, ...orders(1)]), pipeline, deps);
    // Assess
    expect(deps.failures.reports).toEqual([
      { sequenceNumber: bad.kinesis.sequenceNumber, reason: 'malformed' },
      { sequenceNumber: invalid.kinesis.sequenceNumber, reason: 'schema-invalid' },
    ]);
    expect(response.batchItemFailures).toEqual([]);
    expect(response.state).toMatchObject({ records: 2, rejected: 2 });
  });

  it('commits a window that holds only rejected records, so its rejected count is kept', async () => {
    // Prepare
    const deps = dependencies();
    // Act
    const batch = await processWindowBatch(tumblingWindowEvent([kinesisRecord('not json'), kinesisRecord({ type: 'order' })]), pipeline, deps);
    await processWindowBatch(tumblingWindowEvent([], { state: batch.response.state, final: true }), pipeline, deps);
    // Assess
    expect(deps.results.committed().map(({ records, rejected }) => ({ records, rejected }))).toEqual([{ records: 0, rejected: 2 }]);
  });

  it('stops at a record that fails transiently, committing the records before it and returning it as the checkpoint', async () => {
    // Prepare: the transform throws an unexpected (non-sluice) error on the third record
    const crashing = { ...pipeline, transform: pipeline.transform.map((kv) => { if (kv.value === 666) throw new Error('boom'); return kv; }) };
    const records = [...orders(2), kinesisRecord(orderEvent({ amountCents: 666 })), ...orders(2)];
    const deps = dependencies();
    // Act
    const { response } = await processWindowBatch(tumblingWindowEvent(records), crashing, deps);
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[2]!.kinesis.sequenceNumber }]);
    expect(response.state).toMatchObject({ records: 2, coveredThrough: records[1]!.kinesis.sequenceNumber });
    expect(totalOf(deps.results)).toEqual({ books: { count: 2, sum: 200, min: 100, max: 100 } });
  });

  it('retries a record whose failure report could not be sent instead of dropping it', async () => {
    // Prepare
    const deps = dependencies();
    deps.failures.failing = true;
    const bad = kinesisRecord('not json');
    // Act
    const { response } = await processWindowBatch(tumblingWindowEvent([...orders(1), bad]), pipeline, deps);
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad.kinesis.sequenceNumber }]);
    expect(response.state).toMatchObject({ records: 1, rejected: 0 });
  });

  it('splits an invocation into parts under the size cap, and the parts add up to the window', async () => {
    // Prepare: many distinct keys, a tiny cap
    const deps = { ...dependencies(), maxPartBytes: 1_000 };
    const records = Array.from({ length: 40 }, (_, i) => kinesisRecord(orderEvent({ category: `cat-${i}`, amountCents: i + 1 })));
    // Act
    await processWindowBatch(tumblingWindowEvent(records), pipeline, deps);
    // Assess
    const parts = deps.results.committed();
    expect(parts.length).toBeGreaterThan(1);
    expect(Object.values(totalOf(deps.results)).reduce((sum, a) => sum + a.sum, 0)).toBe((40 * 41) / 2);
  });

  it('counts each record once when a batch is retried after its commit succeeded (a crash before the response)', async () => {
    // Prepare
    const deps = dependencies();
    const event = tumblingWindowEvent(orders(3));
    await processWindowBatch(event, pipeline, deps);
    // Act: Lambda never got the response and retries the same batch with the same (empty) state
    const retry = await processWindowBatch(event, pipeline, deps);
    // Assess
    expect(deps.results.committed()).toHaveLength(1);
    expect(retry.summary).toMatchObject({ committedParts: 0, duplicateParts: 1 });
    expect(retry.response.state).toMatchObject({ parts: 1, records: 3 });
  });

  it('counts each record once when a committed batch comes back bisected', async () => {
    // Prepare: the whole batch was committed, then the invocation failed; Lambda bisects it
    const deps = dependencies();
    const records = orders(6);
    await processWindowBatch(tumblingWindowEvent(records), pipeline, deps);
    // Act
    const firstHalf = await processWindowBatch(tumblingWindowEvent(records.slice(0, 3)), pipeline, deps);
    const secondHalf = await processWindowBatch(tumblingWindowEvent(records.slice(3), { state: firstHalf.response.state }), pipeline, deps);
    // Assess
    expect(totalOf(deps.results)).toEqual({ books: { count: 6, sum: 600, min: 100, max: 100 } });
    expect(secondHalf.summary).toMatchObject({ skipped: 3, committedParts: 0 });
  });

  it('commits the rest of a batch whose first records an earlier attempt committed', async () => {
    // Prepare: an earlier attempt committed the first part of the batch and then crashed
    const deps = { ...dependencies(), maxPartBytes: 1_000 };
    const records = Array.from({ length: 30 }, (_, i) => kinesisRecord(orderEvent({ category: `cat-${i}`, amountCents: 1 })));
    deps.results.failWrites = 0;
    await processWindowBatch(tumblingWindowEvent(records.slice(0, 5)), pipeline, deps);
    // Act
    await processWindowBatch(tumblingWindowEvent(records), pipeline, deps);
    // Assess
    const total = totalOf(deps.results);
    expect(Object.keys(total)).toHaveLength(30);
    expect(Object.values(total).every((a) => a.count === 1)).toBe(true);
  });

  it('counts a window once when its final invocation is retried after the close succeeded', async () => {
    // Prepare
    const deps = dependencies();
    const { response } = await processWindowBatch(tumblingWindowEvent(orders(3)), pipeline, deps);
    const finalEvent = tumblingWindowEvent([], { state: response.state, final: true });
    // Act
    await processWindowBatch(finalEvent, pipeline, deps);
    const retry = await processWindowBatch(finalEvent, pipeline, deps);
    // Assess
    expect(deps.results.committed()).toHaveLength(1);
    expect(deps.results.closes.size).toBe(1);
    expect(retry.summary.closed).toBe(false);
  });

  it('keeps a window closed once and warns when a later final invocation comes for it (records stamped inside it delivered after its close)', async () => {
    // Prepare: the window is closed; then a record stamped inside it is delivered, in the window again
    const warnings: string[] = [];
    const deps = { ...dependencies(), warn: (message: string) => warnings.push(message) };
    const first = await processWindowBatch(tumblingWindowEvent(orders(3)), pipeline, deps);
    await processWindowBatch(tumblingWindowEvent([], { state: first.response.state, final: true }), pipeline, deps);
    const late = await processWindowBatch(tumblingWindowEvent(orders(1)), pipeline, deps);
    // Act
    const lateFinal = await processWindowBatch(tumblingWindowEvent([], { state: late.response.state, final: true }), pipeline, deps);
    // Assess: one close (the first), the late records committed and recorded
    expect([...deps.results.closes.values()].map((c) => c.state.records)).toEqual([3]);
    expect([...deps.results.lateCloses.values()].map((c) => c.state.records)).toEqual([1]);
    expect(totalOf(deps.results)).toEqual({ books: { count: 4, sum: 400, min: 100, max: 100 } });
    expect(lateFinal.summary).toMatchObject({ closed: false, lateClose: true });
    expect(warnings).toEqual([expect.stringContaining('window closed again')]);
  });

  it('throws when a commit fails so that Lambda retries the batch, and the retry commits it once', async () => {
    // Prepare
    const deps = dependencies();
    deps.results.failWrites = 1;
    const event = tumblingWindowEvent(orders(2));
    // Act
    const attempt = processWindowBatch(event, pipeline, deps);
    await expect(attempt).rejects.toThrow('ProvisionedThroughputExceededException');
    await processWindowBatch(event, pipeline, deps);
    // Assess
    expect(totalOf(deps.results)).toEqual({ books: { count: 2, sum: 200, min: 100, max: 100 } });
  });

  it.each([
    ['AWS’s example state', { '1': 282, '2': 715 }],
    ['records set to null', { sluice: 2, parts: 0, records: null, rejected: 0 }],
    ['a sequence number that is not one', { sluice: 2, parts: 1, records: 1, rejected: 0, coveredThrough: 'x' }],
    ['a state of another version', { sluice: 99, parts: 0, records: 0, rejected: 0 }],
  ])('resets a foreign window state (%s) with a warning and commits the batch exactly', async (_name, state) => {
    // Prepare
    const deps = dependencies();
    const warnings: string[] = [];
    // Act
    const { response, summary } = await processWindowBatch(tumblingWindowEvent(orders(2), { state }), pipeline, {
      ...deps,
      warn: (message) => warnings.push(message),
    });
    // Assess
    expect(warnings).toHaveLength(1);
    expect(summary.stateReset).toBeDefined();
    expect(response.state).toMatchObject({ sluice: 2, parts: 1, records: 2, rejected: 0 });
    expect(totalOf(deps.results)).toEqual({ books: { count: 2, sum: 200, min: 100, max: 100 } });
  });

  it('commits the aggregates of a sluice 0.1 state met mid-window after an upgrade', async () => {
    // Prepare: the state 0.1 carried until the final invocation
    const deps = dependencies();
    const legacy = { firstSequenceNumber: '100', lastSequenceNumber: '105', records: 4, rejected: 1, aggregates: { toys: { count: 4, sum: 40, min: 10, max: 10 } }, approxBytes: 400 };
    // Act
    const { response } = await processWindowBatch(tumblingWindowEvent(orders(1), { state: legacy }), pipeline, deps);
    // Assess
    expect(totalOf(deps.results)).toEqual({ toys: { count: 4, sum: 40, min: 10, max: 10 }, books: { count: 1, sum: 100, min: 100, max: 100 } });
    expect(response.state).toMatchObject({ parts: 2, records: 5, rejected: 1 });
  });

  it('refuses an event without a tumbling window instead of acknowledging records it cannot commit', async () => {
    // Prepare: a mapping without TumblingWindowInSeconds sends plain Kinesis events
    const event = { Records: orders(2) } as unknown as Parameters<typeof processWindowBatch>[0];
    // Act
    const attempt = processWindowBatch(event, pipeline, dependencies());
    // Assess
    await expect(attempt).rejects.toThrow(ConfigurationError);
  });

  it('does not mutate the state object Lambda passed in', async () => {
    // Prepare
    const deps = dependencies();
    const { response } = await processWindowBatch(tumblingWindowEvent(orders(1)), pipeline, deps);
    const passedIn = structuredClone(response.state);
    // Act
    await processWindowBatch(tumblingWindowEvent(orders(2), { state: passedIn }), pipeline, deps);
    // Assess
    expect(passedIn).toEqual(response.state);
  });
});

describe('Transform', () => {
  it('applies map and filter steps in order and returns undefined when filtered', () => {
    // Prepare
    const chain = Transform.of<number>().map((n) => n * 2).filter((n) => n > 5).map((n) => `v${n}`);
    // Act
    const results = [chain.apply(1), chain.apply(3)];
    // Assess
    expect(results).toEqual([undefined, 'v6']);
  });
});
