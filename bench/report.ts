import type { BatchPair, BatchResults } from './batch-scenarios.ts';
import type { ColdStartResult } from './cold-start.ts';
import { requestTotals, type OperationCounts } from './dynamodb-counter.ts';
import { perDuplicate, type QueueScenarioResult, type WorkerSummary } from './queue-scenarios.ts';
import { formatKiB, formatNumber } from './stats.ts';

/** Everything one `npm run bench` measured, and where it ran. */
export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  command: string;
  machine: { cpus: number; node: string; loadBefore: number[]; loadAfter: number[] };
  /** The headline workload at 0 % and 20 % duplicates (same size). */
  queue: { first: QueueScenarioResult; duplicates: QueueScenarioResult } | undefined;
  /** Further sizes at 0 % duplicates. */
  scaling: QueueScenarioResult[];
  coldStart: ColdStartResult[] | undefined;
  batch: BatchResults | undefined;
  stream: StreamResults | undefined;
  /** Hand-written notes from the last profile (bench/profile-notes.md). */
  profileNotes: string;
}

/** Records per second of each part of the stream stage. */
export interface StreamResults {
  records: number;
  emulatorRecords: number;
  processingPerSecond: number;
  putPerSecond: number;
  getPerSecond: number;
}

const TARGETS = {
  throughputRatio: 1.5,
  writeRequestsPerFirstTime: 1.0,
  bundleShare: 0.5,
  batchOverSingleProcess: 1.5,
};

const NOT_MEASURED = '*not measured yet*';

function verdict(ok: boolean): string {
  return ok ? 'met' : '**missed**';
}

function pct(share: number): string {
  return `${Math.round(share * 100)} %`;
}

function opsLine(counts: OperationCounts, messages: number): string {
  return Object.entries(counts)
    .sort((a, b) => b[1].requests - a[1].requests)
    .map(([op, c]) => `${op} ${formatNumber(c.requests / messages, 2)}`)
    .join(', ');
}

interface PerKind {
  firstRequests: number;
  firstWriteRequests: number;
  firstWriteUnits: number;
  duplicateRequests: number;
  duplicateWriteRequests: number;
  duplicateWriteUnits: number;
}

function perKind(first: WorkerSummary, duplicates: WorkerSummary): PerKind {
  const f = requestTotals(first.counts);
  const d = requestTotals(duplicates.counts);
  const derive = (total: number, perFirst: number) => perDuplicate({ total, messages: duplicates.messages, unique: duplicates.unique }, perFirst);
  const firstRequests = f.requests / first.messages;
  const firstWriteRequests = f.writeRequests / first.messages;
  const firstWriteUnits = f.writeUnits / first.messages;
  return {
    firstRequests,
    firstWriteRequests,
    firstWriteUnits,
    duplicateRequests: derive(d.requests, firstRequests),
    duplicateWriteRequests: derive(d.writeRequests, firstWriteRequests),
    duplicateWriteUnits: derive(d.writeUnits, firstWriteUnits),
  };
}

function ratioCell(result: QueueScenarioResult): string {
  const { median, min, max } = result.ratio;
  return `**${formatNumber(median, 2)}×** (${formatNumber(min, 2)}–${formatNumber(max, 2)})`;
}

function scenarioRow(result: QueueScenarioResult): string {
  const { messages, duplicateShare, runs } = result.scenario;
  return `| ${formatNumber(messages)} | ${pct(duplicateShare)} | ${runs} + ${runs} | ${formatNumber(result.sluice.medianMessagesPerSecond)} | ${formatNumber(result.powertools.medianMessagesPerSecond)} | ${ratioCell(result)} | ${formatNumber(result.sluice.perMessage.requests, 2)} / ${formatNumber(result.powertools.perMessage.requests, 2)} |`;
}

function orderWorker(coldStart: ColdStartResult[]) {
  return {
    sluice: coldStart.find((c) => c.target.entry === 'examples/orders/functions/order-worker.ts'),
    baseline: coldStart.find((c) => c.target.entry.startsWith('bench/baselines/')),
  };
}

