/** A parsed input record: one JSON Lines object or one CSV row. */
export type BatchRecord = Record<string, unknown>;

/**
 * Reads a dotted path (`customer.id`) from a record; `undefined` when any step is missing. Only the
 * record's own fields count: a path `constructor` or `toString` names a field like any other, never what
 * every object inherits (which is not in the data).
 *
 * @example
 * getField({ customer: { id: 7 } }, 'customer.id'); // 7
 */
export function getField(record: BatchRecord, path: string): unknown {
  return fieldReader(path)(record);
}

/**
 * Builds a field reader once per path, so hot loops do not split the path on every record.
 *
 * @example
 * const amountOf = fieldReader('amount'); amountOf(record);
 */
export function fieldReader(path: string): (record: BatchRecord) => unknown {
  if (!path.includes('.')) return (record) => (Object.hasOwn(record, path) ? record[path] : undefined);
  const steps = path.split('.');
  return (record) => {
    let value: unknown = record;
    for (const step of steps) {
      if (value === null || typeof value !== 'object' || !Object.hasOwn(value, step)) return undefined;
      value = (value as Record<string, unknown>)[step];
    }
    return value;
  };
}

/**
 * The canonical text of a key value: identical on every machine and run, and different for values
 * of different types (`1` and `"1"`). Missing values are `null`.
 *
 * @example
 * canonicalKey('eu'); // '"eu"'
 */
export function canonicalKey(value: unknown): string {
  return JSON.stringify(value ?? null);
}
