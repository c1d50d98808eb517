import { AWS_LATENCY, AWS_PRICES } from './aws-model.ts';
import type { BatchPair, BatchResults } from './batch-scenarios.ts';
import type { ColdStartResult } from './cold-start.ts';
import { costPerMillion, type CostPerMillion } from './cost.ts';
import { modelThroughput } from './latency-model.ts';
import type { DuplicatePair, LatencyResults } from './latency-scenarios.ts';
import { requestTotals, type OperationCounts } from './dynamodb-counter.ts';
import { perDuplicate, type QueueScenarioResult, type WorkerSummary } from './queue-scenarios.ts';
import { formatKiB, formatNumber, median } from './stats.ts';

/** The machine's load average (1/5/15 min) around one section, and when it ended. */
export interface SectionLoad {
  before: number[];
  after: number[];
  at: string;
}

/** Everything one `npm run bench` measured, and where it ran. */
export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  command: string;
  /** With --only: the sections kept from earlier runs, each with the time it was measured. */
  kept?: { section: string; at: string }[];
  machine: { cpus: number; node: string; loadBefore: number[]; loadAfter: number[] };
  /** The headline workload at 0 % and 20 % duplicates (same size). */
  queue: { first: QueueScenarioResult; duplicates: QueueScenarioResult } | undefined;
  /** Further sizes at 0 % duplicates. */
  scaling: QueueScenarioResult[];
  /** The latency-true runs (AWS-like latency on every DynamoDB and SQS call), with what each request is billed. */
  latency?: LatencyResults | undefined;
  coldStart: ColdStartResult[] | undefined;
  batch: BatchResults | undefined;
  stream: StreamResults | undefined;
  /** Load around each section, by section name. */
  sectionLoad?: Partial<Record<string, SectionLoad>>;
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
  latencyRatio: 2,
  rawRatioFloor: 1.0,
  bundleKiB: 150,
  importShare: 0.6,
  batchOverSingleProcess: 1.5,
};

const NOT_MEASURED = '*not measured yet*';