function targetsSection(results: BenchResults): string[] {
  const rows = ['| target | measured | verdict |', '|---|---|---|'];
  if (results.queue) {
    const ratio = results.queue.first.ratio.median;
    rows.push(
      `| queue worker ≥ ${TARGETS.throughputRatio}× Powertools in messages/s | ${formatNumber(ratio, 2)}× at ${formatNumber(results.queue.first.scenario.messages)} msgs, 0 % dup; ${formatNumber(results.queue.duplicates.ratio.median, 2)}× at 20 % dup | ${verdict(ratio >= TARGETS.throughputRatio)}${ratio < TARGETS.throughputRatio ? ` by ${formatNumber(TARGETS.throughputRatio - ratio, 2)}×` : ''} |`,
    );
    const k = perKind(results.queue.first.sluice, results.queue.duplicates.sluice);
    rows.push(
      `| ≤ ${formatNumber(TARGETS.writeRequestsPerFirstTime, 1)} DynamoDB write request per first-time message (atomic mode) | ${formatNumber(k.firstWriteRequests, 2)} (Powertools ${formatNumber(perKind(results.queue.first.powertools, results.queue.duplicates.powertools).firstWriteRequests, 2)}) | ${verdict(k.firstWriteRequests <= TARGETS.writeRequestsPerFirstTime)}${k.firstWriteRequests > TARGETS.writeRequestsPerFirstTime ? ` by ${formatNumber(k.firstWriteRequests - TARGETS.writeRequestsPerFirstTime, 2)}` : ''} |`,
    );
  } else {
    rows.push(`| queue worker ≥ ${TARGETS.throughputRatio}× Powertools | ${NOT_MEASURED} | – |`, `| ≤ 1 write request per first-time message | ${NOT_MEASURED} | – |`);
  }
  const worker = results.coldStart ? orderWorker(results.coldStart) : undefined;
  if (worker?.sluice && worker.baseline) {
    const share = worker.sluice.sdkExternal.bytes / worker.baseline.sdkExternal.bytes;
    rows.push(
      `| handler bundle ≤ ${pct(TARGETS.bundleShare)} of the baseline's (SDK external) | ${pct(share)} (${formatKiB(worker.sluice.sdkExternal.bytes)} vs ${formatKiB(worker.baseline.sdkExternal.bytes)}) | ${verdict(share <= TARGETS.bundleShare)}${share > TARGETS.bundleShare ? ` by ${Math.round((share - TARGETS.bundleShare) * 100)} points` : ''} |`,
    );
  } else {
    rows.push(`| handler bundle ≤ 50 % of the baseline's | ${NOT_MEASURED} | – |`);
  }
  if (results.batch) {
    const { records, partitions, ratio } = results.batch.headline;
    rows.push(
      `| batch ≤ ${TARGETS.batchOverSingleProcess}× single-process time at 1M records | ${formatNumber(ratio.median, 1)}× at ${formatNumber(records)} records, ${partitions} partitions (paired median of ${ratio.ratios.length}) | ${verdict(ratio.median <= TARGETS.batchOverSingleProcess)}${ratio.median > TARGETS.batchOverSingleProcess ? ` by ${formatNumber(ratio.median - TARGETS.batchOverSingleProcess, 1)}×` : ''} |`,
    );
  } else {
    rows.push(`| batch ≤ ${TARGETS.batchOverSingleProcess}× single-process time at 1M records | ${NOT_MEASURED} | – |`);
  }
  return rows;
}

