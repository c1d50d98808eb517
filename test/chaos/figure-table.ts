import { formatCount, formatTable } from '../../local/cli/table.ts';

/** One figure of a chaos run: its label and value (counts are printed with thousands separators). */
export type Figure = readonly [label: string, value: string | number];

/**
 * The figure table a chaos run prints: a title, then the figures aligned by {@link formatTable}.
 *
 * @example
 * process.stdout.write(figureTable('queue chaos', [['messages sent', 1_000], ['lost', 0]]));
 */
export function figureTable(title: string, figures: readonly Figure[]): string {
  const rows = figures.map(([label, value]) => [label, typeof value === 'number' ? formatCount(value) : value]);
  return `\n${title}\n${formatTable([['figure', 'value'], ...rows])}\n`;
}
