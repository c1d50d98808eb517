import type { S3Client } from '@aws-sdk/client-s3';
import { GroupAccumulator, type GroupPartial } from './aggregates.ts';
import { compareValues } from './compare.ts';
import { exactParse, exactStringify } from './exact-numbers.ts';
import { fieldReader, type BatchRecord } from './fields.ts';
import type { JobContext } from './job-spec.ts';
import { jobLayout } from './job-layout.ts';
import { openObject, writeObject } from './s3-objects.ts';
import { lineBatches } from './line-batches.ts';
import { JsonFieldReader, partitionFields, type PartitionFields } from './json-fields.ts';
import { encodeKey, parseChunkLine, runLine } from './run-lines.ts';
import type { SortDirection } from './stable-sort.ts';
import type { PartitionRef } from './split.ts';

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
  const accumulator = new GroupAccumulator(job.groupBy, job.aggregates, job.distinctLimit);
  const fields = partitionFields(job);
  const fold = JsonFieldReader.canRead(fields.paths) ? foldRead(new JsonFieldReader(fields.paths), fields, accumulator) : foldParsed(fieldReader(job.sort.key), accumulator);
  // One entry per record: its sort key and JSON text; the aggregates fold it in as it is read.
  const entries: RunEntry[] = [];
  for (let c = 0; c < partition.chunks; c++) {
    for await (const lines of lineBatches(await openObject(s3, layout.chunk(partition.index, c)))) {
      for (const line of lines) if (line !== '') entries.push(fold(line, parseChunkLine(line)));
    }
  }
  // Chunks hold a partition's records in input order, so `i` is the stable tiebreak.
  entries.sort(entryOrder(entries, job.sort.direction));
  const partial: PartitionPartial = { index: partition.index, records: entries.length, groups: accumulator.toPartials() };
  await Promise.all([
    writeObject(s3, layout.run(partition.index), runBody(entries)),
    writeObject(s3, layout.partial(partition.index), exactStringify(partial), 'application/json'),
  ]);
  return { index: partition.index, records: entries.length, groups: partial.groups.length };
}

type ChunkLine = ReturnType<typeof parseChunkLine>;

interface RunEntry {
  readonly i: number;
  readonly key: unknown;
  /** The sort key as {@link encodeKey} writes it. */
  readonly keyText: string;
  /** The chunk line, copied into the run. */
  readonly line: string;
}

/** Folds a record read from its JSON text: only the fields the job uses are decoded. */
function foldRead(reader: JsonFieldReader, fields: PartitionFields, accumulator: GroupAccumulator): (line: string, parsed: ChunkLine) => RunEntry {
  const values = new Array<unknown>(fields.aggregates.length);
  return (line, { i, json }) => {
    reader.read(json);
    const decoded = reader.values;
    for (let a = 0; a < values.length; a++) {
      const at = fields.aggregates[a]!;
      values[a] = at < 0 ? undefined : decoded[at];
    }
    accumulator.addValues(decoded[fields.group], values, json);
    const key = decoded[fields.sort];
    // A top-level key's text in JSON.stringify output is already what encodeKey makes of it.
    const keyText = fields.paths[fields.sort]!.includes('.') ? encodeKey(key) : (reader.texts[fields.sort] ?? '');
    return { i, key, keyText, line };
  };
}

/** Folds a record by parsing it, for jobs whose paths {@link JsonFieldReader} cannot read. */
function foldParsed(sortKeyOf: (record: BatchRecord) => unknown, accumulator: GroupAccumulator): (line: string, parsed: ChunkLine) => RunEntry {
  return (line, { i, json }) => {
    const record = exactParse(json) as BatchRecord;
    accumulator.add(record, json);
    const key = sortKeyOf(record);
    return { i, key, keyText: encodeKey(key), line };
  };
}

/** The run order; when every key is a number (the common case) without {@link compareValues}' type dispatch. */
function entryOrder(entries: readonly RunEntry[], direction: SortDirection): (a: RunEntry, b: RunEntry) => number {
  const sign = direction === 'asc' ? 1 : -1;
  // JSON numbers are finite, so the difference has the sign of the comparison.
  if (entries.every((e) => typeof e.key === 'number')) return (a, b) => sign * ((a.key as number) - (b.key as number)) || a.i - b.i;
  return (a, b) => sign * compareValues(a.key, b.key) || a.i - b.i;
}

function runBody(entries: readonly RunEntry[]): string {
  const lines = new Array<string>(entries.length);
  for (let n = 0; n < entries.length; n++) {
    const { keyText, line } = entries[n]!;
    lines[n] = runLine(keyText, line);
  }
  return lines.join('');
}
