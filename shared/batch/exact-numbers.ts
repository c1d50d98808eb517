/**
 * Numbers as a batch job keeps them. A JSON number within ±(2^53 − 1) is a JS `number` (a decimal is its
 * nearest double, as `JSON.parse` makes it); an integer beyond is a `bigint`, exact from its text, so
 * `12345678901234567891` and `12345678901234567892` stay two values and sum exactly. (Beyond 2^53 a
 * double has no fraction digits left: a fraction there is dropped.) Every number-valued key, extreme or
 * sum is one of the two, never both for one value, so equal numbers compare, group and hash alike.
 */
export type ExactNumber = number | bigint;

/** Integer texts beyond this many decimal digits are refused: `1e1000000000` must not allocate a gigabyte. */
const MAX_DIGITS = 1_000;

const numberText = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * The value of a JSON number text (see {@link ExactNumber}).
 *
 * @example
 * numberFromText('12.5'); // 12.5
 * numberFromText('12345678901234567891'); // 12345678901234567891n
 * numberFromText('1e400'); // 10n ** 400n
 * @throws RangeError for an integer of more than 1,000 digits.
 */
export function numberFromText(text: string): ExactNumber {
  const value = Number(text);
  if (Math.abs(value) <= Number.MAX_SAFE_INTEGER) return value;
  const match = numberText.exec(text);
  if (!match) return value;
  const [, sign, whole, fraction = '', exponent = '0'] = match;
  const digits = whole! + fraction;
  const scale = Number(exponent) - fraction.length;
  if (digits.replace(/^0+/, '').length + Math.max(scale, 0) > MAX_DIGITS) {
    throw new RangeError(`number ${text.length > 40 ? `${text.slice(0, 40)}…` : text} has more than ${MAX_DIGITS} digits: too large to keep exact`);
  }
  let integer = scale >= 0 ? BigInt(digits) * 10n ** BigInt(scale) : BigInt(digits) / 10n ** BigInt(-scale);
  if (sign === '-') integer = -integer;
  return normalizeNumber(integer);
}

/**
 * The one representation of a number value: a `bigint` for integers beyond ±(2^53 − 1), a `number`
 * otherwise (derived fields compute with doubles; a double beyond 2^53 is an integer and converts exactly).
 *
 * @example
 * normalizeNumber(2 ** 60); // 1152921504606846976n
 * normalizeNumber(7n); // 7
 */
export function normalizeNumber(value: ExactNumber): ExactNumber {
  if (typeof value === 'bigint') return value >= -MAX_SAFE && value <= MAX_SAFE ? Number(value) : value;
  return Number.isFinite(value) && Math.abs(value) > Number.MAX_SAFE_INTEGER ? BigInt(value) : value;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** `JSON.rawJSON` and the reviver's source text (Node ≥ 21; not yet in TypeScript's ES2023 lib). */
const rawJson = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;
type SourceReviver = (this: unknown, key: string, value: unknown, context: { source?: string }) => unknown;

function bigintAsRawJson(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? rawJson(value.toString()) : value;
}

/**
 * `JSON.stringify` that writes bigints as their exact digits (JSON numbers have no size limit).
 *
 * @example
 * exactStringify({ sum: 12345678901234567891n }); // '{"sum":12345678901234567891}'
 */
export function exactStringify(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    // Only a bigint makes JSON.stringify throw for JSON data; the replacer costs a call per value, so
    // it is used only then.
    if (!(err instanceof TypeError)) throw err;
    return JSON.stringify(value, bigintAsRawJson);
  }
}

/** Texts that may hold a number beyond 2^53: 16 digits in a row, or an exponent. */
const mayHoldBigNumber = /\d{16}|\d[eE][+-]?\d/;

const exactNumbers: SourceReviver = (_key, value, context) =>
  typeof value === 'number' && Math.abs(value) > Number.MAX_SAFE_INTEGER && context.source !== undefined ? numberFromText(context.source) : value;

/**
 * `JSON.parse` that keeps numbers exact ({@link numberFromText}): the inverse of {@link exactStringify}.
 *
 * @example
 * exactParse('{"id":12345678901234567891}'); // { id: 12345678901234567891n }
 */
export function exactParse(text: string): unknown {
  if (!mayHoldBigNumber.test(text)) return JSON.parse(text);
  return JSON.parse(text, exactNumbers as never);
}
