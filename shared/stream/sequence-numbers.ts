/**
 * Compares Kinesis sequence numbers: decimal strings longer than 2^53, so neither `Number` nor string
 * order works (`'9' > '10'`).
 *
 * @example
 * compareSequenceNumbers('49590338271490256608559692538361571095921575989136588899', '9'); // > 0
 */
export function compareSequenceNumbers(a: string, b: string): number {
  return a.length !== b.length ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0;
}
