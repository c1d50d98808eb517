import fc from 'fast-check';
import { formatKiB, formatNumber, median, pairedRatios } from '../../../bench/stats.ts';

describe('median', () => {
  it('takes the middle value of an odd sample whatever its order', () => {
    // Act
    const value = median([9, 1, 5]);
    // Assess
    expect(value).toBe(5);
  });

  it('averages the two middle values of an even sample', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('refuses an empty sample', () => {
    expect(() => median([])).toThrow(/empty/);
  });

  it('lies between the smallest and the largest value', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, min: -1e6, max: 1e6 }), { minLength: 1 }), (values) => {
        const m = median(values);
        return m >= Math.min(...values) && m <= Math.max(...values);
      }),
    );
  });
});

describe('pairedRatios', () => {
  it('divides run i of A by run i of B and reports the median and range', () => {
    // Prepare
    const a = [200, 330, 150];
    const b = [100, 300, 100];
    // Act
    const result = pairedRatios(a, b);
    // Assess
    expect(result.ratios).toEqual([2, 1.1, 1.5]);
    expect(result).toMatchObject({ median: 1.5, min: 1.1, max: 2 });
  });

  it('refuses samples of different lengths', () => {
    expect(() => pairedRatios([1, 2], [1])).toThrow(/equal/);
  });
});

describe('formatting', () => {
  it('separates thousands and fixes the decimals', () => {
    expect(formatNumber(12345.678, 1)).toBe('12,345.7');
    expect(formatNumber(2, 2)).toBe('2.00');
  });

  it('shows bytes as KiB', () => {
    expect(formatKiB(1536)).toBe('1.5 KiB');
  });
});
