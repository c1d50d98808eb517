import { jest } from '@jest/globals';
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
