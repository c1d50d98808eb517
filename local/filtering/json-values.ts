/**
 * JSON as Lambda's event filtering sees it. Lambda documents that "for numbers, Lambda also uses string
 * representation. For example, 300, 300.0, and 3.0e2 are not considered equal" (invocation-eventfiltering.html,
 * Filter rule syntax), so a number keeps the text it was written with; `JSON.parse` alone would turn all
 * three into 300.
 */

/** A JSON number with the text it was written with. */
export class JsonNumber {
  constructor(
    readonly value: number,
    readonly text: string,
  ) {}
}

/** A value a filter condition compares: what is left once arrays are crushed and objects walked. */
export type Leaf = string | boolean | null | JsonNumber;

/**
 * Parses JSON keeping each number's source text (Node ≥ 21: `JSON.parse` gives the reviver the source).
 *
 * @throws SyntaxError when the text is not JSON.
 * @example
 * parseJsonKeepingNumbers('{"price":300.0}'); // { price: JsonNumber { value: 300, text: '300.0' } }
 */
export function parseJsonKeepingNumbers(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' ? new JsonNumber(value, context?.source ?? JSON.stringify(value)) : value,
  );
}

/** Whether a value is a leaf (a scalar, null included): `exists` and every value condition look at leaves only. */
export function isLeaf(value: unknown): value is Leaf | number {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number' || value instanceof JsonNumber;
}

/** A plain JS number (an event built in code) as the JSON text `JSON.stringify` gives it. */
export function toLeaf(value: Leaf | number): Leaf {
  return typeof value === 'number' ? new JsonNumber(value, JSON.stringify(value)) : value;
}

/** Equality as Lambda compares literals: same JSON type, strings character by character, numbers by their text. */
export function sameLeaf(a: Leaf, b: Leaf): boolean {
  if (a instanceof JsonNumber || b instanceof JsonNumber) return a instanceof JsonNumber && b instanceof JsonNumber && a.text === b.text;
  return a === b;
}

/** A JSON object (not an array, not null, not a parsed number). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof JsonNumber);
}
