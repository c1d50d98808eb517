import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { startEmulators } from '../local/emulators/index.ts';
import { emulatorEnvironment } from '../local/emulators/environment.ts';
import type { LocalFunction } from '../local/runtime/local-function.ts';
import { generateOrdersJsonl, startBatchBench } from './batch-benchmark.ts';
import { repoRoot } from './repo-root.ts';

// Measures a skewed job's partition tasks: every record has the same partition key, so one partition
// holds the whole input. Each partition task runs in a child process of its own, from an esbuild bundle
// of bench/partition-child.ts (as Lambda runs a bundle: no TypeScript loader in the process), so the
// peak RSS printed is the task's own, as in a Lambda sandbox.
//   node --conditions=sluice-source --import tsx bench/skewed-memory.ts --records 2000000
const { values } = parseArgs({ options: { records: { type: 'string', default: '2000000' }, partitions: { type: 'string', default: '16' } } });
const records = Number(values.records);
Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
const bundle = join(repoRoot, 'node_modules', '.cache', 'sluice-bench', 'partition-child.mjs');
await build({
  entryPoints: [join(repoRoot, 'bench', 'partition-child.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  conditions: ['sluice-source'],
  outfile: bundle,
  logLevel: 'warning',
  banner: { js: "import { createRequire as __sluiceCreateRequire } from 'module'; const require = __sluiceCreateRequire(import.meta.url);" },
});
const emulators = await startEmulators({ kinesis: false });
const tasks: { items: number; maxRssMiB: number; seconds: number }[] = [];

function inChildProcess(fn: LocalFunction): LocalFunction {
  if (!fn.entry.endsWith('batch-partition.ts')) return fn;
  return {
    ...fn,
    invoke: (event) =>
      new Promise((resolve, reject) => {
        const started = performance.now();
        const child = spawn(process.execPath, [bundle], {
          cwd: repoRoot,
          env: { ...process.env, ...fn.environment, ...emulatorEnvironment(emulators.endpoints) },
          stdio: ['pipe', 'pipe', 'inherit'],
        });
        let stdout = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
        child.on('error', reject);
        child.on('close', () => {
          try {
            const out = JSON.parse(stdout) as { result?: unknown; error?: { name: string; message: string }; maxRssMiB: number };
            const items = (event as { Items?: unknown[] }).Items?.length ?? 1;
            tasks.push({ items, maxRssMiB: out.maxRssMiB, seconds: (performance.now() - started) / 1000 });
            if (out.error) reject(Object.assign(new Error(out.error.message), { name: out.error.name }));
            else resolve(out.result);
          } catch (err) {
            reject(new Error(`partition child printed no result: ${(err as Error).message}: ${stdout.slice(0, 200)}`));
          }
        });
        child.stdin.end(JSON.stringify(event));
      }),
  };
}

try {
  const bench = await startBatchBench(emulators.endpoints, { wrapFunction: inChildProcess });
  const jsonl = generateOrdersJsonl(records, 42, { hotCustomer: 'c-hot' });
  const expectedSum = jsonl.split('\n').reduce((sum, line) => (line === '' ? sum : sum + (JSON.parse(line) as { amount: number }).amount), 0);
  console.log(`input: ${records.toLocaleString('en-US')} records, ${(Buffer.byteLength(jsonl) / 2 ** 20).toFixed(0)} MiB, every one with customer "c-hot" (the partition key)`);
  await bench.putInput('inputs/skewed.jsonl', jsonl);
  const { timed, checksum, summary } = await bench.runJob('inputs/skewed.jsonl', Number(values.partitions));
  if (checksum.records !== records || checksum.sumOfAmounts !== expectedSum) throw new Error(`wrong result: ${JSON.stringify(checksum)}, expected sum ${expectedSum}`);
  const peak = Math.max(...tasks.map((t) => t.maxRssMiB));
  console.log(`job: ${timed.seconds.toFixed(1)} s, partitions used ${String(summary.partitionsUsed)} of ${String(summary.partitions)}, largest ${String(summary.largestPartitionRecords)} records, result exact (records and sum of amounts)`);
  console.log(`partition tasks: ${tasks.length} invocations (${tasks.reduce((n, t) => n + t.items, 0)} slices), peak RSS per task ${tasks.map((t) => t.maxRssMiB.toFixed(0)).join(', ')} MiB; highest ${peak.toFixed(0)} MiB`);
  await bench.stop();
} finally {
  await emulators.stop();
}
process.exit(0);
