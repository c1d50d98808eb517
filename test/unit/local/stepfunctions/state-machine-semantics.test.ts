import { jest } from '@jest/globals';
import { InvocationTimeoutError } from '../../../../shared/errors.ts';
import { fakeFunction } from '../../../helpers/batch-local-functions.ts';
import { machineWith, runToEnd as run } from './test-machine.ts';

jest.setTimeout(20_000);


/** A function that takes `ms` per call and records how many calls overlapped at most. */
function slowWorker(ms: number) {
  let running = 0;
  const peak = { value: 0 };
  const fn = fakeFunction('slow-worker', async (event) => {
    running += 1;
    peak.value = Math.max(peak.value, running);
    await new Promise((resolve) => setTimeout(resolve, ms));
    running -= 1;
    return event;
  });
  return { fn, peak };
}

/** A function that fails `failures` times with `error`, then succeeds. */
function failingFirst(failures: number, error: () => Error) {
  let calls = 0;
  const fn = fakeFunction('flaky', async () => {
    calls += 1;
    if (calls <= failures) throw error();
    return 'ok';
  });
  return { fn, calls: () => calls };
}

/**
 * Runs `act` and returns the waits the interpreter asked of `setTimeout` meanwhile: the Retry backoffs
 * as computed, not as a busy machine happens to stretch them. (A Task's own TimeoutSeconds timer is far
 * longer than any backoff here and is left out.)
 */
async function retryWaitsDuring(act: () => Promise<unknown>): Promise<number[]> {
  const spy = jest.spyOn(globalThis, 'setTimeout');
  try {
    await act();
    return spy.mock.calls.map(([, ms]) => Number(ms ?? 0)).filter((ms) => ms > 0 && ms < 60_000);
  } finally {
    spy.mockRestore();
  }
}

describe('local state machine: Map concurrency', () => {
  it.each([
    ['an inline', { ItemProcessor: { StartAt: 'Work', States: {} } }],
    ['a distributed', { ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Work', States: {} } }],
  ])('runs at most MaxConcurrency iterations of %s Map at once, and every item', async (_mode, shape) => {
    // Prepare
    const { fn, peak } = slowWorker(40);
    const processor = { ...shape.ItemProcessor, States: { Work: { Type: 'Task', Resource: fn.arn, End: true } } };
    const machine = machineWith({ StartAt: 'Fan', States: { Fan: { Type: 'Map', ItemsPath: '$.items', MaxConcurrency: 2, ItemProcessor: processor, End: true } } }, [fn]);

    // Act
    const execution = await run(machine, { items: [1, 2, 3, 4, 5, 6] });

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(peak.value).toBe(2);
  });
});

describe('local state machine: Retry timing and Lambda errors', () => {
  it('reports a function timeout as Sandbox.Timedout, which a Retry on that name recovers', async () => {
    // Prepare
    const timeout = () => new InvocationTimeoutError('Task timed out after 3.00 seconds');
    const recovering = failingFirst(1, timeout);
    const failing = failingFirst(1, timeout);
    const task = (arn: string, retry?: unknown[]) => ({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: arn, ...(retry ? { Retry: retry } : {}), End: true } } });

    // Act
    const retried = await run(machineWith(task(recovering.fn.arn, [{ ErrorEquals: ['Sandbox.Timedout'], MaxAttempts: 1 }]), [recovering.fn], { retryIntervalMs: 1 }), {});
    const unretried = await run(machineWith(task(failing.fn.arn), [failing.fn]), {});

    // Assess
    expect(retried).toMatchObject({ status: 'SUCCEEDED', output: '"ok"' });
    expect(unretried).toMatchObject({ status: 'FAILED', error: 'Sandbox.Timedout' });
    expect(JSON.parse(unretried.cause!)).toMatchObject({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 3.00 seconds' });
  });

  it('waits IntervalSeconds × BackoffRate^attempt between attempts, capped by MaxDelaySeconds', async () => {
    // Prepare: waits of 1 s, then min(1 × 3, 2) = 2 s
    const flaky = failingFirst(2, () => Object.assign(new Error('Rate Exceeded.'), { name: 'Lambda.TooManyRequestsException' }));
    const retry = [{ ErrorEquals: ['Lambda.TooManyRequestsException'], IntervalSeconds: 1, BackoffRate: 3, MaxDelaySeconds: 2, MaxAttempts: 2 }];
    const machine = machineWith({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: flaky.fn.arn, Retry: retry, End: true } } }, [flaky.fn]);
    let execution: Awaited<ReturnType<typeof run>> | undefined;

    // Act
    const waits = await retryWaitsDuring(async () => (execution = await run(machine, {})));

    // Assess
    expect(execution?.status).toBe('SUCCEEDED');
    expect(flaky.calls()).toBe(3);
    expect(waits).toEqual([1_000, 2_000]);
  });

  it('shortens each wait to a random part of the backoff with JitterStrategy FULL', async () => {
    // Prepare: five waits of 1 s without jitter; with full jitter each is uniform in [0, 1 s), so all five
    // reach 900 ms with probability 0.1^5 = 1e-5 (and without jitter, always)
    const flaky = failingFirst(5, () => Object.assign(new Error('boom'), { name: 'Lambda.ServiceException' }));
    const retry = [{ ErrorEquals: ['Lambda.ServiceException'], IntervalSeconds: 1, BackoffRate: 1, MaxAttempts: 5, JitterStrategy: 'FULL' }];
    const machine = machineWith({ StartAt: 'Work', States: { Work: { Type: 'Task', Resource: flaky.fn.arn, Retry: retry, End: true } } }, [flaky.fn]);
    let execution: Awaited<ReturnType<typeof run>> | undefined;

    // Act
    const waits = await retryWaitsDuring(async () => (execution = await run(machine, {})));

    // Assess: a wait drawn as 0 ms sets no timer, so up to five were asked for
    expect(execution?.status).toBe('SUCCEEDED');
    expect(flaky.calls()).toBe(6);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.length).toBeLessThanOrEqual(5);
    for (const wait of waits) expect(wait).toBeLessThan(1_000);
    expect(Math.min(...waits)).toBeLessThan(900);
  });
});
