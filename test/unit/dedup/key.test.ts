import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalJsonText, canonicalNumber } from '../../../shared/dedup/canonical-json.ts';
import { bodyContentHash, canonicalJson, checkDedupScope, contentHash, dedupRecordKey, idempotencyKey } from '../../../shared/dedup/key.ts';
import { ConfigurationError } from '../../../shared/errors.ts';

describe('idempotencyKey', () => {
  it('prefers the explicit dedup attribute over the body hash and the message id', () => {
    expect(idempotencyKey({ explicitKey: 'order-1', body: '{"a":1}', messageId: 'm-1' })).toEqual({ key: 'order-1', source: 'attribute' });
  });

  it('hashes the canonical body text when there is no explicit key', () => {
    expect(idempotencyKey({ body: '{ "a": 1.0 }', messageId: 'm-1' })).toEqual({ key: contentHash({ a: 1 }), source: 'content-hash' });
  });

  it('falls back to the message id when content hashing is off', () => {
    expect(idempotencyKey({ body: undefined, messageId: 'm-1' })).toEqual({ key: 'm-1', source: 'message-id' });
  });

  it('ignores an empty explicit key', () => {
    expect(idempotencyKey({ explicitKey: '', body: '{"a":1}', messageId: 'm-1' }).source).toBe('content-hash');
  });
});

describe('contentHash and bodyContentHash', () => {
  it('is a SHA-256 hex digest of the canonical JSON', () => {
    // Known vector: sha256('{"a":1,"b":2}')
    expect(contentHash({ b: 2, a: 1 })).toBe('43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777');
    expect(bodyContentHash('{ "b": 2, "a": 1 }')).toBe('43258cff783fe7036d8a43033f830adfc60ec037382473548ac742b888292777');
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

  it('keeps integers beyond 2^53 apart, which JSON.parse rounds to one double', () => {
    // Prepare: both parse to 9007199254740992
    const bodies = ['{"id":9007199254740993}', '{"id":9007199254740992}'];
    // Act
    const [odd, even] = bodies.map(bodyContentHash);
    // Assess
    expect(odd).not.toBe(even);
  });

  it('hashes a value as the body JSON.stringify makes of it (a Date as its ISO string)', () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    expect(contentHash({ at })).toBe(bodyContentHash('{"at":"2026-01-02T03:04:05.000Z"}'));
  });

  it('refuses a value JSON cannot carry instead of hashing something else', () => {
    expect(() => contentHash({ n: 1n })).toThrow(TypeError);
    expect(() => contentHash(undefined)).toThrow(TypeError);
  });
});

describe('canonicalJsonText (RFC 8785)', () => {
  it('sorts members by UTF-16 code units, integer-like keys included (RFC 8785 §3.2.3)', () => {
    // Prepare: the RFC's sorting example, plus keys a JavaScript object would reorder ("10" before "9" by code unit)
    const text = '{"\\u20ac":"Euro","\\r":"CR","\\ufb33":"Dalet","1":"One","\\ud83d\\ude00":"Emoji","\\u0080":"Control","\\u00f6":"o","10":0,"9":0}';
    // Act
    const canonical = canonicalJsonText(text);
    // Assess
    const members: [string, string | number][] = [
      ['\r', 'CR'], ['1', 'One'], ['10', 0], ['9', 0], ['\u0080', 'Control'], ['\u00f6', 'o'], ['\u20ac', 'Euro'], ['\ud83d\ude00', 'Emoji'], ['\ufb33', 'Dalet'],
    ];
    expect(canonical).toBe(`{${members.map(([key, value]) => `${JSON.stringify(key)}:${JSON.stringify(value)}`).join(',')}}`);
  });

  it('writes the serialization example of RFC 8785 §3.2.4 byte for byte', () => {
    // Prepare
    const input = `{
      "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
      "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
      "literals": [null, true, false]
    }`;
    // Act & Assess
    expect(canonicalJsonText(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  // RFC 8785 Appendix B: IEEE 754 doubles (hex) and their canonical text.
  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('writes the double 0x%s as %s (RFC 8785 Appendix B)', (hex, expected) => {
    // Prepare: the number as a JSON serializer writes it, and written another way
    const value = Buffer.from(hex, 'hex').readDoubleBE(0);
    // Act & Assess
    expect(canonicalJsonText(JSON.stringify(value))).toBe(expected);
    expect(canonicalJsonText(value.toExponential())).toBe(expected);
  });

  it('equals the canonicalize package on any JSON value, however the text is laid out', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2, '\t'), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        expect(canonicalJsonText(text)).toBe(canonicalize(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it('writes one text per integer, however large and however written', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }), (a, b) => {
        const text = (n: bigint) => canonicalNumber(n.toString());
        expect(text(a) === text(b)).toBe(a === b);
        expect(canonicalNumber(`${a}.000e0`)).toBe(text(a));
        expect(canonicalNumber(`${a}0e-1`)).toBe(text(a));
      }),
      { numRuns: 2_000 },
    );
  });

  it('handles numbers with enormous exponents without building their digits', () => {
    expect(canonicalNumber('1e999999999999')).toBe('1e+999999999999');
    expect(canonicalNumber('1e-999999999999')).toBe('0');
    expect(canonicalNumber('-0.0e5')).toBe('0');
  });

  it('canonicalizes a deeply nested body without overflowing the stack', () => {
    const depth = 200_000;
    expect(canonicalJsonText(`${'['.repeat(depth)}{"b":1,"a":2}${']'.repeat(depth)}`)).toBe(`${'['.repeat(depth)}{"a":2,"b":1}${']'.repeat(depth)}`);
  });

  it('resolves duplicate keys as JSON.parse does (the last one wins)', () => {
    expect(canonicalJsonText('{"a":1,"b":0,"a":2}')).toBe(canonicalJsonText(JSON.stringify(JSON.parse('{"a":1,"b":0,"a":2}'))));
  });

  it('keeps a lone surrogate as an escape, apart from the replacement character', () => {
    expect(canonicalJsonText('"\\ud800"')).toBe('"\\ud800"');
    expect(canonicalJsonText('"\\ud800"')).not.toBe(canonicalJsonText('"\\ufffd"'));
  });

  it('refuses text that is not JSON', () => {
    for (const text of ['', '{"a":1', '[1,]x', '{"a" 1}}', 'tru']) expect(() => canonicalJsonText(text)).toThrow(SyntaxError);
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

  it('never gives two (scope, key) pairs the same record key: a scope holding # is refused', () => {
    // Prepare: `a` + `b#c` and `a#b` + `c` both joined to `a#b#c` before
    // Act & Assess
    expect(dedupRecordKey('a', 'b#c')).toBe('a#b#c');
    expect(() => dedupRecordKey('a#b', 'c')).toThrow(ConfigurationError);
    expect(() => checkDedupScope('')).toThrow(ConfigurationError);
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
    expect(canonicalJsonText('{"a":0,"__proto__":{"x":1}}')).toBe('{"__proto__":{"x":1},"a":0}');
  });
});
