import type { KinesisStreamRecord, KinesisStreamStateResponse, KinesisStreamTumblingWindowEvent } from 'aws-lambda';
import type { Schema } from '../schema.ts';
import { isPermanent } from '../errors.ts';
import { decodeRecordData, validatePayload } from './decode.ts';
import type { FailureReporter } from './failure-reporter.ts';
import type { Transform } from './transform.ts';
import type { WindowResultStore } from './window-results.ts';
import { addToWindowState, nextPartState, readWindowState, type WindowState } from './window-state.ts';

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
  readonly results: Pick<WindowResultStore, 'commit'>;
  readonly failures: FailureReporter;
  /**
   * Commit a part early once the state's estimated size passes this many bytes. Lambda's own cap is
   * 1 MB per shard; a results item is at most 400 KB, so the default stays below both.
   */
  readonly maxStateBytes?: number;
}

/** What one invocation did, for logs and metrics. */
export interface StreamBatchSummary {
  aggregated: number;
  filtered: number;
  rejected: number;
  committedParts: number;
  duplicateCommits: number;
  failedAt?: string;
}

export const DEFAULT_MAX_STATE_BYTES = 300_000;

/**
 * Processes one tumbling-window invocation. Records are handled in order; a permanent failure (bad data,
 * schema mismatch) is reported to the failure queue and skipped; any other error stops the batch at that
 * record and returns it as the only `batchItemFailures` entry (Lambda checkpoints before it and retries
 * from it) with the state as it was before that record, so the retry never counts a record twice.
 * On the window's final invocation (or when the state outgrows `maxStateBytes`) the aggregate is committed
 * with a conditional write, which makes re-running a committed part harmless.
 *
 * @example
 * export const handler = (event: KinesisStreamTumblingWindowEvent) =>
 *   processWindowBatch(event, orderPipeline, { results, failures }).then((r) => r.response);
 */
export async function processWindowBatch<TEvent>(
  event: KinesisStreamTumblingWindowEvent,
  pipeline: StreamPipelineDefinition<TEvent>,
  deps: StreamProcessorDependencies,
): Promise<{ response: KinesisStreamStateResponse; summary: StreamBatchSummary }> {
  const maxStateBytes = deps.maxStateBytes ?? DEFAULT_MAX_STATE_BYTES;
  const shardId = shardIdOf(event);
  const summary: StreamBatchSummary = { aggregated: 0, filtered: 0, rejected: 0, committedParts: 0, duplicateCommits: 0 };
  // A copy with prototype-free aggregates (not structuredClone, which would give them a prototype again).
  let state = readWindowState(event.state);
  const commit = async (committed: WindowState, terminatedEarly: boolean) => {
    const outcome = await deps.results.commit({ pipeline: pipeline.name, shardId, window: event.window, state: committed, terminatedEarly });
    if (outcome === 'committed') summary.committedParts += 1;
    if (outcome === 'duplicate') summary.duplicateCommits += 1;
  };

  for (const record of event.Records) {
    let undo: (() => void) | undefined;
    try {
      const keyed = toKeyedValue(record, pipeline);
      if (keyed === undefined) {
        summary.filtered += 1;
        continue;
      }
      undo = addToWindowState(state, keyed.key, keyed.value, record.kinesis.sequenceNumber);
      if (state.approxBytes > maxStateBytes) {
        await commit(state, true);
        state = nextPartState();
      }
      summary.aggregated += 1;
    } catch (err) {
      if (isPermanent(err)) {
        try {
          await deps.failures.report(record, err);
          state.rejected += 1;
          summary.rejected += 1;
          continue;
        } catch {
          // The report did not reach the queue: retry this record rather than lose it.
        }
      }
      undo?.();
      summary.failedAt = record.kinesis.sequenceNumber;
      return { response: { state, batchItemFailures: [{ itemIdentifier: record.kinesis.sequenceNumber }] }, summary };
    }
  }

  if (event.isFinalInvokeForWindow) {
    // A failed final commit throws: Lambda retries the final invocation with the same state.
    await commit(state, event.isWindowTerminatedEarly);
    return { response: { state: {}, batchItemFailures: [] }, summary };
  }
  return { response: { state: state as unknown as Record<string, unknown>, batchItemFailures: [] }, summary };
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
