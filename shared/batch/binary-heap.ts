/**
 * The two operations of a binary min-heap kept in an array, ordered by `before`: the k-way merges of
 * sorted runs hold one entry per run in one (O(log k) per item).
 *
 * @example
 * const heap: number[] = [];
 * heapPush(heap, 3, (a, b) => a < b); heapPush(heap, 1, (a, b) => a < b); // heap[0] === 1
 */
export function heapPush<T>(heap: T[], item: T, before: (a: T, b: T) => boolean): void {
  heap.push(item);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i]!, heap[parent]!)) break;
    [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
    i = parent;
  }
}

/**
 * Restores the heap order after the top entry was replaced (or removed and the last moved to the top).
 *
 * @example
 * heap[0] = next; siftDown(heap, before);
 */
export function siftDown<T>(heap: T[], before: (a: T, b: T) => boolean): void {
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let smallest = i;
    if (left < heap.length && before(heap[left]!, heap[smallest]!)) smallest = left;
    if (right < heap.length && before(heap[right]!, heap[smallest]!)) smallest = right;
    if (smallest === i) return;
    [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
    i = smallest;
  }
}
