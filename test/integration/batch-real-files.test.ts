import { jest } from '@jest/globals';
import type { JobSpecInput } from '../../shared/batch/job-spec.ts';
import { exactParse } from '../../shared/batch/exact-numbers.ts';
import { describeFailure } from '../../shared/batch/job-failure.ts';
import { hashPartition } from '../../shared/batch/partitioners.ts';
import { jobStatus } from '../../local/cli/commands/batch/job-status.ts';
import { formatJob } from '../../local/cli/commands/batch.ts';
import { startBatchHarness, type BatchHarness } from '../helpers/batch-runtime.ts';

jest.setTimeout(300_000);

// One harness for both suites: each job has its own id, so they share the runtime and its bucket.
let batch: BatchHarness;

beforeAll(async () => {
  batch = await startBatchHarness({ inlineMaxPartitions: 16 });
});
afterAll(async () => {
  await batch?.stop();
});

/** Files as users have them (issue 21), through the whole job; every expectation is worked out by hand. */
describe('batch jobs on files as they come', () => {

  const run = async (jobId: string, spec: Omit<JobSpecInput, 'jobId' | 'output'>) => {
    const execution = await batch.machine.wait(await batch.machine.start({ jobId, output: { bucket: batch.bucket, prefix: 'results/' }, ...spec }, jobId));
    if (execution.status !== 'SUCCEEDED') throw new Error(`${jobId} ${execution.status}: ${execution.error} ${execution.cause}`);
    const summary = JSON.parse(execution.output!);
    const lines = async (key: string) => (await batch.getText(key)).split('\n').filter((line) => line !== '');
    return {
      summary,
      groups: (await lines(summary.output.groupsKey)).map((line) => exactParse(line) as { group: unknown; values: Record<string, unknown> }),
      sorted: await lines(summary.output.sortedKey),
    };
  };

  it('reads a CSV with a BOM, mixed line endings, empty cells, a dotted header, big numbers and a blank line', async () => {
    // Prepare: header ends in LF, rows in CRLF; row 3 has no score; a whitespace-only line
    const csv = '\uFEFFid,customer.id,score,big\n3,a,10,12345678901234567891\r\n1,b,,12345678901234567892\r\n   \r\n2,a,-5,1\r\n';
    await batch.putObject('inputs/messy.csv', csv);

    // Act
    const { summary, groups, sorted } = await run('messy-csv', {
      input: { format: 'csv', s3: { bucket: batch.bucket, key: 'inputs/messy.csv' } },
      partition: { key: 'id', count: 3 },
      sort: { key: 'id', direction: 'asc' },
      groupBy: 'customer.id',
      aggregates: [
        { op: 'count' },
        { op: 'max', field: 'score' },
        { op: 'distinct', field: 'score' },
        { op: 'sum', field: 'big' },
        { op: 'min', field: 'big' },
      ],
      badRecordPolicy: 'fail',
    });

    // Assess: sorted by id (the BOM is not part of the name), records as written
    expect({ records: summary.records, skipped: summary.skipped }).toEqual({ records: 3, skipped: 0 });
    expect(sorted).toEqual(['{"id":1,"customer.id":"b","big":12345678901234567892}', '{"id":2,"customer.id":"a","score":-5,"big":1}', '{"id":3,"customer.id":"a","score":10,"big":12345678901234567891}']);
    expect(groups).toEqual([
      { group: 'a', values: { count: 2, max_score: 10, distinct_score: 2, sum_big: 12345678901234567892n, min_big: 1 } },
      // the empty cell is missing: no max, nothing distinct (not "")
      { group: 'b', values: { count: 1, max_score: null, distinct_score: 0, sum_big: 12345678901234567892n, min_big: 12345678901234567892n } },
    ]);
  });

  it('reads JSON Lines with a BOM on line 1 and keeps integers beyond 2^53 apart and exact', async () => {
    // Prepare
    await batch.putObject('inputs/big.jsonl', '\uFEFF{"k":12345678901234567891,"v":2}\n{"k":12345678901234567892,"v":3}\n{ "k" : 12345678901234567891 , "v" : 4 }\n');

    // Act
    const { summary, groups, sorted } = await run('big-jsonl', {
      input: { format: 'jsonl', s3: { bucket: batch.bucket, key: 'inputs/big.jsonl' } },
      partition: { key: 'k', count: 2 },
      sort: { key: 'k', direction: 'desc' },
      groupBy: 'k',
      aggregates: [{ op: 'sum', field: 'v' }],
      badRecordPolicy: 'fail',
    });

    // Assess
    expect({ records: summary.records, skipped: summary.skipped }).toEqual({ records: 3, skipped: 0 });
    expect(groups).toEqual([
      { group: 12345678901234567891n, values: { sum_v: 6 } },
      { group: 12345678901234567892n, values: { sum_v: 3 } },
    ]);
    expect(sorted).toEqual(['{"k":12345678901234567892,"v":3}', '{"k":12345678901234567891,"v":2}', '{ "k" : 12345678901234567891 , "v" : 4 }']);
  });

  it('counts the three rows an unclosed quote swallows as skipped', async () => {
    // Prepare
    await batch.putObject('inputs/unclosed.csv', 'id,v\n1,2\n"3,4\n5,6\n7,8\n');

    // Act
    const { summary } = await run('unclosed-csv', {
      input: { format: 'csv', s3: { bucket: batch.bucket, key: 'inputs/unclosed.csv' } },
      partition: { key: 'id', count: 1 },
      sort: { key: 'id', direction: 'asc' },
      groupBy: 'id',
      aggregates: [{ op: 'count' }],
      badRecordPolicy: 'skip',
    });

    // Assess
    expect({ records: summary.records, skipped: summary.skipped }).toEqual({ records: 1, skipped: 3 });
    expect(summary.badLines).toEqual([{ line: 3, lines: 3, reason: expect.stringContaining('lines 3–5 not read') }]);
  });

  it('sums exactly whatever the partition count: 2^53 and a thousand 1s, ten 0.1s', async () => {
    // Prepare: the 2^53 record and the 1s spread over 16 partitions by id
    const lines = [`{"id":0,"g":"big","v":9007199254740992}`, ...Array.from({ length: 1_000 }, (_, n) => `{"id":${n + 1},"g":"big","v":1}`), ...Array.from({ length: 10 }, (_, n) => `{"id":${2_000 + n},"g":"tenth","v":0.1}`)];
    await batch.putObject('inputs/sums.jsonl', `${lines.join('\n')}\n`);

    // Act
    const jobs = await Promise.all(
      [1, 16].map((count) =>
        run(`sums-${count}`, {
          input: { format: 'jsonl', s3: { bucket: batch.bucket, key: 'inputs/sums.jsonl' } },
          partition: { key: 'id', count },
          sort: { key: 'id', direction: 'asc' },
          groupBy: 'g',
          aggregates: [
            { op: 'sum', field: 'v' },
            { op: 'mean', field: 'v' },
          ],
          badRecordPolicy: 'fail',
        }),
      ),
    );

    // Assess
    for (const { groups } of jobs) {
      expect(groups).toEqual([
        { group: 'big', values: { sum_v: 9007199254741992n, mean_v: 9007199254741992 / 1_001 } },
        { group: 'tenth', values: { sum_v: 1, mean_v: 0.1 } },
      ]);
    }
  });

  it('reads fields named like inherited properties as missing when the record lacks them', async () => {
    // Prepare
    await batch.putObject('inputs/inherited.jsonl', '{"id":2,"toString":"b"}\n{"id":1}\n{"id":3,"constructor":1}\n');

    // Act
    const { groups, sorted } = await run('inherited-names', {
      input: { format: 'jsonl', s3: { bucket: batch.bucket, key: 'inputs/inherited.jsonl' } },
      partition: { key: 'constructor', count: 4 },
      sort: { key: 'constructor', direction: 'asc' },
      groupBy: 'toString',
      aggregates: [{ op: 'count' }],
      badRecordPolicy: 'fail',
    });

    // Assess: missing sorts first, in input order; the missing group is null
    expect(sorted.map((line) => (JSON.parse(line) as { id: number }).id)).toEqual([2, 1, 3]);
    expect(groups).toEqual([
      { group: null, values: { count: 2 } },
      { group: 'b', values: { count: 1 } },
    ]);
  });
});

