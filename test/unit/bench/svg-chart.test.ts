import { escapeXml, renderBarCharts } from '../../../bench/svg-chart.ts';

const widthsOf = (svg: string) => [...svg.matchAll(/<rect x="\d+" y="\d+" width="([\d.]+)"/g)].map((m) => Number(m[1]));

describe('renderBarCharts', () => {
  it('draws bars in proportion to their values', () => {
    // Act
    const svg = renderBarCharts([{ title: 'T', unit: 'msg/s', groups: [{ label: 'g', bars: [{ label: 'a', value: 100 }, { label: 'b', value: 50 }] }] }]);
    // Assess
    const [a, b] = widthsOf(svg);
    expect(a! / b!).toBeCloseTo(2, 2);
  });

  it('gives a label the same colour in every panel and one legend entry', () => {
    // Prepare
    const panel = (title: string) => ({ title, unit: 'x', groups: [{ label: 'g', bars: [{ label: 'sluice', value: 1 }, { label: 'baseline', value: 2 }] }] });
    // Act
    const svg = renderBarCharts([panel('one'), panel('two')]);
    // Assess
    const fills = [...svg.matchAll(/<rect x="230" y="\d+" width="[\d.]+" height="16" fill="(#[0-9A-F]+)"/g)].map((m) => m[1]);
    expect(fills).toEqual([fills[0], fills[1], fills[0], fills[1]]);
    expect(fills[0]).not.toBe(fills[1]);
    expect(svg.match(/<rect x="\d+" y="\d+" width="12" height="12"/g)).toHaveLength(2);
  });

  it('escapes labels so the SVG stays well-formed', () => {
    // Act
    const svg = renderBarCharts([{ title: 'A & B <x>', unit: 'u', groups: [{ label: '"q"', bars: [{ label: 'l', value: 1 }] }] }]);
    // Assess
    expect(svg).toContain('A &amp; B &lt;x&gt;');
    expect(svg).toContain('&quot;q&quot;');
    expect(svg).not.toContain('<x>');
  });
});

describe('escapeXml', () => {
  it('escapes the five XML specials it must', () => {
    expect(escapeXml(`<a href="x">&</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;');
  });
});
