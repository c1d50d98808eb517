import fc from 'fast-check';
import { fmix32, fnv1a32, hashPartition, partitionerFor, rangePartition } from '../../../shared/batch/partitioners.ts';
import { compareValues } from '../../../shared/batch/compare.ts';

describe('hash partitioner', () => {
  it('computes the published FNV-1a 32-bit test vectors', () => {
    // Prepare: vectors from the FNV reference (http://www.isthe.com/chongo/tech/comp/fnv/)
    const vectors: [string, number][] = [
      ['', 0x811c9dc5],
      ['a', 0xe40c292c],
      ['foobar', 0xbf9cf968],
    ];
    // Act
    const hashes = vectors.map(([text]) => fnv1a32(text));
    // Assess
    expect(hashes).toEqual(vectors.map(([, hash]) => hash));
  });

  it('sends the same key to the same partition every time, within range', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 1, max: 10_000 }), (key, count) => {
        // Act
        const first = hashPartition(key, count);
        const again = hashPartition(JSON.parse(JSON.stringify(key)), count);
        // Assess
        expect(again).toBe(first);
        expect(first).toBeGreaterThanOrEqual(0);
        expect(first).toBeLessThan(count);
      }),
    );
  });

  it('pins partitions of known keys so a change of hash is noticed (stable across releases)', () => {
    // Prepare
    const partitioner = partitionerFor({ key: 'customer', count: 16 });
    // Act
    const partitions = ['c-1', 'c-2', 'c-3'].map((customer) => partitioner.partitionOf({ customer }));
    // Assess: multiply-shift of fmix32(FNV-1a('"c-1"')) etc.
    expect(partitions).toEqual(['"c-1"', '"c-2"', '"c-3"'].map((text) => Math.floor((fmix32(fnv1a32(text)) * 16) / 2 ** 32)));
  });

  it('spreads distinct keys roughly evenly', () => {
    // Prepare
    const counts = new Array<number>(8).fill(0);
    // Act
    for (let n = 0; n < 80_000; n++) counts[hashPartition(`customer-${n}`, 8)]! += 1;
    // Assess: every partition within 5 % of the mean
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('computes murmur3 fmix32 reference values', () => {
    // Act / Assess: MurmurHash3_x86_32 of the empty input is fmix32(seed); smhasher's vectors for seeds 0, 1, 0xffffffff
    expect([0, 1, 0xffffffff].map(fmix32)).toEqual([0, 0x514e28b7, 0x81f16f39]);
  });

  // Keys as real data has them. A uniformly random assignment of k keys per partition has a fullest
  // partition near 1 + sqrt(2 ln P / k) times the mean, so ≤ 1.3× holds with 50 keys per partition up to
  // about 8 partitions; more partitions need more keys per partition for the same bound, hash or no hash.
  const seededUuid = (n: number) => {
    let state = Math.imul(n + 1, 0x9e3779b1) >>> 0;
    const word = () => (state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0).toString(16).padStart(8, '0');
    const hex = word() + word() + word() + word();
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
  const keyFamilies: [string, (n: number) => unknown][] = [
    ['small integers', (n) => n],
    ['dates', (n) => new Date(Date.UTC(2024, 0, 1) + n * 86_400_000).toISOString().slice(0, 10)],
    ['short strings', (n) => n.toString(36)],
    ['UUIDs', seededUuid],
    ['numeric strings', (n) => String(n)],
  ];
  const sizes: [partitions: number, keysPerPartition: number][] = [
    [2, 50],
    [4, 50],
    [8, 50],
    [16, 200],
    [64, 200],
    [256, 200],
  ];
  it.each(keyFamilies)('balances %s: the fullest partition holds at most 1.3× the mean', (_family, keyOf) => {
    // Act
    const fullest = sizes.map(([partitions, perPartition]) => {
      const counts = new Array<number>(partitions).fill(0);
      for (let n = 0; n < partitions * perPartition; n++) counts[hashPartition(keyOf(n), partitions)]! += 1;
      return { partitions, overMean: Math.max(...counts) / perPartition };
    });
    // Assess
    expect(fullest.filter(({ overMean }) => overMean > 1.3)).toEqual([]);
  });

  it('spreads the integer keys 0–18 over all 8 partitions, 2 to 4 each (FNV-1a alone used 2 of them)', () => {
    // Prepare
    const counts = new Array<number>(8).fill(0);
    // Act
    for (let n = 0; n < 19; n++) counts[hashPartition(n, 8)]! += 1;
    // Assess
    expect(Math.min(...counts)).toBe(2);
    expect(Math.max(...counts)).toBe(4);
  });

  it('spreads consecutive integers evenly at any scale (0–999 over 16: every partition within 2 of the mean)', () => {
    // Prepare
    const counts = new Array<number>(16).fill(0);
    // Act
    for (let n = 0; n < 1_000; n++) counts[hashPartition(n, 16)]! += 1;
    // Assess
    for (const count of counts) expect(Math.abs(count - 1_000 / 16)).toBeLessThanOrEqual(2);
  });

  it('tells 1 and "1" apart', () => {
    // Act
    const differ = Array.from({ length: 50 }, (_, n) => hashPartition(n, 1_000) !== hashPartition(String(n), 1_000));
    // Assess
    expect(differ.filter(Boolean).length).toBeGreaterThan(40);
  });
});

describe('range partitioner', () => {
  it('puts a value in the partition whose bounds enclose it', () => {
    // Prepare
    const bounds = [10, 20];
    // Act
    const partitions = [-5, 9.99, 10, 15, 19.99, 20, 1e9].map((v) => rangePartition(v, bounds));
    // Assess
    expect(partitions).toEqual([0, 0, 1, 1, 1, 2, 2]);
  });

  it('preserves order: a smaller value never lands in a later partition', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer(), { minLength: 1, maxLength: 20 }), fc.integer(), fc.integer(), (raw, a, b) => {
        // Prepare
        const bounds = [...raw].sort((x, y) => x - y);
        const [lo, hi] = compareValues(a, b) <= 0 ? [a, b] : [b, a];
        // Act
        const pLo = rangePartition(lo, bounds);
        const pHi = rangePartition(hi, bounds);
        // Assess
        expect(pLo).toBeLessThanOrEqual(pHi);
        expect(pHi).toBeLessThanOrEqual(bounds.length);
        if (pLo > 0) expect(compareValues(bounds[pLo - 1], lo)).toBeLessThanOrEqual(0);
        if (pLo < bounds.length) expect(compareValues(lo, bounds[pLo])).toBeLessThan(0);
      }),
    );
  });

  it('has one more partition than bounds when built from a spec', () => {
    // Act
    const partitioner = partitionerFor({ key: 'day', ranges: ['b', 'm', 't'] });
    // Assess
    expect(partitioner.count).toBe(4);
    expect(partitioner.partitionOf({ day: 'a' })).toBe(0);
    expect(partitioner.partitionOf({ day: 'zz' })).toBe(3);
    expect(partitioner.partitionOf({})).toBe(0);
  });
});
