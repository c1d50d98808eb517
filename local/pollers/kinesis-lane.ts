import type { KinesisStreamRecord } from 'aws-lambda';
import type { Clock } from '../../shared/clock.ts';
import { toEventWindow, windowContaining, type WindowBounds } from '../../shared/stream/tumbling-window.ts';
import { readBatchItemFailures } from './batch-item-failures.ts';
import type { KinesisMappingSettings } from './kinesis-mapping.ts';
import type { KinesisDiscardCondition } from './kinesis-on-failure.ts';
import { compareSequenceNumbers } from './kinesis-record.ts';

/** Lambda's cap on tumbling-window state per shard. */
export const MAX_WINDOW_STATE_BYTES = 1024 * 1024;
/** Lambda's synchronous invocation payload limit: a batch stops growing before its event would pass it. */
export const MAX_EVENT_BYTES = 6 * 1024 * 1024;
/** Bytes of a Kinesis event record besides its data (ids, ARNs, field names). */
const RECORD_OVERHEAD_BYTES = 600;

/** What a lane needs from the poller around it. */
export interface LaneEnvironment {
  readonly settings: KinesisMappingSettings;
  readonly shardId: string;
  /** Time for record age and tumbling windows. */
  readonly clock: Clock;
  invoke(event: unknown): Promise<unknown>;
  /** Reports records Lambda gives up on to the on-failure destination (`batchSize` when `records` only holds the first and last). */
  discard(records: readonly KinesisStreamRecord[], condition: KinesisDiscardCondition, invokeCount: number, functionError: boolean, batchSize?: number): Promise<void>;
  onError?(error: unknown): void;
}

/** Counters shared by the lanes of a poller. */
export interface KinesisPollerStats {
  fetched: number;
  filtered: number;
  delivered: number;
  invocations: number;
  finalInvocations: number;
  functionErrors: number;
  partialFailures: number;
  bisections: number;
  discarded: number;
  /** Windows whose final invocation Lambda gave up on (retries or record age exhausted): their state is dropped. */
  discardedWindows: number;
}

interface PendingBatch {
  records: KinesisStreamRecord[];
  /** Failed attempts so far: Lambda's retries. Splits do not count (they do not consume the retry quota). */
  retries: number;
}

interface OpenWindow {
  bounds: WindowBounds;
  state: Record<string, unknown>;
  /** The function has seen records of this window since the last final invocation, so a final invocation is owed. */
  owed: boolean;
  /** The state outgrew Lambda's 1 MB cap: the next invocation ends the window early. */
  tooLarge: boolean;
  /** Failed attempts of the final invocation: MaximumRetryAttempts applies to them as to batches. */
  finalRetries: number;
  /** The window's first and last records delivered so far and their number (record age, the on-failure message). */
  first: KinesisStreamRecord;
  last: KinesisStreamRecord;
  count: number;
}

/**
 * One batch-in-flight lane of a shard: the whole shard when ParallelizationFactor is 1, else the records
 * whose partition key hashes to this lane (so each key keeps its order). It assembles batches
 * (BatchSize, batching window, never across a tumbling window), invokes, and checkpoints as Lambda does:
 * success → past the batch; `batchItemFailures` → at the lowest failed sequence number; an error →
 * bisect (free) or retry (counted), then the on-failure destination; records past MaximumRecordAge are
 * discarded; tumbling windows carry `state` and end with a final invocation.
 *
 * @example
 * const lane = new KinesisLane(env, stats);
 * lane.push(records);
 * await lane.step(clock.now()); // the reader's last read, sent now, found the shard caught up
 */
export class KinesisLane {
  private readonly buffer: KinesisStreamRecord[] = [];
  private readonly pending: PendingBatch[] = [];
  private window: OpenWindow | undefined;
  private oldestBufferedAt = 0;
  private retryAt = 0;
  private inFlight = false;

  constructor(
    private readonly env: LaneEnvironment,
    private readonly stats: KinesisPollerStats,
  ) {}

  push(records: readonly KinesisStreamRecord[]): void {
    if (records.length === 0) return;
    if (this.buffer.length === 0) this.oldestBufferedAt = performance.now();
    this.buffer.push(...records);
  }

  get buffered(): number {
    return this.buffer.length + this.pending.reduce((n, b) => n + b.records.length, 0);
  }

  /** Nothing buffered or in flight, and no window whose end has passed still owes its final invocation. */
  idle(): boolean {
    if (this.inFlight || this.buffered > 0) return false;
    if (this.window?.tooLarge) return false;
    return !(this.window?.owed && this.env.clock.now() >= this.window.bounds.endMs);
  }

  /**
   * Does the next unit of work, if any is due. `caughtUpReadAt` is when (on the lane's clock) the shard
   * reader sent its last GetRecords, if that read found the shard caught up; `undefined` while the reader
   * is behind. An empty lane closes a window by time only on a caught-up read sent at or after the window's
   * end: a read sent before it says nothing of records put between its sending and the end, which arrive
   * stamped inside the window and would open it a second time.
   */
  async step(caughtUpReadAt: number | undefined): Promise<boolean> {
    if (performance.now() < this.retryAt) return false;
    this.inFlight = true;
    try {
      return await this.next(caughtUpReadAt);
    } finally {
      this.inFlight = false;
    }
  }

