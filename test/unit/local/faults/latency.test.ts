import { latencySampler } from '../../../../local/faults/latency.ts';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

describe('latencySampler: request latencies with a published p50 and p99', () => {
  it('draws latencies whose median and 99th percentile are the profile\'s, per operation', () => {
    // Prepare
    const sample = latencySampler({ byOperation: { TransactWriteItems: { p50Ms: 25.3, p99Ms: 92.5 } }, default: { p50Ms: 7.55, p99Ms: 16.2 } }, 11);

    // Act
    const draw = (operation: string) => Array.from({ length: 40_000 }, () => sample(operation)).sort((a, b) => a - b);
    const transactions = draw('TransactWriteItems');
    const puts = draw('PutItem');

    // Assess
    expect(percentile(transactions, 0.5)).toBeCloseTo(25.3, 0);
    expect(percentile(transactions, 0.99) / 92.5).toBeGreaterThan(0.93);
    expect(percentile(transactions, 0.99) / 92.5).toBeLessThan(1.07);
    expect(percentile(puts, 0.5)).toBeCloseTo(7.55, 0);
    expect(percentile(puts, 0.99) / 16.2).toBeGreaterThan(0.95);
    expect(percentile(puts, 0.99) / 16.2).toBeLessThan(1.05);
    expect(puts[0]).toBeGreaterThan(0);
  });

  it('adds nothing to an operation without a profile, and repeats itself for the same seed', () => {
    // Prepare
    const latency = { byOperation: { PutItem: { p50Ms: 5, p99Ms: 20 } } };

    // Act
    const first = latencySampler(latency, 3);
    const second = latencySampler(latency, 3);

    // Assess
    expect(first('ReceiveMessage')).toBe(0);
    expect(Array.from({ length: 5 }, () => first('PutItem'))).toEqual(Array.from({ length: 5 }, () => second('PutItem')));
  });

  it('takes a profile only from the operations it names, never from an inherited name', () => {
    // Prepare
    const sample = latencySampler({ byOperation: { PutItem: { p50Ms: 5, p99Ms: 5 } } }, 1);

    // Act
    const inherited = ['constructor', 'toString', '__proto__'].map((operation) => sample(operation));

    // Assess
    expect(inherited).toEqual([0, 0, 0]);
    expect(sample('PutItem')).toBeCloseTo(5, 5);
  });
});
