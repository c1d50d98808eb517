import type { AggregateSpec, SortSpec } from './job-spec.ts';
import { readOwnPath } from './fields.ts';
import { exactParse } from './exact-numbers.ts';
import { decodeKey } from './run-lines.ts';

/**
 * Reads a few fields of a record straight from its JSON text, without parsing the rest: only the
 * values of the wanted top-level keys are decoded. The text must be one valid JSON object (Split checked
 * it with JSON.parse), as written: whitespace and escaped keys are read as JSON.parse reads them, and a
 * key given twice takes its last value, as with JSON.parse. Numbers are exact (`numberFromText`).
 */
export class JsonFieldReader {
  /** Per path: the JSON text of its first step as JSON.stringify writes the key (`"amount"`), and the whole dotted path's. */
  private readonly quotedKeys: string[];
  private readonly quotedWholes: (string | undefined)[];
  private readonly names: string[];
  private readonly wholeNames: (string | undefined)[];
  /** Per path: the steps after the first, for dotted paths (`customer.id` → `['id']`). */
  private readonly rest: string[][];
  private readonly wholeTexts: (string | undefined)[];
  /** Per path: the raw JSON text of the top-level value of the last line read, `undefined` when missing. */
  readonly texts: (string | undefined)[];
  /** Per path: the value of the last line read, as `fieldReader(path)(exactParse(json))` gives it. */
  readonly values: unknown[];

  constructor(readonly paths: readonly string[]) {
    const steps = paths.map((path) => path.split('.'));
    this.names = steps.map(([first]) => first!);
    this.quotedKeys = this.names.map((name) => JSON.stringify(name));
    this.wholeNames = paths.map((path) => (path.includes('.') ? path : undefined));
    this.quotedWholes = this.wholeNames.map((name) => (name === undefined ? undefined : JSON.stringify(name)));
    this.rest = steps.map(([, ...rest]) => rest);
    this.texts = paths.map(() => undefined);
    this.wholeTexts = paths.map(() => undefined);
    this.values = paths.map(() => undefined);
  }

  /**
   * Whether the job's paths are read from text. Paths naming a property that objects or arrays inherit
   * (`constructor`, `toString`, `__proto__`, …) take the parsed path instead: it reads own fields only,
   * as this reader does, and such names are too rare to need the fast path.
   *
   * @example
   * JsonFieldReader.canRead(['amount', 'customer.id']); // true
   */
  static canRead(paths: readonly string[]): boolean {
    return paths.every((path) => path.split('.').every((step) => !(step in Object.prototype) && (!(step in Array.prototype) || step === 'length')));
  }

  /**
   * Reads the paths from one record's JSON text into `texts` and `values` (reused between calls).
   *
   * @example
   * const reader = new JsonFieldReader(['amount', 'region']);
   * reader.read('{"id":1,"region":"eu","amount":12.5}'); // reader.values: [12.5, 'eu']
   */
  read(json: string): void {
    const { quotedKeys, quotedWholes, texts, wholeTexts, values, rest } = this;
    texts.fill(undefined);
    wholeTexts.fill(undefined);
    let at = skipSpace(json, 1);
    if (json.charCodeAt(at) !== 125 /* } */) {
      for (;;) {
        const keyEnd = endOfString(json, at);
        const valueStart = skipSpace(json, skipSpace(json, keyEnd) + 1);
        const valueEnd = endOfValue(json, valueStart);
        const keyLength = keyEnd - at;
        // An escaped key (`"\u0061mount"`) is another text for the same name: decode those (rare) ones.
        const decoded = hasBackslash(json, at, keyEnd) ? (JSON.parse(json.slice(at, keyEnd)) as string) : undefined;
        for (let p = 0; p < quotedKeys.length; p++) {
          const quoted = quotedKeys[p]!;
          if (decoded === undefined ? quoted.length === keyLength && json.startsWith(quoted, at) : decoded === this.names[p]) texts[p] = json.slice(valueStart, valueEnd);
          const whole = quotedWholes[p];
          if (whole !== undefined && (decoded === undefined ? whole.length === keyLength && json.startsWith(whole, at) : decoded === this.wholeNames[p])) {
            wholeTexts[p] = json.slice(valueStart, valueEnd);
          }
        }
        const next = skipSpace(json, valueEnd);
        if (json.charCodeAt(next) !== 44 /* , */) break;
        at = skipSpace(json, next + 1);
      }
    }
    for (let p = 0; p < texts.length; p++) {
      const whole = wholeTexts[p];
      if (whole !== undefined) {
        texts[p] = whole;
        values[p] = decodeKey(whole);
        continue;
      }
      const text = texts[p];
      const steps = rest[p]!;
      values[p] = text === undefined ? undefined : steps.length === 0 ? decodeKey(text) : readOwnPath(exactParse(text), steps);
    }
  }
}

