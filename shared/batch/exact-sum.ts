import { normalizeNumber, type ExactNumber } from './exact-numbers.ts';

/**
 * The partial state of a sum or mean as it travels through S3 (plain JSON): `n` values added, `i` the
 * exact sum of the integers (a decimal string when beyond 2^53), `f` the non-overlapping partials of the
 * other values (Shewchuk), and `x` the count of +Infinity, -Infinity and NaN values, when any.
 */
export interface SumPartial {
  readonly n: number;
  readonly i: number | string;
  readonly f: number[];
  readonly x?: [number, number, number];
}

/**
 * What a sum or mean reports: a number, an exact integer beyond 2^53 (`bigint`), `null` when no value
 * was added, or `"Infinity"`, `"-Infinity"`, `"NaN"` (as protobuf's JSON mapping writes them) when the
 * result is not a finite double: JSON has no such numbers, and `null` or 0 would hide it.
 */
export type SumResult = ExactNumber | null | 'Infinity' | '-Infinity' | 'NaN';

/**
 * An exact, mergeable sum: the result is the exact sum of the values added, rounded once, so it is the
 * same for any split of the values into partitions and any order of adding and merging them.
 * - integers add exactly (a double while within ±(2^53 − 1), a bigint beyond);
 * - other finite values go into Shewchuk's non-overlapping partials (the algorithm behind Python's
 *   `math.fsum`): exact, and usually one or two doubles long;
 * - infinities and NaN are counted, never summed into the rest.
 * When every value is an integer the sum is exact (a bigint beyond 2^53); otherwise it is the exact sum
 * rounded to the nearest double (ties to even). The mean is the exact sum divided by the count, rounded once.
 *
 * @example
 * const sum = new ExactSum();
 * for (let k = 0; k < 10; k++) sum.add(0.1);
 * sum.sum(); // 1, not 0.9999999999999999
 */
export class ExactSum {
  n = 0;
  private small = 0;
  private big = 0n;
  private readonly parts: number[] = [];
  private readonly specials: [number, number, number] = [0, 0, 0];

  /** Adds one value. */
  add(value: ExactNumber): void {
    this.n += 1;
    this.addValue(value);
  }

  private addValue(value: ExactNumber): void {
    if (typeof value === 'bigint') {
      this.big += value;
    } else if (Number.isInteger(value)) {
      const total = this.small + value;
      // Both operands are exact integers; their double sum is exact while it stays safe.
      if (Number.isSafeInteger(total) && Number.isSafeInteger(value)) this.small = total;
      else this.big += BigInt(value);
    } else if (Number.isFinite(value)) {
      this.addPartial(value);
    } else {
      this.specials[Number.isNaN(value) ? 2 : value > 0 ? 0 : 1] += 1;
    }
  }

  /** Shewchuk's grow-expansion: `parts` stays non-overlapping and sums exactly to every value added. */
  private addPartial(value: number): void {
    const parts = this.parts;
    let x = value;
    let kept = 0;
    for (const part of parts) {
      let y = part;
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const high = x + y;
      const low = y - (high - x);
      if (low !== 0) parts[kept++] = low;
      x = high;
    }
    parts.length = kept;
    parts.push(x);
  }

  /** Adds another sum's values (associative and commutative up to the reported result). */
  merge(other: ExactSum | SumPartial): void {
    const partial = other instanceof ExactSum ? other.toPartial() : other;
    this.n += partial.n;
    this.addValue(typeof partial.i === 'string' ? BigInt(partial.i) : partial.i);
    for (const part of partial.f) this.addPartial(part);
    if (partial.x) for (let k = 0; k < 3; k++) this.specials[k as 0 | 1 | 2] += partial.x[k as 0 | 1 | 2];
  }

  /** The state as plain JSON. */
  toPartial(): SumPartial {
    const integer = this.big + BigInt(this.small);
    const i = integer >= -MAX_SAFE && integer <= MAX_SAFE ? Number(integer) : integer.toString();
    const special = this.specials.some((count) => count > 0);
    return { n: this.n, i, f: [...this.parts], ...(special ? { x: [...this.specials] as [number, number, number] } : {}) };
  }

