import { aggregateOf, emptyAggregates, StreamProducer, streamOutputName, totalsByWindow, windowContaining, type KeyAggregate, type KeyedAggregates } from 'sluice/stream';
import { until, type LocalRuntime, type VirtualClock } from 'sluice/local';
import { expectedRevenueByWindow, orderRecordFate, orderStreamWorkload } from './order-stream-traffic.ts';
import type { QueueStageProgress } from './queue-stage.ts';
import { readWholeStream, scanWindowResults } from './stream-reader.ts';

export interface StreamStageOptions {
  readonly events: number;
  readonly seed: number;
  /** Rows of the per-window table to return (largest revenue first). */
  readonly topWindows?: number;
}

/** One (window, category) aggregate as committed. */
export interface WindowRow {
  readonly windowStart: string;
  readonly key: string;
  readonly count: number;
  readonly sum: number;
}

/** How the records of one stage divide, observed and as computed independently from the stream. */
export interface StreamFates {
  /** Skipped by the mapping's FilterCriteria (cart events, data that is not JSON). */
  filtered: number;
  /** Reported to the failure queue by the function's schema check. */
  rejected: number;
  /** Dropped by the transform chain (free orders). */
  dropped: number;
  /** Counted in a committed window. */
  aggregated: number;
}

export interface StreamStageResult {
  readonly sent: number;
  readonly observed: StreamFates;
  readonly expected: StreamFates;
  /** Records the on-failure destination received from the poller (retries exhausted, too old): 0 in a healthy run. */
  readonly discarded: number;
  /** Records sent and not in any fate: `sent − (filtered + rejected + dropped + aggregated)`. */
  readonly unaccounted: number;
  /** Distinct (shard, window) results committed, and the parts they were committed in (one or more per invocation). */
  readonly windowsCommitted: number;
  readonly windowParts: number;
  readonly windowSeconds: number;
  /** (window, category) aggregates that differ from the independent computation (count, sum, min, max), missing or extra. */
  readonly mismatches: number;
  readonly topWindows: readonly WindowRow[];
  readonly putPerSecond: number;
  readonly processedPerSecond: number;
  /** From the last put to the last record handled: how far processing trails the producer. */
  readonly drainAfterPutMs: number;
  readonly wallMs: number;
  /** Virtual time moved forward to close the last window (see `closeWindows`). */
  readonly windowCloseAdvanceMs: number;
}

/** How long the stage may go without a record handled (or a window closed) before it gives up. */
const STALL_MS = 5 * 60_000;

function tumblingWindowSeconds(runtime: LocalRuntime, streamName: string): number {
  const mapping = runtime.streamMappings.find((m) => m.source.physicalName === streamName);
  const seconds = Number(runtime.resources.get(mapping?.logicalId ?? '')?.definition.Properties?.TumblingWindowInSeconds ?? 0);
  if (!(seconds > 0)) throw new Error(`the event source mapping of ${streamName} has no TumblingWindowInSeconds`);
  return seconds;
}

function sameAggregate(a: KeyAggregate | undefined, b: KeyAggregate | undefined): boolean {
  return a !== undefined && b !== undefined && a.count === b.count && a.sum === b.sum && a.min === b.min && a.max === b.max;
}

function countMismatches(actual: Map<string, KeyedAggregates>, expected: Map<string, KeyedAggregates>): number {
  let mismatches = 0;
  for (const window of new Set([...actual.keys(), ...expected.keys()])) {
    const got = actual.get(window) ?? emptyAggregates();
    const want = expected.get(window) ?? emptyAggregates();
    for (const key of new Set([...Object.keys(got), ...Object.keys(want)])) if (!sameAggregate(aggregateOf(got, key), aggregateOf(want, key))) mismatches += 1;
  }
  return mismatches;
}

/**
 * The demo's stream stage: puts a seeded order/cart workload (with a few records that are not JSON or
 * fail the schema) on the sample OrderStream, lets the runtime's Kinesis poller drive the consumer,
 * closes the last tumbling window, and checks the committed per-(category, window) aggregates against an
 * independent computation from what a plain GetRecords reader sees on the stream, and the fate of every
 * record: filtered by the mapping, rejected to the failure queue, dropped by the transform, or aggregated.
 *
 * @example
 * const result = await runStreamStage(runtime, clock, { events: 5_000, seed: 1 }, createProgress('stream'));
 * result.mismatches; // 0
 */
