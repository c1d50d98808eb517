import { canonicalKey, fieldReader, type BatchRecord } from './fields.ts';
import { compareValues } from './compare.ts';
import type { PartitionSpec } from './job-spec.ts';

const encoder = new TextEncoder();

/**
 * 32-bit FNV-1a over the UTF-8 bytes of `text`: a tiny, well-known, platform-independent hash, so the
 * same key lands in the same partition on every run and machine (never `Math.random`, never a seeded
 * runtime hash).
 *
 * @example
 * fnv1a32('a'); // 0xe40c292c
 */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  // ASCII text is its own UTF-8: hash the code units and skip the encoder's allocation.
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return fnv1a32Utf8(text);
    hash ^= code;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function fnv1a32Utf8(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * murmur3's 32-bit finalizer: every input bit flips each output bit with probability ~1/2. FNV-1a alone
 * leaves the high bits of short keys nearly constant (integers 0–18 fall into 2 of 8 partitions).
 *
 * @example
 * fmix32(0); // 0
 */
export function fmix32(hash: number): number {
  let h = hash;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 2^32 / φ: Knuth's multiplicative (Fibonacci) hashing constant. */
const GOLDEN = 0x9e3779b9;

/**
 * The 32-bit hash of a key value that partitions use. Integers in [-2^31, 2^32) (codes, years, small
 * ids: the keys FNV-1a alone collapsed) use Fibonacci hashing, whose high bits spread consecutive
 * integers as evenly as possible (0–18 over 8 partitions: 2 to 4 each; 0–999 over 16: 61 to 63);
 * every other value hashes its canonical text with FNV-1a, mixed by {@link fmix32}. Stable across
 * runs and machines. (sluice 0.1 used FNV-1a unmixed: a key may land in another partition than it did
 * then, which changes no result, only which partition does the work.)
 *
 * @example
 * keyHash(7); // Math.imul(7, 0x9e3779b9) >>> 0
 */
export function keyHash(value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= -0x8000_0000 && value <= 0xffff_ffff) return Math.imul(value >>> 0, GOLDEN) >>> 0;
  return fmix32(fnv1a32(canonicalKey(value)));
}

/**
 * Partition index of a key value among `count` partitions: multiply-shift of {@link keyHash} onto
 * `[0, count)` (its high bits, the well-mixed ones, without modulo's bias).
 *
 * @example
 * hashPartition('customer-17', 16); // same number on every run
 */
export function hashPartition(value: unknown, count: number): number {
  return Math.floor((keyHash(value) * count) / 0x1_0000_0000);
}

/**
 * Partition index of a value among range partitions: the number of bounds `<=` the value, so bounds
 * `[10, 20]` give `< 10 → 0`, `[10, 20) → 1`, `>= 20 → 2` (order: {@link compareValues}).
 *
 * @example
 * rangePartition(15, [10, 20]); // 1
 */
export function rangePartition(value: unknown, bounds: readonly unknown[]): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareValues(bounds[mid], value) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Maps a record (or its partition key's value) to its partition index. */
export interface Partitioner {
  readonly count: number;
  partitionOf(record: BatchRecord): number;
  partitionOfKey(value: unknown): number;
}

/**
 * Builds the partitioner a job spec asks for.
 *
 * @example
 * const partitioner = partitionerFor({ key: 'customerId', count: 8 });
 * partitioner.partitionOf({ customerId: 'c-1' }); // 0..7
 */
export function partitionerFor(spec: PartitionSpec): Partitioner {
  const keyOf = fieldReader(spec.key);
  if (spec.ranges) {
    const bounds = spec.ranges;
    return { count: bounds.length + 1, partitionOf: (record) => rangePartition(keyOf(record), bounds), partitionOfKey: (value) => rangePartition(value, bounds) };
  }
  const count = spec.count ?? 1;
  return { count, partitionOf: (record) => hashPartition(keyOf(record), count), partitionOfKey: (value) => hashPartition(value, count) };
}
