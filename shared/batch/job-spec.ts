import * as z from 'zod/mini';
import '../zod-messages.ts';
import { JobSpecError } from '../errors.ts';
import { formatSchemaIssues } from '../schema.ts';
import { aggregateName, aggregateSpecSchema } from './aggregate-ops/registry.ts';
import { fieldPathSchema } from './fields.ts';
import { compileDerivation } from './derive.ts';
import { EXECUTION_INPUT_LIMIT_BYTES } from './limits.ts';

const s3Location = z.strictObject({ bucket: z.string().check(z.minLength(3), z.maxLength(63)), key: z.string().check(z.minLength(1), z.maxLength(1024)) });
const scalar = z.union([z.number(), z.string()]);

/**
 * An inline record is any JSON object, kept as given: zod's record parsing would rebuild it and silently
 * drop a field named `__proto__`, which a JSON Lines record in S3 keeps.
 */
const inlineRecord = z.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), {
  error: 'Invalid input: expected a JSON object',
});

const inputSchema = z.pipe(
  // An inline array is shorthand for `{ format: 'inline', records }` (classic zod's `z.preprocess`).
  z.transform((value: unknown) => (Array.isArray(value) ? { format: 'inline', records: value } : value)),
  z.discriminatedUnion('format', [
    z.strictObject({ format: z.literal('jsonl'), s3: s3Location }),
    z.strictObject({ format: z.literal('csv'), s3: s3Location }),
    // Inline records travel in the execution input, which Step Functions caps at 256 KiB.
    z.strictObject({ format: z.literal('inline'), records: z.array(inlineRecord).check(z.maxLength(10_000)) }),
  ]),
);

const partitionSchema = z.strictObject({
  key: fieldPathSchema,
  count: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(10_000))),
  /** Ascending upper-exclusive bounds: `[10, 20]` makes partitions `< 10`, `[10, 20)`, `>= 20`. */
  ranges: z.optional(z.array(scalar).check(z.minLength(1), z.maxLength(9_999))),
}).check(
  z.superRefine((p, ctx) => {
    if ((p.count === undefined) === (p.ranges === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give exactly one of `count` or `ranges`', path: [] });
    }
    p.ranges?.forEach((bound, i) => {
      const prev = p.ranges?.[i - 1];
      if (i > 0 && (typeof prev !== typeof bound || (prev as number | string) >= bound)) {
        ctx.addIssue({ code: 'custom', message: 'bounds must be of one type and strictly ascending', path: ['ranges', i] });
      }
    });
  }),
);


const derivedName = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** name → JSONata expression, each compiled here so a bad one is refused with the spec. */
const deriveSchema = z.record(z.string(), z.string().check(z.minLength(1), z.maxLength(4_096))).check(
  z.superRefine((derive, ctx) => {
    const names = Object.keys(derive);
    if (names.length > 20) ctx.addIssue({ code: 'custom', message: `at most 20 derived fields, got ${names.length}`, path: [] });
    for (const name of names) {
      if (!derivedName.test(name)) {
        ctx.addIssue({ code: 'custom', message: 'a derived field is named by a letter or `_`, then letters, digits or `_` (at most 64)', path: [name] });
        continue;
      }
      if (name in Object.prototype) {
        ctx.addIssue({ code: 'custom', message: 'a derived field cannot be named like a property every object has', path: [name] });
        continue;
      }
      try {
        compileDerivation(derive[name]!);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message, path: [name] });
      }
    }
  }),
);

/** Names the job everywhere: execution name, S3 prefixes, summary item. */
const jobIdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,80}$/, 'letters, digits, `-` and `_` only, at most 80'));

