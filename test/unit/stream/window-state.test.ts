import { readWindowState } from '../../../shared/stream/window-state.ts';

describe('readWindowState', () => {
  it.each([
    ['records set to null', { sluice: 2, parts: 0, records: null, rejected: 0 }, 'records: expected a whole number ≥ 0'],
    ['a sequence number that is not one', { sluice: 2, parts: 1, records: 1, rejected: 0, coveredThrough: 'x' }, 'coveredThrough: expected a sequence number'],
    ['a state of another version', { sluice: 99, parts: 0, records: 0, rejected: 0 }, 'sluice: expected sluice: 2'],
    ['AWS’s example state', { '1': 282 }, '(state): expected a sluice window state'],
  ])('says in words why a foreign state (%s) is reset, without a zod locale configured', (_name, raw, expected) => {
    // Act
    const reading = readWindowState(raw);
    // Assess
    expect(reading.kind).toBe('foreign');
    expect(reading.kind === 'foreign' && reading.problem).toContain(expected);
  });

  it('reads a valid state and keeps a category named __proto__ of a legacy state as a category', () => {
    // Prepare
    const legacy = JSON.parse('{"firstSequenceNumber":"1","lastSequenceNumber":"2","records":1,"rejected":0,"aggregates":{"__proto__":{"count":1,"sum":5,"min":5,"max":5}}}');
    // Act
    const valid = readWindowState({ sluice: 2, parts: 1, records: 3, rejected: 0, coveredThrough: '42' });
    const upgraded = readWindowState(legacy);
    // Assess
    expect(valid).toEqual({ kind: 'valid', state: { sluice: 2, parts: 1, records: 3, rejected: 0, coveredThrough: '42' } });
    expect(upgraded.kind === 'legacy' && Object.hasOwn(upgraded.legacy.aggregates, '__proto__')).toBe(true);
  });
});
