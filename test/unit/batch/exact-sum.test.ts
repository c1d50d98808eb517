import fc from 'fast-check';
import { finalizeGroups, GroupAccumulator, PartialMerger, type GroupPartial } from '../../../shared/batch/aggregates.ts';
import { exactParse, exactStringify, numberFromText } from '../../../shared/batch/exact-numbers.ts';
import type { AggregateSpec } from '../../../shared/batch/job-spec.ts';

const specs: AggregateSpec[] = [
  { op: 'sum', field: 'v' },
  { op: 'mean', field: 'v' },
];

/**
 * What a job reports for values given as JSON number texts, split into `partitions` partitions in the
 * given order: each partition folds its values, its partials cross S3 as JSON, Reduce merges them.
 */
function sumAndMean(texts: readonly string[], partitionOf: (n: number) => number, partitions: number, mergeOrder: readonly number[]) {
  const accumulators = Array.from({ length: partitions }, () => new GroupAccumulator('g', specs));
  texts.forEach((text, n) => accumulators[partitionOf(n)]!.addValues('g', [numberFromText(text), numberFromText(text)], '{}'));
  const partials = accumulators.map((acc) => exactParse(exactStringify(acc.toPartials())) as GroupPartial[]);
  const merger = new PartialMerger(specs);
  for (const p of mergeOrder) merger.add(partials[p]!);
  const [row] = finalizeGroups(specs, merger.result());
  return { sum: row!.values.sum_v, mean: row!.values.mean_v };
}

const onePartition = (texts: readonly string[]) => sumAndMean(texts, () => 0, 1, [0]);
const roundRobin = (texts: readonly string[], partitions: number) =>
  sumAndMean(
    texts,
    (n) => n % partitions,
    partitions,
    Array.from({ length: partitions }, (_, p) => p),
  );

describe('exact sums and means (issue examples)', () => {
  it('sums 2^53 and a thousand 1s to 9007199254741992 whatever the partition count', () => {
    // Prepare
    const texts = ['9007199254740992', ...Array.from({ length: 1_000 }, () => '1')];
    // Act
    const sums = [1, 4, 16].map((partitions) => roundRobin(texts, partitions).sum);
    // Assess
    expect(sums).toEqual([9007199254741992n, 9007199254741992n, 9007199254741992n]);
  });

  it('sums ten 0.1 to 1, the correctly rounded sum', () => {
    // Act
    const { sum, mean } = onePartition(Array.from({ length: 10 }, () => '0.1'));
    // Assess
    expect({ sum, mean }).toEqual({ sum: 1, mean: 0.1 });
  });

  it('keeps integers beyond 2^53 exact, and two of them apart', () => {
    // Act
    const { sum } = onePartition(['12345678901234567891', '12345678901234567892']);
    // Assess
    expect(sum).toBe(24691357802469135783n);
    expect(exactStringify({ sum })).toBe('{"sum":24691357802469135783}');
  });

  it('sums 1e308, 1e308 and 5 exactly instead of overflowing to null, and reports an overflowing rounded sum as "Infinity"', () => {
    // Act
    const integers = onePartition(['1e308', '1e308', '5']);
    const withFraction = onePartition(['1e308', '1e308', '0.5']);
    // Assess
    expect(integers.sum).toBe(2n * 10n ** 308n + 5n);
    expect(isNearestDouble(integers.mean, [2n * 10n ** 308n + 5n, 3n])).toBe(true);
    expect(withFraction).toEqual({ sum: 'Infinity', mean: integers.mean });
  });

  it('reports no value as null for both sum and mean', () => {
    // Prepare
    const acc = new GroupAccumulator('g', specs);
    acc.addValues('g', [undefined, 'x'], '{}');
    // Act
    const [row] = finalizeGroups(specs, acc.toPartials());
    // Assess
    expect({ ...row!.values }).toEqual({ sum_v: null, mean_v: null });
  });
});

// ---- An independent exact reference: rationals in bigints, and a check that a double is the nearest one.

type Rational = [numerator: bigint, denominator: bigint];

/** The exact value sluice promises to keep: integer texts exactly, other texts as their nearest double. */
function exactValue(text: string): Rational {
  const integer = /^(-?\d+)(?:e(\d+))?$/.exec(text);
  if (integer) return [BigInt(integer[1]!) * 10n ** BigInt(integer[2] ?? 0), 1n];
  return doubleValue(Number(text));
}

