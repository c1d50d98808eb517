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
