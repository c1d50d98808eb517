import { createProgress, describeMappings, formatCount, formatTable, LocalRuntime, MetricsCollector, VirtualClock } from 'sluice/local';
import { createApp, STACK_NAME } from '../infra/app.ts';
import { runQueueStage, type QueueStageResult } from './queue-stage.ts';
import { runStreamStage, type StreamStageResult } from './stream-stage.ts';
import { runBatchStage, stateMachineEventTap, type BatchStageResult } from './batch-stage.ts';

/**
 * `SLUICE_DEMO_VERBOSE=1` shows the functions' own log lines (they are quiet by default so the progress bars
 * and the summary stay readable).
 */
const DEMO_VERBOSE_ENV = 'SLUICE_DEMO_VERBOSE';

export interface DemoOptions {
  readonly orders: number;
  readonly seed: number;
  /** Events put on the order stream (default 5,000: kinesis-mock accepts about 500–1,400 records/s). */
  readonly events?: number;
  readonly skipStream?: boolean;
  /** Valid records of the batch stage's generated data set (default 100,000). */
  readonly records?: number;
  readonly skipBatch?: boolean;
}

function queueSummary(r: QueueStageResult): string {
  const rate = r.sent / (r.wallMs / 1000);
  const refused = Object.values(r.refusedByReason).reduce((a, b) => a + b, 0);
  const reasons = [...new Set([...Object.keys(r.expectedDlqByReason), ...Object.keys(r.dlqByReason)])];
  const rows: string[][] = [
    ['queue stage (Orders: SQS → Lambda → DynamoDB)', 'value'],
    ['messages sent', formatCount(r.sent)],
    ['refused by the producer (not sent)', fate(refused, 0)],
    ...Object.entries(r.refusedByReason).map(([reason, n]) => [`  refused: ${reason}`, formatCount(n)]),
    ['unique orders expected', formatCount(r.uniqueOrders)],
    ['processed (orders written)', formatCount(r.effects)],
    ['duplicates skipped', formatCount(r.duplicates)],
    ...reasons.map((reason) => [`in DLQ: ${reason}`, fate(r.dlqByReason[reason] ?? 0, r.expectedDlqByReason[reason] ?? 0)]),
    ['DLQ depth (checked)', formatCount(r.dlqDepth)],
    ['delayed and delivered', formatCount(r.delayedDelivered)],
    ['delay hops (> 15 min)', formatCount(r.delayHops)],
    ['lost', formatCount(r.lost)],
    ['wall time', `${(r.wallMs / 1000).toFixed(1)} s`],
    ['messages/s', rate.toFixed(0)],
    ['virtual time skipped', `${r.virtualMinutesSkipped} min`],
  ];
  return formatTable(rows);
}

/** A count, with the expected one beside it when they differ. */
function fate(observed: number, expected: number): string {
  return observed === expected ? formatCount(observed) : `${formatCount(observed)} (expected ${formatCount(expected)})`;
}

/**
 * The queue stage's check: every accepted order took effect once, every DLQ entry is one the workload
 * called for (by reason), and the DLQ holds them all. A refused message was never sent, so it is counted,
 * not lost; but the workload is built to be accepted whole (its times are stamped at send time), so a
 * refusal means the run did not exercise what it claims, and fails the check after the summary.
 */
function queueAccountedFor(r: QueueStageResult): boolean {
  const dlqTotal = Object.values(r.dlqByReason).reduce((a, b) => a + b, 0);
  const refused = Object.values(r.refusedByReason).reduce((a, b) => a + b, 0);
  const reasons = new Set([...Object.keys(r.expectedDlqByReason), ...Object.keys(r.dlqByReason)]);
  const dlqAsExpected = [...reasons].every((k) => (r.dlqByReason[k] ?? 0) === (r.expectedDlqByReason[k] ?? 0));
  return r.lost === 0 && refused === 0 && r.effects === r.uniqueOrders && dlqTotal === r.dlqDepth && dlqAsExpected;
}

function streamSummary(r: StreamStageResult): string {
  const rows: string[][] = [
    ['stream stage (OrderStream: Kinesis → filter → Lambda → DynamoDB)', 'value'],
    ['events sent', formatCount(r.sent)],
    ['filtered out by FilterCriteria (cart, not JSON)', fate(r.observed.filtered, r.expected.filtered)],
    ['rejected to the failure queue (schema-invalid)', fate(r.observed.rejected, r.expected.rejected)],
    ['dropped by the transform (free orders)', formatCount(r.observed.dropped)],
    ['aggregated into windows', fate(r.observed.aggregated, r.expected.aggregated)],
    ['discarded by the poller (on-failure)', formatCount(r.discarded)],
    ['unaccounted', formatCount(r.unaccounted)],
    [`windows committed (shard × ${r.windowSeconds} s)`, formatCount(r.windowsCommitted)],
    ['window parts committed', formatCount(r.windowParts)],
    ['(category, window) aggregates mismatched', formatCount(r.mismatches)],
    ['put events/s', r.putPerSecond.toFixed(0)],
    ['processed events/s (put → last record handled)', r.processedPerSecond.toFixed(0)],
    ['processing lag after the last put', `${(r.drainAfterPutMs / 1000).toFixed(1)} s`],
    ['wall time', `${(r.wallMs / 1000).toFixed(1)} s`],
    ['virtual time moved to close the last window', `${(r.windowCloseAdvanceMs / 1000).toFixed(1)} s`],
  ];
  const top: string[][] = [
    ['window (UTC)', 'category', 'orders', 'revenue'],
    ...r.topWindows.map((w) => [`${w.windowStart.slice(11, 19)}`, w.key, formatCount(w.count), (w.sum / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })]),
  ];
  return `${formatTable(rows)}\n\n${formatTable(top)}`;
}

