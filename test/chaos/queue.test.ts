import { chaosTable, runQueueChaos } from './queue-chaos.ts';
import { queueChaosMix } from './queue-scenarios.ts';

const ORDERS = Number(process.env.SLUICE_CHAOS_ORDERS ?? 10_000);
const SEED = Number(process.env.SLUICE_CHAOS_SEED ?? 7);

describe(`Orders queue pipeline under chaos: ${ORDERS} orders, seed ${SEED}`, () => {
  it('takes effect exactly once per order, loses nothing and explains every DLQ entry', async () => {
    // Prepare
    const options = queueChaosMix({ orders: ORDERS, seed: SEED });

    // Act
    const report = await runQueueChaos(options);

    // Assess
    process.stdout.write(chaosTable(`queue chaos (${ORDERS.toLocaleString('en-US')} orders, seed ${SEED})`, report));
    expect(report.injected['crashes before ack']).toBeGreaterThan(0);
    expect(report.injected['invocation timeouts']).toBeGreaterThan(0);
    expect(report.injected['duplicate deliveries']).toBeGreaterThan(0);
    expect(report.injected['DynamoDB throttled']).toBeGreaterThan(0);
    expect(report.effects).toBe(ORDERS);
    expect(report.unexpectedEffects).toBe(0);
    expect(report.totalsMatch).toBe(true);
    expect(report.unexplainedDlq).toBe(0);
    expect(report.lost).toBe(0);
  }, 3_600_000);
});
