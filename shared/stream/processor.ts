import type { KinesisStreamRecord, KinesisStreamStateResponse, KinesisStreamTumblingWindowEvent } from 'aws-lambda';
import type { Schema } from '../schema.ts';
import { ConfigurationError, isPermanent } from '../errors.ts';
import { addValue, aggregateOf, emptyAggregates } from './aggregates.ts';
import { DEFAULT_MAX_PART_BYTES } from './contract.ts';
import { decodeRecordData, validatePayload } from './decode.ts';
import type { FailureReporter } from './failure-reporter.ts';
import { compareSequenceNumbers } from './sequence-numbers.ts';
import type { Transform } from './transform.ts';
import type { WindowPart, WindowResultStore } from './window-results.ts';
import { readWindowState, type WindowState } from './window-state.ts';

/**
 * A stream pipeline: decode → validate (`schema`) → filter/transform (`transform`, a typed chain ending in
 * a key and a number) → per-key tumbling-window aggregate.
 */
export interface StreamPipelineDefinition<TEvent> {
  /** Names the pipeline in result keys and reports. */
  readonly name: string;
  readonly schema: Schema<TEvent>;
  readonly transform: Transform<TEvent, { key: string; value: number }>;
}

export interface StreamProcessorDependencies {
  readonly results: Pick<WindowResultStore, 'commit' | 'close'>;
  readonly failures: FailureReporter;
  /**
   * Split an invocation's aggregate into several parts once a part's estimated size passes this many
   * bytes (a results item is at most 400 KB). Default {@link DEFAULT_MAX_PART_BYTES}.
   */
  readonly maxPartBytes?: number;
  /** Told when the window state Lambda passed was not sluice's and was replaced by a fresh one. */
  readonly warn?: (message: string, details: Record<string, unknown>) => void;
}

/** What one invocation did, for logs and metrics. */
export interface StreamBatchSummary {
  aggregated: number;
  filtered: number;
  rejected: number;
  /** Records an earlier attempt already committed (found through the state or a refused part). */
  skipped: number;
  committedParts: number;
  duplicateParts: number;
  /** The final invocation wrote the window's close item (false when a retried one found it written). */
  closed?: boolean;
  /** The final invocation found its window closed before, covering other records: it wrote a `late` item. */
  lateClose?: boolean;
  /** Why the state Lambda passed was reset, when it was. */
  stateReset?: string;
  failedAt?: string;
}

/** Estimated bytes of one key's entry in a part (key + four numbers + DynamoDB map overhead). */
const BYTES_PER_KEY = 96;
const BASE_PART_BYTES = 256;

/** A record of the batch that belongs in a part: aggregated (with its key and value) or rejected. */
type Entry = { sequenceNumber: string; keyed?: { key: string; value: number } };

/**
 * Processes one tumbling-window invocation. Records are handled in order; a permanent failure (bad data,
 * schema mismatch) is reported to the failure queue and counted as rejected; any other error stops the
 * batch at that record, which is returned as the only `batchItemFailures` entry (Lambda checkpoints before
 * it and retries from it). What the invocation aggregated is committed before it returns, as one or
 * more parts with conditional keys (window-results.ts), so:
 * - the window's result is exact once its records are processed, whether or not its final invocation
 *   ever succeeds (AWS applies MaximumRetryAttempts and MaximumRecordAgeInSeconds to it too);
 * - a retried or bisected batch finds its parts by their first record and skips what they hold;
 * - the state is only counters and a high-water mark: a foreign state is replaced with a warning and
 *   costs nothing.
 * The final invocation writes the window's `close` item.
 *
 * @throws ConfigurationError when the event has no `window`: the mapping lacks TumblingWindowInSeconds, and
 * acknowledging records without committing them would lose them.
 * @example
 * export const handler = (event: KinesisStreamTumblingWindowEvent) =>
 *   processWindowBatch(event, orderPipeline, { results, failures }).then((r) => r.response);
 */
