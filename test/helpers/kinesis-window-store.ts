import type { KinesisStreamRecord } from 'aws-lambda';
import type { SluiceError } from '../../shared/errors.ts';
import type { WindowCommit } from '../../shared/stream/window-results.ts';
import { windowResultKey } from '../../shared/stream/window-results.ts';

/** In-memory stand-in for the results table with the same conditional-write rule, for unit tests. */
export class InMemoryWindowResults {
  readonly items = new Map<string, WindowCommit>();
  failNextCommit = false;

  async commit(commit: WindowCommit): Promise<'committed' | 'duplicate' | 'empty'> {
    if (this.failNextCommit) {
      this.failNextCommit = false;
      throw new Error('ProvisionedThroughputExceededException');
    }
    if (commit.state.firstSequenceNumber === undefined) return 'empty';
    const key = `${windowResultKey(commit.pipeline, commit.shardId, commit.window.start)}#${commit.state.firstSequenceNumber}`;
    if (this.items.has(key)) return 'duplicate';
    this.items.set(key, structuredClone(commit));
    return 'committed';
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
