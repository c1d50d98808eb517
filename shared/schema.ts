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
  const issues: SchemaIssue[] = result.issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message }));
  throw new SchemaValidationError(`${what} does not match the schema: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`, issues);
}

function pathOf(path: StandardSchemaV1.Issue['path']): string {
  return (path ?? []).map((segment) => String(typeof segment === 'object' ? segment.key : segment)).join('.');
}