  private async next(caughtUpReadAt: number | undefined): Promise<boolean> {
    const { settings } = this.env;
    if (this.window?.tooLarge) return this.finalInvoke(true);
    if (this.pending.length === 0) {
      const head = this.buffer[0];
      if (this.window && !this.window.owed && head !== undefined && this.windowOf(head).startMs > this.window.bounds.startMs) {
        this.window = undefined; // ended early and nothing arrived since: the next window starts fresh
      }
      if (settings.tumblingWindowSeconds > 0 && this.window?.owed) {
        const headWindowLater = head !== undefined && this.windowOf(head).startMs > this.window.bounds.startMs;
        const windowOver = head === undefined && caughtUpReadAt !== undefined && caughtUpReadAt >= this.window.bounds.endMs;
        if (headWindowLater || windowOver) return this.finalInvoke(false);
      }
      if (head === undefined) return false;
      const batch = this.takeBatch();
      if (!batch) return false;
      this.pending.push({ records: batch, retries: 0 });
    }
    const batch = this.pending[0]!;
    await this.discardExpired(batch);
    if (batch.records.length === 0) {
      this.pending.shift();
      return true;
    }
    return this.invokeBatch(batch);
  }

  /** Up to BatchSize records from the buffer, all of one tumbling window; undefined while the batching window is open. */
  private takeBatch(): KinesisStreamRecord[] | undefined {
    const { settings } = this.env;
    let count = Math.min(settings.batchSize, this.buffer.length);
    let bytes = 0;
    for (let i = 0; i < count; i += 1) {
      bytes += this.buffer[i]!.kinesis.data.length + RECORD_OVERHEAD_BYTES;
      if (bytes > MAX_EVENT_BYTES && i > 0) {
        count = i;
        break;
      }
    }
    if (settings.tumblingWindowSeconds > 0) {
      const current = this.window?.bounds.startMs ?? this.windowOf(this.buffer[0]!).startMs;
      // A record stamped before the open window (arrival times are only approximately ordered) joins it.
      const firstLater = this.buffer.findIndex((r, i) => i < count && this.windowOf(r).startMs > current);
      if (firstLater === 0) return undefined;
      if (firstLater > 0) count = firstLater;
    }
    const full = count === settings.batchSize || count < this.buffer.length;
    if (!full && performance.now() - this.oldestBufferedAt < settings.batchingWindowMs) return undefined;
    const batch = this.buffer.splice(0, count);
    this.oldestBufferedAt = performance.now();
    return batch;
  }

  private async discardExpired(batch: PendingBatch): Promise<void> {
    const { maxRecordAgeMs } = this.env.settings;
    if (maxRecordAgeMs < 0) return;
    const now = this.env.clock.now();
    const expired = batch.records.findIndex((r) => now - r.kinesis.approximateArrivalTimestamp * 1000 <= maxRecordAgeMs);
    const count = expired === -1 ? batch.records.length : expired;
    if (count === 0) return;
    const records = batch.records.splice(0, count);
    await this.env.discard(records, 'RecordAgeExceeded', batch.retries, batch.retries > 0);
    this.stats.discarded += records.length;
  }

  private async invokeBatch(batch: PendingBatch): Promise<boolean> {
    const { settings } = this.env;
    const event = settings.tumblingWindowSeconds > 0 ? this.windowEvent(batch.records, false, false) : { Records: batch.records };
    this.stats.invocations += 1;
    let response: unknown;
    try {
      response = await this.env.invoke(event);
    } catch (err) {
      this.stats.functionErrors += 1;
      this.env.onError?.(err);
      return this.batchFailed(batch);
    }
    if (settings.tumblingWindowSeconds > 0 && !isObject((response as { state?: unknown } | null)?.state)) {
      // "If the response does not contain a state property, Lambda considers this a failed invocation."
      this.env.onError?.(new Error('tumbling-window response has no state'));
      return this.batchFailed(batch);
    }
    let checkpoint = batch.records.length;
    if (settings.reportBatchItemFailures) {
      const outcome = readBatchItemFailures(response, new Set(batch.records.map((r) => r.kinesis.sequenceNumber)));
      if (outcome.wholeBatchFailed) return this.batchFailed(batch);
      if (outcome.failedIds.size > 0) {
        const lowest = [...outcome.failedIds].sort(compareSequenceNumbers)[0]!;
        checkpoint = batch.records.findIndex((r) => r.kinesis.sequenceNumber === lowest);
      }
    }
    this.stats.delivered += checkpoint;
    if (settings.tumblingWindowSeconds > 0) this.keepState(batch.records.slice(0, checkpoint), batch.records[0]!, (response as { state: Record<string, unknown> }).state);
    if (checkpoint === batch.records.length) {
      this.pending.shift();
      return true;
    }
    // Partial failure: everything before the lowest failed record is done; the rest is retried as a batch.
    this.stats.partialFailures += 1;
    batch.records.splice(0, checkpoint);
    return this.retryOrDiscard(batch, false);
  }

