import { readCsvRecords, readJsonLines, type BadLine, type NumberedRecord } from '../../../shared/batch/record-readers.ts';
import { BadRecordError } from '../../../shared/errors.ts';

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
