import { canonicalKey } from './fields.ts';

/** Type order of the total order over JSON values: missing/null < boolean < number < string < other. */
function rank(value: unknown): number {
  if (value === null || value === undefined) return 0;
  switch (typeof value) {
    case 'boolean':
      return 1;
    case 'number':
    case 'bigint':
      return 2;
    case 'string':
      return 3;
    default:
      return 4;
  }
}

/**
 * A total, deterministic order over JSON values, the one sluice sorts, ranges and merges with.
 * Missing and `null` are one value, the lowest. Numbers compare exactly (a bigint beyond 2^53 with a
 * double too); strings by UTF-16 code units (never by locale, which differs between machines);
 * objects and arrays by their canonical text ({@link canonicalKey}: keys sorted).
 *
 * @example
 * [3, 'b', null, 1].sort(compareValues); // [null, 1, 3, 'b']
 */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return 0;
    case 1:
    case 2:
      // `<` compares a bigint and a number by their exact values.
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 3:
      return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
    default: {
      const ja = canonicalKey(a);
      const jb = canonicalKey(b);
      return ja < jb ? -1 : ja > jb ? 1 : 0;
    }
  }
}
