import { addValue, aggregateOf, copyAggregates, emptyAggregates, type KeyedAggregates } from './aggregates.ts';

/**
 * What the stream processor keeps in Lambda's tumbling-window `state` between invocations of one
 * window. Lambda hands it back unchanged on the next invocation (or on a retry: the state of the last
 * successful invocation), so it is the only memory a window has until its result is committed.
 */
export interface WindowState {
  /** Sequence number of the first record aggregated into this part: identifies the part in the results table. */
  firstSequenceNumber?: string;
  lastSequenceNumber?: string;
  /** Records aggregated. */
  records: number;
  /** Records that could not be decoded or validated (reported to the failure destination). */
  rejected: number;
  /** Prototype-free in memory; a plain JSON object between invocations, rebuilt by {@link readWindowState}. */
  aggregates: KeyedAggregates;
  /** Running estimate of the serialized size, kept per record so early commits happen at the same record on every retry. */
  approxBytes: number;
}

/** Estimated bytes of one key's entry in serialized state (key + four numbers + JSON punctuation). */
const BYTES_PER_KEY = 96;
const BASE_BYTES = 256;

/**
 * A fresh state, or a copy of the one Lambda passed in (an empty object at the start of a window). The
 * copy is the processor's to change (Lambda hands the same state again on a retry), and its aggregates
 * are rebuilt prototype-free: Lambda passes state through JSON, which gives plain objects back.
 *
 * @example
 * const state = readWindowState(event.state);
 */
export function readWindowState(raw: Record<string, unknown> | undefined): WindowState {
  if (!raw || raw.aggregates === undefined) return { records: 0, rejected: 0, aggregates: emptyAggregates(), approxBytes: BASE_BYTES };
  const state = raw as unknown as WindowState;
  return {
    ...(state.firstSequenceNumber !== undefined ? { firstSequenceNumber: state.firstSequenceNumber } : {}),
    ...(state.lastSequenceNumber !== undefined ? { lastSequenceNumber: state.lastSequenceNumber } : {}),
    records: state.records,
    rejected: state.rejected,
    aggregates: copyAggregates(state.aggregates),
    approxBytes: state.approxBytes,
  };
}

/**
 * Adds one record's (key, value) to the state, in place, and returns a function that undoes it (used
 * when a later step for the same record fails, so the returned state never includes a failed record).
 *
 * @example
 * const undo = addToWindowState(state, 'books', 1299, record.kinesis.sequenceNumber);
 */
export function addToWindowState(state: WindowState, key: string, value: number, sequenceNumber: string): () => void {
  const existing = aggregateOf(state.aggregates, key);
  const before = { ...state, previous: existing ? { ...existing } : undefined };
  if (!existing) state.approxBytes += BYTES_PER_KEY + key.length;
  addValue(state.aggregates, key, value);
  state.records += 1;
  state.firstSequenceNumber ??= sequenceNumber;
  state.lastSequenceNumber = sequenceNumber;
  return () => {
    if (before.previous) state.aggregates[key] = before.previous;
    else delete state.aggregates[key];
    state.records = before.records;
    state.approxBytes = before.approxBytes;
    state.firstSequenceNumber = before.firstSequenceNumber;
    state.lastSequenceNumber = before.lastSequenceNumber;
  };
}

/**
 * The state a window continues with after a part was committed early: empty aggregates, counters reset.
 *
 * @example
 * if (state.approxBytes > maxStateBytes) { await commit(state); state = nextPartState(); }
 */
export function nextPartState(): WindowState {
  return readWindowState(undefined);
}
