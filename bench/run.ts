import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { parseArgs } from 'node:util';
import { repoRoot } from './repo-root.ts';
import { startEmulators } from '../local/emulators/index.ts';
import { startKinesisMock } from '../local/emulators/kinesis-mock.ts';
import { clientConfig } from '../shared/aws-clients.ts';
import { batchPoints, runBatchScenarios } from './batch-scenarios.ts';
import { benchTemplate } from './bench-stack.ts';
import { buildChart } from './chart.ts';
import { coldStartTargets, measureColdStarts } from './cold-start.ts';
// Installed before any handler module loads, so every DynamoDB client of the process is counted.
import { installDynamoDbCounter } from './dynamodb-counter.ts';
import { runQueueScenario, type QueueScenarioResult } from './queue-scenarios.ts';
import { renderReport, type BenchResults } from './report.ts';
import { measureKinesisMock, measureStreamProcessing } from './stream-benchmark.ts';

const USAGE = `npm run bench -- [--quick] [--messages N] [--runs N] [--scaling 10000,100000] [--scaling-runs N] [--warmup-runs N] [--import-samples N]
                    [--batch-records N] [--batch-partitions N] [--batch-runs N] [--batch-scaling 100000:4,...] [--stream-records N] [--only queue,cold,batch,stream]

  --quick           small sizes to check the harness (200 messages, 2 pairs, 3 import samples, scaling at 1,000,
                    batch 20,000 records, stream 10,000 records)
  --messages N      headline workload size (default 1000)
  --runs N          interleaved pairs per workload (default 5)
  --scaling LIST    further sizes at 0 % duplicates (default 10000; 100000 takes long)
  --scaling-runs N  pairs per scaling size (default 3)
  --warmup-runs N   unreported pairs before measuring, to warm DynamoDB Local's JVM (default 2)
  --import-samples  fresh-process imports per bundle (default 10)
  --batch-records N     headline batch size (default 1000000), --batch-partitions N (default 16), --batch-runs N pairs (default 2);
                        a skewed-key and a derived-key point run at a fifth of it
  --batch-scaling LIST  records:partitions points, one pair each (default 100000:4,100000:16,100000:64)
  --stream-records N    records fed to the stream handler in-process (default 100000; a tenth of them go through kinesis-mock, at most 5,000)
  --only LIST       queue, cold, batch, stream (default all); the other sections are kept from the last run
  --out DIR         where benchmarks.md and benchmarks.svg go (default docs)
  --render-only     measure nothing: re-render the last run's results (e.g. after editing bench/profile-notes.md)`;

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    messages: { type: 'string' },
    runs: { type: 'string' },
    scaling: { type: 'string' },
    'scaling-runs': { type: 'string' },
    'warmup-runs': { type: 'string' },
    'import-samples': { type: 'string' },
    only: { type: 'string' },
    'batch-records': { type: 'string' },
    'batch-partitions': { type: 'string' },
    'batch-runs': { type: 'string' },
    'batch-scaling': { type: 'string' },
    'stream-records': { type: 'string' },
    out: { type: 'string', default: 'docs' },
    'render-only': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const int = (raw: string | undefined, fallback: number) => {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer, got ${raw}\n${USAGE}`);
  return n;
};
const quick = values.quick;
const settings = {
  messages: int(values.messages, quick ? 200 : 1000),
  runs: int(values.runs, quick ? 2 : 5),
  scaling: (values.scaling ?? (quick ? '1000' : '10000')).split(',').filter(Boolean).map((s) => int(s, 0)),
  scalingRuns: int(values['scaling-runs'], quick ? 1 : 3),
  warmupRuns: int(values['warmup-runs'], quick ? 1 : 2),
  importSamples: int(values['import-samples'], quick ? 3 : 10),
  batchRecords: int(values['batch-records'], quick ? 20_000 : 1_000_000),
  batchPartitions: int(values['batch-partitions'], 16),
  batchRuns: int(values['batch-runs'], quick ? 1 : 2),
  batchScaling: (values['batch-scaling'] ?? (quick ? '10000:4,10000:64' : '100000:4,100000:16,100000:64'))
    .split(',')
    .filter(Boolean)
    .map((point) => {
      const [records, partitions] = point.split(':');
      return { records: int(records, 0), partitions: int(partitions, 0) };
    }),
  streamRecords: int(values['stream-records'], quick ? 10_000 : 100_000),
  only: new Set((values.only ?? 'queue,cold,batch,stream').split(',')),
};
const log = (line: string) => console.log(line);
// The emulators accept any credentials; real ones must never be used by a benchmark.
Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
const counter = installDynamoDbCounter();

async function queueBenchmarks(): Promise<Pick<BenchResults, 'queue' | 'scaling'>> {
  const emulators = await startEmulators({ kinesis: false });
  try {
    const env = { template: benchTemplate(), endpoints: emulators.endpoints, counter, log };
    // DynamoDB Local's JVM keeps getting faster over the first few thousand requests: warm it before measuring.
    log(`queue: ${settings.warmupRuns} warm-up pairs (not reported)`);
    await runQueueScenario({ messages: settings.messages, duplicateShare: 0, runs: settings.warmupRuns }, env);
    log(`queue: ${settings.messages} messages × ${settings.runs} pairs, 0 % and 20 % duplicates`);
    const first = await runQueueScenario({ messages: settings.messages, duplicateShare: 0, runs: settings.runs }, env);
    const duplicates = await runQueueScenario({ messages: settings.messages, duplicateShare: 0.2, runs: settings.runs }, env);
    const scaling: QueueScenarioResult[] = [];
    for (const messages of settings.scaling.filter((m) => m !== settings.messages)) {
      log(`scaling: ${messages} messages × ${settings.scalingRuns} pairs`);
      scaling.push(await runQueueScenario({ messages, duplicateShare: 0, runs: settings.scalingRuns }, env));
    }
    return { queue: { first, duplicates }, scaling };
  } finally {
    await emulators.stop();
  }
}

async function batchBenchmarks(): Promise<BenchResults['batch']> {
  const emulators = await startEmulators({ kinesis: false });
  try {
    log(`batch: ${settings.batchRecords} records × ${settings.batchRuns} pairs, scaling ${settings.batchScaling.map((p) => `${p.records}:${p.partitions}`).join(' ')}`);
    // Beside the headline: a skewed key and a derived key, at a fifth of its size.
    const points = batchPoints(Math.max(Math.round(settings.batchRecords / 5), 1_000));
    return await runBatchScenarios(emulators.endpoints, { records: settings.batchRecords, partitions: settings.batchPartitions, pairs: settings.batchRuns, scaling: settings.batchScaling, points }, log);
  } finally {
    await emulators.stop();
  }
}

async function streamBenchmarks(): Promise<BenchResults['stream']> {
  log(`stream: ${settings.streamRecords} records through the handler in-process`);
  const processing = await measureStreamProcessing(settings.streamRecords);
  const emulatorRecords = Math.min(5_000, Math.ceil(settings.streamRecords / 10));
  log(`stream: ${emulatorRecords} records through kinesis-mock`);
  const kinesisMock = await startKinesisMock();
  const saved = process.env.AWS_ENDPOINT_URL_KINESIS;
  process.env.AWS_ENDPOINT_URL_KINESIS = kinesisMock.endpoint;
  const kinesis = new KinesisClient(clientConfig());
  try {
    const emulator = await measureKinesisMock(kinesis, emulatorRecords);
    return { records: settings.streamRecords, emulatorRecords, processingPerSecond: processing.recordsPerSecond, ...emulator };
  } finally {
    kinesis.destroy();
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_KINESIS;
    else process.env.AWS_ENDPOINT_URL_KINESIS = saved;
    await kinesisMock.stop();
  }
}

const outDir = resolve(repoRoot, values.out);
const resultsFile = join(repoRoot, 'node_modules', '.cache', 'sluice-bench', 'results.json');
const profileNotes = () => readFile(join(repoRoot, 'bench', 'profile-notes.md'), 'utf8');
async function writeReport(results: BenchResults): Promise<void> {
  await writeFile(join(outDir, 'benchmarks.md'), renderReport(results));
  await writeFile(join(outDir, 'benchmarks.svg'), buildChart(results));
  log(`wrote ${join(values.out, 'benchmarks.md')} and ${join(values.out, 'benchmarks.svg')}`);
}
if (values['render-only']) {
  const last = JSON.parse(await readFile(resultsFile, 'utf8')) as BenchResults;
  await writeReport({ ...last, profileNotes: await profileNotes() });
  process.exit(0);
}

const startedAt = new Date().toISOString();
const loadBefore = loadavg();
const queue = settings.only.has('queue') ? await queueBenchmarks() : { queue: undefined, scaling: [] };
let coldStart: BenchResults['coldStart'];
if (settings.only.has('cold')) {
  log(`cold start: bundling and importing every handler (${settings.importSamples} samples each)`);
  coldStart = await measureColdStarts(await coldStartTargets(), { samples: settings.importSamples, log });
}
const batch = settings.only.has('batch') ? await batchBenchmarks() : undefined;
const stream = settings.only.has('stream') ? await streamBenchmarks() : undefined;
// With --only, the sections not measured now are kept from the last run (and the report says so), so
// one slow section can be re-measured without losing the others.
const last = settings.only.size < 4 ? await readFile(resultsFile, 'utf8').then((text) => JSON.parse(text) as BenchResults).catch(() => undefined) : undefined;
const kept = ['queue', 'cold', 'batch', 'stream'].filter((section) => !settings.only.has(section) && last);
const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
const results: BenchResults = {
  startedAt,
  finishedAt: new Date().toISOString(),
  command: kept.length > 0 ? `${command} (${kept.join(', ')} kept from the run of ${last!.startedAt.slice(0, 16).replace('T', ' ')} UTC)` : command,
  machine: { cpus: cpus().length, node: process.versions.node, loadBefore, loadAfter: loadavg() },
  ...(settings.only.has('queue') || !last ? queue : { queue: last.queue, scaling: last.scaling }),
  coldStart: settings.only.has('cold') || !last ? coldStart : last.coldStart,
  batch: settings.only.has('batch') || !last ? batch : last.batch,
  stream: settings.only.has('stream') || !last ? stream : last.stream,
  profileNotes: await profileNotes(),
};
await mkdir(dirname(resultsFile), { recursive: true });
await writeFile(resultsFile, JSON.stringify(results, null, 2));
await writeReport(results);
// Handler modules keep SDK clients (and their keep-alive sockets) open, as in Lambda: end explicitly.
process.exit(0);
