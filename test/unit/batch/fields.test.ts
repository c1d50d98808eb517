import { fieldReader, readOwnPath } from '../../../shared/batch/fields.ts';

describe('readOwnPath', () => {
  it('steps into nested objects and arrays by own fields', () => {
    // Prepare
    const record = { customer: { id: 7, tags: ['a', 'b'] } };
    // Act / Assess
    expect(readOwnPath(record, ['customer', 'id'])).toBe(7);
    expect(readOwnPath(record, ['customer', 'tags', '1'])).toBe('b');
    expect(readOwnPath(record, [])).toBe(record);
  });

  it('gives undefined for a missing step, a step through a non-object, and an inherited name', () => {
    // Prepare
    const record = { customer: { id: 7 }, region: 'eu', nothing: null };
    // Act / Assess
    expect(readOwnPath(record, ['customer', 'name'])).toBeUndefined();
    expect(readOwnPath(record, ['region', 'length'])).toBeUndefined();
    expect(readOwnPath(record, ['nothing', 'x'])).toBeUndefined();
    expect(readOwnPath(record, ['customer', 'constructor'])).toBeUndefined();
    expect(readOwnPath(record, ['__proto__'])).toBeUndefined();
  });
});

describe('fieldReader', () => {
  it('reads a field named by the whole dotted path before stepping into nested objects', () => {
    // Prepare: a CSV header `customer.id` beside a nested object
    const record = { 'customer.id': 'flat', customer: { id: 'nested' } };
    // Act / Assess
    expect(fieldReader('customer.id')(record)).toBe('flat');
    expect(fieldReader('customer.id')({ customer: { id: 'nested' } })).toBe('nested');
  });
});
