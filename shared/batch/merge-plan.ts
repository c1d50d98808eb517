import { heapPush, siftDown } from './binary-heap.ts';

/** One k-way merge of a plan: the runs it reads (ids) and the run it writes. */
export interface MergeStep {
  readonly inputs: readonly number[];
  /** Id of the run it writes: ids past the input runs' are intermediate runs, numbered in step order. */
  readonly output: number;
}

/**
 * Plans a merge of `sizes.length` sorted runs (run `r` holds `sizes[r]` records) that never reads more
 * than `fanIn` runs at once: the optimal merge pattern (Huffman's, for k-way merges). Each step merges
 * the smallest runs; the first step takes just enough of them that every later step takes `fanIn`, so the
 * data is read as few times as a bounded fan-in allows (10,000 runs at fan-in 32: each record about 2.7
 * times). The last step is the final merge (at most `fanIn` inputs); none is planned for `fanIn` runs or fewer.
 * Ties between equal sizes go to the lower id, so the plan is deterministic.
 *
 * @example
 * planMerges([10, 20, 30, 40, 50], 3); // [{ inputs: [0, 1, 2], output: 5 }] then the final merge of 3, 4, 5
 */
export function planMerges(sizes: readonly number[], fanIn: number): { steps: MergeStep[]; final: number[] } {
  if (!Number.isInteger(fanIn) || fanIn < 2) throw new RangeError(`merge fan-in must be an integer ≥ 2, got ${fanIn}`);
  const heap: [size: number, id: number][] = sizes.map((size, id) => [size, id]);
  const before = (a: [number, number], b: [number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  // A sorted array is a valid heap.
  heap.sort((a, b) => (before(a, b) ? -1 : 1));
  const steps: MergeStep[] = [];
  let nextId = sizes.length;
  // With n runs, (n - 1) % (fanIn - 1) + 1 runs in the first step leave a count every full step divides.
  let take = heap.length > fanIn ? ((heap.length - 2) % (fanIn - 1)) + 2 : 0;
  while (heap.length > fanIn) {
    const inputs: number[] = [];
    let size = 0;
    for (let k = 0; k < take; k++) {
      const [s, id] = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        siftDown(heap, before);
      }
      inputs.push(id);
      size += s;
    }
    const output = nextId++;
    steps.push({ inputs, output });
    heapPush(heap, [size, output], before);
    take = fanIn;
  }
  return { steps, final: heap.map(([, id]) => id).sort((a, b) => a - b) };
}
