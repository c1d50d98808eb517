import type { S3Client } from '@aws-sdk/client-s3';
import { systemClock, type Clock } from '../clock.ts';
import { finalizeGroups, PartialMerger } from './aggregates.ts';
import { jobLayout, outputLayout } from './job-layout.ts';
import type { JobSummary, JobSummaryStore } from './job-summary-store.ts';
import type { PartitionPartial } from './process-partition.ts';
import { mergeRuns } from './run-merge.ts';
import { openObject, readJson, uploadLines } from './s3-objects.ts';
import type { SplitResult } from './split.ts';

export interface ReduceOptions {
  readonly s3: S3Client;
  readonly summaries: JobSummaryStore;
  readonly clock?: Clock;
  /** Partials read in parallel. */
  readonly readConcurrency?: number;
}

/** What Reduce needs of Split's result (the partition list itself is not needed: keys are derived). */
export type ReduceInput = Pick<SplitResult, 'jobId' | 'job' | 'workBucket' | 'partitionCount' | 'skipped' | 'startedAt'> & Partial<Pick<SplitResult, 'badLines'>>;

/**
 * Merges every partition's partial aggregates and k-way-merges their sorted runs (streaming: one
 * record per run in memory) into the job's output, then records the summary. A partition without a
 * partial (possible only when the Distributed Map tolerates failures) is listed in the summary.
 *
 * @example
 * const summary = await reduceJob(split, { s3, summaries });
 */
export async function reduceJob(input: ReduceInput, options: ReduceOptions): Promise<JobSummary> {
  const { s3, summaries, clock = systemClock, readConcurrency = 16 } = options;
  const { job, workBucket, partitionCount } = input;
  const layout = jobLayout(workBucket, input.jobId);
  const output = outputLayout(job.output, input.jobId);

  const partials = await mapLimit(partitionCount, readConcurrency, (p) => readJson<PartitionPartial>(s3, layout.partial(p)));
  const present = partials.flatMap((partial, index) => (partial ? [index] : []));
  const missingPartitions = partials.flatMap((partial, index) => (partial ? [] : [index]));
  const merger = new PartialMerger(job.aggregates, job.distinctLimit);
  for (const partial of partials) if (partial) merger.add(partial.groups);
  const merged = merger.result();
  const records = partials.reduce((sum, p) => sum + (p?.records ?? 0), 0);

  async function* groupLines() {
    for (const row of finalizeGroups(job.aggregates, merged)) yield JSON.stringify(row);
  }
  await uploadLines(s3, output.groups, groupLines());

  // Runs are opened together, as the merge needs the head of each; only one batch of lines per run is held.
  await uploadLines(s3, output.sorted, mergeRuns(present.map((p) => openObject(s3, layout.run(p))), job.sort.direction));

  const finishedAt = clock.now();
  const durationMs = Math.max(finishedAt - input.startedAt, 1);
  const summary: JobSummary = {
    jobId: input.jobId,
    status: missingPartitions.length === 0 ? 'SUCCEEDED' : 'SUCCEEDED_WITH_MISSING_PARTITIONS',
    partitions: partitionCount,
    records,
    groups: merged.length,
    skipped: input.skipped,
    ...(input.badLines && input.badLines.length > 0 ? { badLines: input.badLines } : {}),
    durationMs,
    recordsPerSecond: Math.round((records / durationMs) * 1000),
    startedAt: input.startedAt,
    finishedAt,
    ...(missingPartitions.length > 0 ? { missingPartitions } : {}),
    output: { bucket: job.output.bucket, groupsKey: output.groups.key, sortedKey: output.sorted.key },
  };
  await summaries.put(summary);
  return summary;
}

async function mapLimit<T>(count: number, limit: number, fn: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await fn(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}
