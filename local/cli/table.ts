/**
 * Formats rows as an aligned plain-text table (first row is the header, then a rule), for summaries that
 * read well in a terminal and in CI logs alike. Columns listed in `right` are right-aligned, the others
 * left-aligned; by default every column but the first is right-aligned (counts beside a label). Trailing
 * spaces are trimmed.
 *
 * @example
 * console.log(formatTable([['stage', 'records'], ['queue', '2,000']]));
 * console.log(formatTable([['reason', 'count', 'sample'], ['malformed', '3', '{oops']], { right: [1] }));
 */
export function formatTable(rows: readonly (readonly string[])[], options: { right?: readonly number[] } = {}): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const right = new Set(options.right ?? widths.map((_, c) => c).slice(1));
  const line = (r: readonly string[]) =>
    r
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}

/** `1234567` → `1,234,567`. */
export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