const METHOD = [
  "- **Same work.** sluice runs `examples/orders/functions/order-worker.ts` (createQueueWorker, atomic mode, the dedup store read first when duplicates pay for it: `SLUICE_DEDUP_READ_FIRST` adaptive, the default). The baseline, `bench/baselines/powertools-order-worker.ts`, does the same work the way the Powertools docs show: `BatchProcessor` + `processPartialResponse`, `makeIdempotent` with `DynamoDBPersistenceLayer` (`keyAttr: 'pk'` on the same DedupTable construct). Both parse with the sample's `OrderJob` schema (`zod/mini`), key idempotency on a hash of the order (sluice: SHA-256 of canonical JSON; Powertools: MD5 of the sorted payload), use the same client settings and write the same effect (`orderWrite`: Put the order + ADD to the customer's totals, two items). The baseline writes that effect in one TransactWriteItems (the cheapest correct way to keep order and totals together); its idempotency record is a PutItem before and an UpdateItem after. The effect of one item (the order only) runs in bench/workers/ (sluice atomic: one two-item transaction; sluice claim: claim PutItem + the order's PutItem + complete UpdateItem) and in the baseline with `BENCH_EFFECT=order` (a plain PutItem).",
  "- **Same runtime.** `bench/bench-stack.ts` synthesizes one CDK stack per worker with one `QueuePipeline` (batch size 10, no batching window; 5 concurrent batches on the raw emulators, 2 in the latency-true runs) and its own dedup, orders and totals tables. Every run starts the local runtime (`LocalRuntime.start`) on that template with a fresh name prefix (fresh queues and tables), pollers off, `POWERTOOLS_LOG_LEVEL=SILENT` and metrics disabled.",
  "- **Timing.** Unreported warm-up pairs run first (DynamoDB Local's JVM speeds up over its first few thousand requests). In each run the handler is loaded and warmed with two direct invocations (20 orders), the queue is filled, then the clock runs from starting the same SQS poller (local/pollers/sqs-poller.ts) until it has deleted every message. Sending is not timed. Afterwards the orders table must hold exactly the unique orders, or the run fails.",
  "- **Interleaving.** Runs go in pairs, sluice and Powertools back to back, alternating who goes first (A B, B A, …). The ratio is the median of the per-pair ratios, with its min–max.",
  "- **Duplicates.** In the 20 % runs, 20 % of the messages are exact copies of orders from the first half of the workload, queued after all originals, so they meet a completed record (a duplicate) rather than a live claim.",
  "- **AWS latency.** In the latency-true runs, fault proxies (local/faults/fault-proxy.ts) sit in front of DynamoDB Local and fauxqs for everything the runtime, the poller and the function send. While the clock runs, each answer leaves no earlier than a latency drawn (log-normal through the published p50 and p99, seeded) for its operation after the request arrived: the emulator's own time is inside the latency, not added to it; the last column of the table counts the answers the emulator made later than their latency (then the emulator, not AWS's latency, set the pace). Throughput per concurrent batch is messages/s ÷ the mapping's MaximumConcurrency. The local poller receives, invokes and deletes in turn, so the mapping's two SQS round trips per batch count against both workers alike; Lambda's own pollers may overlap them with the invocation.",
  "- **The model column.** bench/latency-model.ts predicts each worker's throughput per concurrent batch from the latency figures alone: each message makes, one after the other, the DynamoDB calls the worker was measured making per message (drawn independently), a batch of 10 waits for its slowest message, plus the mapping's receive and delete. It takes the machine out (CPU time, an overloaded emulator) and leaves out correlations between one message's calls. When many answers come later than their latency, the run measures the emulators as much as the latency, and the model is the better guide.",
  "- **What is billed.** The same proxies read every DynamoDB request and its answer in the timed window: write request units per KB written (a refused conditional PutItem included), 2 per item of a TransactWriteItems (cancelled ones included: the costly reading for sluice), 0.5 read units per eventually consistent GetItem (item ≤ 4 KB). Updates count as one 1 KB write (the totals and dedup records are far smaller). Lambda: each invocation's wall time rounded up to 1 ms, at the function's 512 MiB, plus its request. SQS: every request of the function and the poller except empty receives, plus one SendMessageBatch per 10 messages for the producer. Lambda's init phase and the free tiers are left out, for both workers alike.",
  "- **Counting DynamoDB requests on the raw emulators.** bench/dynamodb-counter.ts wraps `DynamoDBClient.prototype.send` once, before any handler loads, and adds two SDK middlewares to each client on its first send: at `initialize` (one count per request, with the command name and its items written) and at `deserialize` (inside the retry loop: one count per HTTP attempt). Only the timed window is counted. Per first-time message = the 0 % runs' count ÷ messages; per duplicate = (20 % runs' count − unique orders × per-first-time) ÷ copies.",
  "- **Cold start.** Each handler is bundled with the esbuild API as SluiceFunction bundles it for Lambda (ESM, minified, node22, the same `require` banner, a source map with mappings only): once with every dependency (as shipped) and once with `@aws-sdk/*` left to the runtime (NodejsFunction's default); sizes are the bundle files without the map. Import time is `await import(bundle)` inside a fresh `node --enable-source-maps` process (SluiceFunction's NODE_OPTIONS), median of N, all bundles round robin; the CPU time (user + system) of the import is the figure compared, as it depends far less on what else the shared machine runs than the wall time does.",
];


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
    floor: coldStart.find((c) => c.target.entry.startsWith('bench/floors/')),
  };
}

function missedBy(ok: boolean, by: string): string {
  return ok ? 'met' : `**missed** by ${by}`;
}

/** The per-concurrent-batch throughput of a summary (the mapping's MaximumConcurrency batches run at once). */
function perBatch(summary: WorkerSummary): number {
  return summary.medianMessagesPerSecond / Math.max(1, summary.runs[0]?.maxConcurrency ?? 1);
}

/** Median billed handler time per invocation (one batch), ms. */
function batchMs(summary: WorkerSummary): number {
  return median(summary.runs.map((run) => run.billedMs / Math.max(1, run.invocations)));
}

const costOf = (summary: WorkerSummary): CostPerMillion => costPerMillion(summary.runs);
const dollars = (value: number) => `$${formatNumber(value, 3)}`;