const add = ([a, b]: Rational, [c, d]: Rational): Rational => [a * d + c * b, b * d];
const compareRational = ([a, b]: Rational, [c, d]: Rational) => (a * d < c * b ? -1 : a * d > c * b ? 1 : 0);
const abs = ([a, b]: Rational): Rational => [a < 0n ? -a : a, b];
const minus = ([a, b]: Rational, [c, d]: Rational): Rational => [a * d - c * b, b * d];

/** A double's own value exactly (not its shortest decimal: -33333333333333330000 is -33333333333333331968). */
function doubleValue(value: number): Rational {
  let d = value;
  let denominator = 1n;
  // Doubling is exact, and a finite double becomes an integer after at most 1074 doublings.
  while (!Number.isInteger(d)) {
    d *= 2;
    denominator *= 2n;
  }
  return [BigInt(d), denominator];
}

function neighbours(value: number): [number, number] {
  const bits = new BigInt64Array(new Float64Array([value]).buffer);
  const step = (delta: bigint) => new Float64Array(new BigInt64Array([bits[0]! + delta]).buffer)[0]!;
  // For a positive double, +1 on the bits is the next one up; for a negative, the next one down.
  if (value === 0) return [-Number.MIN_VALUE, Number.MIN_VALUE];
  return value > 0 ? [step(-1n), step(1n)] : [step(1n), step(-1n)];
}

/** Whether `value` is `exact` rounded to the nearest double, ties to even (or ±Infinity beyond the range). */
function isNearestDouble(value: unknown, exact: Rational): boolean {
  const limit: Rational = [2n ** 1024n - 2n ** 970n, 1n];
  if (compareRational(abs(exact), limit) >= 0) return value === (exact[0] < 0n ? '-Infinity' : 'Infinity');
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  const distance = abs(minus(doubleValue(value), exact));
  for (const other of neighbours(value)) {
    if (!Number.isFinite(other)) continue;
    const c = compareRational(abs(minus(doubleValue(other), exact)), distance);
    if (c < 0) return false;
    if (c === 0 && (new BigInt64Array(new Float64Array([value]).buffer)[0]! & 1n) === 1n) return false;
  }
  return true;
}

// Values of every kind: small integers, decimals, tiny, huge (as integers with an exponent), negatives,
// integers beyond 2^53 written out, each as the JSON text a file would hold.
const valueText = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map(String),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map(String),
  fc.double({ min: -1e-300, max: 1e-300, noNaN: true }).map(String),
  fc.tuple(fc.integer({ min: -9, max: 9 }), fc.integer({ min: 16, max: 300 })).map(([m, e]) => `${m}e${e}`),
  fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }).map(String),
  fc.constantFrom('0.1', '0.2', '0.3', '-0.1', '9007199254740993', '-9007199254740993'),
);

describe('exact sums and means (property)', () => {
  it('gives the exact reference sum and mean for any split into partitions and any merge order', () => {
    fc.assert(
      fc.property(
        fc.array(valueText, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 8 }),
        fc.infiniteStream(fc.nat()),
        fc.infiniteStream(fc.nat()),
        (texts, partitions, partitionChoices, orderChoices) => {
          // Prepare: random partitions, random merge order
          const assignment = texts.map(() => partitionChoices.next().value % partitions);
          const order = Array.from({ length: partitions }, (_, p) => p);
          for (let i = order.length - 1; i > 0; i--) {
            const j = orderChoices.next().value % (i + 1);
            [order[i], order[j]] = [order[j]!, order[i]!];
          }
          const exact = texts.map(exactValue).reduce(add, [0n, 1n] as Rational);
          const allIntegers = texts.every((text) => /^-?\d+(e\d+)?$/.test(text));
          // Act
          const { sum, mean } = sumAndMean(texts, (n) => assignment[n]!, partitions, order);
          // Assess
          if (allIntegers) {
            const total = exact[0] / exact[1];
            expect(sum).toEqual(total >= -(2n ** 53n) + 1n && total <= 2n ** 53n - 1n ? Number(total) : total);
          } else {
            expect(isNearestDouble(sum, exact)).toBe(true);
          }
          expect(isNearestDouble(mean, [exact[0], exact[1] * BigInt(texts.length)])).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});