function queueSection(results: BenchResults): string[] {
  if (!results.queue) return [`${NOT_MEASURED} (skipped with --only).`];
  const { first, duplicates } = results.queue;
  const s = perKind(first.sluice, duplicates.sluice);
  const p = perKind(first.powertools, duplicates.powertools);
  return [
    '| messages | duplicates | runs (sluice + Powertools) | sluice msg/s (median) | Powertools msg/s (median) | sluice ÷ Powertools, paired (min–max) | DynamoDB requests / message (sluice / Powertools) |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    scenarioRow(first),
    scenarioRow(duplicates),
    '',
    'DynamoDB requests per message, counted at the client (per first-time message from the 0 % runs; per duplicate derived from the 20 % runs, see Method):',
    '',
    '| | sluice (atomic mode) | Powertools batch + idempotency |',
    '|---|---:|---:|',
    `| requests per first-time message | ${formatNumber(s.firstRequests, 2)} | ${formatNumber(p.firstRequests, 2)} |`,
    `| write requests per first-time message | ${formatNumber(s.firstWriteRequests, 2)} | ${formatNumber(p.firstWriteRequests, 2)} |`,
    `| write capacity units per first-time message (items ≤ 1 KB) | ${formatNumber(s.firstWriteUnits, 2)} | ${formatNumber(p.firstWriteUnits, 2)} |`,
    `| requests per duplicate | ${formatNumber(s.duplicateRequests, 2)} | ${formatNumber(p.duplicateRequests, 2)} |`,
    `| write capacity units per duplicate | ${formatNumber(s.duplicateWriteUnits, 2)} | ${formatNumber(p.duplicateWriteUnits, 2)} |`,
    `| operations per message, 0 % duplicates | ${opsLine(first.sluice.counts, first.sluice.messages)} | ${opsLine(first.powertools.counts, first.powertools.messages)} |`,
    `| operations per message, 20 % duplicates | ${opsLine(duplicates.sluice.counts, duplicates.sluice.messages)} | ${opsLine(duplicates.powertools.counts, duplicates.powertools.messages)} |`,
    `| SDK attempts per request (retries) | ${formatNumber(first.sluice.perMessage.attempts / first.sluice.perMessage.requests, 3)} | ${formatNumber(first.powertools.perMessage.attempts / first.powertools.perMessage.requests, 3)} |`,
  ];
}

function scalingSection(results: BenchResults): string[] {
  const points = [...(results.queue ? [results.queue.first] : []), ...results.scaling].sort((a, b) => a.scenario.messages - b.scenario.messages);
  if (points.length === 0) return [NOT_MEASURED];
  return [
    '| messages | runs | sluice msg/s | Powertools msg/s | ratio (paired median) | sluice requests / msg | Powertools requests / msg | sluice WCU / msg | Powertools WCU / msg |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...points.map(
      (r) =>
        `| ${formatNumber(r.scenario.messages)} | ${r.scenario.runs} + ${r.scenario.runs} | ${formatNumber(r.sluice.medianMessagesPerSecond)} | ${formatNumber(r.powertools.medianMessagesPerSecond)} | ${formatNumber(r.ratio.median, 2)}× | ${formatNumber(r.sluice.perMessage.requests, 2)} | ${formatNumber(r.powertools.perMessage.requests, 2)} | ${formatNumber(r.sluice.perMessage.writeUnits, 2)} | ${formatNumber(r.powertools.perMessage.writeUnits, 2)} |`,
    ),
  ];
}

function coldStartSection(results: BenchResults): string[] {
  if (!results.coldStart) return [`${NOT_MEASURED} (skipped with --only).`];
  const ms = (f: ColdStartResult['sdkExternal']) => (f.importMs !== undefined ? formatNumber(f.importMs, 1) : `failed: ${f.importError ?? '?'}`);
  const rows = [
    '| handler | bundle, SDK external | gzip | import ms (median) | bundle, SDK bundled | import ms (median) | largest parts (SDK external) |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...results.coldStart.map(
      (c) =>
        `| ${c.target.name} | ${formatKiB(c.sdkExternal.bytes)} | ${formatKiB(c.sdkExternal.gzipBytes)} | ${ms(c.sdkExternal)} | ${formatKiB(c.sdkBundled.bytes)} | ${ms(c.sdkBundled)} | ${c.sdkExternal.byPackage
          .slice(0, 3)
          .map(([name, bytes]) => `${name} ${formatKiB(bytes)}`)
          .join(', ')} |`,
    ),
  ];
  const worker = orderWorker(results.coldStart);
  if (worker.sluice?.sdkExternal.importMs !== undefined && worker.baseline?.sdkExternal.importMs !== undefined) {
    rows.push(
      '',
      `order-worker ÷ baseline: bundle ${pct(worker.sluice.sdkExternal.bytes / worker.baseline.sdkExternal.bytes)} (SDK external), ${pct(worker.sluice.sdkBundled.bytes / worker.baseline.sdkBundled.bytes)} (SDK bundled); import time ${formatNumber(worker.sluice.sdkExternal.importMs / worker.baseline.sdkExternal.importMs, 2)}× (SDK external, ${worker.sluice.sdkExternal.importSamples.length} samples each).`,
    );
  }
  return rows;
}

