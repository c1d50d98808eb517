import { expandTemplate, expandText, parseJsonLines } from '../../../local/cli/commands/send-input.ts';

describe('sluice send input', () => {
  it('parses JSON Lines, skipping blank lines and reporting every bad line by its number', () => {
    // Act
    const { lines, errors } = parseJsonLines('{"a":1}\n\nnot json\r\n[1,2]\n{"b":\n');
    // Assess
    expect(lines).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 4, value: [1, 2] },
    ]);
    expect(errors.map((e) => e.line)).toEqual([3, 5]);
  });

  it('fills {{i}}, {{now}} and {{uuid}} in nested strings, and makes a lone {{i}} or {{now}} a number', () => {
    // Act
    const filled = expandTemplate({ id: 'o-{{i}}', qty: '{{i}}', at: '{{now}}', tags: ['t-{{i}}', 3, null], ref: '{{uuid}}' }, { i: 7, now: 1_700_000_000_000 });
    // Assess
    expect(filled).toEqual({ id: 'o-7', qty: 7, at: 1_700_000_000_000, tags: ['t-7', 3, null], ref: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('fills option text such as a dedup key as a string', () => {
    // Assess
    expect(expandText('{{i}}', { i: 3, now: 0 })).toBe('3');
    expect(expandText('order-{{i}}', { i: 3, now: 0 })).toBe('order-3');
  });
});
