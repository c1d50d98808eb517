import type { Clock } from '../../shared/clock.ts';
import { emptyAggregates } from '../../shared/stream/aggregates.ts';
import { WindowResultStore } from '../../shared/stream/window-results.ts';
import { createResultsTable, emulatorClients, uniqueName } from '../helpers/kinesis-fixtures.ts';

describe('WindowResultStore on DynamoDB Local', () => {
  const { dynamodb } = emulatorClients();
  const window = { start: '2026-01-01T00:00:00Z', end: '2026-01-01T00:01:00Z' };
  const shardId = 'shardId-000000000000';

  afterAll(() => dynamodb.destroy());

  it('stamps parts and closes with the time of the clock it is given', async () => {
    // Prepare
    const tableName = uniqueName('window-results');
    await createResultsTable(dynamodb, tableName);
    const times = [Date.UTC(2030, 4, 1, 12, 0, 0), Date.UTC(2030, 4, 1, 12, 0, 7)];
    const clock: Clock = { now: () => times.shift()! };
    const store = new WindowResultStore(dynamodb, tableName, clock);
    const part = { firstSequenceNumber: '100', lastSequenceNumber: '109', records: 10, rejected: 0, aggregates: emptyAggregates() };
    // Act
    await store.commit({ pipeline: 'clock', shardId, window, part });
    await store.close({ pipeline: 'clock', shardId, window, state: { sluice: 2, parts: 1, records: 10, rejected: 0, coveredThrough: '109' }, terminatedEarly: false });
    const items = await store.parts('clock', shardId, window.start);
    // Assess
    expect(items.map((item) => [item.kind, item.committedAt])).toEqual([
      ['part', '2030-05-01T12:00:00.000Z'],
      ['close', '2030-05-01T12:00:07.000Z'],
    ]);
  });

  it('refuses a second part from the same first record and returns the first part\'s extent', async () => {
    // Prepare
    const tableName = uniqueName('window-results');
    await createResultsTable(dynamodb, tableName);
    const store = new WindowResultStore(dynamodb, tableName);
    const first = { firstSequenceNumber: '200', lastSequenceNumber: '250', records: 40, rejected: 2, aggregates: emptyAggregates() };
    await store.commit({ pipeline: 'retry', shardId, window, part: first });
    // Act
    const outcome = await store.commit({ pipeline: 'retry', shardId, window, part: { ...first, lastSequenceNumber: '230', records: 25, rejected: 1 } });
    // Assess
    expect(outcome).toEqual({ status: 'duplicate', lastSequenceNumber: '250', records: 40, rejected: 2 });
  });

  it('keeps one close per shard window: a later final invocation for it is recorded as a late item, once', async () => {
    // Prepare: a window closed over its first part; then a record stamped inside it is delivered after its close
    const tableName = uniqueName('window-results');
    await createResultsTable(dynamodb, tableName);
    const store = new WindowResultStore(dynamodb, tableName);
    const part = (first: string, last: string, records: number) => ({ firstSequenceNumber: first, lastSequenceNumber: last, records, rejected: 0, aggregates: emptyAggregates() });
    await store.commit({ pipeline: 'late', shardId, window, part: part('100', '109', 10) });
    const firstClose = await store.close({ pipeline: 'late', shardId, window, state: { sluice: 2, parts: 1, records: 10, rejected: 0, coveredThrough: '109' }, terminatedEarly: false });
    await store.commit({ pipeline: 'late', shardId, window, part: part('150', '150', 1) });
    const lateState = { sluice: 2 as const, parts: 1, records: 1, rejected: 0, coveredThrough: '150' };
    // Act: the second final invocation, retried after its write, and a retry of the first one
    const late = await store.close({ pipeline: 'late', shardId, window, state: lateState, terminatedEarly: false });
    const lateRetried = await store.close({ pipeline: 'late', shardId, window, state: lateState, terminatedEarly: false });
    const firstRetried = await store.close({ pipeline: 'late', shardId, window, state: { sluice: 2, parts: 1, records: 10, rejected: 0, coveredThrough: '109' }, terminatedEarly: false });
    const items = await store.parts('late', shardId, window.start);
    // Assess
    expect([firstClose, late, lateRetried, firstRetried]).toEqual(['closed', 'late', 'late', 'duplicate']);
    expect(items.map((item) => [item.kind, item.lastSequenceNumber, item.closed])).toEqual([
      ['part', '109', undefined],
      ['part', '150', undefined],
      ['close', '109', { parts: 1, records: 10, rejected: 0 }],
      ['late', '150', { parts: 1, records: 1, rejected: 0 }],
    ]);
  });
});