function batchRow(pair: BatchPair, label = ''): string {
  return `| ${formatNumber(pair.records)}${label} | ${pair.partitions} | ${formatNumber(pair.batch.seconds, 2)} | ${formatNumber(pair.single.seconds, 2)} | ${formatNumber(pair.batch.seconds / pair.single.seconds, 1)}× | ${formatNumber(pair.batch.peakRssMiB)} (+${formatNumber(pair.batch.addedRssMiB)}) | ${formatNumber(pair.single.peakRssMiB)} (+${formatNumber(pair.single.addedRssMiB)}) |`;
}

function batchSection(results: BenchResults): string[] {
  if (!results.batch) return [`${NOT_MEASURED} (skipped with --only).`];
  const { headline, scaling } = results.batch;
  return [
    `Headline: ${formatNumber(headline.records)} records, ${headline.partitions} partitions: the job takes **${formatNumber(headline.ratio.median, 1)}×** the single-process time (paired median, ${formatNumber(headline.ratio.min, 1)}–${formatNumber(headline.ratio.max, 1)}×).`,
    '',
    '| records | partitions | batch job s | single process s | job ÷ single | job peak RSS MiB (+ during the phase) | single peak RSS MiB (+ during the phase) |',
    '|---:|---:|---:|---:|---:|---:|---:|',
    ...headline.pairs.map((p, i) => batchRow(p, ` (pair ${i + 1})`)),
    ...scaling.map((p) => batchRow(p)),
    ...(results.batch.points ?? []).map((p) => batchRow(p, ` (${p.label})`)),
    '',
    'The single-process reference runs in a fresh Node process (timed after reading the file; its peak RSS is its own, "+" is growth while computing). The batch job runs in the benchmark process with the whole local runtime, so its peak RSS includes fauxqs (in-process S3) holding the input, partitions, runs and outputs; "+" is the growth during the job. Each job\'s result (records, groups, sum of amounts) is checked against the reference.',
  ];
}

function streamSection(results: BenchResults): string[] {
  if (!results.stream) return [`${NOT_MEASURED} (skipped with --only).`];
  const s = results.stream;
  const bound = Math.min(s.putPerSecond, s.getPerSecond, s.processingPerSecond);
  const bounding = bound === s.processingPerSecond ? 'our processing' : bound === s.putPerSecond ? "kinesis-mock's PutRecords" : "kinesis-mock's GetRecords";
  return [
    '| part of the stage | records | records/s |',
    '|---|---:|---:|',
    `| our processing (decode → validate → filter/transform → window aggregate), fed in-process, emulator taken out | ${formatNumber(s.records)} | ${formatNumber(s.processingPerSecond)} |`,
    `| kinesis-mock PutRecords (500 per call, 4 in flight, 1 shard) | ${formatNumber(s.emulatorRecords)} | ${formatNumber(s.putPerSecond)} |`,
    `| kinesis-mock GetRecords (10,000 per call, 1 shard) | ${formatNumber(s.emulatorRecords)} | ${formatNumber(s.getPerSecond)} |`,
    '',
    `Bound: **${bounding}** (${formatNumber(bound)} records/s); our processing is ${formatNumber(s.processingPerSecond / Math.min(s.putPerSecond, s.getPerSecond), 0)}× faster than the emulator's slower side. The end-to-end stage (producer → kinesis-mock → local poller → handler → DynamoDB) is not timed here: test/integration/stream-pipeline.test.ts prints it on each run.`,
  ];
}

/**
 * Renders docs/benchmarks.md from one run's results.
 *
 * @example
 * await writeFile('docs/benchmarks.md', renderReport(results));
 */
