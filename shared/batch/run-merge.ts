import type { Readable } from 'node:stream';
import { compareValues } from './compare.ts';
import { lineBatches } from './line-batches.ts';
import { decodeKey, parseRunLine } from './run-lines.ts';
import type { SortDirection } from './job-spec.ts';
import { heapPush, siftDown } from './binary-heap.ts';

/** One sorted run being read: its current line taken apart, and the rest of its current batch. */
class RunCursor {
  i = 0;
  key: unknown = undefined;
  json = '';
  line = '';
  private lines: string[] = [];
  private next = 0;

  constructor(private readonly batches: AsyncGenerator<string[]>) {}

  /** Moves to the next line of the batch in hand; `false` when the batch is used up. */
  advance(): boolean {
    while (this.next < this.lines.length) {
      const line = this.lines[this.next++]!;
      if (line === '') continue;
      const { i, keyText, json } = parseRunLine(line);
      this.i = i;
      this.key = decodeKey(keyText);
      this.json = json;
      this.line = line;
      return true;
    }
    return false;
  }

  /** Moves to the next line, reading batches as needed; `false` at the end of the run. */
  async advanceOrRead(): Promise<boolean> {
    while (!this.advance()) {
      const batch = await this.batches.next();
      if (batch.done) return false;
      this.lines = batch.value;
      this.next = 0;
    }
    return true;
  }

  async close(): Promise<void> {
    await this.batches.return(undefined);
  }
}

/** Output is handed on in blocks of about this many characters, not line by line. */
const BLOCK_CHARS = 1 << 20;

/**
 * Merges sorted runs (run lines, see `run-lines.ts`) into one stream, in sort-key order with the input
 * line number breaking ties: a stable sort of all runs together. Yields record JSON texts (`records`,
 * the job's output) or whole run lines (`runs`, an intermediate run to merge again), copied as they
 * are, never parsed; in blocks of lines joined by `\n` (no trailing newline). Holds one batch of lines
 * per run, and keeps every run open at once: the caller bounds how many (see `planMerges`).
 *
 * @example
 * await uploadLines(s3, output.sorted, mergeRuns(runs.map((r) => openObject(s3, r)), 'asc'));
 */
export async function* mergeRuns(sources: readonly Promise<Readable>[], direction: SortDirection, emit: 'records' | 'runs' = 'records'): AsyncGenerator<string> {
  const lineOf = emit === 'records' ? (cursor: RunCursor) => cursor.json : (cursor: RunCursor) => cursor.line;
  const sign = direction === 'asc' ? 1 : -1;
  const opened = await Promise.allSettled(sources);
  const failed = opened.find((result) => result.status === 'rejected');
  if (failed) {
    // Release the runs that did open (their S3 sockets) before reporting the one that did not.
    for (const result of opened) if (result.status === 'fulfilled') result.value.destroy();
    throw failed.reason;
  }
  const cursors = opened.map((result) => new RunCursor(lineBatches((result as PromiseFulfilledResult<Readable>).value)));
  const before = (a: RunCursor, b: RunCursor) => {
    const c = sign * compareValues(a.key, b.key) || a.i - b.i;
    return c < 0;
  };
  try {
    const heap: RunCursor[] = [];
    for (const cursor of cursors) if (await cursor.advanceOrRead()) heapPush(heap, cursor, before);
    let block: string[] = [];
    let chars = 0;
    while (heap.length > 0) {
      const top = heap[0]!;
      const text = lineOf(top);
      block.push(text);
      chars += text.length + 1;
      if (chars >= BLOCK_CHARS) {
        yield block.join('\n');
        block = [];
        chars = 0;
      }
      if (!top.advance() && !(await top.advanceOrRead())) {
        const last = heap.pop()!;
        if (heap.length === 0) break;
        heap[0] = last;
      }
      siftDown(heap, before);
    }
    if (block.length > 0) yield block.join('\n');
  } finally {
    // An abandoned merge (consumer stopped, or an error) must release every run's S3 stream.
    await Promise.allSettled(cursors.map((cursor) => cursor.close()));
  }
}
