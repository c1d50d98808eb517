import { forEachConcurrently, forEachOfConcurrently } from '../../../shared/concurrency.ts';

/** A call that finishes when the test says so, to observe how many run at once. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Lets the gated calls finish one after another, each given time to start the next. */
async function openOneByOne(gates: readonly ReturnType<typeof gate>[]): Promise<void> {
  for (const g of gates) {
    g.open();
    await settle();
  }
}

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
    await openOneByOne(gates);
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

describe('forEachOfConcurrently', () => {
  it('reads the next item of an async source only when a call can start', async () => {
    // Prepare
    const gates = Array.from({ length: 5 }, gate);
    const read: number[] = [];
    async function* source() {
      for (let item = 0; item < 5; item += 1) {
        read.push(item);
        yield item;
      }
    }
    // Act
    const done = forEachOfConcurrently(source(), 2, async (item) => {
      await gates[item]!.opened;
    });
    await settle();
    const readFirst = [...read];
    await openOneByOne(gates);
    await done;
    // Assess: two calls in flight, and the third item not read until one of them finished
    expect(readFirst).toEqual([0, 1]);
    expect(read).toEqual([0, 1, 2, 3, 4]);
  });

  it('keeps the weight in flight within the budget, and runs an item heavier than the budget alone', async () => {
    // Prepare
    const weights = [3, 3, 3, 10, 1, 1];
    const gates = weights.map(gate);
    let weightInFlight = 0;
    let callsInFlight = 0;
    const seen: { weight: number; calls: number }[] = [];
    // Act
    const done = forEachOfConcurrently(
      weights.map((weight, id) => ({ id, weight })),
      8,
      async ({ id, weight }) => {
        weightInFlight += weight;
        callsInFlight += 1;
        seen.push({ weight: weightInFlight, calls: callsInFlight });
        await gates[id]!.opened;
        weightInFlight -= weight;
        callsInFlight -= 1;
      },
      { budget: 7, weigh: (item) => item.weight },
    );
    for (const g of gates) {
      await settle();
      g.open();
    }
    await done;
    // Assess: 3+3 fit in 7, the third 3 waits; the 10 runs alone; the 1s run beside each other
    expect(seen).toEqual([
      { weight: 3, calls: 1 },
      { weight: 6, calls: 2 },
      { weight: 6, calls: 2 },
      { weight: 10, calls: 1 },
      { weight: 1, calls: 1 },
      { weight: 2, calls: 2 },
    ]);
  });

  it('closes the source when it stops, and reports a call that throws before its first await', async () => {
    // Prepare
    let closed = false;
    const started: number[] = [];
    function* source() {
      try {
        for (let item = 0; ; item += 1) yield item;
      } finally {
        closed = true;
      }
    }
    // Act
    const outcome = await forEachOfConcurrently(source(), 1, (item) => {
      started.push(item);
      if (item === 2) throw new Error('item 2 refused');
      return Promise.resolve();
    }).catch((error: Error) => error.message);
    // Assess
    expect(outcome).toBe('item 2 refused');
    expect(started).toEqual([0, 1, 2]);
    expect(closed).toBe(true);
  });

  it('runs every item of an async source in order when several readers wait for room in the budget at once', async () => {
    // Prepare: each item fills most of the budget, so every reader has to wait for the call before it.
    async function* source() {
      for (let item = 0; item < 6; item += 1) yield item;
    }
    const gates = Array.from({ length: 6 }, gate);
    const started: number[] = [];
    // Act
    const done = forEachOfConcurrently(
      source(),
      3,
      async (item) => {
        started.push(item);
        await gates[item]!.opened;
      },
      { budget: 4, weigh: () => 3 },
    );
    await settle();
    const startedFirst = [...started];
    await openOneByOne(gates);
    // Assess: one at a time, in order, and every one
    expect(startedFirst).toEqual([0]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    await done;
  });
});