function targetsSection(results: BenchResults): string[] {
  const rows = ['| target | measured | verdict |', '|---|---|---|'];
  const latency = results.latency;
  if (latency) {
    const { first, duplicates } = latency.twoItems;
    const worst = Math.min(first.ratio.median, duplicates.ratio.median, modelRatio(first), modelRatio(duplicates));
    rows.push(
      `| queue worker ≥ ${TARGETS.latencyRatio}× Powertools in messages/s per concurrent batch, with AWS latency (judged on the lower of the run and the model) | run: ${formatNumber(first.ratio.median, 2)}× at 0 % dup, ${formatNumber(duplicates.ratio.median, 2)}× at 20 % dup (${pct(lateShare(first))} and ${pct(lateShare(duplicates))} of the answers later than their latency: the emulators, not the latency, set part of the pace); the published latencies alone: ${formatNumber(modelRatio(first), 2)}× and ${formatNumber(modelRatio(duplicates), 2)}× (two-item effect) | ${missedBy(worst >= TARGETS.latencyRatio, `${formatNumber(TARGETS.latencyRatio - worst, 2)}×`)} |`,
    );
  } else {
    rows.push(`| queue worker ≥ ${TARGETS.latencyRatio}× Powertools with AWS latency | ${NOT_MEASURED} | – |`);
  }
  if (results.queue) {
    const worst = Math.min(results.queue.first.ratio.median, results.queue.duplicates.ratio.median);
    rows.push(
      `| never below ${formatNumber(TARGETS.rawRatioFloor, 1)}× on the raw emulators | ${formatNumber(results.queue.first.ratio.median, 2)}× at 0 % dup, ${formatNumber(results.queue.duplicates.ratio.median, 2)}× at 20 % dup | ${missedBy(worst >= TARGETS.rawRatioFloor, `${formatNumber(TARGETS.rawRatioFloor - worst, 2)}×`)} |`,
    );
  } else {
    rows.push(`| never below 1.0× on the raw emulators | ${NOT_MEASURED} | – |`);
  }
  if (latency) {
    const columns = costColumns(latency);
    const over = columns.filter((column) => column.sluice.total > column.baseline.total);
    rows.push(
      `| cost per million messages: sluice (as shipped: atomic, read-first adaptive) ≤ Powertools in every column | ${columns.map((c) => `${c.label}: ${dollars(c.sluice.total)} vs ${dollars(c.baseline.total)}`).join('; ')} | ${over.length === 0 ? 'met' : `**missed** in ${over.map((c) => c.label).join(', ')}`} |`,
    );
    const claimColumns = columns.filter((c) => c.claim);
    if (claimColumns.length > 0) {
      const claimOver = claimColumns.filter((c) => c.claim!.total > c.baseline.total);
      rows.push(
        `| the same, with claim mode for the effect of one item (the baseline's guarantee: at-least-once across a crash) | ${claimColumns.map((c) => `${c.label}: ${dollars(c.claim!.total)} vs ${dollars(c.baseline.total)}`).join('; ')} | ${claimOver.length === 0 ? 'met' : `**missed** in ${claimOver.map((c) => c.label).join(', ')}`} |`,
      );
    }
  } else {
    rows.push(`| cost per million messages ≤ Powertools in every column | ${NOT_MEASURED} | – |`);
  }
  const worker = results.coldStart ? orderWorker(results.coldStart) : undefined;
  if (worker?.sluice && worker.baseline) {
    const kib = worker.sluice.sdkExternal.bytes / 1024;
    rows.push(`| order worker bundle ≤ ${TARGETS.bundleKiB} KiB (SDK external) | ${formatKiB(worker.sluice.sdkExternal.bytes)} (Powertools baseline ${formatKiB(worker.baseline.sdkExternal.bytes)}) | ${missedBy(kib <= TARGETS.bundleKiB, `${formatNumber(kib - TARGETS.bundleKiB, 1)} KiB`)} |`);
    const share = importShare(worker.sluice.sdkBundled, worker.baseline.sdkBundled);
    const external = importShare(worker.sluice.sdkExternal, worker.baseline.sdkExternal);
    rows.push(
      share === undefined
        ? `| order worker import ≤ ${TARGETS.importShare}× the baseline's | import failed | – |`
        : `| order worker import ≤ ${TARGETS.importShare}× the baseline's, same run (CPU ms, as shipped: every dependency bundled) | ${formatNumber(share, 2)}× (${formatNumber(worker.sluice.sdkBundled.importCpuMs!, 1)} vs ${formatNumber(worker.baseline.sdkBundled.importCpuMs!, 1)} ms)${external === undefined ? '' : `; SDK external ${formatNumber(external, 2)}×`}${worker.floor?.sdkBundled.importCpuMs === undefined ? '' : `; the SDK's DynamoDB client alone, which both import: ${formatNumber(worker.floor.sdkBundled.importCpuMs, 1)} ms (${formatNumber(worker.floor.sdkBundled.importCpuMs / worker.baseline.sdkBundled.importCpuMs!, 2)}× the baseline)`} | ${missedBy(share <= TARGETS.importShare, `${formatNumber(share - TARGETS.importShare, 2)}×`)} |`,
    );
  } else {
    rows.push(`| order worker bundle ≤ ${TARGETS.bundleKiB} KiB; import ≤ ${TARGETS.importShare}× the baseline's | ${NOT_MEASURED} | – |`);
  }
  if (results.batch) {
    const { records, partitions, ratio } = results.batch.headline;
    rows.push(
      `| batch ≤ ${TARGETS.batchOverSingleProcess}× single-process time at 1M records | ${formatNumber(ratio.median, 1)}× at ${formatNumber(records)} records, ${partitions} partitions (paired median of ${ratio.ratios.length}) | ${missedBy(ratio.median <= TARGETS.batchOverSingleProcess, `${formatNumber(ratio.median - TARGETS.batchOverSingleProcess, 1)}×`)} |`,
    );
  } else {
    rows.push(`| batch ≤ ${TARGETS.batchOverSingleProcess}× single-process time at 1M records | ${NOT_MEASURED} | – |`);
  }
  return rows;
}

