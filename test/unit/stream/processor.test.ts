import type { KinesisStreamRecord } from 'aws-lambda';
import { mergeAggregates } from '../../../shared/stream/aggregates.ts';
import { orderRevenuePipeline } from '../../../examples/orders/lib/order-revenue-pipeline.ts';
import { processWindowBatch } from '../../../shared/stream/processor.ts';
import { Transform } from '../../../shared/stream/transform.ts';
import { kinesisRecord, orderEvent, tumblingWindowEvent } from '../../helpers/kinesis-events.ts';
import { InMemoryWindowResults, RecordingFailureReporter } from '../../helpers/kinesis-window-store.ts';

const pipeline = orderRevenuePipeline('orders');

function orders(count: number, category = 'books', amountCents = 100): KinesisStreamRecord[] {
  return Array.from({ length: count }, () => kinesisRecord(orderEvent({ category, amountCents })));
}

describe('processWindowBatch', () => {
  it('carries per-key aggregates in the window state and commits them once on the final invocation', async () => {
    // Prepare
    const results = new InMemoryWindowResults();
    const deps = { results, failures: new RecordingFailureReporter() };
    // Act
    const first = await processWindowBatch(tumblingWindowEvent([...orders(2), ...orders(1, 'games', 500)]), pipeline, deps);
    const second = await processWindowBatch(tumblingWindowEvent(orders(3), { state: first.response.state }), pipeline, deps);
    const final = await processWindowBatch(tumblingWindowEvent([], { state: second.response.state, final: true }), pipeline, deps);
    // Assess
    const [committed] = [...results.items.values()];
    expect(results.items.size).toBe(1);
    expect(committed?.state.aggregates).toEqual({ books: { count: 5, sum: 500, min: 100, max: 100 }, games: { count: 1, sum: 500, min: 500, max: 500 } });
    expect(final.response).toEqual({ state: {}, batchItemFailures: [] });
  });

  it('skips records the transform chain filters out without failing them', async () => {
    // Prepare
    const records = [kinesisRecord(orderEvent({ type: 'cart' })), kinesisRecord(orderEvent({ amountCents: 0 })), ...orders(1)];
    // Act
    const { response, summary } = await processWindowBatch(tumblingWindowEvent(records), pipeline, {
      results: new InMemoryWindowResults(),
      failures: new RecordingFailureReporter(),
    });
    // Assess
    expect(summary).toMatchObject({ aggregated: 1, filtered: 2 });
    expect(response.batchItemFailures).toEqual([]);
  });

  it('reports undecodable and schema-invalid records with their sequence numbers and processes the rest', async () => {
    // Prepare
    const failures = new RecordingFailureReporter();
    const bad = kinesisRecord('%%% not json');
    const invalid = kinesisRecord({ type: 'order', category: 'books' });
    // Act
    const { response } = await processWindowBatch(tumblingWindowEvent([...orders(1), bad, invalid, ...orders(1)]), pipeline, {
      results: new InMemoryWindowResults(),
      failures,
    });
    // Assess
    expect(failures.reports).toEqual([
      { sequenceNumber: bad.kinesis.sequenceNumber, reason: 'malformed' },
      { sequenceNumber: invalid.kinesis.sequenceNumber, reason: 'schema-invalid' },
    ]);
    expect(response.batchItemFailures).toEqual([]);
    expect(response.state).toMatchObject({ records: 2, rejected: 2 });
  });

  it('stops at a record that fails transiently, returning it as the checkpoint and a state without it', async () => {
    // Prepare: the transform throws an unexpected (non-sluice) error on the third record
    const crashing = { ...pipeline, transform: pipeline.transform.map((kv) => { if (kv.value === 666) throw new Error('boom'); return kv; }) };
    const records = [...orders(2), kinesisRecord(orderEvent({ amountCents: 666 })), ...orders(2)];
    // Act
    const { response } = await processWindowBatch(tumblingWindowEvent(records), crashing, {
      results: new InMemoryWindowResults(),
      failures: new RecordingFailureReporter(),
    });
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: records[2]!.kinesis.sequenceNumber }]);
    expect(response.state).toMatchObject({ records: 2, aggregates: { books: { count: 2, sum: 200 } } });
  });

  it('retries a record whose failure report could not be sent instead of dropping it', async () => {
    // Prepare
    const failures = new RecordingFailureReporter();
    failures.failing = true;
    const bad = kinesisRecord('not json');
    // Act
    const { response } = await processWindowBatch(tumblingWindowEvent([...orders(1), bad]), pipeline, { results: new InMemoryWindowResults(), failures });
    // Assess
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: bad.kinesis.sequenceNumber }]);
    expect(response.state).toMatchObject({ records: 1, rejected: 0 });
  });

  it('commits parts early when the state outgrows the cap, and the parts add up to the window', async () => {
    // Prepare: many distinct keys, a tiny cap
    const results = new InMemoryWindowResults();
    const records = Array.from({ length: 40 }, (_, i) => kinesisRecord(orderEvent({ category: `cat-${i}`, amountCents: i + 1 })));
    const deps = { results, failures: new RecordingFailureReporter(), maxStateBytes: 1_000 };
    // Act
    const batch = await processWindowBatch(tumblingWindowEvent(records), pipeline, deps);
    await processWindowBatch(tumblingWindowEvent([], { state: batch.response.state, final: true }), pipeline, deps);
    // Assess
    const parts = [...results.items.values()];
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.slice(0, -1).every((p) => p.terminatedEarly)).toBe(true);
    const total = mergeAggregates(...parts.map((p) => p.state.aggregates));
    expect(Object.values(total).reduce((sum, a) => sum + a.sum, 0)).toBe((40 * 41) / 2);
  });

  it('counts a window once when its final invocation is retried after the commit succeeded', async () => {
    // Prepare
    const results = new InMemoryWindowResults();
    const deps = { results, failures: new RecordingFailureReporter() };
    const { response } = await processWindowBatch(tumblingWindowEvent(orders(3)), pipeline, deps);
    const finalEvent = tumblingWindowEvent([], { state: response.state, final: true });
    // Act
    await processWindowBatch(finalEvent, pipeline, deps);
    const retry = await processWindowBatch(finalEvent, pipeline, deps);
    // Assess
    expect(results.items.size).toBe(1);
    expect(retry.summary.duplicateCommits).toBe(1);
  });

  it('throws when the final commit fails so that Lambda retries the final invocation', async () => {
    // Prepare
    const results = new InMemoryWindowResults();
    results.failNextCommit = true;
    const finalEvent = tumblingWindowEvent(orders(1), { final: true });
    // Act
    const attempt = processWindowBatch(finalEvent, pipeline, { results, failures: new RecordingFailureReporter() });
    // Assess
    await expect(attempt).rejects.toThrow('ProvisionedThroughputExceededException');
  });

  it('does not mutate the state object Lambda passed in', async () => {
    // Prepare
    const deps = { results: new InMemoryWindowResults(), failures: new RecordingFailureReporter() };
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
