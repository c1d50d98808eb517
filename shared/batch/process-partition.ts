import type { S3Client } from '@aws-sdk/client-s3';
import { GroupAccumulator, type GroupPartial } from './aggregates.ts';
import { compareValues } from './compare.ts';
import { exactParse, exactStringify } from './exact-numbers.ts';
import { fieldReader, type BatchRecord } from './fields.ts';
import type { JobContext, SortDirection } from './job-spec.ts';
import { jobLayout } from './job-layout.ts';
import { openObject, uploadLines } from './s3-objects.ts';
import { lineBatches } from './line-batches.ts';
import { JsonFieldReader, partitionFields, type PartitionFields } from './json-fields.ts';
import { encodeKey, parseChunkLine } from './run-lines.ts';
import type { PartitionSlice } from './task-payloads.ts';

/** Partial aggregates of one slice of a partition, as stored in S3 for Reduce. */
export interface PartitionPartial {
  readonly index: number;
  readonly slice: number;
  readonly records: number;
  readonly groups: GroupPartial[];
}

/** What a partition task reports (the Map state discards it; Reduce reads S3). */
export interface PartitionOutcome {
  readonly index: number;
  readonly slice: number;
  readonly records: number;
  readonly groups: number;
}

/**
 * Sorts one slice of a partition by the job's sort key (stable: input order breaks ties), computes its
 * partial aggregates and writes both to S3 (multipart: no object size limit). Memory is about three
 * times the slice's size (Split caps slices at 16 MiB), whatever the partition's size: a larger
 * partition has more slices, merged by Reduce.
 *
 * @example
 * await processPartition(job, slice, { s3, workBucket });
 */
export async function processPartition(job: JobContext, slice: PartitionSlice, options: { s3: S3Client; workBucket: string }): Promise<PartitionOutcome> {
  const { s3, workBucket } = options;
  const layout = jobLayout(workBucket, job.jobId);
  const accumulator = new GroupAccumulator(job.groupBy, job.aggregates, job.distinctLimit);
  const fields = partitionFields(job);
  const derived = new Set(Object.keys(job.derive ?? {}));
  const fold = JsonFieldReader.canRead(fields.paths) ? foldRead(fields, derived, accumulator) : foldParsed(fields, derived, accumulator);
  // One entry per record: its sort key and JSON text; the aggregates fold it in as it is read.
  const entries: RunEntry[] = [];
  for (let c = slice.firstChunk; c < slice.firstChunk + slice.chunks; c++) {
    for await (const lines of lineBatches(await openObject(s3, layout.chunk(slice.index, c)))) {
      for (const line of lines) {
        if (line === '') continue;
        const chunk = parseChunkLine(line);
        try {
          entries.push(fold(chunk));
        } catch (err) {
          // A value the job cannot read exactly (a number of a thousand digits) names its input line.
          if (err instanceof RangeError) throw new RangeError(`input line ${chunk.i}: ${err.message}`, { cause: err });
          throw err;
        }
      }
    }
  }
  // Chunks hold a partition's records in input order, so `i` is the stable tiebreak.
  entries.sort(entryOrder(entries, job.sort.direction));
  const partial: PartitionPartial = { index: slice.index, slice: slice.slice, records: entries.length, groups: accumulator.toPartials() };
  await Promise.all([
    uploadLines(s3, layout.run(slice.index, slice.slice), runLines(entries)),
    uploadLines(s3, layout.partial(slice.index, slice.slice), [exactStringify(partial)], 'application/json'),
  ]);
  return { index: slice.index, slice: slice.slice, records: entries.length, groups: partial.groups.length };
}

type ChunkLine = ReturnType<typeof parseChunkLine>;

interface RunEntry {
  readonly i: number;
  readonly key: unknown;
  /** The sort key as {@link encodeKey} writes it (or its equivalent JSON text as read). */
  readonly keyText: string;
  readonly json: string;
}

/** Which fields come from the record and which from its derived fields, and where each use finds its value. */
function fieldSources(fields: PartitionFields, derived: ReadonlySet<string>) {
  const fromDerived = fields.paths.map((path) => derived.has(path.split('.')[0]!));
  return {
    recordPaths: fields.paths.filter((_, p) => !fromDerived[p]),
    derivedPaths: fields.paths.filter((_, p) => fromDerived[p]),
    // Per path: its index in the record reader's or the derived reader's values.
    slots: fields.paths.map((_, p) => fromDerived.slice(0, p).filter((d) => d === fromDerived[p]).length),
    fromDerived,
  };
}