function importShare(sluice: ColdStartResult['sdkExternal'], baseline: ColdStartResult['sdkExternal']): number | undefined {
  return sluice.importCpuMs !== undefined && baseline.importCpuMs ? sluice.importCpuMs / baseline.importCpuMs : undefined;
}

export interface CostColumn {
  label: string;
  sluice: CostPerMillion;
  baseline: CostPerMillion;
  never?: CostPerMillion;
  always?: CostPerMillion;
  claim?: CostPerMillion;
}

/**
 * The cost table's columns: the two-item and one-item effects at 0 % and 20 % duplicates, each with
 * sluice as shipped, the baseline and the alternatives measured for it.
 *
 * @example
 * const [twoItemsNoDuplicates] = costColumns(results.latency);
 */
export function costColumns(latency: LatencyResults): CostColumn[] {
  // Every sluice variant of a column ran in pairs with the baseline: the baseline's cost pools all of
  // those runs (its units are the same in each; its billed time is the average over more runs).
  const column = (label: string, pairs: DuplicatePair[], which: 'first' | 'duplicates', extra: Omit<CostColumn, 'label' | 'sluice' | 'baseline'>): CostColumn => ({
    label,
    sluice: costOf(pairs[0]![which].sluice),
    baseline: costPerMillion(pairs.flatMap((pair) => pair[which].powertools.runs)),
    ...extra,
  });
  const twoItems = [latency.twoItems, latency.readFirst.never, latency.readFirst.always];
  const oneItem = [latency.oneItem.atomic, latency.oneItem.claim];
  return [
    column('two items, 0 % dup', twoItems, 'first', { never: costOf(latency.readFirst.never.first.sluice), always: costOf(latency.readFirst.always.first.sluice) }),
    column('two items, 20 % dup', twoItems, 'duplicates', { never: costOf(latency.readFirst.never.duplicates.sluice), always: costOf(latency.readFirst.always.duplicates.sluice) }),
    column('one item, 0 % dup', oneItem, 'first', { claim: costOf(latency.oneItem.claim.first.sluice) }),
    column('one item, 20 % dup', oneItem, 'duplicates', { claim: costOf(latency.oneItem.claim.duplicates.sluice) }),
  ];
}

