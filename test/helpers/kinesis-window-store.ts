import type { KinesisStreamRecord } from 'aws-lambda';
import type { SluiceError } from '../../shared/errors.ts';
import { compareSequenceNumbers } from '../../shared/stream/sequence-numbers.ts';
import type { WindowClose, WindowPart, WindowPartCommit, WindowPartOutcome } from '../../shared/stream/window-results.ts';
import { windowResultKey } from '../../shared/stream/window-results.ts';

/** In-memory stand-in for the results table with the same conditional-write rules, for unit tests. */
export class InMemoryWindowResults {
  readonly parts = new Map<string, WindowPart & { windowStart: string }>();
  readonly closes = new Map<string, WindowClose>();
  /** Final invocations for a window already closed over other records (the table's `late` items). */
  readonly lateCloses = new Map<string, WindowClose>();
  /** Fail this many of the next writes (commit or close), as a throttled table would. */
  failWrites = 0;

  async commit(commit: WindowPartCommit): Promise<WindowPartOutcome> {
    this.maybeFail();
    const key = `${windowResultKey(commit.pipeline, commit.shardId, commit.window.start)}#${commit.part.firstSequenceNumber}`;
    const existing = this.parts.get(key);
    if (existing) return { status: 'duplicate', lastSequenceNumber: existing.lastSequenceNumber, records: existing.records, rejected: existing.rejected };
    this.parts.set(key, { ...structuredClone(commit.part), windowStart: commit.window.start });
    return { status: 'committed' };
  }

  async close(close: WindowClose): Promise<'closed' | 'duplicate' | 'late'> {
    this.maybeFail();
    const pk = windowResultKey(close.pipeline, close.shardId, close.window.start);
    const covered = close.state.coveredThrough ?? '';
    const key = close.terminatedEarly ? `${pk}#close#${covered}` : `${pk}#close`;
    const existing = this.closes.get(key);
    if (!existing) {
      this.closes.set(key, structuredClone(close));
      return 'closed';
    }
    if (close.terminatedEarly || (existing.state.coveredThrough ?? '') === covered) return 'duplicate';
    this.lateCloses.set(`${pk}#late#${covered}`, structuredClone(close));
    return 'late';
  }

  /** Every committed part in sequence order. */
  committed(): (WindowPart & { windowStart: string })[] {
    return [...this.parts.values()].sort((a, b) => compareSequenceNumbers(a.firstSequenceNumber, b.firstSequenceNumber));
  }

  private maybeFail(): void {
    if (this.failWrites > 0) {
      this.failWrites -= 1;
      throw new Error('ProvisionedThroughputExceededException');
    }
  }
}

/** Records what would have been sent to the failure queue. */
export class RecordingFailureReporter {
  readonly reports: { sequenceNumber: string; reason: string }[] = [];
  failing = false;

  async report(record: KinesisStreamRecord, error: SluiceError): Promise<void> {
    if (this.failing) throw new Error('queue unavailable');
    this.reports.push({ sequenceNumber: record.kinesis.sequenceNumber, reason: error.reason });
  }
}
