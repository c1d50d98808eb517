import fc from 'fast-check';
import { queueFaultPlan } from '../../../local/faults/queue-fault-plan.ts';
import { sqsRecord } from '../../helpers/sqs-events.ts';

describe('queueFaultPlan (fast-check)', () => {
  it('makes the same decisions for the same seed and deliveries, and none after lastFaultyReceive', () => {
    fc.assert(
      fc.property(fc.integer(), fc.uuid(), fc.integer({ min: 1, max: 6 }), (seed, messageId, receiveCount) => {
        // Prepare
        const rates = { duplicateDelivery: 0.5, crashBeforeAck: 0.5, invocationTimeout: 0.5, failRecord: 0.5 };
        const [a, b] = [queueFaultPlan({ seed, rates }), queueFaultPlan({ seed, rates })];
        const record = sqsRecord({ messageId, receiveCount });

        // Act
        const decisions = [a, b].map((plan) => [plan.failRecord!(record), plan.crashBeforeAck!([record]), plan.duplicateDelivery!(record), plan.invocationTimeoutMs!([record])]);

        // Assess
        expect(decisions[0]).toEqual(decisions[1]);
        if (receiveCount > 3) expect(decisions[0]).toEqual([false, false, false, undefined]);
        const timeout = decisions[0]![3] as number | undefined;
        if (timeout !== undefined) expect(timeout).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 500, seed: 20261131 },
    );
  });

  it('injects each fault at about its rate, and none when its rate is unset', () => {
    // Prepare
    const plan = queueFaultPlan({ seed: 9, rates: { crashBeforeAck: 0.05, invocationTimeout: 0.02 } });
    const records = Array.from({ length: 20_000 }, (_, i) => sqsRecord({ messageId: `m-${i}` }));

    // Act
    const crashes = records.filter((r) => plan.crashBeforeAck!([r])).length;
    const timeouts = records.filter((r) => plan.invocationTimeoutMs!([r]) !== undefined).length;
    const duplicates = records.filter((r) => plan.duplicateDelivery!(r)).length;

    // Assess
    expect(crashes / records.length).toBeCloseTo(0.05, 2);
    expect(timeouts / records.length).toBeCloseTo(0.02, 2);
    expect(duplicates).toBe(0);
  });
});
