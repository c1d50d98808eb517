import { exactParse, exactStringify, numberFromText } from './exact-numbers.ts';

/**
 * Line formats between the tasks. Records travel as the JSON text Split read (a JSON Lines line as
 * written, a CSV row as JSON), so later tasks copy it instead of re-serializing it. The fields before the
 * record never hold a tab (JSON.stringify escapes control characters), so the first tabs separate them;
 * the record's JSON, last, may hold tabs as whitespace.
 * - chunk line (Split → ProcessPartition): `<input line number>\t<derived fields JSON, or empty>\t<record JSON>`
 * - run line (ProcessPartition → Reduce): `<sort key, see encodeKey>\t<input line number>\t<record JSON>`
 */

/**
 * A chunk line: the record's input line number, its derived fields (a JSON object, `''` when the job
 * derives none) and its JSON text.
 *
 * @example
 * chunkLine(7, '', '{"a":1}'); // '7\t\t{"a":1}\n'
 */
export function chunkLine(i: number, derived: string, json: string): string {
  return `${i}\t${derived}\t${json}\n`;
}

/**
 * Takes a chunk line apart (without its newline).
 *
 * @example
 * parseChunkLine('7\t{"band":2}\t{"a":1}'); // { i: 7, derived: '{"band":2}', json: '{"a":1}' }
 */
export function parseChunkLine(line: string): { i: number; derived: string; json: string } {
  const first = line.indexOf('\t');
  const second = line.indexOf('\t', first + 1);
  return { i: Number(line.slice(0, first)), derived: line.slice(first + 1, second), json: line.slice(second + 1) };
}

/**
 * A run line: the encoded sort key ({@link encodeKey}), the input line number and the record's JSON.
 *
 * @example
 * runLine(encodeKey(12.5), 7, '{"amount":12.5}'); // '12.5\t7\t{"amount":12.5}\n'
 */
export function runLine(keyText: string, i: number, json: string): string {
  return `${keyText}\t${i}\t${json}\n`;
}

/**
 * Takes a run line apart (without its newline).
 *
 * @example
 * parseRunLine('12.5\t7\t{"amount":12.5}'); // { i: 7, keyText: '12.5', json: '{"amount":12.5}' }
 */
export function parseRunLine(line: string): { i: number; keyText: string; json: string } {
  const first = line.indexOf('\t');
  const second = line.indexOf('\t', first + 1);
  return { i: Number(line.slice(first + 1, second)), keyText: line.slice(0, first), json: line.slice(second + 1) };
}

/**
 * The text of a sort key in a run line: its JSON, or the empty string for a missing value (which
 * {@link compareValues} ranks with `null`).
 *
 * @example
 * encodeKey('eu'); // '"eu"'
 * encodeKey(undefined); // ''
 */
export function encodeKey(value: unknown): string {
  return value === undefined ? '' : (exactStringify(value) ?? '');
}

/**
 * The sort key back from its run-line text, equal to the value {@link encodeKey} was given (numbers
 * exact: `numberFromText`). Numbers and escape-free strings skip JSON.parse: they are most keys.
 *
 * @example
 * decodeKey('"eu"'); // 'eu'
 */
export function decodeKey(text: string): unknown {
  if (text === '') return undefined;
  const first = text.charCodeAt(0);
  if (first === 34 /* " */) return text.includes('\\') ? (JSON.parse(text) as string) : text.slice(1, -1);
  if (first === 45 /* - */ || (first >= 48 && first <= 57)) return numberFromText(text);
  return exactParse(text);
}
