import { readFileSync } from 'node:fs';
import { S3Client } from '@aws-sdk/client-s3';
import { clientConfig } from '../shared/aws-clients.ts';
import { partitionFunctionEnv } from '../shared/batch/config.ts';
import { runPartitionTask } from '../shared/batch/partition-task.ts';

// One partition task in a process of its own, as a Lambda sandbox runs it, so that its peak memory is
// its own: the event on stdin; the outcome and the process's peak RSS as JSON on stdout. The peak is
// VmHWM from /proc/self/status (the high-water mark of this program's memory). Not getrusage's
// ru_maxrss (what `/usr/bin/time -v` prints): Linux carries it over from the forked parent across exec,
// so a child of a big process reports the parent's size. Used by bench/skewed-memory.ts.
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
const s3 = new S3Client(clientConfig({ service: 's3' }));
// With SLUICE_MEMORY_TRACE=1: where the peak is (JS heap or buffers), sampled every 10 ms, on stderr.
let peak = process.memoryUsage();
const sampler = process.env.SLUICE_MEMORY_TRACE
  ? setInterval(() => {
      const now = process.memoryUsage();
      if (now.rss > peak.rss) peak = now;
    }, 10)
  : undefined;
let out: unknown;
try {
  out = { result: await runPartitionTask(event, { s3, workBucket: partitionFunctionEnv().workBucket }) };
} catch (err) {
  out = { error: { name: (err as Error).name, message: (err as Error).message } };
}
if (sampler) {
  clearInterval(sampler);
  const mib = (n: number) => `${(n / 2 ** 20).toFixed(0)} MiB`;
  process.stderr.write(`peak sample: rss ${mib(peak.rss)}, heap used ${mib(peak.heapUsed)} of ${mib(peak.heapTotal)}, external ${mib(peak.external)}, array buffers ${mib(peak.arrayBuffers)}\n`);
}
const hwmKiB = Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
process.stdout.write(JSON.stringify({ ...(out as object), maxRssMiB: (Number.isFinite(hwmKiB) ? hwmKiB : process.resourceUsage().maxRSS) / 1024 }));
process.exit(0);
