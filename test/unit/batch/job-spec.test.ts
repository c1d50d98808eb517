import { parseJobSpec } from '../../../shared/batch/job-spec.ts';
import { JobSpecError } from '../../../shared/errors.ts';
import { jobSpecInput } from '../../helpers/batch-records.ts';

describe('parseJobSpec', () => {
  it('accepts a full spec and fills defaults', () => {
    // Act
    const spec = parseJobSpec(jobSpecInput({ badRecordPolicy: undefined, sort: { key: 'amount' } }));
    // Assess
    expect(spec.badRecordPolicy).toBe('fail');
    expect(spec.sort.direction).toBe('asc');
    expect(spec.distinctLimit).toBe(100_000);
  });

  it('takes an inline array as shorthand for inline input', () => {
    // Act
    const spec = parseJobSpec(jobSpecInput({ input: [{ a: 1 }] as never }));
    // Assess
    expect(spec.input).toEqual({ format: 'inline', records: [{ a: 1 }] });
  });

  it.each([
    ['partition.count', { partition: { key: 'k', count: 0 } }],
    ['partition', { partition: { key: 'k', count: 2, ranges: [1] } }],
    ['partition.ranges.1', { partition: { key: 'k', ranges: [5, 3] } }],
    ['aggregates.1.field', { aggregates: [{ op: 'count' }, { op: 'sum' }] }],
    ['aggregates.0.k', { aggregates: [{ op: 'topK', by: 'a', k: 0 }] }],
    ['input.format', { input: { format: 'xml', s3: { bucket: 'bbb', key: 'k' } } }],
    ['jobId', { jobId: 'has space' }],
    ['sort.direction', { sort: { key: 'a', direction: 'up' } }],
  ])('names the bad field %s', (field, override) => {
    // Act
    const parse = () => parseJobSpec({ ...jobSpecInput(), ...override });
    // Assess
    expect(parse).toThrow(JobSpecError);
    expect(parse).toThrow(new RegExp(`(: |; )${field.replace(/\./g, '\\.')}: `));
  });

  it('refuses aggregates that share a result name, naming the second', () => {
    // Act
    const parse = () => parseJobSpec(jobSpecInput({ aggregates: [{ op: 'count' }, { op: 'sum', field: 'amount', as: 'count' }] }));
    // Assess
    expect(parse).toThrow('invalid batch job spec: aggregates.1: result name "count" is used twice: give one of them another `as`');
  });

  it('keeps inline records as given, a field named __proto__ included', () => {
    // Act
    const spec = parseJobSpec(jobSpecInput({ input: JSON.parse('[{"__proto__":"p","constructor":"c"}]') as never }));
    // Assess
    const [record] = spec.input.format === 'inline' ? spec.input.records : [];
    expect(Object.entries(record!)).toEqual([
      ['__proto__', 'p'],
      ['constructor', 'c'],
    ]);
  });

  it('rejects unknown fields so typos do not pass silently', () => {
    // Assess
    expect(() => parseJobSpec({ ...jobSpecInput(), groupby: 'x' })).toThrow(/unrecognized key/i);
  });
});

describe('job spec: derive, and inputs Step Functions can carry', () => {
  it('refuses a derive expression that is not JSONata, naming the field and the position', () => {
    // Act / Assess
    expect(() => parseJobSpec(jobSpecInput({ derive: { band: '$floor(distance / 250' } }))).toThrow(/derive\.band: not a JSONata expression: .*\(at character \d+\)/);
  });

  it('refuses derived names that are not identifiers or that objects inherit', () => {
    // Act / Assess
    expect(() => parseJobSpec(jobSpecInput({ derive: { 'a.b': '1' } }))).toThrow(/derive\.a\.b/);
    expect(() => parseJobSpec(jobSpecInput({ derive: { constructor: '1' } as Record<string, string> }))).toThrow(/property every object has/);
  });

  it('takes derived fields as any field path of the spec', () => {
    // Act
    const spec = parseJobSpec(jobSpecInput({ derive: { band: '$floor(amount / 250)' }, groupBy: 'band', partition: { key: 'band', count: 4 } }));
    // Assess
    expect(spec.derive).toEqual({ band: '$floor(amount / 250)' });
  });

  it("refuses inline records that make the execution input larger than Step Functions' 256 KiB", () => {
    // Prepare: 10,000 records of about 28 bytes: under the record count limit, over the byte limit
    const records = Array.from({ length: 10_000 }, (_, n) => ({ id: n, region: 'eu', amount: n * 3 }));
    // Act / Assess
    expect(() => parseJobSpec(jobSpecInput({ input: records }))).toThrow(/input: the spec with its inline records is [\d,]+ bytes, over Step Functions' 262,144-byte execution input/);
    expect(() => parseJobSpec(jobSpecInput({ input: records.slice(0, 1_000) }))).not.toThrow();
  });
});