/** Share of the proxies' answers that the emulator made later than their drawn latency. */
function lateShare(result: QueueScenarioResult): number {
  const runs = [...result.sluice.runs, ...result.powertools.runs];
  const overruns = runs.reduce((sum, run) => sum + (run.latency?.overruns ?? 0), 0);
  const answered = runs.reduce((sum, run) => sum + (run.latency?.held ?? 0) + (run.latency?.overruns ?? 0), 0);
  return answered > 0 ? overruns / answered : 0;
}

/** sluice ÷ Powertools as the published latencies alone predict it, from the calls each made per message. */
function modelRatio(result: QueueScenarioResult): number {
  return modelThroughput(result.sluice.runs, AWS_LATENCY).messagesPerSecondPerBatch / modelThroughput(result.powertools.runs, AWS_LATENCY).messagesPerSecondPerBatch;
}

function latencyRow(label: string, result: QueueScenarioResult, raw?: QueueScenarioResult): string {
  return `| ${label} | ${pct(result.scenario.duplicateShare)} | ${result.scenario.runs} + ${result.scenario.runs} | ${formatNumber(perBatch(result.sluice), 1)} | ${formatNumber(perBatch(result.powertools), 1)} | ${ratioCell(result)} | ${formatNumber(modelRatio(result), 2)}× | ${formatNumber(batchMs(result.sluice), 1)} / ${formatNumber(batchMs(result.powertools), 1)} | ${raw ? `${formatNumber(raw.ratio.median, 2)}×` : '–'} | ${pct(lateShare(result))} |`;
}

function latencySection(results: BenchResults): string[] {
  const latency = results.latency;
  if (!latency) return [`${NOT_MEASURED} (skipped with --only).`];
  const raw = results.queue;
  return [
    `Every DynamoDB and SQS call, the function's and the event source mapping's, answers after a latency drawn from AWS's published figures (see Sources): DynamoDB single-item calls p50 ${AWS_LATENCY.dynamodb.default!.p50Ms} ms / p99 ${AWS_LATENCY.dynamodb.default!.p99Ms} ms, TransactWriteItems p50 ${AWS_LATENCY.dynamodb.byOperation!.TransactWriteItems!.p50Ms} / p99 ${AWS_LATENCY.dynamodb.byOperation!.TransactWriteItems!.p99Ms} ms, SQS p50 ${AWS_LATENCY.sqs.default!.p50Ms} / p99 ${AWS_LATENCY.sqs.default!.p99Ms} ms. ${formatNumber(latency.messages)} messages per run, batches of 10, ${latency.maxConcurrency} concurrent batches.`,
    '',
    '| effect, sluice mode | duplicates | runs (sluice + Powertools) | sluice msg/s per concurrent batch | Powertools msg/s per concurrent batch | sluice ÷ Powertools, paired (min–max) | the published latencies alone (model) | billed ms per batch (sluice / Powertools, median) | raw-emulator ratio, same workload | answers later than their latency |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    latencyRow('two items, atomic, read-first adaptive (as shipped)', latency.twoItems.first, raw?.first),
    latencyRow('two items, atomic, read-first adaptive (as shipped)', latency.twoItems.duplicates, raw?.duplicates),
    latencyRow('two items, atomic, read-first never', latency.readFirst.never.first),
    latencyRow('two items, atomic, read-first never', latency.readFirst.never.duplicates),
    latencyRow('two items, atomic, read-first always', latency.readFirst.always.first),
    latencyRow('two items, atomic, read-first always', latency.readFirst.always.duplicates),
    latencyRow('one item, atomic (read-first adaptive)', latency.oneItem.atomic.first),
    latencyRow('one item, atomic (read-first adaptive)', latency.oneItem.atomic.duplicates),
    latencyRow('one item, claim (read-first adaptive)', latency.oneItem.claim.first),
    latencyRow('one item, claim (read-first adaptive)', latency.oneItem.claim.duplicates),
  ];
}

