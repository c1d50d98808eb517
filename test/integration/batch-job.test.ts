import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { BatchRecord } from '../../shared/batch/fields.ts';
import type { JobSpecInput } from '../../shared/batch/job-spec.ts';
import type { LocalFunction } from '../../local/runtime/local-function.ts';
import { SinglePassOrders } from '../../examples/orders/demo/batch-orders.ts';
import { generateOrders, jobSpecInput } from '../helpers/batch-records.ts';
import { startBatchHarness, type BatchHarness } from '../helpers/batch-runtime.ts';

const RECORDS = 60_000;
const MALFORMED_LINE = 1_234;

/** The input as JSON Lines with one malformed line at {@link MALFORMED_LINE}; ids are input positions. */
function ordersJsonl(records: readonly BatchRecord[]): string {
  const lines = records.map((r) => JSON.stringify(r));
  lines.splice(MALFORMED_LINE - 1, 0, '{"id": 999999, "region": "eu", broken');
  return `${lines.join('\n')}\n`;
}

/** The result computed independently in one pass, without sluice's code (the demo's batch stage checks the same way). */
function singlePass(records: readonly BatchRecord[]) {
  const expected = new SinglePassOrders(3);
  records.forEach((r) => expected.add(r));
  return { groups: expected.groups, sortedIds: [...expected.sortedIds()] };
}

const spec = (overrides: Partial<JobSpecInput>, bucket: string): JobSpecInput =>
  jobSpecInput({
    input: { format: 'jsonl', s3: { bucket, key: 'inputs/orders.jsonl' } },
    partition: { key: 'customer', count: 8 },
    output: { bucket, prefix: 'results/' },
    badRecordPolicy: 'skip',
    ...overrides,
  });

