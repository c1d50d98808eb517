import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { parseArgs } from 'node:util';
import { repoRoot } from './repo-root.ts';
import { startEmulators } from '../local/emulators/index.ts';
import { startKinesisMock } from '../local/emulators/kinesis-mock.ts';
import { kinesisClientConfig } from '../shared/stream/kinesis-client-config.ts';
import { runBatchScenarios } from './batch-scenarios.ts';
import { buildChart } from './chart.ts';
import { coldStartTargets, measureColdStarts } from './cold-start.ts';
// Installed before any handler module loads, so every DynamoDB client of the process is counted.
import { installDynamoDbCounter } from './dynamodb-counter.ts';
import { runLatencyScenarios } from './latency-scenarios.ts';
import { runQueueScenario, type QueueScenarioResult } from './queue-scenarios.ts';
import { renderReport, type BenchResults, type SectionLoad } from './report.ts';
import { measureKinesisMock, measureStreamProcessing } from './stream-benchmark.ts';

const SECTIONS = ['queue', 'latency', 'cold', 'batch', 'stream'] as const;
type Section = (typeof SECTIONS)[number];

const USAGE = `npm run bench -- [--quick] [--messages N] [--runs N] [--scaling 10000,100000] [--scaling-runs N] [--warmup-runs N] [--import-samples N]
                    [--latency-messages N] [--latency-runs N] [--latency-alt-runs N]
                    [--batch-records N] [--batch-partitions N] [--batch-runs N] [--batch-scaling 100000:4,...] [--stream-records N]
                    [--only queue,latency,cold,batch,stream] [--out DIR]

  --quick           small sizes to check the harness (200 messages, 2 pairs, 3 import samples, scaling at 1,000,
                    batch 20,000 records, stream 10,000 records)
  --messages N      headline workload size (default 1000)
  --runs N          interleaved pairs per workload (default 5)
  --scaling LIST    further sizes at 0 % duplicates (default 10000; 100000 takes long)
  --scaling-runs N  pairs per scaling size (default 3)
  --warmup-runs N   unreported pairs before measuring, to warm DynamoDB Local's JVM (default 2)
  --import-samples  fresh-process imports per bundle (default 10)
  --latency-messages N  messages per latency-true run (default 1000); --latency-runs N pairs for the headline (default 3),
                        --latency-alt-runs N pairs for the alternatives: read-first modes, one-item effect (default 2)
  --batch-records N     headline batch size (default 1000000), --batch-partitions N (default 16), --batch-runs N pairs (default 2)
  --batch-scaling LIST  records:partitions points, one pair each (default 100000:4,100000:16,100000:64)
  --stream-records N    records fed to the stream handler in-process (default 100000; a tenth of them go through kinesis-mock, at most 5,000)
  --only LIST       queue, latency, cold, batch, stream (default all); the other sections are kept from the last run
  --out DIR         where benchmarks.md and benchmarks.svg go (default docs; created if missing).
                    Each section's results are saved as soon as it finishes (node_modules/.cache/sluice-bench/results.json),
                    so a later failure loses nothing: re-render with --render-only
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
    'latency-messages': { type: 'string' },
    'latency-runs': { type: 'string' },
    'latency-alt-runs': { type: 'string' },
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
  latencyMessages: int(values['latency-messages'], quick ? 200 : 1000),
  latencyRuns: int(values['latency-runs'], quick ? 1 : 3),
  latencyAlternativeRuns: int(values['latency-alt-runs'], quick ? 1 : 2),
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
  only: new Set((values.only ?? SECTIONS.join(',')).split(',').filter(Boolean)),
};
for (const section of settings.only) {
  if (!(SECTIONS as readonly string[]).includes(section)) throw new Error(`--only: unknown section "${section}" (one of ${SECTIONS.join(', ')})\n${USAGE}`);
}
const log = (line: string) => console.log(line);
// The emulators accept any credentials; real ones must never be used by a benchmark.
Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
const counter = installDynamoDbCounter();

async function queueBenchmarks(): Promise<Pick<BenchResults, 'queue' | 'scaling'>> {
  const emulators = await startEmulators({ kinesis: false });
  try {
    const env = { endpoints: emulators.endpoints, counter, log };
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

async function latencyBenchmarks(): Promise<BenchResults['latency']> {
  const emulators = await startEmulators({ kinesis: false });
  try {
    // Warms DynamoDB Local's JVM (unreported), so its own time stays inside the injected latency.
    log('latency-true: 1 warm-up pair without latency (not reported)');
    await runQueueScenario({ messages: settings.latencyMessages, duplicateShare: 0, runs: 1 }, { endpoints: emulators.endpoints, counter, log });
    return await runLatencyScenarios(emulators.endpoints, counter, { messages: settings.latencyMessages, runs: settings.latencyRuns, alternativeRuns: settings.latencyAlternativeRuns }, log);
  } finally {
    await emulators.stop();
  }
}

async function batchBenchmarks(): Promise<BenchResults['batch']> {
  const emulators = await startEmulators({ kinesis: false });
  try {
    log(`batch: ${settings.batchRecords} records × ${settings.batchRuns} pairs, scaling ${settings.batchScaling.map((p) => `${p.records}:${p.partitions}`).join(' ')}`);
    return await runBatchScenarios(emulators.endpoints, { records: settings.batchRecords, partitions: settings.batchPartitions, pairs: settings.batchRuns, scaling: settings.batchScaling }, log);
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
  const kinesis = new KinesisClient(kinesisClientConfig());
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
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'benchmarks.md'), renderReport(results));
  await writeFile(join(outDir, 'benchmarks.svg'), buildChart(results));
  log(`wrote ${join(values.out, 'benchmarks.md')} and ${join(values.out, 'benchmarks.svg')}`);
}
async function saveResults(results: BenchResults): Promise<void> {
  await mkdir(dirname(resultsFile), { recursive: true });
  await writeFile(resultsFile, JSON.stringify(results, null, 2));
}
if (values['render-only']) {
  const last = JSON.parse(await readFile(resultsFile, 'utf8')) as BenchResults;
  await writeReport({ ...last, profileNotes: await profileNotes() });
  process.exit(0);
}

// With --only, the sections not measured now are kept from the last run (and the report says so), so
// one slow section can be re-measured without losing the others.
const last = settings.only.size < SECTIONS.length ? await readFile(resultsFile, 'utf8').then((text) => JSON.parse(text) as BenchResults).catch(() => undefined) : undefined;
const measuredIn = (results: BenchResults, section: Section) => (section === 'cold' ? results.coldStart : results[section]) !== undefined;
const kept = SECTIONS.filter((section) => !settings.only.has(section) && last && measuredIn(last, section));
const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
const results: BenchResults = {
  startedAt: new Date().toISOString(),
  finishedAt: new Date().toISOString(),
  command,
  // A kept section's own time: a section kept twice must not take the time of the run that kept it.
  kept: kept.map((section) => ({ section, at: last?.sectionLoad?.[section]?.at ?? last?.kept?.find((k) => k.section === section)?.at ?? last!.startedAt })),
  machine: { cpus: cpus().length, node: process.versions.node, loadBefore: loadavg(), loadAfter: loadavg() },
  queue: last?.queue,
  scaling: last?.scaling ?? [],
  latency: last?.latency,
  coldStart: last?.coldStart,
  batch: last?.batch,
  stream: last?.stream,
  sectionLoad: { ...last?.sectionLoad },
  profileNotes: await profileNotes(),
};
// Each section is saved as soon as it is measured: a section that fails later loses nothing before it.
async function measure(section: Section, run: () => Promise<void>): Promise<void> {
  if (!settings.only.has(section)) return;
  const before = loadavg();
  await run();
  const load: SectionLoad = { before, after: loadavg(), at: new Date().toISOString() };
  results.sectionLoad = { ...results.sectionLoad, [section]: load };
  results.finishedAt = load.at;
  results.machine.loadAfter = load.after;
  await saveResults(results);
}
await measure('queue', async () => {
  Object.assign(results, await queueBenchmarks());
});
await measure('latency', async () => {
  results.latency = await latencyBenchmarks();
});
await measure('cold', async () => {
  log(`cold start: bundling and importing every handler (${settings.importSamples} samples each)`);
  results.coldStart = await measureColdStarts(await coldStartTargets(), { samples: settings.importSamples, log });
});
await measure('batch', async () => {
  results.batch = await batchBenchmarks();
});
await measure('stream', async () => {
  results.stream = await streamBenchmarks();
});
await saveResults(results);
await writeReport(results);
// Handler modules keep SDK clients (and their keep-alive sockets) open, as in Lambda: end explicitly.
process.exit(0);
