import * as z from 'zod/mini';
import '../zod-messages.ts';
import { SchemaValidationError } from '../errors.ts';
import { formatSchemaIssues, schemaIssues } from '../schema.ts';
import { badLineSchema, natural } from './task-payloads.ts';

/**
 * An instant as a summary item holds it, read as epoch milliseconds: Reduce writes a number, the state
 * machine's failure path writes `$$.Execution.StartTime` (ISO 8601 text).
 */
const instant = z.union([
  natural,
  z.pipe(
    z.string(),
    z.transform((text, ctx) => {
      const ms = Date.parse(text);
      if (Number.isNaN(ms)) ctx.issues.push({ code: 'custom', message: `not a timestamp: ${JSON.stringify(text)}`, input: text });
      return ms;
    }),
  ),
]);

/** The status the failure path writes. */
export const FAILED_STATUS = 'FAILED';

/**
 * The summary item Reduce writes when a job completes (table key: `jobId`).
 *
 * @example
 * const summary: SucceededJobSummary = { jobId: 'j1', status: 'SUCCEEDED', partitions: 8, records: 10, groups: 2, skipped: 0, durationMs: 5, recordsPerSecond: 2000, startedAt: 0, finishedAt: 5 };
 */
export const succeededJobSummarySchema = z.object({
  jobId: z.string(),
  /** `SUCCEEDED_WITH_MISSING_PARTITIONS` only when the Distributed Map tolerates failures. */
  status: z.enum(['SUCCEEDED', 'SUCCEEDED_WITH_MISSING_PARTITIONS']),
  partitions: natural,
  /** Partitions that received records, and the most records one of them received (skew shows here). */
  partitionsUsed: z.optional(natural),
  largestPartitionRecords: z.optional(natural),
  records: natural,
  groups: natural,
  skipped: natural,
  /** The first skipped input lines, with their 1-based numbers and why (policy `skip`). */
  badLines: z.optional(z.array(badLineSchema)),
  durationMs: natural,
  recordsPerSecond: natural,
  /** Epoch milliseconds. */
  startedAt: instant,
  finishedAt: natural,
  missingPartitions: z.optional(z.array(natural)),
  output: z.optional(z.object({ bucket: z.string(), groupsKey: z.string(), sortedKey: z.string() })),
});

/**
 * The summary item the state machine's Catch path writes (a DynamoDB PutItem task, see BatchJob): the
 * state that failed, Step Functions' error name and cause, and the execution's start time.
 *
 * @example
 * failedJobSummarySchema.parse({ jobId: 'j1', status: 'FAILED', failedState: 'Split', error: 'JobSpecError', cause: '…', startedAt: '2026-11-26T10:00:00.000Z' }).startedAt; // 1795687200000
 */
export const failedJobSummarySchema = z.object({
  jobId: z.string(),
  status: z.literal(FAILED_STATUS),
  /** The state whose Catch caught the error (`Split`, `ProcessPartitions`, …). */
  failedState: z.string(),
  /** Step Functions' error name (a Lambda error's `errorType`). */
  error: z.string(),
  /** Step Functions' cause (a Lambda error's JSON: `{ errorType, errorMessage, trace }`). */
  cause: z.string(),
  /** Epoch milliseconds (the item holds the execution's ISO start time). */
  startedAt: instant,
});

/**
 * Every shape of a job's summary item, told apart by `status`.
 *
 * @example
 * const summary = jobSummarySchema.parse(item);
 * if (summary.status === 'FAILED') console.log(summary.cause); else console.log(summary.records);
 */
export const jobSummarySchema = z.discriminatedUnion('status', [succeededJobSummarySchema, failedJobSummarySchema]);

/** A job's summary item as read: the outcome Reduce recorded, or the failure the state machine recorded. */
export type JobSummary = z.output<typeof jobSummarySchema>;
/** The summary Reduce writes (and returns as the execution's output). */
export type SucceededJobSummary = z.output<typeof succeededJobSummarySchema>;
/** The summary of a failed job, `startedAt` read as epoch milliseconds. */
export type FailedJobSummary = z.output<typeof failedJobSummarySchema>;
/** The failure item as the state machine writes it (`startedAt` as ISO text): the BatchJob construct's PutItem fields. */
export type FailedJobSummaryItem = z.input<typeof failedJobSummarySchema>;

/** The summary table's partition key. */
export const SUMMARY_TABLE_KEY = 'jobId' satisfies keyof JobSummary;

/**
 * Reads a summary item, or throws a {@link SchemaValidationError} naming every field that matches no shape.
 *
 * @example
 * parseJobSummary(item).startedAt; // epoch milliseconds, whichever path wrote the item
 */
export function parseJobSummary(item: unknown): JobSummary {
  const parsed = jobSummarySchema.safeParse(item);
  if (parsed.success) return parsed.data;
  const jobId = typeof item === 'object' && item !== null && typeof (item as { jobId?: unknown }).jobId === 'string' ? ` of job ${(item as { jobId: string }).jobId}` : '';
  throw new SchemaValidationError(`invalid summary item${jobId}: ${formatSchemaIssues(parsed.error.issues, '(item)')}`, schemaIssues(parsed.error.issues));
}