function batchSummary(r: BatchStageResult): string {
  const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const rows: string[][] = [
    ['batch stage (BatchRequest: SQS → starter → Step Functions Split → Map → Reduce)', 'value'],
    ['job', r.jobId],
    ['job requests sent / executions started', `${r.requestsSent} / ${r.executionsStarted}`],
    [`partitions (${r.mode} Map)`, formatCount(r.partitions)],
    ['records', formatCount(r.records)],
    ['groups', formatCount(r.groups)],
    ['malformed lines skipped (policy skip)', formatCount(r.skippedLines)],
    ['mismatches against the single-pass computation', formatCount(r.mismatches)],
    ['upload (generate + multipart PutObject)', seconds(r.uploadMs)],
    ['job duration (request → execution end)', seconds(r.jobMs)],
    ['  of which the job itself (Split → Reduce, from its summary)', seconds(r.jobDurationMs)],
    ['records/s', formatCount(r.recordsPerSecond)],
    ['wall time', seconds(r.wallMs)],
  ];
  return formatTable(rows);
}

/**
 * The Orders demo (what `npm start` runs): starts the emulators and the local runtime from the
 * synthesized template, pushes the sample workload through the pipelines with progress bars, and
 * prints one summary. Exits non-zero if any message is unaccounted for.
 *
 * @example
 * const ok = await runDemo({ orders: 2000, seed: 1, events: 5000 });
 */
export async function runDemo(options: DemoOptions): Promise<boolean> {
  const clock = VirtualClock.install();
  const verbose = process.env[DEMO_VERBOSE_ENV] === '1';
  const collector = MetricsCollector.capture({ quiet: !verbose });
  const started = Date.now();
  process.stderr.write('starting emulators (fauxqs, DynamoDB Local, kinesis-mock) and the local runtime from the synthesized template…\n');
  const batchEvents = stateMachineEventTap();
  const runtime = await LocalRuntime.start({
    app: { app: (props) => createApp(props), stack: STACK_NAME },
    stateMachines: { onEvent: batchEvents.onEvent },
    functionEnvironment: { POWERTOOLS_METRICS_DISABLED: 'false', POWERTOOLS_LOG_LEVEL: verbose ? 'INFO' : 'ERROR' },
    log: (line) => process.stderr.write(`${line}\n`),
  });
  try {
    process.stderr.write(`runtime ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${runtime.functions.size} functions, ${describeMappings(runtime)}\n`);
    const queue = await runQueueStage(runtime, collector, clock, { orders: options.orders, seed: options.seed, duplicateRate: 0.2, longDelayRate: 0.02, shortDelayRate: 0.05, expiredRate: 0.02, malformedRate: 0.01 }, createProgress('queue'));
    // The collector keeps swallowing the functions' log lines until every stage is done.
    const stream = options.skipStream ? undefined : await runStreamStage(runtime, clock, { events: options.events ?? 5_000, seed: options.seed }, createProgress('stream'));
    const batch = options.skipBatch ? undefined : await runBatchStage(runtime, { records: options.records ?? 100_000, seed: options.seed }, createProgress('batch'), batchEvents);
    collector.release();
    console.log(`\n${queueSummary(queue)}\n`);
    const queueOk = queueAccountedFor(queue);
    console.log(
      queueOk
        ? 'every message accounted for: processed, a counted duplicate, or in the DLQ with the reason its input called for'
        : 'MISMATCH: some messages are unaccounted for, in the DLQ for another reason, or were refused by the producer',
    );
    const streamOk = stream ? printStream(stream) : true;
    const batchOk = batch ? printBatch(batch) : true;
    return queueOk && streamOk && batchOk;
  } finally {
    collector.release();
    await runtime.stop();
    clock.uninstall();
  }
}

function printStream(stream: StreamStageResult): boolean {
  console.log(`\n${streamSummary(stream)}\n`);
  const { observed, expected } = stream;
  const ok =
    stream.mismatches === 0 &&
    stream.unaccounted === 0 &&
    stream.discarded === 0 &&
    observed.filtered === expected.filtered &&
    observed.rejected === expected.rejected &&
    observed.aggregated === expected.aggregated;
  console.log(
    ok
      ? 'every event accounted for: filtered, rejected with its sequence number, dropped by the transform, or in exactly one window; every window equals the independent computation'
      : 'MISMATCH: stream results differ from the independent computation or some events are unaccounted for',
  );
  return ok;
}

function printBatch(batch: BatchStageResult): boolean {
  console.log(`\n${batchSummary(batch)}\n`);
  const ok = batch.mismatches === 0;
  console.log(
    ok
      ? 'every record accounted for: each group, aggregate and the sorted output equal the independent single-pass computation; the re-sent request started nothing'
      : `MISMATCH: the batch result differs from the independent computation: ${batch.mismatchNotes.join('; ')}`,
  );
  return ok;
}
