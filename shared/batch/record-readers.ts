import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { BadRecordError } from '../errors.ts';
import type { BatchRecord } from './fields.ts';
import { lineBatches } from './line-batches.ts';

/**
 * One input record: its 1-based line number (the line it ends on), the parsed record, and its JSON text
 * as it goes through the job: a JSON Lines line as written (so numbers keep every digit), a CSV row as
 * JSON built from the cells' text.
 */
export interface NumberedRecord {
  readonly line: number;
  readonly record: BatchRecord;
  readonly json: string;
}

/** Input lines that could not be made a record: from `line`, `lines` of them (default 1). */
export interface BadLine {
  readonly line: number;
  readonly reason: string;
  readonly lines?: number;
}

/** What to do with a bad line: `fail` throws a {@link BadRecordError}, `skip` reports it to `onSkip`. */
export interface BadRecordHandling {
  readonly policy: 'skip' | 'fail';
  readonly onSkip?: (bad: BadLine) => void;
}

type ByteSource = Readable | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/**
 * Applies the bad-record policy to one bad line.
 *
 * @example
 * rejectOrSkip({ line: 7, reason: 'not JSON' }, { policy: 'skip', onSkip });
 */
export function rejectOrSkip(bad: BadLine, handling: BadRecordHandling): void {
  if (handling.policy === 'fail') throw new BadRecordError(`input line ${bad.line}: ${bad.reason}`, bad.line);
  handling.onSkip?.(bad);
}

/**
 * Streams JSON Lines: one object per line, never the whole input in memory, a batch of records at a
 * time (one per chunk of the source: hot loops should not pay a promise per record). A UTF-8 byte
 * order mark is dropped; lines end in `\n`, `\r\n` or `\r`; blank and whitespace-only lines are
 * ignored (still counted); a line that is not a JSON object is bad.
 *
 * @example
 * for await (const batch of readJsonLineBatches(body, { policy: 'fail' })) for (const { record } of batch) route(record);
 */
export async function* readJsonLineBatches(source: ByteSource, handling: BadRecordHandling): AsyncGenerator<NumberedRecord[]> {
  let line = 0;
  // lineBatches destroys the source when this generator is closed early.
  for await (const texts of lineBatches(source)) {
    const batch: NumberedRecord[] = [];
    for (let text of texts) {
      line += 1;
      if (line === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        if (text.trim() === '') continue;
        rejectOrSkip({ line, reason: `not JSON (${(err as Error).message})` }, handling);
        continue;
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        rejectOrSkip({ line, reason: 'not a JSON object' }, handling);
        continue;
      }
      // JSON.parse allowed space around the object; the text the job carries starts at `{`.
      const first = text.charCodeAt(0);
      batch.push({ line, record: value as BatchRecord, json: first === 123 && text.charCodeAt(text.length - 1) === 125 ? text : text.trim() });
    }
    if (batch.length > 0) yield batch;
  }
}

/** JSON's number grammar: such a cell is a number (`007`, `1.`, `+1` and `0x1` are text). */
const numeric = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** An unquoted cell of spaces only: a line of it alone is a blank line. */
class BlankCell {
  constructor(readonly text: string) {}
}

/**
 * Streams CSV with a header row, the way files come:
 * - a UTF-8 byte order mark is dropped; lines may end in `\n`, `\r\n` or `\r`, mixed;
 * - blank and whitespace-only lines are ignored (still counted), as in JSON Lines;
 * - a cell that is JSON's number grammar is a number, written into the record's JSON as it is (so the
 *   job keeps it exact, `numberFromText`: `12345678901234567891`, `1e400`, `-0`); other cells are strings;
 * - an empty unquoted cell is a missing field (the record has no such key), a quoted empty cell `""` is
 *   the empty string: PostgreSQL's `COPY … CSV` rule for NULL and '';
 * - header names are taken as they are (`customer.id` is one field; see `fieldReader`); a name used
 *   twice is refused, as one column would silently overwrite the other;
 * - a row with another number of cells than the header, or broken quoting, is bad; an unclosed quote
 *   makes every line up to the end of the input bad (all counted).
 *
 * @example
 * for await (const { record } of readCsvRecords(body, { policy: 'fail' })) { ... }
 */