/** Folds a record read from its JSON text: only the fields the job uses are decoded. */
function foldRead(fields: PartitionFields, derived: ReadonlySet<string>, accumulator: GroupAccumulator): (chunk: ChunkLine) => RunEntry {
  const sources = fieldSources(fields, derived);
  const recordReader = new JsonFieldReader(sources.recordPaths);
  const derivedReader = new JsonFieldReader(sources.derivedPaths);
  const values = new Array<unknown>(fields.aggregates.length);
  const valueOf = (p: number) => (sources.fromDerived[p] ? derivedReader : recordReader).values[sources.slots[p]!];
  const sortReader = sources.fromDerived[fields.sort] ? derivedReader : recordReader;
  const sortSlot = sources.slots[fields.sort]!;
  const sortIsTopLevel = !fields.paths[fields.sort]!.includes('.');
  return ({ i, derived: derivedJson, json }) => {
    recordReader.read(json);
    if (sources.derivedPaths.length > 0) {
      if (derivedJson === '') derivedReader.values.fill(undefined);
      else derivedReader.read(derivedJson);
    }
    for (let a = 0; a < values.length; a++) {
      const at = fields.aggregates[a]!;
      values[a] = at < 0 ? undefined : valueOf(at);
    }
    accumulator.addValues(valueOf(fields.group), values, json);
    const key = sortReader.values[sortSlot];
    // A top-level number or string's text as read decodes to the key; objects may hold tabs: re-encode.
    const text = sortReader.texts[sortSlot];
    const first = text?.charCodeAt(0);
    const keyText = sortIsTopLevel && text !== undefined && first !== 123 && first !== 91 ? text : encodeKey(key);
    return { i, key, keyText, json };
  };
}

/** Folds a record by parsing it, for jobs whose paths {@link JsonFieldReader} cannot read. */
function foldParsed(fields: PartitionFields, derived: ReadonlySet<string>, accumulator: GroupAccumulator): (chunk: ChunkLine) => RunEntry {
  const sources = fieldSources(fields, derived);
  const readers = fields.paths.map((path) => fieldReader(path));
  const values = new Array<unknown>(fields.aggregates.length);
  return ({ i, derived: derivedJson, json }) => {
    const record = exactParse(json) as BatchRecord;
    const derivedValues = derivedJson === '' ? undefined : (exactParse(derivedJson) as BatchRecord);
    const valueOf = (p: number) => (sources.fromDerived[p] ? (derivedValues ? readers[p]!(derivedValues) : undefined) : readers[p]!(record));
    for (let a = 0; a < values.length; a++) {
      const at = fields.aggregates[a]!;
      values[a] = at < 0 ? undefined : valueOf(at);
    }
    accumulator.addValues(valueOf(fields.group), values, json);
    const key = valueOf(fields.sort);
    return { i, key, keyText: encodeKey(key), json };
  };
}

/** The run order; when every key is a number (the common case) without {@link compareValues}' type dispatch. */
function entryOrder(entries: readonly RunEntry[], direction: SortDirection): (a: RunEntry, b: RunEntry) => number {
  const sign = direction === 'asc' ? 1 : -1;
  // JSON numbers are finite, so the difference has the sign of the comparison.
  if (entries.every((e) => typeof e.key === 'number')) return (a, b) => sign * ((a.key as number) - (b.key as number)) || a.i - b.i;
  return (a, b) => sign * compareValues(a.key, b.key) || a.i - b.i;
}

/** The run's lines (`runLine`), made as the upload takes them, in blocks of about 1 MiB (uploadLines ends each block with a newline). */
function* runLines(entries: readonly RunEntry[]): Generator<string> {
  let block: string[] = [];
  let chars = 0;
  for (const { keyText, i, json } of entries) {
    const line = `${keyText}\t${i}\t${json}`;
    block.push(line);
    chars += line.length;
    if (chars >= 1 << 20) {
      yield block.join('\n');
      block = [];
      chars = 0;
    }
  }
  if (block.length > 0) yield block.join('\n');
}
