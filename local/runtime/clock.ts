import type { Clock } from '../../shared/clock.ts';

/**
 * Real time that no {@link VirtualClock} shifts (milliseconds since the epoch, read from
 * `performance`, which a patched `Date.now` leaves alone): for waits that must bound real time.
 *
 * @example
 * const started = realTimeClock.now();
 */
export const realTimeClock: Clock = { now: () => performance.timeOrigin + performance.now() };

/**
 * Virtual time for the local runtime: shifts `Date.now()` for everything in this process — handlers,
 * pollers and an in-process fauxqs (whose delays and visibility timeouts read `Date.now()`) — so a
 * 20-minute delay can be tested without waiting. Timers still run in real time.
 *
 * @example
 * const clock = VirtualClock.install();
 * clock.advance(15 * 60_000);
 * clock.uninstall();
 */
export class VirtualClock implements Clock {
  private static active: VirtualClock | undefined;
  private offsetMs = 0;
  private readonly realNow = Date.now;

  private constructor() {}

  static install(): VirtualClock {
    if (VirtualClock.active) throw new Error('a VirtualClock is already installed');
    const clock = new VirtualClock();
    const realNow = clock.realNow;
    Date.now = () => realNow() + clock.offsetMs;
    VirtualClock.active = clock;
    return clock;
  }

  /** The shifted time (what `Date.now()` reads while it is installed). */
  now(): number {
    return Date.now();
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  uninstall(): void {
    Date.now = this.realNow;
    VirtualClock.active = undefined;
  }
}
