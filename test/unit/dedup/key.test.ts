import fc from 'fast-check';
import { canonicalJson, contentHash, dedupRecordKey, idempotencyKey } from '../../../shared/dedup/key.ts';

describe('idempotencyKey', () => {
  it('prefers the explicit dedup attribute over the body hash and the message id', () => {
    expect(idempotencyKey({ explicitKey: 'order-1', payload: { a: 1 }, messageId: 'm-1' })).toEqual({ key: 'order-1', source: 'attribute' });
  });

  it('hashes the canonical body when there is no explicit key', () => {
    expect(idempotencyKey({ payload: { a: 1 }, messageId: 'm-1' })).toEqual({ key: contentHash({ a: 1 }), source: 'content-hash' });
  });

  it('falls back to the message id when content hashing is off', () => {
    expect(idempotencyKey({ payload: undefined, messageId: 'm-1' })).toEqual({ key: 'm-1', source: 'message-id' });
  });

  it('ignores an empty explicit key', () => {
    expect(idempotencyKey({ explicitKey: '', payload: { a: 1 }, messageId: 'm-1' }).source).toBe('content-hash');
  });
});

describe('contentHash', () => {
  it('is a SHA-256 hex digest of the canonical JSON', () => {
    // Known vector: sha256('{"a":1,"b":2}')
    expect(contentHash({ b: 2, a: 1 })).toBe('43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777');
  });

  it('is stable under key order at every depth', () => {
    fc.assert(
      fc.property(fc.object({ maxDepth: 3 }), (value) => {
        const reordered = reverseKeys(value);
        expect(contentHash(reordered)).toBe(contentHash(value));
      }),
    );
  });

  it('tells payloads apart that differ in array order or in value', () => {
    expect(contentHash({ a: [1, 2] })).not.toBe(contentHash({ a: [2, 1] }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: '1' }));
  });
});

describe('canonicalJson', () => {
  it('sorts object keys recursively and keeps arrays in order', () => {
    expect(canonicalJson({ b: 1, a: [2, { d: 1, c: 0 }] })).toBe('{"a":[2,{"c":0,"d":1}],"b":1}');
  });
});

describe('dedupRecordKey', () => {
  it('joins scope and key with #', () => {
    expect(dedupRecordKey('orders', 'o-1')).toBe('orders#o-1');
  });
});

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)]));
  }
  return value;
}

describe('canonicalJson with hostile keys', () => {
  it('keeps a "__proto__" key of a parsed body as data', () => {
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":0}'))).toBe('{"__proto__":{"x":1},"a":0}');
  });
});
