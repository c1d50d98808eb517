import { jest } from '@jest/globals';
import { BATCH_ENV } from '../../shared/batch/contract.ts';
import type { BatchRecord } from '../../shared/batch/fields.ts';
import type { JobSpecInput } from '../../shared/batch/job-spec.ts';
import { SinglePassOrders } from '../../examples/orders/demo/batch-orders.ts';
import { generateOrders, jobSpecInput } from '../helpers/batch-records.ts';
import { startBatchHarness, type BatchHarness } from '../helpers/batch-runtime.ts';

jest.setTimeout(600_000);

/** Orders as JSON Lines. */
const jsonl = (records: readonly BatchRecord[]) => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;

describe('batch jobs with many partitions (Reduce merges runs in levels of bounded fan-in)', () => {
  let batch: BatchHarness;

  beforeAll(async () => {
    batch = await startBatchHarness({ inlineMaxPartitions: 40, partitionsPerBatch: 50, distributedMaxConcurrency: 20 });
  });
  afterAll(async () => {
    await batch?.stop();
  });

  const run = async (jobId: string, overrides: Partial<JobSpecInput>) => {
    const spec = jobSpecInput({ jobId, output: { bucket: batch.bucket, prefix: 'results/' }, ...overrides });
    return batch.machine.wait(await batch.machine.start(spec, jobId));
  };

  it.each([51, 2_000])('sorts and aggregates exactly with %i partitions (more runs than the S3 client has sockets)', async (partitions) => {
    // Prepare: keys spread over every partition
    const records = [...generateOrders(20_000, 5)].map((r, n) => ({ ...r, customer: `c-${n % 9_000}` }));
    await batch.putObject(`inputs/orders-${partitions}.jsonl`, jsonl(records));
    const expected = new SinglePassOrders(3);
    records.forEach((r) => expected.add(r));

    // Act
    const execution = await run(`many-${partitions}`, {
      input: { format: 'jsonl', s3: { bucket: batch.bucket, key: `inputs/orders-${partitions}.jsonl` } },
      partition: { key: 'customer', count: partitions },
    });

    // Assess
    expect({ status: execution.status, error: execution.error, cause: execution.cause?.slice(0, 300) }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
    const summary = JSON.parse(execution.output!);
    expect(summary).toMatchObject({ partitions, records: records.length, groups: expected.groups.size });
    const rows = (await batch.getText(summary.output.groupsKey)).trim().split('\n').map((l) => JSON.parse(l));
    for (const row of rows) expect(row.values).toMatchObject({ count: expected.groups.get(row.group)!.count, sum_amount: expected.groups.get(row.group)!.sum });
    const sorted = (await batch.getText(summary.output.sortedKey)).trim().split('\n');
    expect(sorted.map((l) => (JSON.parse(l) as BatchRecord).id)).toEqual([...expected.sortedIds()]);
  });
});

describe('batch jobs on a small-integer key (the public-dataset case of issue 14)', () => {
  let batch: BatchHarness;
  const RECORDS = 200_000;
  // Keys 0–18 (a small integer), distances 0–4,999: as the dataset that collapsed into 2 of 8 partitions.
  const records = Array.from({ length: RECORDS }, (_, n) => ({ id: n, key: (n * 7) % 19, distance: (n * 7_919) % 5_000 }));

  beforeAll(async () => {
    batch = await startBatchHarness({ inlineMaxPartitions: 40 });
    await batch.putObject('inputs/small-key.jsonl', `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
  });
  afterAll(async () => {
    await batch?.stop();
  });

  const run = async (jobId: string, overrides: Partial<JobSpecInput>) => {
    const spec = jobSpecInput({
      jobId,
      input: { format: 'jsonl', s3: { bucket: batch.bucket, key: 'inputs/small-key.jsonl' } },
      partition: { key: 'key', count: 8 },
      sort: { key: 'distance', direction: 'asc' },
      aggregates: [{ op: 'count' }, { op: 'sum', field: 'distance' }],
      output: { bucket: batch.bucket, prefix: 'results/' },
      ...overrides,
    });
    const execution = await batch.machine.wait(await batch.machine.start(spec, jobId));
    if (execution.status !== 'SUCCEEDED') throw new Error(`${jobId} ${execution.status}: ${execution.error} ${execution.cause?.slice(0, 400)}`);
    const summary = JSON.parse(execution.output!);
    const groups = (await batch.getText(summary.output.groupsKey))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { group: number; values: { count: number; sum_distance: number } });
    const sorted = (await batch.getText(summary.output.sortedKey)).trim().split('\n');
    return { summary, groups, sorted };
  };

  /** Count and sum of distance per group, and ids by distance then input order, computed here. */
  const expected = (groupOf: (r: (typeof records)[number]) => number) => {
    const groups = new Map<number, { count: number; sum: number }>();
    for (const r of records) {
      const g = groups.get(groupOf(r)) ?? { count: 0, sum: 0 };
      groups.set(groupOf(r), { count: g.count + 1, sum: g.sum + r.distance });
    }
    const ids = records.map((r) => r.id).sort((a, b) => records[a]!.distance - records[b]!.distance || a - b);
    return { groups: [...groups].sort(([a], [b]) => a - b).map(([group, g]) => ({ group, values: { count: g.count, sum_distance: g.sum } })), ids };
  };

  it('uses every one of 8 partitions for keys 0–18 and gets the exact result', async () => {
    // Act
    const { summary, groups, sorted } = await run('small-key', { groupBy: 'key' });
    // Assess: balanced (19 keys over 8 partitions: at most 4 keys, 4/19 of the records, in one)
    const want = expected((r) => r.key);
    expect(summary).toMatchObject({ records: RECORDS, partitions: 8, partitionsUsed: 8 });
    expect(summary.largestPartitionRecords).toBeLessThanOrEqual(Math.ceil((RECORDS * 4) / 19) + 8);
    expect(groups).toEqual(want.groups);
    expect(sorted.map((l) => (JSON.parse(l) as { id: number }).id)).toEqual(want.ids);
  });

  it('groups and partitions by a derived key ($floor(distance / 250)) with the same exactness', async () => {
    // Act
    const { summary, groups, sorted } = await run('derived-key', { derive: { band: '$floor(distance / 250)' }, groupBy: 'band', partition: { key: 'band', count: 8 } });
    // Assess: 20 bands over 8 partitions, every one used; records keep their own fields only
    const want = expected((r) => Math.floor(r.distance / 250));
    expect(summary).toMatchObject({ records: RECORDS, partitionsUsed: 8 });
    expect(groups).toEqual(want.groups);
    expect(sorted[0]).toBe(JSON.stringify(records[want.ids[0]!]));
    expect(sorted.map((l) => (JSON.parse(l) as { id: number }).id)).toEqual(want.ids);
  });
});

describe('a partition larger than a slice (one hot key)', () => {
  let batch: BatchHarness;

  beforeAll(async () => {
    // Tiny chunks and slices, so a small input makes a hot partition of many slices.
    batch = await startBatchHarness({ inlineMaxPartitions: 40, functionProps: { environment: { [BATCH_ENV.chunkBytes]: String(16 * 1024), [BATCH_ENV.sliceBytes]: String(64 * 1024) } } });
  });
  afterAll(async () => {
    await batch?.stop();
  });

  it('sorts it in several Map iterations, merges their runs exactly, and names the slice a failure hits', async () => {
    // Prepare: every record has customer "c-hot"
    const records = [...generateOrders(8_000, 11)].map((r) => ({ ...r, customer: 'c-hot' }));
    await batch.putObject('inputs/hot.jsonl', jsonl(records));
    const expected = new SinglePassOrders(3);
    records.forEach((r) => expected.add(r));
    const spec = (jobId: string, overrides: Partial<JobSpecInput> = {}) =>
      jobSpecInput({ jobId, input: { format: 'jsonl', s3: { bucket: batch.bucket, key: 'inputs/hot.jsonl' } }, partition: { key: 'customer', count: 8 }, output: { bucket: batch.bucket, prefix: 'results/' }, ...overrides });

    // Act
    const done = await batch.machine.wait(await batch.machine.start(spec('hot'), 'hot'));
    const failed = await batch.machine.wait(await batch.machine.start(spec('hot-over-limit', { distinctLimit: 1, aggregates: [{ op: 'distinct', field: 'id' }] }), 'hot-over-limit'));

    // Assess: one partition, many slices (Map iterations), the exact result
    expect(done.status).toBe('SUCCEEDED');
    const summary = JSON.parse(done.output!);
    expect(summary).toMatchObject({ records: records.length, partitionsUsed: 1, largestPartitionRecords: records.length });
    const iterations = batch.events.filter((e) => e.type === 'MapIterationSucceeded').length;
    expect(iterations).toBeGreaterThan(5);
    const rows = (await batch.getText(summary.output.groupsKey)).trim().split('\n').map((l) => JSON.parse(l));
    for (const row of rows) expect(row.values).toMatchObject({ count: expected.groups.get(row.group)!.count, sum_amount: expected.groups.get(row.group)!.sum });
    const sorted = (await batch.getText(summary.output.sortedKey)).trim().split('\n');
    expect(sorted.map((l) => (JSON.parse(l) as BatchRecord).id)).toEqual([...expected.sortedIds()]);
    // the failure names the partition, the slice and its records
    expect(failed.status).toBe('FAILED');
    expect(JSON.parse(failed.cause!).errorMessage).toMatch(/^partition \d+ \(records [\d,]+–[\d,]+ of 8,000, slice \d+ of \d+, input lines [\d,]+–[\d,]+\): distinct_id: group "\w+" has more than 1 distinct values/);
  });
});
