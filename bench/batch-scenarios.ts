import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './repo-root.ts';
import type { EmulatorEndpoints } from '../local/emulators/index.ts';
import { generateOrdersJsonl, startBatchBench, type Checksum, type Timed } from './batch-benchmark.ts';
import { pairedRatios } from './stats.ts';
import type { JobSpecInput } from '../shared/batch/job-spec.ts';

/** One batch run beside the single-process reference on the same records. */
export interface BatchPair {
  records: number;
  partitions: number;
  batch: Timed;
  single: Timed;
}

export interface BatchResults {
  /** The headline size, in interleaved pairs. */
  headline: { records: number; partitions: number; pairs: BatchPair[]; ratio: ReturnType<typeof pairedRatios> };
  /** Further sizes and partition counts, one pair each. */
  scaling: BatchPair[];
  /** Named variants of the job (a skewed key, a derived key), one pair each. */
  points?: (BatchPair & { label: string })[];
}

/**
 * A named variant of the benchmark job: `hotCustomer` gives every record one partition key (the whole
 * input in one partition); `overrides` changes the spec (e.g. a derived partition key).
 */
export interface BatchPoint {
  label: string;
  records: number;
  partitions: number;
  hotCustomer?: string;
  overrides?: Partial<JobSpecInput>;
}

/**
 * The variants `npm run bench` measures beside the headline: one hot key, and a key derived by JSONata.
 *
 * @example
 * const points = batchPoints(200_000);
 */
export function batchPoints(records: number): BatchPoint[] {
  return [
    { label: 'skewed: every record one partition key', records, partitions: 16, hotCustomer: 'c-hot' },
    { label: 'derived partition key: $floor(amount / 1000)', records, partitions: 16, overrides: { derive: { band: '$floor(amount / 1000)' }, partition: { key: 'band', count: 16 } } },
  ];
}

const run = promisify(execFile);

/**
 * The single-process reference in a fresh Node process: its own heap, so its peak RSS is its own.
 *
 * @example
 * const { timed, checksum } = await singleProcessInChild('/tmp/orders.jsonl');
 */
async function singleProcessInChild(file: string): Promise<{ timed: Timed; checksum: Checksum }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(repoRoot, 'bench', 'single-process-reference.ts'), file], {
    cwd: repoRoot,
    maxBuffer: 1 << 20,
  });
  const out = JSON.parse(stdout) as Timed & { checksum: Checksum };
  return { timed: { seconds: out.seconds, peakRssMiB: out.peakRssMiB, addedRssMiB: out.addedRssMiB }, checksum: out.checksum };
}

function sameResult(job: Checksum, reference: Checksum): void {
  if (job.records !== reference.records || job.groups !== reference.groups || job.sumOfAmounts !== reference.sumOfAmounts) {
    throw new Error(`batch job result ${JSON.stringify(job)} differs from the single-process result ${JSON.stringify(reference)}`);
  }
}

/**
 * The batch job against one process with all data in memory, on the same generated records in the same
 * run: pairs alternate which goes first; every job's result is checked against the reference.
 *
 * @example
 * const results = await runBatchScenarios(endpoints, { records: 1_000_000, partitions: 16, pairs: 2, scaling: [{ records: 100_000, partitions: 4 }] }, log);
 */
export async function runBatchScenarios(
  endpoints: EmulatorEndpoints,
  options: { records: number; partitions: number; pairs: number; scaling: { records: number; partitions: number }[]; points?: BatchPoint[] },
  log: (line: string) => void,
): Promise<BatchResults> {
  const bench = await startBatchBench(endpoints);
  try {
    const measurePair = async (records: number, partitions: number, key: string, file: string, singleFirst: boolean, overrides?: Partial<JobSpecInput>): Promise<BatchPair> => {
      const runSingle = () => singleProcessInChild(file);
      const runJob = () => bench.runJob(key, partitions, overrides);
      let single: Awaited<ReturnType<typeof runSingle>>;
      let job: Awaited<ReturnType<typeof runJob>>;
      if (singleFirst) {
        single = await runSingle();
        job = await runJob();
      } else {
        job = await runJob();
        single = await runSingle();
      }
      sameResult(job.checksum, single.checksum);
      log(`  batch ${records} records, ${partitions} partitions: job ${job.timed.seconds.toFixed(2)} s, single process ${single.timed.seconds.toFixed(2)} s (${(job.timed.seconds / single.timed.seconds).toFixed(1)}×)`);
      return { records, partitions, batch: job.timed, single: single.timed };
    };
    const dir = join(repoRoot, 'node_modules', '.cache', 'sluice-bench');
    await mkdir(dir, { recursive: true });
    const inputs = new Map<string, { key: string; file: string }>();
    const inputFor = async (records: number, hotCustomer?: string) => {
      const name = `${records}${hotCustomer ? `-${hotCustomer}` : ''}`;
      let input = inputs.get(name);
      if (!input) {
        const jsonl = generateOrdersJsonl(records, 42, hotCustomer ? { hotCustomer } : {});
        input = { key: `inputs/${name}.jsonl`, file: join(dir, `orders-${name}.jsonl`) };
        await writeFile(input.file, jsonl);
        await bench.putInput(input.key, jsonl);
        inputs.set(name, input);
      }
      return input;
    };

    const scaling: BatchPair[] = [];
    for (const point of options.scaling) {
      const { key, file } = await inputFor(point.records);
      scaling.push(await measurePair(point.records, point.partitions, key, file, scaling.length % 2 === 0));
    }
    const points: (BatchPair & { label: string })[] = [];
    for (const point of options.points ?? []) {
      const { key, file } = await inputFor(point.records, point.hotCustomer);
      log(`  ${point.label}:`);
      points.push({ label: point.label, ...(await measurePair(point.records, point.partitions, key, file, points.length % 2 === 0, point.overrides)) });
    }
    const { key, file } = await inputFor(options.records);
    const pairs: BatchPair[] = [];
    for (let i = 0; i < options.pairs; i++) pairs.push(await measurePair(options.records, options.partitions, key, file, i % 2 === 0));
    await Promise.all([...inputs.values()].map((input) => rm(input.file, { force: true })));
    return {
      headline: {
        records: options.records,
        partitions: options.partitions,
        pairs,
        ratio: pairedRatios(
          pairs.map((p) => p.batch.seconds),
          pairs.map((p) => p.single.seconds),
        ),
      },
      scaling,
      points,
    };
  } finally {
    await bench.stop();
  }
}