function hasBackslash(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 92) return true;
  return false;
}

function skipSpace(text: string, at: number): number {
  let i = at;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
    i++;
  }
}

/** Index just past the string that starts (with its quote) at `at`. */
function endOfString(text: string, at: number): number {
  let from = at + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) throw new Error('record text is not JSON: unterminated string');
    // The quote is escaped when an odd number of backslashes precede it.
    let backslash = quote - 1;
    while (text.charCodeAt(backslash) === 92 /* \ */) backslash--;
    if ((quote - 1 - backslash) % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** Index just past the JSON value that starts at `at`. */
function endOfValue(text: string, at: number): number {
  const first = text.charCodeAt(at);
  if (first === 34 /* " */) return endOfString(text, at);
  if (first === 123 /* { */ || first === 91 /* [ */) {
    let depth = 0;
    let i = at;
    for (;;) {
      if (i >= text.length) throw new Error('record text is not JSON: unterminated value');
      const c = text.charCodeAt(i);
      if (c === 34) {
        i = endOfString(text, i);
        continue;
      }
      if (c === 123 || c === 91) depth++;
      else if ((c === 125 || c === 93) && --depth === 0) return i + 1;
      i++;
    }
  }
  // Number, true, false or null: up to the next separator or space.
  let i = at + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 44 /* , */ || c === 125 /* } */ || c === 93 /* ] */ || c === 32 || c === 9 || c === 10 || c === 13) break;
    i++;
  }
  return i;
}

/** What a partition task reads of each record: distinct paths and where each use finds its value. */
export interface PartitionFields {
  /** Distinct field paths. */
  readonly paths: readonly string[];
  /** Index in `paths` of the sort key. */
  readonly sort: number;
  /** Index in `paths` of the group key. */
  readonly group: number;
  /** Per aggregate of the spec: index in `paths` of its field, -1 for `count`. */
  readonly aggregates: readonly number[];
}

/**
 * The fields a partition task needs of each record: sort key, group key and the aggregates' fields.
 *
 * @example
 * partitionFields({ sort: { key: 'amount', direction: 'asc' }, groupBy: 'region', aggregates: [{ op: 'count' }] });
 * // { paths: ['amount', 'region'], sort: 0, group: 1, aggregates: [-1] }
 */
export function partitionFields(job: { readonly sort: SortSpec; readonly groupBy: string; readonly aggregates: readonly AggregateSpec[] }): PartitionFields {
  const paths: string[] = [];
  const indexOf = (path: string) => {
    const found = paths.indexOf(path);
    return found >= 0 ? found : paths.push(path) - 1;
  };
  const sort = indexOf(job.sort.key);
  const group = indexOf(job.groupBy);
  const aggregates = job.aggregates.map((spec) => (spec.op === 'count' ? -1 : indexOf(spec.op === 'topK' ? spec.by : spec.field)));
  return { paths, sort, group, aggregates };
}
