/**
 * RFC 8785 (JSON Canonicalization Scheme) of JSON *text*, computed from the text itself so no number is
 * rounded on the way:
 *
 * - object members sorted by their keys' UTF-16 code units, no whitespace, strings escaped as ECMAScript's
 *   `JSON.stringify` does, duplicate keys resolved as `JSON.parse` resolves them (the last one wins);
 * - numbers of magnitude up to 2^53 written as ECMAScript writes the double they parse to (RFC 8785 §3.2.2.3:
 *   `1.0` → `1`, `4.50` → `4.5`, `1E-7` → `1e-7`, `-0` → `0`);
 * - **extension**: a number beyond ±2^53, where a double no longer holds every integer, is written with its
 *   exact decimal digits in the same layout (`9007199254740993` stays `9007199254740993`; RFC 8785 would
 *   round it to `9007199254740992`, merging two different ids). For every number a double holds as its
 *   shortest form (what JSON serializers emit) the output is the RFC's; a lone surrogate in a string,
 *   which RFC 8785 refuses, is kept as a `\udXXX` escape.
 *
 * Iterative (no recursion), so a deeply nested body cannot overflow the stack.
 */

/** A JSON number token (RFC 8259 grammar). */
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** Integers of up to 15 digits are exact doubles and print as written: the common case, no decomposition needed. */
const SMALL_INTEGER = /^-?(?:0|[1-9]\d{0,14})$/;
const TWO_POW_53 = '9007199254740992';

type Frame = { kind: 'array'; items: string[] } | { kind: 'object'; members: Map<string, string>; key: string | undefined };

/**
 * The canonical form of a JSON text (see the module comment for the rules).
 *
 * @throws SyntaxError when `text` is not JSON.
 * @example
 * canonicalJsonText('{ "b": 1.50, "a": [1E3, 9007199254740993] }'); // '{"a":[1000,9007199254740993],"b":1.5}'
 */
export function canonicalJsonText(text: string): string {
  const stack: Frame[] = [];
  let result: string | undefined;
  let i = 0;

  const emit = (value: string): void => {
    const top = stack.at(-1);
    if (!top) {
      if (result !== undefined) throw new SyntaxError(`unexpected JSON value at position ${i}`);
      result = value;
    } else if (top.kind === 'array') {
      top.items.push(value);
    } else {
      if (top.key === undefined) throw new SyntaxError(`expected an object key at position ${i}`);
      top.members.set(top.key, value);
      top.key = undefined;
    }
  };

  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ',' || c === ':') {
      i += 1;
    } else if (c === '{') {
      stack.push({ kind: 'object', members: new Map(), key: undefined });
      i += 1;
    } else if (c === '[') {
      stack.push({ kind: 'array', items: [] });
      i += 1;
    } else if (c === '}' || c === ']') {
      const frame = stack.pop();
      if (!frame || (frame.kind === 'object') !== (c === '}')) throw new SyntaxError(`unexpected "${c}" at position ${i}`);
      i += 1;
      emit(frame.kind === 'array' ? `[${frame.items.join(',')}]` : objectText(frame.members));
    } else if (c === '"') {
      const end = stringEnd(text, i);
      const value = JSON.parse(text.slice(i, end)) as string;
      i = end;
      const top = stack.at(-1);
      if (top?.kind === 'object' && top.key === undefined) top.key = value;
      else emit(JSON.stringify(value));
    } else if (text.startsWith('true', i) || text.startsWith('null', i)) {
      emit(text.slice(i, i + 4));
      i += 4;
    } else if (text.startsWith('false', i)) {
      emit('false');
      i += 5;
    } else {
      NUMBER.lastIndex = i;
      const literal = NUMBER.exec(text)?.[0];
      if (!literal) throw new SyntaxError(`unexpected character at position ${i}`);
      emit(canonicalNumber(literal));
      i += literal.length;
    }
  }
  if (result === undefined || stack.length > 0) throw new SyntaxError('unexpected end of JSON');
  return result;
}

function objectText(members: Map<string, string>): string {
  // Plain `<` compares UTF-16 code units, the order RFC 8785 §3.2.3 asks for.
  const keys = [...members.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((key) => `${JSON.stringify(key)}:${members.get(key)}`).join(',')}}`;
}

/** Index just past the closing quote of the string starting at `start`. */
function stringEnd(text: string, start: number): number {
  let j = start + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  if (j >= text.length) throw new SyntaxError(`unterminated string at position ${start}`);
  return j + 1;
}

/**
 * A number literal in canonical form: ECMAScript's form of its double up to ±2^53, its exact decimal
 * value (in the same layout) beyond.
 *
 * @example
 * canonicalNumber('4.50'); // '4.5'
 * canonicalNumber('9007199254740993'); // '9007199254740993'
 */
export function canonicalNumber(literal: string): string {
  if (SMALL_INTEGER.test(literal)) return String(Number(literal));
  const decimal = decompose(literal);
  if (decimal.digits === '' || !beyondTwoPow53(decimal)) return JSON.stringify(Number(literal));
  return `${decimal.negative ? '-' : ''}${layout(decimal.digits, decimal.point)}`;
}

/** value = ±0.d₁d₂…dₖ × 10^point, digits without leading or trailing zeros ('' for zero). */
interface Decimal {
  negative: boolean;
  digits: string;
  point: bigint;
}

function decompose(literal: string): Decimal {
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(literal);
  if (!match) throw new SyntaxError(`not a JSON number: ${literal}`);
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  const all = whole + fraction;
  const leading = all.length - all.replace(/^0+/, '').length;
  const digits = all.slice(leading).replace(/0+$/, '');
  // The exponent is bigint: a 1 MiB body may hold `1e999999999999`.
  const point = BigInt(whole.length - leading) + BigInt(exponent);
  return { negative: sign === '-', digits, point };
}

function beyondTwoPow53({ digits, point }: Decimal): boolean {
  if (point !== 16n) return point > 16n;
  const integerPart = digits.slice(0, 16).padEnd(16, '0');
  return integerPart > TWO_POW_53 || (integerPart === TWO_POW_53 && digits.length > 16);
}

/**
 * ECMAScript's Number::toString layout (ECMA-262 §6.1.6.1.20), which RFC 8785 uses, for any digit string
 * with `point` ≥ 16 (numbers beyond 2^53): plain up to 21 integer digits, else exponential.
 */
function layout(digits: string, point: bigint): string {
  const k = BigInt(digits.length);
  if (k <= point && point <= 21n) return digits + '0'.repeat(Number(point - k));
  if (point <= 21n) return `${digits.slice(0, Number(point))}.${digits.slice(Number(point))}`;
  const mantissa = digits.length === 1 ? digits : `${digits[0]}.${digits.slice(1)}`;
  return `${mantissa}e+${point - 1n}`;
}
