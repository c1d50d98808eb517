import fc from 'fast-check';
import { exactParse } from '../../../shared/batch/exact-numbers.ts';
import { fieldReader } from '../../../shared/batch/fields.ts';
import { JsonFieldReader, partitionFields } from '../../../shared/batch/json-fields.ts';
import { decodeKey } from '../../../shared/batch/run-lines.ts';

// Keys that need escaping, look alike, or are prefixes of one another: where a text scanner goes wrong.
const key = fc.oneof(fc.constantFrom('a', 'ab', 'b', 'amount', 'a"b', 'a\\', '\\"', 'é', '😀', '\n', '\t', '', 'x.y', '\u2028', '\ud800'), fc.string({ maxLength: 4 }));
const value = fc.jsonValue({ maxDepth: 3 });
const record = fc.dictionary(key, fc.oneof(value, fc.dictionary(key, value, { maxKeys: 4 })), { maxKeys: 8 });
const path = fc.oneof(key, fc.tuple(key, key).map(([a, b]) => `${a}.${b}`), fc.constantFrom('a.0', 'a.length', 'missing'));

describe('JsonFieldReader', () => {
  it('reads every path as fieldReader reads it from exactParse of the text', () => {
    fc.assert(
      fc.property(record, fc.array(path, { minLength: 1, maxLength: 4 }), (raw, rawPaths) => {
        // Prepare: the text Split writes is JSON.stringify of a parsed record
        const json = JSON.stringify(JSON.parse(JSON.stringify(raw)));
        const paths = rawPaths.filter((p) => JsonFieldReader.canRead([p]));
        const parsed = exactParse(json) as Record<string, unknown>;
        const reader = new JsonFieldReader(paths);
        // Act
        reader.read(json);
        // Assess
        paths.forEach((p, n) => {
          const expected = fieldReader(p)(parsed);
          expect(reader.values[n]).toStrictEqual(expected);
          if (!p.includes('.')) expect(decodeKey(reader.texts[n] ?? '')).toStrictEqual(expected);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('keeps its results apart between records, so a missing field reads as undefined', () => {
    // Prepare
    const reader = new JsonFieldReader(['amount', 'region']);
    reader.read('{"amount":3,"region":"eu"}');
    // Act
    reader.read('{"amount":{"v":[1,"}"]}}');
    // Assess
    expect(reader.values).toStrictEqual([{ v: [1, '}'] }, undefined]);
  });

  it('refuses paths that name inherited properties, which are not in the text', () => {
    // Act / Assess
    expect(JsonFieldReader.canRead(['amount', 'customer.id', 'items.length'])).toBe(true);
    expect(JsonFieldReader.canRead(['constructor'])).toBe(false);
    expect(JsonFieldReader.canRead(['a.__proto__'])).toBe(false);
    expect(JsonFieldReader.canRead(['items.map'])).toBe(false);
  });
});

describe('partitionFields', () => {
  it('lists each path once and points every use at it', () => {
    // Act
    const fields = partitionFields({
      sort: { key: 'amount', direction: 'asc' },
      groupBy: 'region',
      aggregates: [{ op: 'count' }, { op: 'sum', field: 'amount' }, { op: 'topK', by: 'day', k: 2 }, { op: 'distinct', field: 'region' }],
    });
    // Assess
    expect(fields).toEqual({ paths: ['amount', 'region', 'day'], sort: 0, group: 1, aggregates: [-1, 0, 2, 1] });
  });
});
