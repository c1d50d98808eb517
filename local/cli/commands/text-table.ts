/**
 * Formats rows (first row is the header) as an aligned table whose first and text columns are
 * left-aligned and whose listed columns are right-aligned, for tables that mix text with counts
 * (formatTable in ../table.ts right-aligns every column but the first).
 *
 * @example
 * formatTextTable([['reason', 'count', 'sample'], ['malformed', '3', '{oops']], { right: [1] });
 */
export function formatTextTable(rows: readonly (readonly string[])[], options: { right?: readonly number[] } = {}): string {
  const right = new Set(options.right ?? []);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}
