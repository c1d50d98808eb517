import { parseArgs } from 'node:util';
import { startEmulators } from '../local/emulators/index.ts';
import { generateOrdersJsonl, singleProcessSortAggregate, startBatchBench, timePhase } from './batch-benchmark.ts';
import { profileWhile } from './cpu-profiler.ts';
import { descendantCpuSeconds } from './process-cpu.ts';

// Profiling aid, not part of `npm run bench`: one batch job (and the single-process reference) so that
// `tsx bench/profile-batch.ts --records 200000 --out job.cpuprofile` shows where the job's time goes (the job only, not setup).
const { values } = parseArgs({ options: { records: { type: 'string', default: '200000' }, partitions: { type: 'string', default: '16' }, out: { type: 'string', default: 'batch-job.cpuprofile' } } });
Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
const emulators = await startEmulators({ kinesis: false });
try {
  const bench = await startBatchBench(emulators.endpoints);
  const jsonl = generateOrdersJsonl(Number(values.records), 42);
  await bench.putInput('inputs/profile.jsonl', jsonl);
  const cpuBefore = process.cpuUsage();
  const childBefore = descendantCpuSeconds(process.pid);
  const job = await profileWhile(values.out, () => bench.runJob('inputs/profile.jsonl', Number(values.partitions)));
  const own = process.cpuUsage(cpuBefore);
  const single = await timePhase(() => singleProcessSortAggregate(jsonl));
  console.log(
    `job ${job.timed.seconds.toFixed(2)} s (CPU: this process ${((own.user + own.system) / 1e6).toFixed(2)} s, child processes ${(descendantCpuSeconds(process.pid) - childBefore).toFixed(2)} s); single process ${single.timed.seconds.toFixed(2)} s`,
  );
  await bench.stop();
} finally {
  await emulators.stop();
}
process.exit(0);