describe('a failed batch job says where it failed, in one line', () => {

  it('names the state, the partition with its records and input lines, and the error, in the summary item and `sluice batch status`', async () => {
    // Prepare: partition by region; the "eu" group has 3 distinct customers, over the limit of 2
    const lines = ['{"id":1,"region":"us","customer":"a"}', '{"id":2,"region":"eu","customer":"a"}', '{"id":3,"region":"eu","customer":"b"}', '{"id":4,"region":"eu","customer":"c"}'];
    await batch.putObject('inputs/limit.jsonl', `${lines.join('\n')}\n`);
    const spec: JobSpecInput = {
      jobId: 'over-limit',
      input: { format: 'jsonl', s3: { bucket: batch.bucket, key: 'inputs/limit.jsonl' } },
      partition: { key: 'region', count: 4 },
      sort: { key: 'id', direction: 'asc' },
      groupBy: 'region',
      aggregates: [{ op: 'distinct', field: 'customer' }],
      output: { bucket: batch.bucket, prefix: 'results/' },
      distinctLimit: 2,
    };
    const euPartition = hashPartition('eu', 4);
    const sameLines = lines.flatMap((line, n) => (hashPartition((JSON.parse(line) as { region: string }).region, 4) === euPartition ? [n + 1] : []));
    const records = `records 1–${sameLines.length} of ${sameLines.length}, input lines ${sameLines[0]}–${sameLines.at(-1)}`;

    // Act
    const execution = await batch.machine.wait(await batch.machine.start(spec, spec.jobId));
    const status = await jobStatus({ dynamodb: batch.runtime.clients.dynamodb, stateMachineArn: batch.machine.arn, summaryTable: batch.summaryTable }, spec.jobId);

    // Assess
    expect(execution.status).toBe('FAILED');
    expect(status.summary).toMatchObject({ status: 'FAILED', failedState: 'ProcessPartitions', error: 'AggregateLimitError' });
    // The state machine wrote the execution's ISO start time; get() reads it as epoch milliseconds, as Reduce writes it
    // (the description's start date may be rounded differently: the check is the unit, not the millisecond).
    expect(typeof status.summary?.startedAt).toBe('number');
    expect(Math.abs(status.summary!.startedAt - execution.startDate.getTime())).toBeLessThan(1_000);
    const failure = `ProcessPartitions failed: AggregateLimitError: partition ${euPartition} (${records}): distinct_customer: group "eu" has more than 2 distinct values (raise distinctLimit)`;
    expect(status.summary?.status === 'FAILED' && describeFailure(status.summary)).toBe(failure);
    expect(formatJob(status).split('\n').filter((row) => row.startsWith('failure'))).toEqual([`failure  ${failure}`]);
  });
});
