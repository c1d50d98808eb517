import { heapPush, siftDown } from './binary-heap.ts';

interface HeapEntry<T> {
  value: T;
  source: number;
  iterator: AsyncIterator<T>;
}

/**
 * Merges sorted async sources into one sorted stream, holding one item per source (a binary heap,
 * O(log k) per item). Ties go to the lower source index, so merging runs listed in order equals a
 * stable sort of their concatenation.
 *
 * @example
 * for await (const record of mergeSorted([runA, runB], (a, b) => a.t - b.t)) write(record);
 */
export async function* mergeSorted<T>(sources: readonly AsyncIterable<T>[], compare: (a: T, b: T) => number): AsyncGenerator<T> {
  const heap: HeapEntry<T>[] = [];
  const before = (a: HeapEntry<T>, b: HeapEntry<T>) => {
    const c = compare(a.value, b.value);
    return c < 0 || (c === 0 && a.source < b.source);
  };
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  try {
    const firsts = await Promise.all(iterators.map((it) => it.next()));
    firsts.forEach((first, source) => {
      if (!first.done) heapPush(heap, { value: first.value, source, iterator: iterators[source]! }, before);
    });
    while (heap.length > 0) {
      const top = heap[0]!;
      yield top.value;
      const next = await top.iterator.next();
      if (next.done) {
        const last = heap.pop()!;
        if (heap.length === 0) break;
        heap[0] = last;
      } else {
        top.value = next.value;
      }
      siftDown(heap, before);
    }
  } finally {
    // An abandoned merge (consumer stopped, or an error) must release every source, e.g. its S3 stream.
    await Promise.allSettled(iterators.map((it) => it.return?.()));
  }
}
