import type { S3Client } from '@aws-sdk/client-s3';
import { systemClock, type Clock } from '../clock.ts';
import { forEachConcurrently } from '../concurrency.ts';
import { finalizeGroups, PartialMerger } from './aggregates.ts';
import { exactParse, exactStringify } from './exact-numbers.ts';
import { jobLayout, outputLayout } from './job-layout.ts';
import type { JobSummaryStore } from './job-summary-store.ts';
import type { SucceededJobSummary } from './job-summary.ts';
import type { PartitionPartial } from './process-partition.ts';
import { planMerges } from './merge-plan.ts';
import { mergeRuns } from './run-merge.ts';
import { openObject, readJson, uploadLines } from './s3-objects.ts';
import { parseTaskPayload, partitionManifestSchema, type PartitionSlice, type SplitResult } from './task-payloads.ts';

export interface ReduceOptions {
  readonly s3: S3Client;
  readonly summaries: JobSummaryStore;
  readonly clock?: Clock;
  /** Partials read in parallel. */
  readonly readConcurrency?: number;
  /**
   * Runs read at once by one merge (default 32): each holds an S3 connection (the SDK's HTTP handler
   * allows 50 per host; Lambda allows 1,024 file descriptors), so more runs are merged in levels.
   */
  readonly mergeFanIn?: number;
}

/** What Reduce needs of Split's result: the slices come inline (`partitions`) or from the manifest. */
export type ReduceInput = Pick<SplitResult, 'jobId' | 'job' | 'workBucket' | 'partitionCount' | 'skipped' | 'startedAt'> &
  Partial<Pick<SplitResult, 'badLines' | 'partitions' | 'manifest'>>;

/**
 * Merges every partition's partial aggregates and k-way-merges their sorted runs (streaming: one
 * batch of lines per run in memory, at most `mergeFanIn` runs at once, in levels beyond) into the job's output, then records the summary. A partition without a
 * partial (possible only when the Distributed Map tolerates failures) is listed in the summary.
 *
 * @example
 * const summary = await reduceJob(split, { s3, summaries });
 */
export async function reduceJob(input: ReduceInput, options: ReduceOptions): Promise<SucceededJobSummary> {
  const { s3, summaries, clock = systemClock, readConcurrency = 16, mergeFanIn = 32 } = options;
  const { job, workBucket, partitionCount } = input;
  const layout = jobLayout(workBucket, input.jobId);
  const output = outputLayout(job.output, input.jobId);

  const slices = input.partitions ?? (input.manifest ? await readJson<PartitionSlice[]>(s3, input.manifest, parseManifest) : undefined);
  if (!slices) throw new Error(`the job's slice list is missing: neither inline partitions nor a manifest (${input.manifest ? `s3://${input.manifest.bucket}/${input.manifest.key} not found` : 'none given'})`);
  const partials = await mapLimit(slices.length, readConcurrency, (n) => readJson<PartitionPartial>(s3, layout.partial(slices[n]!.index, slices[n]!.slice), exactParse));
  const present = partials.flatMap((partial, n) => (partial ? [n] : []));
  const missingPartitions = [...new Set(partials.flatMap((partial, n) => (partial ? [] : [slices[n]!.index])))];
  const merger = new PartialMerger(job.aggregates, job.distinctLimit);
  for (const partial of partials) if (partial) merger.add(partial.groups);
  const merged = merger.result();
  const records = partials.reduce((sum, p) => sum + (p?.records ?? 0), 0);
  const perPartition = new Map<number, number>();
  for (const partial of partials) if (partial && partial.records > 0) perPartition.set(partial.index, (perPartition.get(partial.index) ?? 0) + partial.records);

  async function* groupLines() {
    for (const row of finalizeGroups(job.aggregates, merged)) yield exactStringify(row);
  }
  await uploadLines(s3, output.groups, groupLines());

  // A merge opens its runs together (it needs the head of each) and holds one batch of lines per run;
  // beyond `mergeFanIn` runs, intermediate merges (in tmp/) bring the count down first.
  const runs = present.filter((n) => partials[n]!.records > 0).map((n) => ({ location: layout.run(slices[n]!.index, slices[n]!.slice), records: partials[n]!.records }));
  const plan = planMerges(
    runs.map((r) => r.records),
    mergeFanIn,
  );
  for (const step of plan.steps) {
    const location = layout.merged(step.output);
    await uploadLines(s3, location, mergeRuns(step.inputs.map((id) => openObject(s3, runs[id]!.location)), job.sort.direction, 'runs'));
    runs[step.output] = { location, records: step.inputs.reduce((sum, id) => sum + runs[id]!.records, 0) };
  }
  await uploadLines(s3, output.sorted, mergeRuns(plan.final.map((id) => openObject(s3, runs[id]!.location)), job.sort.direction));

  const finishedAt = clock.now();
  const durationMs = Math.max(finishedAt - input.startedAt, 1);
  const summary: SucceededJobSummary = {
    jobId: input.jobId,
    status: missingPartitions.length === 0 ? 'SUCCEEDED' : 'SUCCEEDED_WITH_MISSING_PARTITIONS',
    partitions: partitionCount,
    partitionsUsed: perPartition.size,
    largestPartitionRecords: Math.max(0, ...perPartition.values()),
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

const parseManifest = (text: string) => parseTaskPayload(partitionManifestSchema, JSON.parse(text), 'partition manifest');

async function mapLimit<T>(count: number, limit: number, fn: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  await forEachConcurrently(count, limit, async (index) => {
    results[index] = await fn(index);
  });
  return results;
}