describe('batch job on the local runtime (synthesized state machine over fauxqs S3 + DynamoDB Local)', () => {
  const records = [...generateOrders(RECORDS, 42)];
  const expected = singlePass(records);
  const partitionCalls: number[] = [];
  let batch: BatchHarness;

  // One partition's first invocation is throttled, as Lambda does under load.
  const throttleOnce = (fn: LocalFunction): LocalFunction => {
    if (fn.entry !== 'functions/batch-partition.ts') return fn;
    return {
      ...fn,
      invoke: async (event) => {
        const index = (event as { partition?: { index: number } }).partition?.index ?? -1;
        partitionCalls.push(index);
        if (index === 3 && partitionCalls.filter((i) => i === 3).length === 1) {
          throw Object.assign(new Error('Rate Exceeded.'), { name: 'Lambda.TooManyRequestsException' });
        }
        return fn.invoke(event);
      },
    };
  };

  beforeAll(async () => {
    batch = await startBatchHarness({ inlineMaxPartitions: 16, partitionsPerBatch: 5 }, { wrapFunction: throttleOnce });
    await batch.putObject('inputs/orders.jsonl', ordersJsonl(records));
  });
  afterAll(async () => {
    await batch?.stop();
  });

  it('computes exactly what a single pass computes, recovers a throttled partition by Retry, and reports the skipped line', async () => {
    // Act
    const executionArn = await batch.machine.start(spec({ jobId: 'inline-job' }, batch.bucket), 'inline-job');
    const execution = await batch.machine.wait(executionArn);

    // Assess: the execution and its summary
    expect(execution).toMatchObject({ status: 'SUCCEEDED' });
    const summary = JSON.parse(execution.output!);
    expect(summary).toMatchObject({ jobId: 'inline-job', status: 'SUCCEEDED', partitions: 8, records: RECORDS, groups: expected.groups.size, skipped: 1 });
    expect(summary.badLines).toEqual([{ line: MALFORMED_LINE, reason: expect.stringMatching(/^not JSON/) }]);
    // the Retry: partition 3 ran twice, the event log shows the retry of ProcessPartition
    expect(partitionCalls.filter((i) => i === 3)).toHaveLength(2);
    expect(batch.events.some((e) => e.type === 'StateRetried' && 'state' in e && e.state.name === 'ProcessPartition')).toBe(true);

    // Assess: the groups equal the independent computation (exact counts and sums, means to 1e-9)
    const rows = (await batch.getText(summary.output.groupsKey)).trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((r) => r.group)).toEqual([...expected.groups.keys()].sort());
    for (const row of rows) {
      const g = expected.groups.get(row.group)!;
      expect(row.values).toMatchObject({ count: g.count, sum_amount: g.sum, min_amount: g.min, max_amount: g.max, distinct_customer: g.customers.size });
      expect(Math.abs(row.values.mean_amount - g.sum / g.count) / (g.sum / g.count)).toBeLessThan(1e-9);
      expect(row.values.top3_amount.map((r: BatchRecord) => r.amount)).toEqual(g.topAmounts);
    }

    // Assess: the sorted output is the stable sort of the valid input by amount
    const sorted = (await batch.getText(summary.output.sortedKey)).trim().split('\n');
    expect(sorted).toHaveLength(RECORDS);
    expect(sorted.map((l) => (JSON.parse(l) as BatchRecord).id)).toEqual(expected.sortedIds);

    // Assess: the summary item in DynamoDB
    const item = await batch.runtime.clients.dynamodb.send(new GetItemCommand({ TableName: batch.summaryTable, Key: { jobId: { S: 'inline-job' } } }));
    expect(item.Item).toMatchObject({ status: { S: 'SUCCEEDED' }, records: { N: String(RECORDS) }, skipped: { N: '1' } });
  });

  it('runs large jobs through the Distributed Map (ItemReader over the S3 manifest, ItemBatcher) with the same result', async () => {
    // Act
    const executionArn = await batch.machine.start(spec({ jobId: 'distributed-job', partition: { key: 'customer', count: 23 } }, batch.bucket), 'distributed-job');
    const execution = await batch.machine.wait(executionArn);

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    const summary = JSON.parse(execution.output!);
    expect(summary).toMatchObject({ partitions: 23, records: RECORDS, groups: expected.groups.size });
    const childRuns = batch.events.filter((e) => e.type === 'DistributedMapChildSucceeded');
    expect(childRuns).toHaveLength(Math.ceil(23 / 5));
    const rows = (await batch.getText(summary.output.groupsKey)).trim().split('\n').map((l) => JSON.parse(l));
    for (const row of rows) expect(row.values.sum_amount).toBe(expected.groups.get(row.group)!.sum);
    const sorted = (await batch.getText(summary.output.sortedKey)).trim().split('\n');
    expect(sorted.map((l) => (JSON.parse(l) as BatchRecord).id)).toEqual(expected.sortedIds);
  });

  it('fails the job under the fail policy, naming the malformed line, and records the failure', async () => {
    // Prepare
    await batch.putObject('inputs/small.jsonl', '{"id":0,"region":"eu","customer":"c","amount":1}\n\n{"id":1,"region":\n');
    const input = { s3: { bucket: batch.bucket, key: 'inputs/small.jsonl' }, format: 'jsonl' as const };

    // Act
    const executionArn = await batch.machine.start(spec({ jobId: 'strict-job', input, badRecordPolicy: 'fail' }, batch.bucket), 'strict-job');
    const execution = await batch.machine.wait(executionArn);

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: 'BadRecordError' });
    expect(JSON.parse(execution.cause!)).toMatchObject({ errorType: 'BadRecordError', errorMessage: expect.stringMatching(/^input line 3: not JSON/) });
    const item = await batch.runtime.clients.dynamodb.send(new GetItemCommand({ TableName: batch.summaryTable, Key: { jobId: { S: 'strict-job' } } }));
    expect(item.Item).toMatchObject({ status: { S: 'FAILED' }, error: { S: 'BadRecordError' } });
    expect(item.Item!.cause!.S).toContain('input line 3');
  });

  it('reads CSV input (numbers typed from the text) and inline input to the same result', async () => {
    // Prepare
    const few = records.slice(0, 500);
    const csv = ['id,region,customer,amount,day', ...few.map((r) => [r.id, r.region, r.customer, r.amount, r.day].join(','))].join('\n');
    await batch.putObject('inputs/orders.csv', csv);
    const expectedSums = singlePass(few).groups;

    // Act
    const runs = await Promise.all(
      [
        spec({ jobId: 'csv-job', input: { format: 'csv', s3: { bucket: batch.bucket, key: 'inputs/orders.csv' } } }, batch.bucket),
        spec({ jobId: 'inline-input-job', input: few as never }, batch.bucket),
      ].map(async (job) => batch.machine.wait(await batch.machine.start(job, job.jobId))),
    );

    // Assess
    for (const execution of runs) {
      expect(execution.status).toBe('SUCCEEDED');
      const summary = JSON.parse(execution.output!);
      const rows = (await batch.getText(summary.output.groupsKey)).trim().split('\n').map((l) => JSON.parse(l));
      expect(Object.fromEntries(rows.map((r) => [r.group, r.values.sum_amount]))).toEqual(
        Object.fromEntries([...expectedSums].map(([region, g]) => [region, g.sum])),
      );
    }
  });

  it('refuses a second execution with the same job id', async () => {
    // Act
    const again = batch.machine.start(spec({ jobId: 'inline-job' }, batch.bucket), 'inline-job');

    // Assess
    await expect(again).rejects.toMatchObject({ name: 'ExecutionAlreadyExists' });
  });
});
