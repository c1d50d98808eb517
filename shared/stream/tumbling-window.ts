/**
 * Tumbling-window arithmetic as Lambda applies it to Kinesis: windows are aligned to the Unix epoch and a
 * record belongs to the window that contains its `approximateArrivalTimestamp` (the time Kinesis accepted
 * it, not any timestamp inside the payload).
 */

/** A window's bounds, epoch milliseconds, `start` inclusive and `end` exclusive. */
export interface WindowBounds {
  readonly startMs: number;
  readonly endMs: number;
}

/**
 * The window that contains `timeMs`.
 *
 * @example
 * windowContaining(Date.parse('2026-01-01T00:01:30Z'), 60); // { startMs: …00:01:00, endMs: …00:02:00 }
 */
export function windowContaining(timeMs: number, windowSeconds: number): WindowBounds {
  if (!Number.isInteger(windowSeconds) || windowSeconds <= 0) throw new RangeError(`window must be a positive whole number of seconds, got ${windowSeconds}`);
  const sizeMs = windowSeconds * 1000;
  const startMs = Math.floor(timeMs / sizeMs) * sizeMs;
  return { startMs, endMs: startMs + sizeMs };
}

/**
 * The `window` object of a tumbling-window event as Lambda sends it: ISO-8601 to the second, without
 * milliseconds (`"start": "2020-12-09T07:04:00Z"` in services-kinesis-windows.html). Windows are whole
 * seconds long and aligned to the epoch, so nothing is lost; the strings key the results table, so they
 * must be the same locally and on AWS.
 *
 * @example
 * toEventWindow({ startMs: 0, endMs: 60_000 }); // { start: '1970-01-01T00:00:00Z', end: '1970-01-01T00:01:00Z' }
 */
export function toEventWindow(bounds: WindowBounds): { start: string; end: string } {
  return { start: isoSeconds(bounds.startMs), end: isoSeconds(bounds.endMs) };
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Arrival time of a Kinesis record in epoch milliseconds (the event carries seconds with a fraction).
 *
 * @example
 * arrivalMs({ approximateArrivalTimestamp: 1607497475.123 }); // 1607497475123
 */
export function arrivalMs(kinesis: { approximateArrivalTimestamp: number }): number {
  return Math.round(kinesis.approximateArrivalTimestamp * 1000);
}
