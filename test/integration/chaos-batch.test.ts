import { batchChaosTable, runBatchChaos } from '../chaos/batch-chaos.ts';

describe('batch job under seeded chaos (the small run; `npm run test:chaos` runs more)', () => {
  it('retries failing and timed-out partitions to exactly the result of a clean run', async () => {
    // Prepare
    const options = { records: 5_000, partitions: 8, seed: 17, failBeforeWork: 0.25, timeoutAfterWork: 0.25 };

    // Act
    const report = await runBatchChaos(options);

    // Assess
    process.stdout.write(batchChaosTable('batch chaos (5,000 records, 8 partitions, seed 17)', report));
    expect(report.status).toBe('SUCCEEDED');
    expect((report.injected['timeouts after work'] ?? 0) + (report.injected.throttled ?? 0) + (report.injected['service errors'] ?? 0)).toBeGreaterThan(0);
    expect(report.retries).toBeGreaterThan(0);
    expect(report.sameGroupsAsCleanRun).toBe(true);
    expect(report.sameSortedOutputAsCleanRun).toBe(true);
    expect(report.summaryDifferences).toEqual([]);
  }, 300_000);
});
