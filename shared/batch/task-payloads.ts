import * as z from 'zod/mini';
import '../zod-messages.ts';
import { SchemaValidationError } from '../errors.ts';
import { formatSchemaIssues, schemaIssues } from '../schema.ts';
import { jobContextSchema } from './job-spec.ts';

/**
 * The payloads the batch state machine carries between its tasks, as `zod/mini` schemas: Split returns a
 * {@link SplitResult}, the Map hands each partition task a {@link PartitionTaskInput}, Reduce receives the
 * Split result again. Each task parses what it receives ({@link parseTaskPayload}), so a field renamed on
 * one side fails with its name instead of a cast hiding it. The JSONPaths the state machine reads these by
 * are built from the same field names (`BATCH_PATHS` in contract.ts).
 */

/** A count, index or epoch-milliseconds instant: an integer from 0. */
export const natural = z.number().check(z.int(), z.minimum(0));

/**
 * One unit of partition work, an item of the Map state: a slice of a partition, i.e. a run of
 * consecutive chunks Split wrote (in input order), at most `sliceBytes` of them. A partition larger
 * than that (a hot key) is split into several slices, sorted by several Map iterations and merged by
 * Reduce, so no task holds more than a slice whatever the partition's size.
 *
 * @example
 * const slice = partitionSliceSchema.parse(item); // { index: 3, slice: 0, slices: 1, … }
 */
export const partitionSliceSchema = z.object({
  /** The partition. */
  index: natural,
  /** This slice's number within the partition, from 0, and how many the partition has. */
  slice: natural,
  slices: natural,
  firstChunk: natural,
  chunks: natural,
  records: natural,
  /** 1-based position of the slice's first record among the partition's records, and their count. */
  firstRecord: natural,
  partitionRecords: natural,
  /** The first and last input line of the slice's records. */
  lines: z.tuple([natural, natural]),
});
export type PartitionSlice = z.output<typeof partitionSliceSchema>;

/** The S3 manifest of a distributed job: every slice, the Distributed Map's items (Reduce reads it too). */
export const partitionManifestSchema = z.array(partitionSliceSchema);

const s3LocationSchema = z.object({ bucket: z.string().check(z.minLength(1)), key: z.string().check(z.minLength(1)) });
/** A bad input line: its 1-based number, why, and how many lines it spans when more than one. */
export const badLineSchema = z.object({ line: natural, reason: z.string(), lines: z.optional(natural) });

/** How Split hands the slices on: inline in the state payload, or in an S3 manifest for a Distributed Map. */
export const splitModeSchema = z.enum(['inline', 'distributed']);

/**
 * What Split returns and the rest of the state machine carries. Kept small: the slice list is inline
 * only up to `inlineMaxPartitions` items and a payload well under Step Functions' 256 KiB; beyond, it
 * is in S3 (`manifest`) for a Distributed Map.
 *
 * @example
 * const split = parseTaskPayload(splitResultSchema, event, 'reduce task input');
 */
export const splitResultSchema = z.object({
  jobId: z.string(),
  job: jobContextSchema,
  workBucket: z.string().check(z.minLength(1)),
  partitionCount: natural,
  records: natural,
  /** Input lines not read into records (bad records, policy `skip`). */
  skipped: natural,
  /** The first bad lines (at most 20), with their 1-based line numbers. */
  badLines: z.array(badLineSchema),
  /** When Split started, in epoch milliseconds. */
  startedAt: natural,
  mode: splitModeSchema,
  /** The Map's items (inline mode): one per non-empty slice. */
  partitions: z.optional(z.array(partitionSliceSchema)),
  /** The slice list in S3 (distributed mode), read by the Distributed Map's ItemReader. */
  manifest: z.optional(s3LocationSchema),
  /** Number of Map items (slices). */
  slices: natural,
});
export type SplitResult = z.output<typeof splitResultSchema>;

/**
 * A partition task's input from the inline Map: its ItemSelector picks the job from the Split result and
 * the Map item as the partition.
 */
export const inlinePartitionTaskSchema = z.object({ job: jobContextSchema, partition: partitionSliceSchema });

/** A partition task's input from the Distributed Map's ItemBatcher (`{ BatchInput, Items }`, as AWS builds it). */
export const batchedPartitionTaskSchema = z.object({ BatchInput: z.object({ job: jobContextSchema }), Items: z.array(partitionSliceSchema).check(z.minLength(1)) });

/** Either input of a partition task. */
export type PartitionTaskInput = z.input<typeof inlinePartitionTaskSchema> | z.input<typeof batchedPartitionTaskSchema>;

/**
 * What a state's Catch adds to the payload on its way to the failure record: the error (`resultPath`
 * `$.error`, Step Functions' `{ Error, Cause }`) and the name of the state that failed.
 */
export interface CaughtFailure {
  readonly error: { readonly Error: string; readonly Cause: string };
  readonly failedState: string;
}

/**
 * Parses a payload a task received, or throws a {@link SchemaValidationError} naming every bad field
 * (`invalid reduce task input: job.sort: …`): a permanent error, which the state machine does not retry.
 *
 * @example
 * const split = parseTaskPayload(splitResultSchema, event, 'reduce task input');
 */
export function parseTaskPayload<T extends z.ZodMiniType>(schema: T, value: unknown, what: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new SchemaValidationError(`invalid ${what}: ${formatSchemaIssues(parsed.error.issues, '(input)')}`, schemaIssues(parsed.error.issues));
}
