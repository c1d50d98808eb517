import { forEachConcurrently } from '../../../shared/concurrency.ts';

/** A call that finishes when the test says so, to observe how many run at once. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('forEachConcurrently', () => {
  it('runs every index once, never more than the limit at a time, starting in index order', async () => {
    // Prepare
    const gates = Array.from({ length: 7 }, gate);
    const started: number[] = [];
    let inFlight = 0;
    let most = 0;
    // Act
    const done = forEachConcurrently(7, 3, async (index) => {
      started.push(index);
      inFlight += 1;
      most = Math.max(most, inFlight);
      await gates[index]!.opened;
      inFlight -= 1;
    });
    await settle();
    const startedFirst = [...started];
    for (const g of gates) {
      g.open();
      await settle();
    }
    await done;
    // Assess
    expect(startedFirst).toEqual([0, 1, 2]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(most).toBe(3);
  });

  it('starts nothing more once stopWhen answers true', async () => {
    // Prepare
    const started: number[] = [];
    let stop = false;
    // Act
    await forEachConcurrently(
      10,
      2,
      async (index) => {
        started.push(index);
        if (index === 3) stop = true;
      },
      { stopWhen: () => stop },
    );
    // Assess: calls 0–3 started before the flag, none after
    expect(started).toEqual([0, 1, 2, 3]);
  });

  it('rejects with the first error only after the calls in flight finished, and starts no new one', async () => {
    // Prepare
    const slow = gate();
    const started: number[] = [];
    let slowFinished = false;
    // Act
    const done = forEachConcurrently(10, 2, async (index) => {
      started.push(index);
      if (index === 0) {
        await slow.opened;
        slowFinished = true;
      }
      if (index === 1) throw new Error('call 1 failed');
    });
    const outcome = done.then(
      () => 'resolved',
      (error: Error) => ({ error: error.message, slowFinished }),
    );
    await settle();
    slow.open();
    // Assess
    expect(await outcome).toEqual({ error: 'call 1 failed', slowFinished: true });
    expect(started).toEqual([0, 1]);
  });

  it('treats an empty range and a limit below one as nothing to do and one at a time', async () => {
    // Prepare
    const started: number[] = [];
    // Act
    await forEachConcurrently(0, 4, async () => {
      started.push(-1);
    });
    await forEachConcurrently(3, 0, async (index) => {
      started.push(index);
    });
    // Assess
    expect(started).toEqual([0, 1, 2]);
  });
});
