/**
 * Median of a non-empty sample (mean of the two middle values for an even count).
 *
 * @example
 * median([3, 1, 2]); // 2
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty sample');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * Ratios of paired measurements (run i of A over run i of B, taken back to back) and their median:
 * pairing cancels most of the drift of a shared, noisy machine better than a ratio of medians does.
 *
 * @example
 * pairedRatios([200, 220], [100, 100]); // { ratios: [2, 2.2], median: 2.1, min: 2, max: 2.2 }
 */
export function pairedRatios(a: readonly number[], b: readonly number[]): { ratios: number[]; median: number; min: number; max: number } {
  if (a.length !== b.length || a.length === 0) throw new Error(`paired ratios need equal, non-empty samples (got ${a.length} and ${b.length})`);
  const ratios = a.map((value, i) => value / b[i]!);
  return { ratios, median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

/**
 * A number for a report: thousands separated, at most `digits` decimals.
 *
 * @example
 * formatNumber(12345.678, 1); // '12,345.7'
 */
export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/**
 * Bytes as KiB with one decimal.
 *
 * @example
 * formatKiB(2048); // '2.0 KiB'
 */
export function formatKiB(bytes: number): string {
  return `${formatNumber(bytes / 1024, 1)} KiB`;
}
