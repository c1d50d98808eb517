import type { ColdStartResult } from '../../../bench/cold-start.ts';
import { renderReport, type BenchResults } from '../../../bench/report.ts';

function bundle(bytes: number, importCpuMs = 80): ColdStartResult['sdkExternal'] {
  return { bytes, gzipBytes: bytes / 4, byPackage: [['zod', bytes / 2]], importSamples: [100, 110], importMs: 105, importCpuSamples: [importCpuMs], importCpuMs };
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
    expect(report).toMatch(/\| queue worker ≥ 2× Powertools with AWS latency \| \*not measured yet\* \|/);
    expect(report).toMatch(/\| cost per million messages ≤ Powertools in every column \| \*not measured yet\* \|/);
    expect(report).toMatch(/\| batch ≤ 1.5× single-process time at 1M records \| \*not measured yet\* \|/);
    expect(report).toContain('### Stream\n\nMachine: 2 CPUs, Node 24.0.0. Load average (1/5/15 min) not recorded for this section.\n\n*not measured yet*');
  });

  it('leads with the AWS terms and puts the raw-emulator figures after them', () => {
    // Act
    const report = renderReport(results());
    // Assess
    expect(report.indexOf('## In AWS terms')).toBeLessThan(report.indexOf('## On the raw emulators'));
    expect(report.indexOf('### Cost per million messages')).toBeLessThan(report.indexOf('## On the raw emulators'));
    expect(report).toContain('| DynamoDB on demand, us-east-1: $0.625 per million write request units');
  });

  it('judges the bundle and import targets from the measured sizes and CPU times, and says by how much they are missed', () => {
    // Prepare
    const coldStart: ColdStartResult[] = [
      { target: { name: 'order-worker', entry: 'examples/orders/functions/order-worker.ts' }, sdkExternal: bundle(160 * 1024, 70), sdkBundled: bundle(600 * 1024, 72) },
      { target: { name: 'baseline', entry: 'bench/baselines/powertools-order-worker.ts' }, sdkExternal: bundle(400 * 1024, 80), sdkBundled: bundle(800 * 1024, 90) },
    ];
    // Act
    const report = renderReport(results({ coldStart }));
    // Assess
    expect(report).toContain('| 160.0 KiB (Powertools baseline 400.0 KiB) | **missed** by 10.0 KiB |');
    expect(report).toContain('| 0.80× (72.0 vs 90.0 ms); SDK external 0.88× | **missed** by 0.20× |');
  });

  it('marks the bundle and import targets met within the limits', () => {
    const coldStart: ColdStartResult[] = [
      { target: { name: 'order-worker', entry: 'examples/orders/functions/order-worker.ts' }, sdkExternal: bundle(100 * 1024, 40), sdkBundled: bundle(600 * 1024, 50) },
      { target: { name: 'baseline', entry: 'bench/baselines/powertools-order-worker.ts' }, sdkExternal: bundle(400 * 1024, 80), sdkBundled: bundle(800 * 1024, 100) },
    ];
    const report = renderReport(results({ coldStart }));
    expect(report).toContain('| 100.0 KiB (Powertools baseline 400.0 KiB) | met |');
    expect(report).toContain('| 0.50× (50.0 vs 100.0 ms); SDK external 0.50× | met |');
  });
});