function costSection(results: BenchResults): string[] {
  const latency = results.latency;
  if (!latency) return [`${NOT_MEASURED} (skipped with --only).`];
  const columns = costColumns(latency);
  const cell = (cost: CostPerMillion | undefined) => (cost ? `**${dollars(cost.total)}** (${dollars(cost.dynamodb)} + ${dollars(cost.lambda)} + ${dollars(cost.sqs)})` : '–');
  const units = (cost: CostPerMillion | undefined) =>
    cost ? `${formatNumber(cost.writeUnits, 2)} WRU + ${formatNumber(cost.readUnits, 2)} RRU in ${formatNumber(cost.dynamodbRequests, 2)} req; ${formatNumber(cost.gbSeconds * 1000, 2)} GB-ms; ${formatNumber(cost.sqsRequests, 2)} SQS req` : '–';
  const header = `| | ${columns.map((c) => c.label).join(' | ')} |`;
  const rule = `|---|${columns.map(() => '---:').join('|')}|`;
  return [
    'Dollars per million messages, on demand in us-east-1 (see Sources for the prices and their dates): total (DynamoDB + Lambda + SQS), computed from what the latency-true runs measured: the write and read request units each DynamoDB request is billed (seen on the wire; refused conditional writes and cancelled transactions included, at 2 units per transaction item), the handlers\' billed duration at their 512 MiB (arm64) and their invocations, and the SQS requests (the producer\'s sends, the mapping\'s non-empty receives and deletes, the function\'s own).',
    '',
    header,
    rule,
    `| sluice as shipped (atomic, read-first adaptive) | ${columns.map((c) => cell(c.sluice)).join(' | ')} |`,
    `| Powertools batch + idempotency (all its runs in the column) | ${columns.map((c) => cell(c.baseline)).join(' | ')} |`,
    `| sluice atomic, read-first never | ${columns.map((c) => cell(c.never)).join(' | ')} |`,
    `| sluice atomic, read-first always | ${columns.map((c) => cell(c.always)).join(' | ')} |`,
    `| sluice claim mode | ${columns.map((c) => cell(c.claim)).join(' | ')} |`,
    '',
    'The units per message behind them:',
    '',
    header,
    rule,
    `| sluice as shipped | ${columns.map((c) => units(c.sluice)).join(' | ')} |`,
    `| Powertools | ${columns.map((c) => units(c.baseline)).join(' | ')} |`,
    `| sluice read-first never | ${columns.map((c) => units(c.never)).join(' | ')} |`,
    `| sluice read-first always | ${columns.map((c) => units(c.always)).join(' | ')} |`,
    `| sluice claim mode | ${columns.map((c) => units(c.claim)).join(' | ')} |`,
  ];
}

function sourcesSection(): string[] {
  return [
    '| figure | source | date |',
    '|---|---|---|',
    ...[...AWS_LATENCY.sources, ...AWS_PRICES.sources].map((source) => `| ${source.what} | ${source.url} | ${source.date} |`),
  ];
}

