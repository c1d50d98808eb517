import { readCsvRecords, readJsonLineBatches, type BadLine, type BadRecordHandling, type NumberedRecord } from '../../../shared/batch/record-readers.ts';
import { BadRecordError } from '../../../shared/errors.ts';

async function* readJsonLines(source: Parameters<typeof readJsonLineBatches>[0], handling: BadRecordHandling): AsyncGenerator<NumberedRecord> {
  for await (const batch of readJsonLineBatches(source, handling)) yield* batch;
}

async function collect(source: AsyncIterable<NumberedRecord>): Promise<NumberedRecord[]> {
  const out: NumberedRecord[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe('readJsonLines', () => {
  it('yields each object with its 1-based line number, counting blank lines and CRLF endings', async () => {
    // Prepare: chunk boundaries fall inside lines
    const chunks = ['{"a":1}\r\n\n{"a"', ':2}\n'];
    // Act
    const records = await collect(readJsonLines(chunks, { policy: 'fail' }));
    // Assess
    expect(records).toEqual([
      { line: 1, record: { a: 1 }, json: '{"a":1}' },
      { line: 3, record: { a: 2 }, json: '{"a":2}' },
    ]);
  });

  it('skips and reports malformed lines with their line numbers under the skip policy', async () => {
    // Prepare
    const skipped: BadLine[] = [];
    // Act
    const records = await collect(readJsonLines(['{"a":1}\n{"a":\n[1,2]\n{"a":4}\n'], { policy: 'skip', onSkip: (b) => skipped.push(b) }));
    // Assess
    expect(records.map((r) => r.line)).toEqual([1, 4]);
    expect(skipped.map((b) => b.line)).toEqual([2, 3]);
    expect(skipped[1]!.reason).toBe('not a JSON object');
  });

  it('throws a BadRecordError naming the line under the fail policy', async () => {
    // Act
    const reading = collect(readJsonLines(['{"a":1}\n{"a":2}\nnope\n'], { policy: 'fail' }));
    // Assess
    await expect(reading).rejects.toThrow(BadRecordError);
    await expect(collect(readJsonLines(['{"a":1}\n{"a":2}\nnope\n'], { policy: 'fail' }))).rejects.toMatchObject({ line: 3, message: expect.stringMatching(/^input line 3: not JSON/) });
  });

  it('reads lazily: the first record arrives before the source is drained', async () => {
    // Prepare: a long lazy source
    let produced = 0;
    async function* endless() {
      while (produced < 1_000_000) {
        produced += 1;
        yield `{"n":${produced}}\n`;
      }
    }
    // Act
    let first: NumberedRecord | undefined;
    for await (const record of readJsonLines(endless(), { policy: 'fail' })) {
      first = record;
      break;
    }
    // Assess
    expect(first).toEqual({ line: 1, record: { n: 1 }, json: '{"n":1}' });
    expect(produced).toBeLessThan(100_000);
  });
});

describe('readCsvRecords', () => {
  it('maps rows to objects by header and turns numeric fields into numbers', async () => {
    // Act
    const records = await collect(readCsvRecords(['id,region,amount\n1,eu,12.5\n2,"u,s",007x\n'], { policy: 'fail' }));
    // Assess
    expect(records).toEqual([
      { line: 2, record: { id: 1, region: 'eu', amount: 12.5 }, json: '{"id":1,"region":"eu","amount":12.5}' },
      { line: 3, record: { id: 2, region: 'u,s', amount: '007x' }, json: '{"id":2,"region":"u,s","amount":"007x"}' },
    ]);
  });

  it('skips and reports a row with the wrong number of columns under the skip policy', async () => {
    // Prepare
    const skipped: BadLine[] = [];
    // Act
    const records = await collect(readCsvRecords(['a,b\n1,2\n3\n4,5,6\n7,8\n'], { policy: 'skip', onSkip: (b) => skipped.push(b) }));
    // Assess
    expect(records.map((r) => r.record.a)).toEqual([1, 7]);
    expect(skipped.map((b) => b.line)).toEqual([3, 4]);
  });

  it('throws a BadRecordError with the line number under the fail policy', async () => {
    // Act
    const reading = collect(readCsvRecords(['a,b\n1,2\n3,4\n5\n'], { policy: 'fail' }));
    // Assess
    await expect(reading).rejects.toMatchObject({ name: 'BadRecordError', line: 4 });
  });
});

describe('readers take files as they come (issue 21)', () => {
  const csv = (text: string, policy: 'fail' | 'skip' = 'fail', skipped: BadLine[] = []) => collect(readCsvRecords([text], { policy, onSkip: (b) => skipped.push(b) }));
  const jsonl = (text: string, skipped: BadLine[] = []) => collect(readJsonLines([text], { policy: 'skip', onSkip: (b) => skipped.push(b) }));

  it('drops a UTF-8 byte order mark in CSV and JSON Lines', async () => {
    // Act
    const [fromCsv] = await csv('\uFEFFid,v\n1,2\n');
    const skipped: BadLine[] = [];
    const fromJsonl = await jsonl('\uFEFF{"id":1}\n{"id":2}\n', skipped);
    // Assess
    expect(Object.keys(fromCsv!.record)).toEqual(['id', 'v']);
    expect(fromJsonl.map((r) => r.json)).toEqual(['{"id":1}', '{"id":2}']);
    expect(skipped).toEqual([]);
  });

  it.each([
    ['header LF, rows CRLF', 'a,b\n1,2\r\n3,4\r\n'],
    ['header CRLF, rows LF', 'a,b\r\n1,2\n3,4\n'],
    ['CR only', 'a,b\r1,2\r3,4\r'],
  ])('reads mixed line endings in CSV (%s)', async (_name, text) => {
    // Act
    const records = await csv(text);
    // Assess
    expect(records.map((r) => r.json)).toEqual(['{"a":1,"b":2}', '{"a":3,"b":4}']);
  });

  it('reads an empty unquoted cell as a missing field and a quoted "" as the empty string', async () => {
    // Act
    const records = await csv('id,v\n1,\n2,""\n3,5\n');
    // Assess
    expect(records.map((r) => r.json)).toEqual(['{"id":1}', '{"id":2,"v":""}', '{"id":3,"v":5}']);
    expect(Object.hasOwn(records[0]!.record, 'v')).toBe(false);
  });

  it('keeps number cells as written in the record JSON, so numbers beyond 2^53, 1e400 and -0 stay exact', async () => {
    // Act
    const records = await csv('id,v\n12345678901234567891,1e400\n12345678901234567892,-0\n');
    // Assess
    expect(records.map((r) => r.json)).toEqual(['{"id":12345678901234567891,"v":1e400}', '{"id":12345678901234567892,"v":-0}']);
  });

  it('refuses a CSV header that names a column twice, whatever the policy', async () => {
    // Act / Assess
    await expect(csv('id,v,id\n1,2,3\n', 'skip')).rejects.toMatchObject({ name: 'BadRecordError', line: 1, message: expect.stringContaining('names "id" twice (columns 1 and 3)') });
  });

  it('keeps a dotted header as one field name', async () => {
    // Act
    const [record] = await csv('customer.id,v\n7,1\n');
    // Assess
    expect(record!.json).toBe('{"customer.id":7,"v":1}');
  });

  it('ignores whitespace-only lines in CSV as JSON Lines does', async () => {
    // Prepare
    const skippedCsv: BadLine[] = [];
    const skippedJsonl: BadLine[] = [];
    // Act
    const fromCsv = await csv('a,b\n1,2\n   \n\t\n3,4\n', 'skip', skippedCsv);
    const fromJsonl = await jsonl('{"a":1}\n   \n\t\n{"a":3}\n', skippedJsonl);
    // Assess
    expect(fromCsv.map((r) => r.line)).toEqual([2, 5]);
    expect(fromJsonl.map((r) => r.line)).toEqual([1, 4]);
    expect([skippedCsv, skippedJsonl]).toEqual([[], []]);
  });

  it('counts every line an unclosed quote swallows under the skip policy', async () => {
    // Prepare
    const skipped: BadLine[] = [];
    // Act
    const records = await csv('a,b\n1,2\n"3,4\n5,6\n7,8\n', 'skip', skipped);
    // Assess: lines 3, 4 and 5 are lost, and said so
    expect(records.map((r) => r.line)).toEqual([2]);
    expect(skipped).toEqual([{ line: 3, lines: 3, reason: expect.stringContaining('lines 3–5 not read') }]);
  });

  it('keeps a JSON Lines line as written, spaces around the object trimmed', async () => {
    // Act
    const records = await jsonl('  { "id" : 12345678901234567891 }  \n');
    // Assess
    expect(records.map((r) => r.json)).toEqual(['{ "id" : 12345678901234567891 }']);
  });
});