  /**
   * A sum from its partial state.
   *
   * @example
   * const sum = ExactSum.from(JSON.parse(text));
   */
  static from(partial: SumPartial): ExactSum {
    const sum = new ExactSum();
    sum.merge(partial);
    return sum;
  }

  /** The sum (see {@link SumResult}). */
  sum(): SumResult {
    const special = this.special();
    if (special) return special;
    if (this.n === 0) return null;
    if (this.parts.length === 0) return normalizeNumber(this.big + BigInt(this.small));
    const [numerator, shift] = this.exact();
    return finite(roundRational(numerator, 1n << shift));
  }

  /** The mean (see {@link SumResult}); always a double, rounded once from the exact sum. */
  mean(): SumResult {
    const special = this.special();
    if (special) return special;
    if (this.n === 0) return null;
    const [numerator, shift] = this.exact();
    return finite(roundRational(numerator, BigInt(this.n) << shift));
  }

  private special(): SumResult | undefined {
    const [positive, negative, nan] = this.specials;
    if (nan > 0 || (positive > 0 && negative > 0)) return 'NaN';
    if (positive > 0) return 'Infinity';
    if (negative > 0) return '-Infinity';
    return undefined;
  }

  /** The exact sum as `numerator / 2^shift`. */
  private exact(): [bigint, bigint] {
    const dyadics = this.parts.map(dyadic);
    const shift = dyadics.reduce((max, [, s]) => (s > max ? s : max), 0n);
    let numerator = (this.big + BigInt(this.small)) << shift;
    for (const [m, s] of dyadics) numerator += m << (shift - s);
    return [numerator, shift];
  }
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function finite(value: number): SumResult {
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

const view = new DataView(new ArrayBuffer(8));

/** A finite double as `m / 2^s` exactly (m a bigint, s ≥ 0). */
function dyadic(value: number): [bigint, bigint] {
  if (Number.isInteger(value)) return [BigInt(value), 0n];
  view.setFloat64(0, value);
  const high = view.getUint32(0);
  const biased = (high >>> 20) & 0x7ff;
  let mantissa = (BigInt(high & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  if (biased !== 0) mantissa |= 1n << 52n;
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  const signed = value < 0 ? -mantissa : mantissa;
  return exponent >= 0 ? [signed << BigInt(exponent), 0n] : [signed, BigInt(-exponent)];
}

function bitLength(value: bigint): number {
  return value.toString(2).length;
}

/**
 * `numerator / denominator` (denominator > 0) rounded to the nearest double, ties to even, subnormals
 * and overflow to ±Infinity as IEEE 754 rounds them.
 *
 * @example
 * roundRational(1n, 3n); // 0.3333333333333333
 */
export function roundRational(numerator: bigint, denominator: bigint): number {
  if (numerator === 0n) return 0;
  const negative = numerator < 0n;
  const a = negative ? -numerator : numerator;
  // e = floor(log2(a / denominator)).
  let e = bitLength(a) - bitLength(denominator);
  if (e >= 0 ? a < denominator << BigInt(e) : a << BigInt(-e) < denominator) e -= 1;
  if (e > 1023) return negative ? -Infinity : Infinity;
  // Significant bits the result can hold: 53, fewer for subnormals.
  const precision = e >= -1022 ? 53 : e + 1075;
  if (precision < 0) return negative ? -0 : 0;
  const scale = precision - 1 - e;
  const [scaledA, scaledD] = scale >= 0 ? [a << BigInt(scale), denominator] : [a, denominator << BigInt(-scale)];
  let quotient = scaledA / scaledD;
  const twiceRemainder = (scaledA - quotient * scaledD) * 2n;
  if (twiceRemainder > scaledD || (twiceRemainder === scaledD && (quotient & 1n) === 1n)) quotient += 1n;
  // quotient ≤ 2^53 is exact as a double; the power of two only moves the exponent (2^-1074 is the smallest).
  const magnitude = Number(quotient) * 2 ** -scale;
  return negative ? -magnitude : magnitude;
}
