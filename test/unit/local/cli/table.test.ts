import { formatTable } from '../../../../local/cli/table.ts';

describe('formatTable', () => {
  it('right-aligns every column but the first by default, under a rule as wide as each column', () => {
    // Act
    const text = formatTable([
      ['stage', 'records'],
      ['queue', '2,000'],
      ['stream', '15'],
    ]);
    // Assess
    expect(text.split('\n')).toEqual(['stage   records', '──────  ───────', 'queue     2,000', 'stream       15']);
  });

  it('right-aligns only the listed columns and trims trailing spaces', () => {
    // Act
    const text = formatTable(
      [
        ['reason', 'count', 'sample'],
        ['malformed', '3', '{oops'],
        ['x', '12', ''],
      ],
      { right: [1] },
    );
    // Assess
    expect(text.split('\n')).toEqual(['reason     count  sample', '─────────  ─────  ──────', 'malformed      3  {oops', 'x             12']);
  });
});