function loadLine(results: BenchResults, sections: string[]): string {
  const loads = sections.flatMap((section) => {
    const load = results.sectionLoad?.[section];
    return load ? [`${section}: ${load.before.map((x) => x.toFixed(2)).join(' / ')} before, ${load.after.map((x) => x.toFixed(2)).join(' / ')} after (${load.at.slice(0, 16).replace('T', ' ')} UTC)`] : [];
  });
  return `Machine: ${results.machine.cpus} CPUs, Node ${results.machine.node}. Load average (1/5/15 min) ${loads.length > 0 ? loads.join('; ') : 'not recorded for this section'}.`;
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
  const cpu = (f: ColdStartResult['sdkExternal']) => (f.importCpuMs !== undefined ? formatNumber(f.importCpuMs, 1) : `failed: ${f.importError ?? '?'}`);
  const wall = (f: ColdStartResult['sdkExternal']) => (f.importMs !== undefined ? formatNumber(f.importMs, 1) : '–');
  const rows = [
    '| handler | bundle as shipped (every dependency) | gzip | source map | import CPU ms (wall ms) | bundle, SDK external | import CPU ms (wall ms), SDK external | largest parts, SDK external |',
    '|---|---:|---:|---:|---:|---:|---:|---|',
    ...results.coldStart.map(
      (c) =>
        `| ${c.target.name} | ${formatKiB(c.sdkBundled.bytes)} | ${formatKiB(c.sdkBundled.gzipBytes)} | ${c.sdkBundled.mapBytes !== undefined ? formatKiB(c.sdkBundled.mapBytes) : '–'} | ${cpu(c.sdkBundled)} (${wall(c.sdkBundled)}) | ${formatKiB(c.sdkExternal.bytes)} | ${cpu(c.sdkExternal)} (${wall(c.sdkExternal)}) | ${c.sdkExternal.byPackage
          .slice(0, 4)
          .map(([name, bytes]) => `${name} ${formatKiB(bytes)}`)
          .join(', ')} |`,
    ),
  ];
  const worker = orderWorker(results.coldStart);
  if (worker.sluice?.sdkBundled.importCpuMs !== undefined && worker.baseline?.sdkBundled.importCpuMs !== undefined && worker.sluice.sdkExternal.importCpuMs !== undefined && worker.baseline.sdkExternal.importCpuMs !== undefined) {
    const samples = worker.sluice.sdkBundled.importSamples.length;
    rows.push(
      '',
      `order-worker ÷ baseline, import CPU: ${formatNumber(worker.sluice.sdkBundled.importCpuMs / worker.baseline.sdkBundled.importCpuMs, 2)}× as shipped, ${formatNumber(worker.sluice.sdkExternal.importCpuMs / worker.baseline.sdkExternal.importCpuMs, 2)}× with the SDK external (${samples} samples each). ` +
        `Bundling the SDK changes the order worker's import CPU by ${pct(worker.sluice.sdkBundled.importCpuMs / worker.sluice.sdkExternal.importCpuMs - 1)} and the baseline's by ${pct(worker.baseline.sdkBundled.importCpuMs / worker.baseline.sdkExternal.importCpuMs - 1)}.`,
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
  return [
    '# Benchmarks',
    '',
    `Generated by \`${results.command}\` (bench/run.ts), finished ${utcMinute(results.finishedAt)} UTC${keptNote(results.kept)}. Do not edit by hand: re-run the command.`,
    `Machine: ${results.machine.cpus} CPUs, Node ${results.machine.node}; the load of each section is given with it.`,
    'The machine is shared and noisy: read the **ratios** (both sides measured back to back in the same run), not the absolute figures.',
    '',
    '![sluice vs Powertools](benchmarks.svg)',
    '',
    '## In AWS terms',
    '',
    '### Against the targets',
    '',
    ...targetsSection(results),
    '',
    '### Throughput with AWS latency',
    '',
    loadLine(results, ['latency']),
    '',
    ...latencySection(results),
    '',
    '### Cost per million messages',
    '',
    ...costSection(results),
    '',
    '### Cold start',
    '',
    loadLine(results, ['cold']),
    '',
    ...coldStartSection(results),
    '',
    '### Sources',
    '',
    ...sourcesSection(),
    '',
    '## On the raw emulators',
    '',
    'No latency: the emulators answer as fast as this machine lets them, so these figures measure what DynamoDB Local\'s JVM spends per request, not what AWS charges.',
    '',
    '### Queue worker vs Powertools',
    '',
    loadLine(results, ['queue']),
    '',
    ...queueSection(results),
    '',
    '### Scaling (0 % duplicates)',
    '',
    ...scalingSection(results),
    '',
    '### Batch vs the single-process limit',
    '',
    loadLine(results, ['batch']),
    '',
    ...batchSection(results),
    '',
    '### Stream',
    '',
    loadLine(results, ['stream']),
    '',
    ...streamSection(results),
    '',
    '## Method',
    '',
    ...METHOD,
    '',
    '## Profile findings',
    '',
    results.profileNotes.trim(),
    '',
  ].join('\n');
}

const utcMinute = (iso: string) => iso.slice(0, 16).replace('T', ' ');

function keptNote(kept: BenchResults['kept']): string {
  if (!kept?.length) return '';
  return `; kept from earlier runs: ${kept.map(({ section, at }) => `${section} (${utcMinute(at)} UTC)`).join(', ')}`;
}
