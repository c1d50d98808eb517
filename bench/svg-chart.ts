/** One bar of a chart. */
export interface Bar {
  label: string;
  value: number;
}

/** A group of bars side by side (e.g. one scenario, one bar per implementation). */
export interface BarGroup {
  label: string;
  bars: Bar[];
}

/** One horizontal bar chart. */
export interface ChartPanel {
  title: string;
  unit: string;
  groups: BarGroup[];
}

const WIDTH = 760;
const LABEL_WIDTH = 230;
const VALUE_WIDTH = 110;
const BAR_HEIGHT = 16;
const GROUP_GAP = 10;
const TITLE_HEIGHT = 34;
const PANEL_GAP = 20;
/** Colour per bar label, in order of first appearance (colour-blind-safe Okabe–Ito hues). */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00'];

/**
 * Escapes text for SVG/XML.
 *
 * @example
 * escapeXml('a < b & c'); // 'a &lt; b &amp; c'
 */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function formatValue(value: number, unit: string): string {
  const digits = value >= 100 ? 0 : 1;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
}

function panelHeight(panel: ChartPanel): number {
  return TITLE_HEIGHT + panel.groups.reduce((h, g) => h + g.bars.length * (BAR_HEIGHT + 2) + GROUP_GAP, 0);
}

function renderPanel(panel: ChartPanel, top: number, colours: Map<string, string>): string {
  const max = Math.max(...panel.groups.flatMap((g) => g.bars.map((b) => b.value)), 0);
  const scale = max > 0 ? (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / max : 0;
  const parts = [`<text x="8" y="${top + 20}" font-size="15" font-weight="bold">${escapeXml(panel.title)}</text>`];
  let y = top + TITLE_HEIGHT;
  for (const group of panel.groups) {
    const groupHeight = group.bars.length * (BAR_HEIGHT + 2);
    parts.push(`<text x="${LABEL_WIDTH - 8}" y="${y + groupHeight / 2 + 4}" font-size="12" text-anchor="end">${escapeXml(group.label)}</text>`);
    for (const bar of group.bars) {
      if (!colours.has(bar.label)) colours.set(bar.label, PALETTE[colours.size % PALETTE.length]!);
      const width = Math.max(1, bar.value * scale);
      parts.push(
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${colours.get(bar.label)}"><title>${escapeXml(`${bar.label}: ${formatValue(bar.value, panel.unit)}`)}</title></rect>`,
        `<text x="${(LABEL_WIDTH + width + 6).toFixed(1)}" y="${y + 12}" font-size="11">${escapeXml(formatValue(bar.value, panel.unit))}</text>`,
      );
      y += BAR_HEIGHT + 2;
    }
    y += GROUP_GAP;
  }
  return parts.join('\n');
}

/**
 * Renders panels of horizontal grouped bar charts, one under the other, as a standalone SVG with a legend
 * (one colour per bar label, the same across panels).
 *
 * @example
 * const svg = renderBarCharts([{ title: 'Throughput', unit: 'msg/s', groups: [{ label: '1k', bars: [{ label: 'sluice', value: 120 }] }] }]);
 */
export function renderBarCharts(panels: readonly ChartPanel[]): string {
  const colours = new Map<string, string>();
  const bodies: string[] = [];
  let top = 0;
  for (const panel of panels) {
    bodies.push(renderPanel(panel, top, colours));
    top += panelHeight(panel) + PANEL_GAP;
  }
  const legend = [...colours].map(
    ([label, colour], i) =>
      `<rect x="${8 + i * 190}" y="${top + 2}" width="12" height="12" fill="${colour}"/><text x="${26 + i * 190}" y="${top + 12}" font-size="12">${escapeXml(label)}</text>`,
  );
  const height = top + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...bodies,
    ...legend,
    '</svg>',
    '',
  ].join('\n');
}