  private async batchFailed(batch: PendingBatch): Promise<boolean> {
    if (this.env.settings.bisectOnError && batch.records.length > 1) {
      this.stats.bisections += 1;
      const half = Math.ceil(batch.records.length / 2);
      this.pending.splice(0, 1, { records: batch.records.slice(0, half), retries: batch.retries }, { records: batch.records.slice(half), retries: batch.retries });
      return true;
    }
    return this.retryOrDiscard(batch, true);
  }

  private async retryOrDiscard(batch: PendingBatch, functionError: boolean): Promise<boolean> {
    batch.retries += 1;
    const { maxRetryAttempts } = this.env.settings;
    if (maxRetryAttempts >= 0 && batch.retries > maxRetryAttempts) {
      this.pending.shift();
      await this.env.discard(batch.records, 'RetryAttemptsExhausted', batch.retries, functionError);
      this.stats.discarded += batch.records.length;
      return true;
    }
    this.backOff(batch.retries);
    return true;
  }

  private keepState(delivered: readonly KinesisStreamRecord[], head: KinesisStreamRecord, state: Record<string, unknown>): void {
    const previous = this.window?.owed ? this.window : undefined;
    const bounds = this.window?.bounds ?? this.windowOf(head);
    const text = JSON.stringify(state);
    const tooLarge = Buffer.byteLength(text) > MAX_WINDOW_STATE_BYTES;
    // Lambda keeps the state as JSON: the next invocation gets a parsed copy, never the function's own object.
    this.window = {
      bounds,
      state: JSON.parse(text) as Record<string, unknown>,
      owed: true,
      tooLarge,
      finalRetries: 0,
      first: previous?.first ?? delivered[0] ?? head,
      last: delivered[delivered.length - 1] ?? previous?.last ?? head,
      count: (previous?.count ?? 0) + delivered.length,
    };
  }

  /**
   * The window's final invocation, retried like a batch: "Tumbling windows fully support the existing retry
   * policies maxRetryAttempts and maxRecordAge" (services-kinesis-windows.html, Configuration). Once the
   * retries are used up, or the window's last record is older than MaximumRecordAgeInSeconds, Lambda gives
   * up on it: the state is dropped, the window reported to the on-failure destination, and the shard moves
   * on. Early termination keeps the window open with fresh state.
   */
  private async finalInvoke(terminatedEarly: boolean): Promise<boolean> {
    const window = this.window!;
    const { maxRecordAgeMs, maxRetryAttempts } = this.env.settings;
    if (maxRecordAgeMs >= 0 && this.env.clock.now() - window.last.kinesis.approximateArrivalTimestamp * 1000 > maxRecordAgeMs) {
      await this.giveUpOnWindow(window, terminatedEarly, 'RecordAgeExceeded');
      return true;
    }
    this.stats.invocations += 1;
    this.stats.finalInvocations += 1;
    try {
      const response = await this.env.invoke(this.windowEvent([], true, terminatedEarly));
      if (!isObject((response as { state?: unknown } | null)?.state)) throw new Error('tumbling-window response has no state');
    } catch (err) {
      this.stats.functionErrors += 1;
      this.env.onError?.(err);
      window.finalRetries += 1;
      if (maxRetryAttempts >= 0 && window.finalRetries > maxRetryAttempts) {
        await this.giveUpOnWindow(window, terminatedEarly, 'RetryAttemptsExhausted');
        return true;
      }
      this.backOff(window.finalRetries);
      return false;
    }
    this.endWindow(window, terminatedEarly);
    return true;
  }

  private async giveUpOnWindow(window: OpenWindow, terminatedEarly: boolean, condition: KinesisDiscardCondition): Promise<void> {
    await this.env.discard([window.first, window.last], condition, window.finalRetries, window.finalRetries > 0, window.count);
    this.stats.discardedWindows += 1;
    this.endWindow(window, terminatedEarly);
  }

  private endWindow(window: OpenWindow, terminatedEarly: boolean): void {
    this.window = terminatedEarly ? { ...window, state: {}, owed: false, tooLarge: false, finalRetries: 0, count: 0 } : undefined;
  }

  private windowEvent(records: KinesisStreamRecord[], final: boolean, terminatedEarly: boolean) {
    const bounds = this.window?.bounds ?? this.windowOf(records[0]!);
    return {
      Records: records,
      window: toEventWindow(bounds),
      state: this.window?.state ?? {},
      shardId: this.env.shardId,
      eventSourceARN: this.env.settings.streamArn,
      isFinalInvokeForWindow: final,
      isWindowTerminatedEarly: terminatedEarly,
    };
  }

  private windowOf(record: KinesisStreamRecord): WindowBounds {
    return windowContaining(record.kinesis.approximateArrivalTimestamp * 1000, this.env.settings.tumblingWindowSeconds);
  }

  private backOff(retries: number): void {
    this.retryAt = performance.now() + Math.min(1000, 20 * 2 ** Math.min(retries, 6));
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