/** Every field of a spec but its input and id: what the job's tasks carry from Split on. */
const jobContextFields = {
  /**
   * Fields computed per record before partitioning, by JSONata expression (the language of Step
   * Functions' JSONata states): `{ "band": "$floor(distance / 250)" }`. Every field path of the spec may
   * name one; they are keys only, not added to the output records.
   */
  derive: z.optional(deriveSchema),
  partition: partitionSchema,
  sort: z.strictObject({ key: fieldPathSchema, direction: z._default(z.enum(['asc', 'desc']), 'asc') }),
  groupBy: fieldPathSchema,
  aggregates: z.array(aggregateSpecSchema).check(
    z.minLength(1),
    z.maxLength(50),
    z.superRefine((aggregates, ctx) => {
      // Each aggregate is a field of every result row: two of one name would leave one of them out.
      const seen = new Set<string>();
      aggregates.forEach((aggregate, i) => {
        const name = aggregateName(aggregate);
        if (seen.has(name)) ctx.addIssue({ code: 'custom', message: `result name ${JSON.stringify(name)} is used twice: give one of them another \`as\``, path: [i] });
        seen.add(name);
      });
    }),
  ),
  output: z.strictObject({ bucket: z.string().check(z.minLength(3), z.maxLength(63)), prefix: z._default(z.string().check(z.maxLength(512)), '') }),
  badRecordPolicy: z._default(z.enum(['skip', 'fail']), 'fail'),
  /** Exact distinct sets are kept per group; a group with more distinct values fails the job. */
  distinctLimit: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(1_000_000)), 100_000),
};

/**
 * `zod/mini` schema of a job context ({@link JobContext}: the spec without its input), as Split hands it to the
 * partition tasks and Reduce; they parse it again at their boundary.
 *
 * @example
 * const job = jobContextSchema.parse(event.job);
 */
export const jobContextSchema = z.strictObject({ jobId: jobIdSchema, ...jobContextFields });

/**
 * `zod/mini` schema of a batch job spec (a Standard Schema; classic zod would add ~440 KiB to every batch
 * function); use {@link parseJobSpec} to get sluice's error type. Refine it with `.check(z.superRefine(…))`
 * from `zod/mini`, as `jobRequestSchema` (bucket-allow-list.ts) does.
 *
 * @example
 * const result = jobSpecSchema.safeParse(value); // result.error?.issues: the same issues classic zod gave
 */
export const jobSpecSchema = z.strictObject({ jobId: jobIdSchema, input: inputSchema, ...jobContextFields }).check(
  z.superRefine((spec, ctx) => {
    if (spec.input.format !== 'inline') return;
    const bytes = Buffer.byteLength(JSON.stringify(spec));
    if (bytes > EXECUTION_INPUT_LIMIT_BYTES) {
      ctx.addIssue({
        code: 'custom',
        message: `the spec with its inline records is ${bytes.toLocaleString('en-US')} bytes, over Step Functions' ${EXECUTION_INPUT_LIMIT_BYTES.toLocaleString('en-US')}-byte execution input: put the records in S3 (format jsonl or csv)`,
        path: ['input'],
      });
    }
  }),
);

export type JobSpec = z.output<typeof jobSpecSchema>;
export type JobSpecInput = z.input<typeof jobSpecSchema>;
export type AggregateSpec = JobSpec['aggregates'][number];
export type PartitionSpec = JobSpec['partition'];
export type SortSpec = JobSpec['sort'];
export type SortDirection = SortSpec['direction'];

/**
 * What ProcessPartition and Reduce need of a job: the spec without its input, so inline records never
 * ride along in every Map iteration's payload.
 */
export type JobContext = z.output<typeof jobContextSchema>;

/**
 * Validates a job spec. A bad spec throws a {@link JobSpecError} whose message names every bad field
 * (`partition.count: Too big: expected number to be <=10000`).
 *
 * @example
 * const spec = parseJobSpec(JSON.parse(body));
 */
export function parseJobSpec(value: unknown): JobSpec {
  const parsed = jobSpecSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new JobSpecError(`invalid batch job spec: ${formatSchemaIssues(parsed.error.issues, '(spec)')}`);
}

/**
 * The spec minus its input.
 *
 * @example
 * const job = jobContext(spec); // passed to every partition task
 */
export function jobContext(spec: JobSpec): JobContext {
  const { input: _input, ...job } = spec;
  return job;
}
