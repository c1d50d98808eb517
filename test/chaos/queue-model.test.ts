import { MODEL_CASES, reportModelTally, runQueueModel } from '../helpers/queue-model/queue-model.ts';

/** Sequences per (mode, keys) pair: 4 × 5,000 = 20,000 by default (`npm test` runs 4 × 300). */
const RUNS = Number(process.env.SLUICE_MODEL_RUNS ?? 5_000);
const SEED = Number(process.env.SLUICE_CHAOS_SEED ?? 7);

describe(`queue worker model test at chaos scale: ${RUNS} sequences per mode, seed ${SEED}`, () => {
  afterAll(() => reportModelTally('queue model (chaos)'));

  it.each(MODEL_CASES)('%s mode, %s keys: holds the reference model', async (mode, keys) => {
    await runQueueModel({ mode, keys, numRuns: RUNS, seed: SEED });
  }, 3_600_000);
});
