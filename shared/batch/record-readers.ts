import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { BadRecordError } from '../errors.ts';
import type { BatchRecord } from './fields.ts';
import { lineBatches } from './line-batches.ts';

/** One parsed input record and the 1-based line it ends on. */
export interface NumberedRecord {
  readonly line: number;
  readonly record: BatchRecord;
}

/** An input line that could not be made a record. */
export interface BadLine {
  readonly line: number;
  readonly reason: string;
}

/** What to do with a bad line: `fail` throws a {@link BadRecordError}, `skip` reports it to `onSkip`. */
export interface BadRecordHandling {
  readonly policy: 'skip' | 'fail';
  readonly onSkip?: (bad: BadLine) => void;
}

type ByteSource = Readable | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

function rejectOrSkip(bad: BadLine, handling: BadRecordHandling): void {
  if (handling.policy === 'fail') throw new BadRecordError(`input line ${bad.line}: ${bad.reason}`, bad.line);
  handling.onSkip?.(bad);
}

/**
 * Streams JSON Lines: one object per line, never the whole input in memory. Blank lines are ignored
 * (still counted); a line that is not a JSON object is bad.
 *
 * @example
 * for await (const { line, record } of readJsonLines(body, { policy: 'skip', onSkip: (b) => skipped.push(b) })) { ... }
 */
export async function* readJsonLines(source: ByteSource, handling: BadRecordHandling): AsyncGenerator<NumberedRecord> {
  for await (const batch of readJsonLineBatches(source, handling)) yield* batch;
}

/**
 * {@link readJsonLines} a batch of records at a time (one per chunk of the source), for hot loops
 * that should not pay a promise per record.
 *
 * @example
 * for await (const batch of readJsonLineBatches(body, { policy: 'fail' })) for (const { record } of batch) route(record);
 */
export async function* readJsonLineBatches(source: ByteSource, handling: BadRecordHandling): AsyncGenerator<NumberedRecord[]> {
  let line = 0;
  // lineBatches destroys the source when this generator is closed early.
  for await (const texts of lineBatches(source)) {
    const batch: NumberedRecord[] = [];
    for (const text of texts) {
      line += 1;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        rejectOrSkip({ line, reason: `not JSON (${(err as Error).message})` }, handling);
        continue;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        rejectOrSkip({ line, reason: 'not a JSON object' }, handling);
        continue;
      }
      batch.push({ line, record: value as BatchRecord });
    }
    if (batch.length > 0) yield batch;
  }
}

const numeric = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Streams CSV with a header row; values that look like numbers become numbers. A row whose column
 * count differs from the header's, or with broken quoting, is bad.
 *
 * @example
 * for await (const { record } of readCsvRecords(body, { policy: 'fail' })) { ... }
 */
export async function* readCsvRecords(source: ByteSource, handling: BadRecordHandling): AsyncGenerator<NumberedRecord> {
  const input = source instanceof Readable ? source : Readable.from(source);
  const skipped: BadLine[] = [];
  const parser = parse({
    columns: true,
    info: true,
    skip_empty_lines: true,
    skip_records_with_error: handling.policy === 'skip',
    on_skip: (err) => {
      skipped.push({ line: (err as { lines?: number } | undefined)?.lines ?? 0, reason: err?.message ?? 'malformed CSV row' });
      return undefined;
    },
    cast: (value, context) => (!context.header && numeric.test(value) ? Number(value) : value),
  });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  try {
    for await (const row of parser as AsyncIterable<{ info: { lines: number }; record: BatchRecord }>) {
      while (skipped.length > 0) handling.onSkip?.(skipped.shift()!);
      yield { line: row.info.lines, record: row.record };
    }
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    if (line === undefined) throw err;
    throw new BadRecordError(`input line ${line}: ${(err as Error).message}`, line, { cause: err });
  } finally {
    input.destroy();
  }
  while (skipped.length > 0) handling.onSkip?.(skipped.shift()!);
}
