/**
 * Maps keyed by text that comes with the data (stream categories, message attribute names, record field
 * names, `as` names, batch entry ids) must treat every key as data. In a plain `{}` the keys
 * `constructor`, `toString` or `hasOwnProperty` find the function every object inherits, and assigning
 * to `__proto__` replaces the object's prototype (or, through a shared prototype, changes every object
 * of the process). A prototype-free record has neither problem and still serializes as a JSON object,
 * so it can travel in Lambda's window state, S3 and DynamoDB where a `Map` cannot.
 *
 * @example
 * const totals = keyedRecord<number>();
 * totals['constructor'] = 1; // data, like any other key
 */
export function keyedRecord<T>(entries?: Iterable<readonly [string, T]>): Record<string, T> {
  const record = Object.create(null) as Record<string, T>;
  // Assignment is safe here: without a prototype there is no `__proto__` setter to hit.
  if (entries) for (const [key, value] of entries) record[key] = value;
  return record;
}

/**
 * The value of an own property, never an inherited one: `undefined` when `value` is not an object or
 * lacks the key. Use it to read a key that came with the data from an object that may have a prototype
 * (anything `JSON.parse` or an SDK returned).
 *
 * @example
 * ownValue(JSON.parse('{"a":1}'), 'constructor'); // undefined, not Object
 * ownValue(JSON.parse('{"__proto__":1}'), '__proto__'); // 1
 */
export function ownValue(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}
