import { until } from '../../../../local/runtime/until.ts';

/** Time that passes only when `until` sleeps: each poll is `slowness` × the interval it asked for. */
function fakeTime(slowness = 1) {
  const time = { ms: 0, clock: { now: () => time.ms }, sleep: async (ms: number) => void (time.ms += ms * slowness) };
  return time;
}

describe('until', () => {
  it('keeps waiting past stallMs while the work moves, however slowly', async () => {
    // Prepare: 1,000 polls of a machine 5× slower than the interval, far longer than stallMs in all
    const time = fakeTime(5);
    let handled = 0;

    // Act
    await until(() => handled >= 1_000, { what: 'the backlog', stallMs: 2_000, progress: () => handled, onPoll: () => void (handled += 1), ...time });

    // Assess
    expect(handled).toBe(1_000);
    expect(time.ms).toBeGreaterThan(100 * 2_000);
  });

  it('gives up once the work has not moved for stallMs, naming what it waited for', async () => {
    // Prepare
    const time = fakeTime();
    let handled = 0;

    // Act
    const waiting = until(() => false, {
      what: () => `the backlog (${handled} handled)`,
      stallMs: 2_000,
      progress: () => Math.min(handled, 3),
      onPoll: () => void (handled += 1),
      ...time,
    });

    // Assess
    await expect(waiting).rejects.toThrow('gave up waiting for the backlog (');
    await expect(waiting).rejects.toThrow('no progress in 2 s');
    expect(time.ms).toBeGreaterThan(2_000);
    expect(time.ms).toBeLessThan(3_000);
  });

  it('bounds the whole wait by stallMs when nothing reports progress', async () => {
    // Prepare
    const time = fakeTime();

    // Act & Assess
    await expect(until(() => false, { what: 'the emulator to become ready', stallMs: 60_000, ...time })).rejects.toThrow('no progress in 1 min');
    expect(time.ms).toBeGreaterThan(60_000);
  });
});