export async function* readCsvRecords(source: ByteSource, handling: BadRecordHandling): AsyncGenerator<NumberedRecord> {
  const input = source instanceof Readable ? source : Readable.from(source);
  const skipped: BadLine[] = [];
  // The line the last record (or bad record) ended on: a bad one spans the lines after it up to its error.
  let lastLine = 0;
  const parser = parse({
    bom: true,
    info: true,
    relax_column_count: true,
    record_delimiter: ['\r\n', '\n', '\r'],
    skip_empty_lines: true,
    skip_records_with_error: handling.policy === 'skip',
    on_record: (record, context) => {
      lastLine = context.lines;
      return record;
    },
    on_skip: (err) => {
      const line = (err as { lines?: number } | undefined)?.lines ?? lastLine + 1;
      skipped.push(badSpan(lastLine + 1, line, err?.message ?? 'malformed CSV row'));
      lastLine = line;
      return undefined;
    },
    cast: (value, context) => (!context.quoting && value.trim() === '' ? (value === '' ? null : new BlankCell(value)) : value),
  });
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  let header: { names: string[]; quoted: string[] } | undefined;
  try {
    for await (const row of parser as AsyncIterable<{ info: { lines: number }; record: (string | null | BlankCell)[] }>) {
      while (skipped.length > 0) rejectOrSkip(skipped.shift()!, handling);
      const cells = row.record;
      const line = row.info.lines;
      if (cells.length === 1 && (cells[0] === null || cells[0] instanceof BlankCell)) continue;
      if (!header) {
        header = csvHeader(cells, line);
        continue;
      }
      if (cells.length !== header.names.length) {
        rejectOrSkip({ line, reason: `the row has ${cells.length} cells, the header ${header.names.length}` }, handling);
        continue;
      }
      yield csvRecord(header, cells, line);
    }
  } catch (err) {
    if (err instanceof BadRecordError) throw err;
    const line = (err as { lines?: number }).lines;
    if (line === undefined) throw err;
    const bad = badSpan(lastLine + 1, line, (err as Error).message);
    throw new BadRecordError(`input line ${bad.line}: ${bad.reason}`, bad.line, { cause: err });
  } finally {
    input.destroy();
  }
  while (skipped.length > 0) rejectOrSkip(skipped.shift()!, handling);
}

function badSpan(first: number, last: number, message: string): BadLine {
  const lines = Math.max(last - first + 1, 1);
  return lines === 1 ? { line: first, reason: message } : { line: first, reason: `${message} (lines ${first}–${last} not read)`, lines };
}

function csvHeader(cells: readonly (string | null | BlankCell)[], line: number): { names: string[]; quoted: string[] } {
  const names = cells.map((cell) => (cell instanceof BlankCell ? cell.text : (cell ?? '')));
  const seen = new Map<string, number>();
  names.forEach((name, column) => {
    const first = seen.get(name);
    if (first !== undefined) {
      throw new BadRecordError(`input line ${line}: the CSV header names ${JSON.stringify(name)} twice (columns ${first + 1} and ${column + 1}): rename one`, line);
    }
    seen.set(name, column);
  });
  return { names, quoted: names.map((name) => `${JSON.stringify(name)}:`) };
}

/**
 * A row as a record and as JSON. The record holds numbers as JSON.parse would (it serves partitioning
 * and `derive`, which compute with doubles); the JSON text holds each number cell as written, which
 * is what the job's keys and aggregates read.
 */
function csvRecord(header: { names: string[]; quoted: string[] }, cells: readonly (string | null | BlankCell)[], line: number): NumberedRecord {
  const record = Object.create(null) as BatchRecord;
  const parts: string[] = [];
  for (let column = 0; column < cells.length; column++) {
    const raw = cells[column]!;
    if (raw === null) continue;
    const cell = raw instanceof BlankCell ? raw.text : raw;
    const name = header.names[column]!;
    if (numeric.test(cell)) {
      record[name] = Number(cell);
      parts.push(header.quoted[column]! + cell);
    } else {
      record[name] = cell;
      parts.push(header.quoted[column]! + JSON.stringify(cell));
    }
  }
  return { line, record, json: `{${parts.join(',')}}` };
}
