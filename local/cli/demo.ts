import { LocalRuntime } from '../runtime/local-runtime.ts';
import { MetricsCollector } from '../runtime/metrics-collector.ts';
import { VirtualClock } from '../runtime/clock.ts';
import { runQueueStage, type QueueStageResult } from '../demo/queue-stage.ts';
import { createProgress } from './progress.ts';
import { formatCount, formatTable } from './table.ts';

export interface DemoOptions {
  readonly orders: number;
  readonly seed: number;
}

function queueSummary(r: QueueStageResult): string {
  const rate = r.sent / (r.wallMs / 1000);
  const rows: string[][] = [
    ['queue stage (Orders: SQS → Lambda → DynamoDB)', 'value'],
    ['messages sent', formatCount(r.sent)],
    ['unique orders expected', formatCount(r.uniqueOrders)],
    ['processed (orders written)', formatCount(r.effects)],
    ['duplicates skipped', formatCount(r.duplicates)],
    ...Object.entries(r.dlqByReason).map(([reason, n]) => [`in DLQ: ${reason}`, formatCount(n)]),
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

/**
 * `sluice demo` (what `npm start` runs): starts the emulators and the local runtime from the
 * synthesized template, pushes the sample workload through the pipelines with progress bars, and
 * prints one summary. Exits non-zero if any message is unaccounted for.
 *
 * @example
 * const ok = await runDemo({ orders: 2000, seed: 1 });
 */
export async function runDemo(options: DemoOptions): Promise<boolean> {
  const clock = VirtualClock.install();
  const collector = MetricsCollector.capture({ quiet: process.env.SLUICE_DEMO_VERBOSE !== '1' });
  const started = Date.now();
  process.stderr.write('starting emulators (fauxqs, DynamoDB Local, kinesis-mock) and the local runtime from the synthesized template…\n');
  const runtime = await LocalRuntime.start({
    functionEnvironment: { POWERTOOLS_METRICS_DISABLED: 'false' },
    log: (line) => process.stderr.write(`${line}\n`),
  });
  try {
    process.stderr.write(`runtime ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ${runtime.functions.size} functions, ${runtime.mappings.length} event source mappings\n`);
    const queue = await runQueueStage(runtime, collector, clock, { orders: options.orders, seed: options.seed, duplicateRate: 0.2, longDelayRate: 0.02, shortDelayRate: 0.05, expiredRate: 0.02, malformedRate: 0.01 }, createProgress('queue'));
    collector.release();
    console.log(`\n${queueSummary(queue)}\n`);
    const dlqTotal = Object.values(queue.dlqByReason).reduce((a, b) => a + b, 0);
    const ok = queue.lost === 0 && queue.effects === queue.uniqueOrders && dlqTotal === queue.dlqDepth;
    console.log(ok ? 'every message accounted for: processed, a counted duplicate, or in the DLQ with a reason' : 'MISMATCH: some messages are unaccounted for');
    return ok;
  } finally {
    collector.release();
    await runtime.stop();
    clock.uninstall();
  }
}
