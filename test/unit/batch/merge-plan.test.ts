import fc from 'fast-check';
import { planMerges } from '../../../shared/batch/merge-plan.ts';

describe('planMerges', () => {
  it('plans nothing but the final merge for fanIn runs or fewer', () => {
    // Act
    const plan = planMerges([5, 1, 3], 3);
    // Assess
    expect(plan).toEqual({ steps: [], final: [0, 1, 2] });
  });

  it('merges the smallest runs first, just enough of them that every later step is full', () => {
    // Act: 5 runs at fan-in 3: (5 - 2) % 2 + 2 = 3 in the first step, then the final 3
    const plan = planMerges([10, 50, 20, 40, 30], 3);
    // Assess
    expect(plan).toEqual({ steps: [{ inputs: [0, 2, 4], output: 5 }], final: [1, 3, 5] });
  });

  it('never reads more than fanIn runs at once and consumes every run exactly once, ending in one final merge', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 1_000 }), { maxLength: 400 }), fc.integer({ min: 2, max: 40 }), (sizes, fanIn) => {
        // Act
        const { steps, final } = planMerges(sizes, fanIn);
        // Assess: bounded fan-in, each run (input or intermediate) consumed exactly once, outputs numbered in order
        expect(steps.every((step) => step.inputs.length >= 2 && step.inputs.length <= fanIn)).toBe(true);
        expect(final.length).toBeLessThanOrEqual(fanIn);
        const consumed = [...steps.flatMap((step) => step.inputs), ...final].sort((a, b) => a - b);
        expect(consumed).toEqual(Array.from({ length: sizes.length + steps.length }, (_, id) => id));
        steps.forEach((step, n) => expect(step.output).toBe(sizes.length + n));
        // every step but the first is full (the optimal merge pattern)
        expect(steps.slice(1).every((step) => step.inputs.length === fanIn)).toBe(true);
      }),
    );
  });

  it('reads each record of 10,000 runs at most 3 times at fan-in 32', () => {
    // Prepare
    const sizes = Array.from({ length: 10_000 }, (_, n) => 100 + (n % 7));
    // Act
    const { steps } = planMerges(sizes, 32);
    // Assess: records moved by intermediate merges, over all records (the final merge reads each once more)
    const records = new Map(sizes.map((size, id) => [id, size]));
    let moved = 0;
    for (const step of steps) {
      const size = step.inputs.reduce((sum, id) => sum + records.get(id)!, 0);
      records.set(step.output, size);
      moved += size;
    }
    const total = sizes.reduce((a, b) => a + b, 0);
    expect(steps.length).toBe(Math.ceil((10_000 - 32) / 31));
    expect(moved / total + 1).toBeLessThanOrEqual(3);
  });

  it('refuses a fan-in below 2', () => {
    expect(() => planMerges([1, 2, 3], 1)).toThrow(RangeError);
  });
});
