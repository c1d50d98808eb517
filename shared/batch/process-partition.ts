import type { S3Client } from '@aws-sdk/client-s3';
import { GroupAccumulator, type GroupPartial } from './aggregates.ts';
import { fieldReader, type BatchRecord } from './fields.ts';
import type { JobContext } from './job-spec.ts';
import { jobLayout } from './job-layout.ts';
import { openObject, writeObject } from './s3-objects.ts';
import { stableSortBy } from './stable-sort.ts';
import type { PartitionRef } from './split.ts';
import { createInterface } from 'node:readline';

/** A record as it travels between tasks: its input line number and the record. */
export interface SequencedRecord {
  readonly i: number;
  readonly r: BatchRecord;
}

/** Partial aggregates of one partition, as stored in S3 for Reduce. */
export interface PartitionPartial {
  readonly index: number;
  readonly records: number;
  readonly groups: GroupPartial[];
}

/** What a partition task reports (the Map state discards it; Reduce reads S3). */
export interface PartitionOutcome {
  readonly index: number;
  readonly records: number;
  readonly groups: number;
}

/**
 * Sorts one partition by the job's sort key (stable: input order breaks ties), computes its partial
 * aggregates and writes both to S3. A partition must fit in the function's memory: choose the
 * partition count so that it does.
 *
 * @example
 * await processPartition(job, { index: 3, records: 1000, chunks: 1 }, { s3, workBucket });
 */
export async function processPartition(job: JobContext, partition: PartitionRef, options: { s3: S3Client; workBucket: string }): Promise<PartitionOutcome> {
  const { s3, workBucket } = options;
  const layout = jobLayout(workBucket, job.jobId);
  const records: SequencedRecord[] = [];
  for (let c = 0; c < partition.chunks; c++) {
    const lines = createInterface({ input: await openObject(s3, layout.chunk(partition.index, c)), crlfDelay: Infinity });
    for await (const line of lines) if (line !== '') records.push(JSON.parse(line) as SequencedRecord);
  }
  const sortKeyOf = fieldReader(job.sort.key);
  const sorted = stableSortBy(records, (s) => sortKeyOf(s.r), job.sort.direction);
  const accumulator = new GroupAccumulator(job.groupBy, job.aggregates, job.distinctLimit);
  for (const { r } of records) accumulator.add(r);
  const partial: PartitionPartial = { index: partition.index, records: records.length, groups: accumulator.toPartials() };
  await Promise.all([
    writeObject(s3, layout.run(partition.index), sorted.map((s) => `${JSON.stringify(s)}\n`).join('')),
    writeObject(s3, layout.partial(partition.index), JSON.stringify(partial), 'application/json'),
  ]);
  return { index: partition.index, records: records.length, groups: partial.groups.length };
}
