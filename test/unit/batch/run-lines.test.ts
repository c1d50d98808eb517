import fc from 'fast-check';
import { exactParse } from '../../../shared/batch/exact-numbers.ts';
import { chunkLine, decodeKey, encodeKey, parseChunkLine, parseRunLine, runLine } from '../../../shared/batch/run-lines.ts';

// Values as they come out of exactParse (no -0, no undefined inside; integers beyond 2^53 as bigints), plus a missing value.
const key = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).map((v) => exactParse(JSON.stringify(v))),
  fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map((n) => exactParse(n.toString())),
  fc.constant(undefined),
);
// Records as files hold them: compact or with whitespace, tabs included (a raw tab is JSON whitespace).
const recordJson = fc.tuple(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('', ' ', '\t', '\t ')).map(([v, space]) => `{${space}"v":${space}${JSON.stringify(v)}${space}}`);

describe('run lines', () => {
  it('give back the sort key that was encoded, whatever its type', () => {
    fc.assert(
      fc.property(key, (value) => {
        // Act
        const decoded = decodeKey(encodeKey(value));
        // Assess
        expect(decoded).toStrictEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it('take apart into the line number, key text and record text they were made of', () => {
    fc.assert(
      fc.property(fc.nat(), key, recordJson, (i, value, json) => {
        // Prepare
        const text = runLine(encodeKey(value), i, json);
        // Act
        const parsed = parseRunLine(text.slice(0, -1));
        // Assess
        expect(text.endsWith('\n')).toBe(true);
        expect(parsed).toEqual({ i, keyText: encodeKey(value), json });
      }),
    );
  });

  it('chunk lines take apart into the line number, derived fields and record text', () => {
    fc.assert(
      fc.property(fc.nat(), fc.oneof(fc.constant(''), fc.jsonValue({ maxDepth: 1 }).map((v) => JSON.stringify({ d: v }))), recordJson, (i, derived, json) => {
        // Act
        const parsed = parseChunkLine(chunkLine(i, derived, json).slice(0, -1));
        // Assess
        expect(parsed).toEqual({ i, derived, json });
      }),
    );
  });

  it('encodes a missing key as the empty text and null as null', () => {
    // Act / Assess
    expect(encodeKey(undefined)).toBe('');
    expect(decodeKey('')).toBeUndefined();
    expect(decodeKey(encodeKey(null))).toBeNull();
    expect(decodeKey(encodeKey('tab\there "q"'))).toBe('tab\there "q"');
  });
});
