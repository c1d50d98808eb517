import { MAX_DELAY_SECONDS, delaySecondsFor } from '../../../shared/queue/redelivery.ts';

describe('delaySecondsFor', () => {
  it.each([
    [3_600_000, MAX_DELAY_SECONDS],
    [900_000, 900],
    [900_001, 900],
    [899_001, 900],
    [1_500, 2],
    [1_000, 1],
    [1, 1],
    [0, 0],
    [-5_000, 0],
  ])('waits %d ms as %d s: rounded up so never early, capped at 900', (remainingMs, seconds) => {
    expect(delaySecondsFor(remainingMs)).toBe(seconds);
  });
});
