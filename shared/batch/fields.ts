import * as z from 'zod/mini';
import '../zod-messages.ts';
import { ownValue } from '../keyed-record.ts';

/** A record field in a job spec, addressed by a dotted path (`customer.id`): see {@link fieldReader}. */
export const fieldPathSchema = z.string().check(z.minLength(1), z.maxLength(256));

/** A parsed input record: one JSON Lines object or one CSV row. */
export type BatchRecord = Record<string, unknown>;

/**
 * Builds a reader of a dotted path (`customer.id`), once per path so hot loops do not split the path on
 * every record; it gives `undefined` when any step is missing. A field whose name is the whole path (a
 * CSV header `customer.id`, a flattened JSON key) is read first; otherwise the path steps into nested
 * objects. Only the record's own fields count: a path `constructor` or `toString` names a field like any
 * other, never what every object inherits (which is not in the data).
 *
 * @example
 * const amountOf = fieldReader('amount'); amountOf(record);
 */
export function fieldReader(path: string): (record: BatchRecord) => unknown {
  if (!path.includes('.')) return (record) => (Object.hasOwn(record, path) ? record[path] : undefined);
  const steps = path.split('.');
  return (record) => (Object.hasOwn(record, path) ? record[path] : readOwnPath(record, steps));
}

/**
 * Steps into nested objects along `steps`, reading own fields only: `undefined` as soon as a step is
 * missing, inherited (`constructor`, `__proto__`) or its parent is not an object. The one walk behind
 * {@link fieldReader} and the JSON text reader.
 *
 * @example
 * readOwnPath({ customer: { id: 7 } }, ['customer', 'id']); // 7
 */
export function readOwnPath(start: unknown, steps: readonly string[]): unknown {
  let value = start;
  for (const step of steps) {
    value = ownValue(value, step);
    if (value === undefined) return undefined;
  }
  return value;
}

/**
 * The canonical text of a key value: identical on every machine and run, one text per value (object
 * keys sorted, so `{a:1,b:2}` and `{b:2,a:1}` are one group; a bigint by its digits, like the number
 * it is), and different for values of different types (`1` and `"1"`). Missing values are `null`.
 *
 * @example
 * canonicalKey('eu'); // '"eu"'
 * canonicalKey({ b: 2, a: 1 }); // '{"a":1,"b":2}'
 */
export function canonicalKey(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      // JSON has no Infinity or NaN; a derived value may be one, and must not meet `null`.
      return Number.isFinite(value) ? JSON.stringify(value) : String(value);
    case 'bigint':
      return value.toString();
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return 'null';
    default:
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : canonicalKey(item))).join(',')}]`;
      return `{${Object.keys(value as object)
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${canonicalKey((value as Record<string, unknown>)[key])}`)
        .join(',')}}`;
  }
}
