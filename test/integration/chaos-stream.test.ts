import { runStreamChaos, streamChaosMix, streamChaosTable } from '../chaos/stream-chaos.ts';

describe('stream pipeline under seeded chaos (the small run; `npm run test:chaos` runs more)', () => {
  it('commits each (shard, window) result exactly once, equal to an independent computation, under crashes, timeouts, throttling and lost responses', async () => {
    // Prepare
    const options = streamChaosMix({ records: 1_500, seed: 13 });

    // Act
    const report = await runStreamChaos(options);

    // Assess
    process.stdout.write(streamChaosTable('stream chaos (1,500 records, seed 13)', report));
    const injected = (kind: string) => report.injected[kind] ?? 0;
    expect(injected('crashes after final commit')).toBeGreaterThan(0);
    expect(injected('crashes before work') + injected('crashes after work') + injected('timeouts after work')).toBeGreaterThan(0);
    expect(report.windowResultsCommitted).toBe(report.windowResultsExpected);
    expect(report.closesMatchParts).toBe(true);
    expect(report.totalsMatch).toBe(true);
    expect(report.rejectedReported).toBeGreaterThanOrEqual(report.rejectedExpected);
    expect(report.lostWindows).toBe(0);
  }, 300_000);
});
