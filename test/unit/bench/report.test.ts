import type { ColdStartResult } from '../../../bench/cold-start.ts';
import { renderReport, type BenchResults } from '../../../bench/report.ts';

function bundle(bytes: number): ColdStartResult['sdkExternal'] {
  return { bytes, gzipBytes: bytes / 4, byPackage: [['zod', bytes / 2]], importSamples: [100, 110], importMs: 105 };
}

function results(overrides: Partial<BenchResults> = {}): BenchResults {
  return {
    startedAt: '2026-11-25T08:00:00.000Z',
    finishedAt: '2026-11-25T08:10:00.000Z',
    command: 'npm run bench -- --only cold',
    machine: { cpus: 2, node: '24.0.0', loadBefore: [1, 1, 1], loadAfter: [1, 1, 1] },
    queue: undefined,
    scaling: [],
    coldStart: undefined,
    batch: undefined,
    stream: undefined,
    profileNotes: 'notes',
    ...overrides,
  };
}

describe('renderReport', () => {
  it('says plainly what was not measured instead of leaving a row out', () => {
    // Act
    const report = renderReport(results());
    // Assess
    expect(report).toMatch(/\| queue worker ≥ 1.5× Powertools \| \*not measured yet\* \|/);
    expect(report).toMatch(/\| batch ≤ 1.5× single-process time at 1M records \| \*not measured yet\* \|/);
    expect(report).toContain('## Stream\n\n*not measured yet*');
  });

  it('judges the bundle target from the measured sizes and says by how much it is missed', () => {
    // Prepare
    const coldStart: ColdStartResult[] = [
      { target: { name: 'order-worker', entry: 'examples/orders/functions/order-worker.ts' }, sdkExternal: bundle(300 * 1024), sdkBundled: bundle(600 * 1024) },
      { target: { name: 'baseline', entry: 'bench/baselines/powertools-order-worker.ts' }, sdkExternal: bundle(400 * 1024), sdkBundled: bundle(800 * 1024) },
    ];
    // Act
    const report = renderReport(results({ coldStart }));
    // Assess
    expect(report).toContain('| 75 % (300.0 KiB vs 400.0 KiB) | **missed** by 25 points |');
  });

  it('marks the bundle target met when the handler is at most half the baseline', () => {
    const coldStart: ColdStartResult[] = [
      { target: { name: 'order-worker', entry: 'examples/orders/functions/order-worker.ts' }, sdkExternal: bundle(100 * 1024), sdkBundled: bundle(600 * 1024) },
      { target: { name: 'baseline', entry: 'bench/baselines/powertools-order-worker.ts' }, sdkExternal: bundle(400 * 1024), sdkBundled: bundle(800 * 1024) },
    ];
    expect(renderReport(results({ coldStart }))).toContain('| 25 % (100.0 KiB vs 400.0 KiB) | met |');
  });
});
