import { addValue, type KeyedAggregates } from './aggregates.ts';

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
  aggregates: KeyedAggregates;
  /** Running estimate of the serialized size, kept per record so early commits happen at the same record on every retry. */
  approxBytes: number;
}

/** Estimated bytes of one key's entry in serialized state (key + four numbers + JSON punctuation). */
const BYTES_PER_KEY = 96;
const BASE_BYTES = 256;

/**
 * A fresh state, or the one Lambda passed in (an empty object at the start of a window).
 *
 * @example
 * const state = readWindowState(event.state);
 */
export function readWindowState(raw: Record<string, unknown> | undefined): WindowState {
  if (!raw || raw.aggregates === undefined) return { records: 0, rejected: 0, aggregates: {}, approxBytes: BASE_BYTES };
  return raw as unknown as WindowState;
}

/**
 * Adds one record's (key, value) to the state, in place, and returns a function that undoes it (used
 * when a later step for the same record fails, so the returned state never includes a failed record).
 *
 * @example
 * const undo = addToWindowState(state, 'books', 1299, record.kinesis.sequenceNumber);
 */
export function addToWindowState(state: WindowState, key: string, value: number, sequenceNumber: string): () => void {
  const before = { ...state, previous: state.aggregates[key] ? { ...state.aggregates[key] } : undefined };
  if (!state.aggregates[key]) state.approxBytes += BYTES_PER_KEY + key.length;
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
