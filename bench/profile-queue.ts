import { parseArgs } from 'node:util';
import { startEmulators } from '../local/emulators/index.ts';
import { BENCH_WORKERS, benchTemplate, type BenchWorker } from './bench-stack.ts';
import { installDynamoDbCounter } from './dynamodb-counter.ts';
import { profileWhile } from './cpu-profiler.ts';
import { descendantCpuSeconds } from './process-cpu.ts';
import { measureQueueRun } from './queue-benchmark.ts';

// Profiling aid, not part of `npm run bench`: `tsx bench/profile-queue.ts --worker sluice --out q.cpuprofile`
// profiles one worker's runs (whole runs: setup, warm-up and the timed window, not the CDK synth) and
// prints how the CPU divided between this process (handlers, poller, fauxqs) and DynamoDB Local's JVM.
const { values } = parseArgs({ options: { worker: { type: 'string', default: 'sluice' }, messages: { type: 'string', default: '1000' }, runs: { type: 'string', default: '2' }, out: { type: 'string', default: 'queue.cpuprofile' } } });
const worker = values.worker as BenchWorker;
if (!(worker in BENCH_WORKERS)) throw new Error(`--worker is one of ${Object.keys(BENCH_WORKERS).join(', ')}`);
const counter = installDynamoDbCounter();
const emulators = await startEmulators({ kinesis: false });
try {
  const template = benchTemplate(worker);
  for (let run = 0; run < Number(values.runs); run++) {
    const cpuBefore = process.cpuUsage();
    const childBefore = descendantCpuSeconds(process.pid);
    const result = await profileWhile(`${values.out.replace(/\.cpuprofile$/, '')}-${run + 1}.cpuprofile`, () =>
      measureQueueRun({ template, endpoints: emulators.endpoints, counter, worker, messages: Number(values.messages), duplicateShare: 0 }),
    );
    const own = process.cpuUsage(cpuBefore);
    const children = descendantCpuSeconds(process.pid) - childBefore;
    console.log(
      `${worker}: ${result.messagesPerSecond.toFixed(0)} msg/s over ${result.seconds.toFixed(2)} s; CPU (whole run incl. setup): this process ${((own.user + own.system) / 1e6).toFixed(2)} s, emulator child processes ${children.toFixed(2)} s`,
    );
  }
} finally {
  await emulators.stop();
}
process.exit(0);
