import { chaosTable, runQueueChaos } from '../chaos/queue-chaos.ts';
import { queueChaosMix } from '../chaos/queue-scenarios.ts';

describe('Orders queue pipeline under seeded chaos (the small run; `npm run test:chaos` runs 10,000)', () => {
  it('takes effect exactly once per order and explains every DLQ entry under duplicates, crashes, timeouts, throttling and lost responses', async () => {
    // Prepare
    // Twice the mix's crash and timeout rates: ~130 invocations must see both kinds of fault.
    const mix = queueChaosMix({ orders: 1_000, seed: 11 });
    const options = { ...mix, pollerFaults: { ...mix.pollerFaults, crashBeforeAck: 0.1, invocationTimeout: 0.08 } };

    // Act
    const report = await runQueueChaos(options);

    // Assess
    process.stdout.write(chaosTable('queue chaos (1,000 orders, seed 11)', report));
    expect(report.injected['crashes before ack']).toBeGreaterThan(0);
    expect(report.injected['invocation timeouts']).toBeGreaterThan(0);
    expect(report.injected['DynamoDB throttled']).toBeGreaterThan(0);
    expect(report.duplicatesAbsorbed).toBeGreaterThanOrEqual(report.duplicatesSent);
    expect(report.effects).toBe(report.uniqueOrders);
    expect(report.unexpectedEffects).toBe(0);
    expect(report.totalsMatch).toBe(true);
    expect(report.unexplainedDlq).toBe(0);
    expect(report.lost).toBe(0);
  }, 300_000);
});
