import type { StandardSchemaV1 } from '@standard-schema/spec';
import { ConfigurationError, SchemaValidationError } from './errors.ts';

/**
 * A schema sluice validates message bodies and stream records with: any library implementing
 * [Standard Schema](https://standardschema.dev) (zod 4 classic or `zod/mini`, valibot, ArkType, …).
 * `zod/mini` keeps a handler bundle small; call `z.config(z.locales.en())` once where you define the
 * schemas so its error messages read like classic zod's.
 *
 * @example
 * import * as z from 'zod/mini';
 * z.config(z.locales.en());
 * export const Invoice = z.object({ invoiceId: z.string().check(z.minLength(1)) });
 * createQueueWorker({ schema: Invoice, handle: async (invoice) => {…} });
 */
export type Schema<T> = StandardSchemaV1<unknown, T>;

/** One reason a value did not match, with its dotted path (`''` for the root). */
export interface SchemaIssue {
  path: string;
  message: string;
}

/**
 * Validates `value` against a Standard Schema, waiting for schemas that validate asynchronously.
 *
 * @returns the schema's output.
 * @throws SchemaValidationError (permanent) whose message is `${what} does not match the schema: path: message; …`.
 * @example
 * const order = await validateWithSchema(OrderJob, JSON.parse(body), 'body');
 */
export async function validateWithSchema<T>(schema: Schema<T>, value: unknown, what: string): Promise<T> {
  return outputOf(await schema['~standard'].validate(value), what);
}

/**
 * Validates `value` against a Standard Schema that answers synchronously (zod, valibot and ArkType do,
 * unless a refinement is async), for callers that cannot wait.
 *
 * @throws SchemaValidationError when the value does not match; ConfigurationError when the schema is asynchronous.
 * @example
 * const event = validateWithSchemaSync(PageView, payload, `record ${sequenceNumber}`);
 */
export function validateWithSchemaSync<T>(schema: Schema<T>, value: unknown, what: string): T {
  const result = schema['~standard'].validate(value);
  if (result instanceof Promise) {
    result.catch(() => undefined);
    throw new ConfigurationError(`${what}: the schema validates asynchronously, which is not supported here; use synchronous refinements`);
  }
  return outputOf(result, what);
}

function outputOf<T>(result: StandardSchemaV1.Result<T>, what: string): T {
  if (result.issues === undefined) return result.value;
  const issues = schemaIssues(result.issues);
  throw new SchemaValidationError(`${what} does not match the schema: ${formatSchemaIssues(result.issues)}`, issues);
}

/**
 * The issues of a failed validation with their paths as dotted text (`''` for the root). Takes any
 * Standard Schema's issues, zod's `error.issues` included.
 *
 * @example
 * schemaIssues([{ message: 'Required', path: ['customer', 'id'] }]); // [{ path: 'customer.id', message: 'Required' }]
 */
export function schemaIssues(issues: readonly StandardSchemaV1.Issue[]): SchemaIssue[] {
  return issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message }));
}

/**
 * The one text sluice gives a failed validation: `path: message` per issue, joined by `; `, an issue at
 * the root named by `root` (what the value is: `(spec)`, `(state)`; default `(root)`).
 *
 * @example
 * formatSchemaIssues(parsed.error.issues, '(spec)'); // 'partition.count: Too big: expected number to be <=10000'
 */
export function formatSchemaIssues(issues: readonly StandardSchemaV1.Issue[], root = '(root)'): string {
  return schemaIssues(issues)
    .map((issue) => `${issue.path || root}: ${issue.message}`)
    .join('; ');
}

function pathOf(path: StandardSchemaV1.Issue['path']): string {
  return (path ?? []).map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.');
}