export async function runStreamStage(
  runtime: LocalRuntime,
  clock: VirtualClock | undefined,
  options: StreamStageOptions,
  progress: QueueStageProgress,
): Promise<StreamStageResult> {
  const streamName = runtime.output(streamOutputName('OrderStream', 'streamName'));
  const resultsTable = runtime.output(streamOutputName('OrderStream', 'resultsTableName'));
  const failureQueueUrl = runtime.output(streamOutputName('OrderStream', 'failureQueueUrl'));
  const windowSeconds = tumblingWindowSeconds(runtime, streamName);
  const poller = runtime.streamPoller(streamName);
  const before = { ...poller.stats, failures: (await runtime.queueDepth(failureQueueUrl)).visible };
  const records = orderStreamWorkload({ events: options.events, seed: options.seed });
  // Durations use performance.now(): Date.now() is the virtual clock, which closeWindows may move.
  const started = performance.now();

  // The virtual clock is not moved while records are put and read: Kinesis windows follow the arrival
  // times kinesis-mock stamps in its own process (real time), and a lane closes its open window once the
  // poller's clock (this process's Date.now) passes the window's end. Moving time on mid-stream would end
  // windows that are still receiving records (the rest would commit as extra parts) and age records.
  progress.start(records.length * 2);
  const producer = new StreamProducer({ client: runtime.clients.kinesis!, streamName, concurrency: 4 });
  await producer.sendBatch(records, { onProgress: (sent) => progress.update(sent, 'put') });
  const putMs = performance.now() - started;
  const handled = () => poller.stats.filtered - before.filtered + (poller.stats.delivered - before.delivered) + (poller.stats.discarded - before.discarded);
  await until(() => handled() >= records.length, {
    what: () => `the stream stage: ${handled()} of ${records.length} records handled`,
    stallMs: STALL_MS,
    progress: handled,
    intervalMs: 50,
    onPoll: () => progress.update(records.length + Math.min(handled(), records.length), 'processing'),
  });
  const processedMs = performance.now() - started;
  const onStream = await readWholeStream(runtime.clients.kinesis!, streamName);
  const windowCloseAdvanceMs = await closeWindows(poller, clock, windowContaining(Math.max(...onStream.map((r) => r.arrivalMs)), windowSeconds).endMs, (note) =>
    progress.update(records.length * 2, note),
  );
  progress.update(records.length * 2, 'done');
  progress.stop();

  const items = await scanWindowResults(runtime.clients.dynamodb, resultsTable);
  const parts = items.filter((item) => item.kind === 'part');
  const committed = totalsByWindow(parts);
  const expectedWindows = expectedRevenueByWindow(onStream, windowSeconds);
  const expected: StreamFates = { filtered: 0, rejected: 0, dropped: 0, aggregated: 0 };
  for (const record of onStream) expected[orderRecordFate(record.data).fate] += 1;
  const observed: StreamFates = {
    filtered: poller.stats.filtered - before.filtered,
    // The failure queue also takes the poller's on-failure messages (one per discarded batch); a healthy
    // run discards nothing, and the demo fails when it does, so the depth counts the rejected records.
    rejected: (await runtime.queueDepth(failureQueueUrl)).visible - before.failures,
    // The transform's drops leave no trace outside the function's logs: the independent count stands in.
    dropped: expected.dropped,
    aggregated: parts.reduce((n, part) => n + Object.values(part.aggregates).reduce((m, a) => m + a.count, 0), 0),
  };
  const rows = [...committed].flatMap(([windowStart, aggregates]) => Object.entries(aggregates).map(([key, a]) => ({ windowStart, key, count: a.count, sum: a.sum })));
  return {
    sent: records.length,
    observed,
    expected,
    discarded: poller.stats.discarded - before.discarded,
    unaccounted: records.length - (observed.filtered + observed.rejected + observed.dropped + observed.aggregated),
    windowsCommitted: new Set(parts.map((p) => p.pk)).size,
    windowParts: parts.length,
    windowSeconds,
    mismatches: countMismatches(committed, expectedWindows) + (onStream.length === records.length ? 0 : 1),
    topWindows: rows.sort((a, b) => b.sum - a.sum).slice(0, options.topWindows ?? 5),
    putPerSecond: records.length / (putMs / 1000),
    processedPerSecond: records.length / (processedMs / 1000),
    drainAfterPutMs: processedMs - putMs,
    wallMs: performance.now() - started,
    windowCloseAdvanceMs,
  };
}

/**
 * Lets the last window end. Every record has been read, so nothing can still arrive in a window that
 * ends at or before `lastWindowEnd`: moving the poller's clock (the virtual clock) past it makes each
 * lane send its final invocation now instead of after up to a whole window of real waiting. When the
 * queue stage already moved virtual time ahead, nothing needs moving (lanes closed windows as they
 * drained). Without a virtual clock, waits in real time.
 */
async function closeWindows(
  poller: { idle(): boolean; stats: { finalInvocations: number } },
  clock: VirtualClock | undefined,
  lastWindowEnd: number,
  note: (text: string) => void,
): Promise<number> {
  const behind = Math.max(0, lastWindowEnd - Date.now());
  if (clock && behind > 0) clock.advance(behind);
  note(clock || behind === 0 ? 'closing windows' : `waiting ${Math.ceil(behind / 1000)} s for the window to end`);
  // Without a virtual clock the last window ends in real time, `behind` from now.
  const stallMs = STALL_MS + (clock ? 0 : behind);
  await until(() => poller.idle(), { what: 'the stream poller to close its windows', stallMs, progress: () => poller.stats.finalInvocations, intervalMs: 50 });
  return clock ? behind : 0;
}
