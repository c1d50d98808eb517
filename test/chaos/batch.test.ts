import { batchChaosTable, runBatchChaos } from './batch-chaos.ts';

const RECORDS = Number(process.env.SLUICE_CHAOS_BATCH_RECORDS ?? 100_000);
const SEED = Number(process.env.SLUICE_CHAOS_SEED ?? 7);

describe(`batch job under chaos: ${RECORDS} records, seed ${SEED}`, () => {
  it('retries failing and timed-out tasks to exactly the result of a clean run', async () => {
    // Prepare
    const options = { records: RECORDS, partitions: 16, seed: SEED, failBeforeWork: 0.25, timeoutAfterWork: 0.25 };

    // Act
    const report = await runBatchChaos(options);

    // Assess
    process.stdout.write(batchChaosTable(`batch chaos (${RECORDS.toLocaleString('en-US')} records, 16 partitions, seed ${SEED})`, report));
    expect(report.status).toBe('SUCCEEDED');
    expect(report.retries).toBeGreaterThan(0);
    expect(report.sameGroupsAsCleanRun).toBe(true);
    expect(report.sameSortedOutputAsCleanRun).toBe(true);
    expect(report.summaryDifferences).toEqual([]);
  }, 3_600_000);
});
