import { runStreamChaos, streamChaosMix, streamChaosTable } from './stream-chaos.ts';

const RECORDS = Number(process.env.SLUICE_CHAOS_RECORDS ?? 10_000);
const SEED = Number(process.env.SLUICE_CHAOS_SEED ?? 7);

describe(`stream pipeline under chaos: ${RECORDS} records, seed ${SEED}`, () => {
  it('commits each (shard, window) result exactly once, equal to an independent computation', async () => {
    // Prepare
    const options = streamChaosMix({ records: RECORDS, seed: SEED });

    // Act
    const report = await runStreamChaos(options);

    // Assess
    process.stdout.write(streamChaosTable(`stream chaos (${RECORDS.toLocaleString('en-US')} records, seed ${SEED})`, report));
    expect(report.injected['crashes after final commit']).toBeGreaterThan(0);
    expect(report.windowResultsCommitted).toBe(report.windowResultsExpected);
    expect(report.totalsMatch).toBe(true);
    expect(report.rejectedReported).toBeGreaterThanOrEqual(report.rejectedExpected);
    expect(report.lostWindows).toBe(0);
  }, 3_600_000);
});
