import { arrivalMs, toEventWindow, windowContaining } from '../../../shared/stream/tumbling-window.ts';

describe('windowContaining', () => {
  it.each([
    ['the first instant of a window', '2026-01-01T00:01:00.000Z', '2026-01-01T00:01:00Z', '2026-01-01T00:02:00Z'],
    ['the middle of a window', '2026-01-01T00:01:30.500Z', '2026-01-01T00:01:00Z', '2026-01-01T00:02:00Z'],
    ['the last millisecond of a window', '2026-01-01T00:01:59.999Z', '2026-01-01T00:01:00Z', '2026-01-01T00:02:00Z'],
    ['the end of a window, which starts the next', '2026-01-01T00:02:00.000Z', '2026-01-01T00:02:00Z', '2026-01-01T00:03:00Z'],
  ])('aligns %s to the epoch and formats the bounds as Lambda does (to the second)', (_name, at, expectedStart, expectedEnd) => {
    // Prepare
    const time = Date.parse(at);
    // Act
    const bounds = windowContaining(time, 60);
    // Assess
    expect(toEventWindow(bounds)).toEqual({ start: expectedStart, end: expectedEnd });
  });

  it('aligns windows that do not divide an hour to the epoch, not to the hour', () => {
    // Prepare: 7 s windows; 1970-01-01T00:00:07Z starts the second window after the epoch
    const time = Date.parse('2026-01-01T00:00:00Z');
    // Act
    const { startMs, endMs } = windowContaining(time, 7);
    // Assess
    expect(startMs % 7000).toBe(0);
    expect(startMs).toBeLessThanOrEqual(time);
    expect(endMs).toBeGreaterThan(time);
  });

  it('refuses a window that is not a positive whole number of seconds', () => {
    // Prepare
    const sizes = [0, -60, 1.5];
    // Act
    const attempts = sizes.map((size) => () => windowContaining(0, size));
    // Assess
    for (const attempt of attempts) expect(attempt).toThrow(RangeError);
  });
});

describe('arrivalMs', () => {
  it('converts the fractional seconds of the event to milliseconds', () => {
    // Prepare
    const kinesis = { approximateArrivalTimestamp: 1607497475.123 };
    // Act
    const ms = arrivalMs(kinesis);
    // Assess
    expect(ms).toBe(1607497475123);
  });
});