export async function processWindowBatch<TEvent>(
  event: KinesisStreamTumblingWindowEvent,
  pipeline: StreamPipelineDefinition<TEvent>,
  deps: StreamProcessorDependencies,
): Promise<{ response: KinesisStreamStateResponse; summary: StreamBatchSummary }> {
  const window = (event as Partial<KinesisStreamTumblingWindowEvent>).window;
  if (typeof window?.start !== 'string' || typeof window.end !== 'string') {
    throw new ConfigurationError(
      `stream pipeline ${pipeline.name}: the event has no tumbling window; its event source mapping needs TumblingWindowInSeconds (1–900)`,
    );
  }
  const shardId = shardIdOf(event);
  const summary: StreamBatchSummary = { aggregated: 0, filtered: 0, rejected: 0, skipped: 0, committedParts: 0, duplicateParts: 0 };
  const reading = readWindowState(event.state);
  const state = reading.state;
  if (reading.kind === 'foreign') {
    summary.stateReset = reading.problem;
    deps.warn?.('window state is not sluice’s: starting from a fresh state (committed parts are kept)', { window, shardId, problem: reading.problem });
  }

  const commit = async (part: WindowPart): Promise<string> => {
    const outcome = await deps.results.commit({ pipeline: pipeline.name, shardId, window, part });
    state.parts += 1;
    if (outcome.status === 'committed') {
      summary.committedParts += 1;
      state.records += part.records;
      state.rejected += part.rejected;
      return cover(state, part.lastSequenceNumber);
    }
    summary.duplicateParts += 1;
    state.records += outcome.records;
    state.rejected += outcome.rejected;
    return cover(state, outcome.lastSequenceNumber);
  };

  // A sluice 0.1 state met mid-window (an upgrade): its aggregates were never committed, so commit them now.
  if (reading.kind === 'legacy') await commit(reading.legacy);

  const entries: Entry[] = [];
  for (const record of event.Records) {
    const sequenceNumber = record.kinesis.sequenceNumber;
    if (state.coveredThrough !== undefined && compareSequenceNumbers(sequenceNumber, state.coveredThrough) <= 0) {
      summary.skipped += 1;
      continue;
    }
    try {
      const keyed = toKeyedValue(record, pipeline);
      if (keyed === undefined) {
        summary.filtered += 1;
        continue;
      }
      entries.push({ sequenceNumber, keyed });
      summary.aggregated += 1;
    } catch (err) {
      if (isPermanent(err)) {
        try {
          await deps.failures.report(record, err);
          entries.push({ sequenceNumber });
          summary.rejected += 1;
          continue;
        } catch {
          // The report did not reach the queue: retry this record rather than lose it.
        }
      }
      summary.failedAt = sequenceNumber;
      break;
    }
  }

  // A failed commit throws: Lambda retries the batch with the previous state and the refused keys show what is done.
  const maxPartBytes = deps.maxPartBytes ?? DEFAULT_MAX_PART_BYTES;
  let next = 0;
  while (next < entries.length) {
    const { part, size } = takePart(entries, next, maxPartBytes);
    const covered = await commit(part);
    // Go on after what is now covered: the part itself, or (a part an earlier attempt wrote) less or more of the batch.
    const end = next + size;
    while (next < entries.length && compareSequenceNumbers(entries[next]!.sequenceNumber, covered) <= 0) {
      if (next >= end) summary.skipped += 1;
      next += 1;
    }
  }

  if (summary.failedAt !== undefined) {
    return { response: { state: toResponseState(state), batchItemFailures: [{ itemIdentifier: summary.failedAt }] }, summary };
  }
  if (event.isFinalInvokeForWindow) {
    // A failed close throws and the final invocation is retried; if Lambda gives up on it, the parts are already exact.
    const outcome = await deps.results.close({ pipeline: pipeline.name, shardId, window, state, terminatedEarly: event.isWindowTerminatedEarly });
    summary.closed = outcome === 'closed';
    if (outcome === 'late') {
      summary.lateClose = true;
      deps.warn?.('window closed again: records stamped inside it came after its close; they are in its parts and its late item', {
        window,
        shardId,
        coveredThrough: state.coveredThrough,
        records: state.records,
      });
    }
    return { response: { state: {}, batchItemFailures: [] }, summary };
  }
  return { response: { state: toResponseState(state), batchItemFailures: [] }, summary };
}

/** Records from `start` on, as one part no bigger than `maxBytes` (at least one record). */
function takePart(entries: readonly Entry[], start: number, maxBytes: number): { part: WindowPart; size: number } {
  const aggregates = emptyAggregates();
  let bytes = BASE_PART_BYTES;
  let records = 0;
  let rejected = 0;
  let end = start;
  for (; end < entries.length; end += 1) {
    const { keyed } = entries[end]!;
    const added = keyed && !aggregateOf(aggregates, keyed.key) ? BYTES_PER_KEY + Buffer.byteLength(keyed.key) : 0;
    if (end > start && bytes + added > maxBytes) break;
    bytes += added;
    if (keyed) {
      addValue(aggregates, keyed.key, keyed.value);
      records += 1;
    } else {
      rejected += 1;
    }
  }
  const part = {
    firstSequenceNumber: entries[start]!.sequenceNumber,
    lastSequenceNumber: entries[end - 1]!.sequenceNumber,
    records,
    rejected,
    aggregates,
  };
  return { part, size: end - start };
}

/** Raises the state's high-water mark to `sequenceNumber` (never lowers it) and returns the mark. */
function cover(state: WindowState, sequenceNumber: string): string {
  if (state.coveredThrough === undefined || compareSequenceNumbers(sequenceNumber, state.coveredThrough) > 0) state.coveredThrough = sequenceNumber;
  return state.coveredThrough;
}

function toResponseState(state: WindowState): Record<string, unknown> {
  return { ...state };
}

function toKeyedValue<TEvent>(record: KinesisStreamRecord, pipeline: StreamPipelineDefinition<TEvent>) {
  const payload = validatePayload(pipeline.schema, decodeRecordData(record), record.kinesis.sequenceNumber);
  return pipeline.transform.apply(payload);
}

/** Lambda sets `shardId` on tumbling-window events; the eventID (`shardId-…:sequence`) carries it too. */
function shardIdOf(event: KinesisStreamTumblingWindowEvent): string {
  const fromEvent = (event as { shardId?: string }).shardId;
  return fromEvent ?? event.Records[0]?.eventID.split(':')[0] ?? 'unknown-shard';
}
