import { derivedFields } from '../../../shared/batch/derive.ts';

describe('derivedFields', () => {
  it('computes each derived field per record; a missing result leaves the field missing', async () => {
    // Prepare
    const derive = derivedFields({ band: '$floor(distance / 250)', month: '$substring(day, 0, 7)', name: '$lowercase(who)' });
    // Act
    const outcome = await derive.evaluate({ distance: 700, day: '2026-11-26' }, 4);
    // Assess
    expect(outcome).toEqual({ values: { band: 2, month: '2026-11' }, json: '{"band":2,"month":"2026-11"}' });
  });

  it('names the field and the input line when an expression fails on a record', async () => {
    // Prepare
    const derive = derivedFields({ band: '$floor(distance / 250)' });
    // Act
    const outcome = await derive.evaluate({ distance: 'far' }, 17);
    // Assess
    expect(outcome).toEqual({ line: 17, reason: expect.stringMatching(/^derive\.band: .*must evaluate to a number/) });
  });

  it('refuses a result that is not JSON data (Infinity)', async () => {
    // Act
    const outcome = await derivedFields({ huge: 'x * 1e300 * 1e300' }).evaluate({ x: 1 }, 2);
    // Assess
    expect(outcome).toEqual({ line: 2, reason: 'derive.huge: the result (Infinity) is not JSON data' });
  });

  it('reads a path from the derived fields when its first step names one, else from the record', () => {
    // Prepare
    const derive = derivedFields({ band: '1' });
    // Act / Assess
    expect(derive.fieldReader('band')({ band: 'record' }, { band: 3 })).toBe(3);
    expect(derive.fieldReader('amount')({ amount: 5 }, { band: 3 })).toBe(5);
  });
});