export function renderReport(results: BenchResults): string {
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  return [
    '# Benchmarks',
    '',
    `Generated by \`${results.command}\` (bench/run.ts) on ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC. Do not edit by hand: re-run the command.`,
    `Machine: ${results.machine.cpus} CPUs, Node ${results.machine.node}, load average (1/5/15 min) ${load(results.machine.loadBefore)} before and ${load(results.machine.loadAfter)} after.`,
    'The machine is shared and noisy: read the **ratios** (both sides measured back to back in the same run), not the absolute figures.',
    '',
    '![sluice vs Powertools: throughput and bundle size](benchmarks.svg)',
    '',
    '## Against the targets',
    '',
    ...targetsSection(results),
    '',
    'TransactWriteItems is billed at 2 write capacity units per item (≤ 1 KB) on AWS, so one transaction of three items costs 6 WCU: fewer requests is not fewer units.',
    '',
    '## Queue worker vs Powertools',
    '',
    ...queueSection(results),
    '',
    '## Scaling (0 % duplicates)',
    '',
    ...scalingSection(results),
    '',
    '## Cold start',
    '',
    ...coldStartSection(results),
    '',
    '## Batch vs the single-process limit',
    '',
    ...batchSection(results),
    '',
    '## Stream',
    '',
    ...streamSection(results),
    '',
    '## Method',
    '',
    '- **Same work.** sluice runs `examples/orders/functions/order-worker.ts` (createQueueWorker, atomic mode). The baseline, `bench/baselines/powertools-order-worker.ts`, does the same work the way the Powertools docs show: `BatchProcessor` + `processPartialResponse`, `makeIdempotent` with `DynamoDBPersistenceLayer` (`keyAttr: \'pk\'` on the same DedupTable construct). Both parse with the same zod `OrderJob` schema, key idempotency on a hash of the parsed order (sluice: SHA-256 of canonical JSON; Powertools: MD5 of the sorted payload), and write the same effect (`orderWrite`: Put the order + ADD to the customer\'s totals). The baseline writes the effect in one TransactWriteItems (the cheapest correct way to keep order and totals together); its idempotency record is a PutItem before and an UpdateItem after.',
    '- **Same runtime.** `bench/bench-stack.ts` synthesizes one CDK stack with two identical `QueuePipeline`s (batch size 10, 5 concurrent batches, no batching window), one per entry, each with its own dedup, orders and totals tables. Every run starts the local runtime (`LocalRuntime.start`) on that template with a fresh name prefix (fresh queues and tables), pollers off, `POWERTOOLS_LOG_LEVEL=SILENT` and metrics disabled.',
    '- **Timing.** Unreported warm-up pairs of the headline size run first (DynamoDB Local\'s JVM speeds up over its first few thousand requests). In each run the handler is loaded and warmed with two direct invocations (20 orders), the queue is filled, then the clock runs from starting the same SQS poller (local/pollers/sqs-poller.ts) until it has deleted every message. Sending is not timed. Afterwards the orders table must hold exactly the unique orders, or the run fails.',
    '- **Interleaving.** Runs go in pairs, sluice and Powertools back to back, alternating who goes first (A B, B A, …). The ratio is the median of the per-pair ratios, with its min–max.',
    '- **Duplicates.** In the 20 % runs, 20 % of the messages are exact copies of orders from the first half of the workload, queued after all originals, so they meet a completed record (a duplicate) rather than a live claim.',
    '- **Counting DynamoDB requests.** The handlers run in this process and build their own clients, so bench/dynamodb-counter.ts wraps `DynamoDBClient.prototype.send` once, before any handler loads, and adds two SDK middlewares to each client on its first send: at `initialize` (one count per request, with the command name and its items written) and at `deserialize` (inside the retry loop: one count per HTTP attempt). Only the timed window is counted. Per first-time message = the 0 % runs\' count ÷ messages; per duplicate = (20 % runs\' count − unique orders × per-first-time) ÷ copies. WCU assume items ≤ 1 KB: 1 per plain write (a failed conditional write is billed too), 2 per item inside TransactWriteItems.',
    '- **Cold start.** Each handler is bundled with the esbuild API as SluiceFunction bundles it for Lambda (ESM, minified, node22, the same `require` banner), once with `@aws-sdk/*` external and once with the SDK bundled; sizes are the bundle files without source maps. Import time is `await import(bundle)` timed inside a fresh `node` process, median of N, with all bundles imported round robin.',
    '',
    '## Profile findings',
    '',
    results.profileNotes.trim(),
    '',
  ].join('\n');
}
