import * as z from 'zod/mini';
import { copyAggregates, type KeyAggregate, type KeyedAggregates } from './aggregates.ts';
import { formatSchemaIssues } from '../schema.ts';

/**
 * What the stream processor keeps in Lambda's tumbling-window `state` between invocations of one window.
 * Every invocation commits what it aggregated as a part of the window's result (window-results.ts), so the
 * state only counts what was committed and says how far: nothing in it is needed to get the window's
 * result right. That is what keeps results exact on AWS when the final invocation is never made
 * (MaximumRetryAttempts or MaximumRecordAgeInSeconds ran out) or the state is lost.
 */
export interface WindowState {
  /** Marks the shape: a state without it came from something else (another version, another function). */
  readonly sluice: typeof WINDOW_STATE_VERSION;
  /** Parts committed (or found committed) since the window, or its last early end, began. */
  parts: number;
  /** Records aggregated into those parts. */
  records: number;
  /** Records that could not be decoded or validated (reported to the failure destination) in those parts. */
  rejected: number;
  /** Every record of this window up to this sequence number is in a committed part: a retry skips them. */
  coveredThrough?: string;
}

export const WINDOW_STATE_VERSION = 2;

/** A state of sluice 0.1 (aggregates carried until the final invocation): committed as a part when met mid-window after an upgrade. */
export interface LegacyWindowState {
  firstSequenceNumber: string;
  lastSequenceNumber: string;
  records: number;
  rejected: number;
  aggregates: KeyedAggregates;
}

/** What {@link readWindowState} made of the state Lambda passed. */
export type WindowStateReading =
  | { kind: 'fresh' | 'valid'; state: WindowState }
  | { kind: 'legacy'; state: WindowState; legacy: LegacyWindowState }
  | { kind: 'foreign'; state: WindowState; problem: string };

// zod/mini keeps the stream handler's bundle small (classic zod adds ~440 KiB); it ships no messages of its
// own, so each check names what it expected: the reason a foreign state was reset reads in words.
const WHOLE = 'expected a whole number ≥ 0';
const SEQUENCE = 'expected a sequence number';
const count = z.int({ error: WHOLE }).check(z.nonnegative({ error: WHOLE }));
const sequenceNumber = z.string({ error: SEQUENCE }).check(z.regex(/^\d+$/, { error: SEQUENCE }));
const stateSchema = z.strictObject(
  {
    sluice: z.literal(WINDOW_STATE_VERSION, { error: `expected sluice: ${WINDOW_STATE_VERSION}` }),
    parts: count,
    records: count,
    rejected: count,
    coveredThrough: z.optional(sequenceNumber),
  },
  { error: 'expected a sluice window state' },
);
const aggregateSchema = z.strictObject({ count, sum: z.number(), min: z.number(), max: z.number() });
const legacySchema = z.object({
  firstSequenceNumber: sequenceNumber,
  lastSequenceNumber: sequenceNumber,
  records: count,
  rejected: count,
  aggregates: z.record(z.string(), aggregateSchema),
});

/**
 * Reads the state Lambda passed: `{}` (a new window) gives a fresh state; a state of this shape is
 * copied; a sluice 0.1 state is returned to be committed; anything else (a redeploy of another function
 * mid-window, AWS's example state `{ "1": 282 }`) is reported as foreign and replaced by a fresh state:
 * the caller warns, and nothing is lost because every part is already committed.
 *
 * @example
 * const reading = readWindowState(event.state);
 * if (reading.kind === 'foreign') logger.warn('window state reset', { problem: reading.problem });
 */
export function readWindowState(raw: unknown): WindowStateReading {
  if (raw === undefined || raw === null || (isPlainObject(raw) && Object.keys(raw).length === 0)) return { kind: 'fresh', state: freshWindowState() };
  const parsed = stateSchema.safeParse(raw);
  if (parsed.success) {
    const { parts, records, rejected, coveredThrough } = parsed.data;
    return { kind: 'valid', state: { sluice: WINDOW_STATE_VERSION, parts, records, rejected, ...(coveredThrough !== undefined ? { coveredThrough } : {}) } };
  }
  const legacy = legacySchema.safeParse(raw);
  if (legacy.success) {
    const { firstSequenceNumber, lastSequenceNumber, records, rejected } = legacy.data;
    // Copied from the raw state, not zod's output: a category named `__proto__` must stay a category.
    const aggregates = copyAggregates((raw as { aggregates: Record<string, KeyAggregate> }).aggregates);
    return { kind: 'legacy', state: freshWindowState(), legacy: { firstSequenceNumber, lastSequenceNumber, records, rejected, aggregates } };
  }
  const problem = formatSchemaIssues(parsed.error.issues, '(state)');
  return { kind: 'foreign', state: freshWindowState(), problem };
}

/**
 * The state of a window nothing was committed for yet.
 *
 * @example
 * const state = freshWindowState();
 */
export function freshWindowState(): WindowState {
  return { sluice: WINDOW_STATE_VERSION, parts: 0, records: 0, rejected: 0 };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
