import { Readable } from 'node:stream';
import { expandTemplate, expandText, readJsonLines, type InputLine } from '../../../../local/cli/commands/send-input.ts';

async function readAll(chunks: readonly string[]): Promise<InputLine[]> {
  const lines: InputLine[] = [];
  for await (const line of readJsonLines(Readable.from(chunks))) lines.push(line);
  return lines;
}

describe('sluice send input', () => {
  it('reads JSON Lines, skipping blank lines and reporting every bad line by its number', async () => {
    // Act
    const lines = await readAll(['{"a":1}\n\nnot json\r\n[1,2]\n{"b":\n']);
    // Assess
    expect(lines.filter((l) => 'value' in l)).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 4, value: [1, 2] },
    ]);
    expect(lines.filter((l) => 'error' in l).map((l) => l.line)).toEqual([3, 5]);
  });

  it('drops a byte order mark, and takes LF, CRLF and a lone CR as line breaks, also across chunks', async () => {
    // Act
    const lines = await readAll(['\ufeff{"a":1}\r', '\n{"a":2}\r{"a":3}\r', '\n', '{"a":4}\n']);
    // Assess
    expect(lines).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 2, value: { a: 2 } },
      { line: 3, value: { a: 3 } },
      { line: 4, value: { a: 4 } },
    ]);
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
