import jsonata from 'jsonata';
import { keyedRecord } from '../keyed-record.ts';
import { exactStringify, normalizeNumber } from './exact-numbers.ts';
import { fieldReader, type BatchRecord } from './fields.ts';
import type { BadLine } from './record-readers.ts';

/** A record's derived fields, by name (prototype-free: names are the user's). */
export type DerivedValues = Record<string, unknown>;

/**
 * Compiles one `derive` expression; a syntax error is a `JobSpecError`-ready message naming the position.
 *
 * @example
 * compileDerivation('$floor(distance / 250)'); // the compiled expression
 */
export function compileDerivation(expression: string): jsonata.Expression {
  try {
    return jsonata(expression);
  } catch (err) {
    const { message, position } = err as { message: string; position?: number };
    throw new SyntaxError(`not a JSONata expression: ${message}${position === undefined ? '' : ` (at character ${position})`}`, { cause: err });
  }
}

/** What Split and the partition task need of a job's `derive`. */
export interface DerivedFields {
  /** Whether the job derives any field. */
  readonly active: boolean;
  /**
   * Reads a field path from a record and its derived fields: a path whose first step names a derived
   * field reads the derived value (a derived field hides a record field of the same name).
   */
  fieldReader(path: string): (record: BatchRecord, derived: DerivedValues | undefined) => unknown;
  /** Computes one record's derived fields, or says why it could not (a bad record, naming the field). */
  evaluate(record: BatchRecord, line: number): Promise<{ values: DerivedValues; json: string } | BadLine>;
}

/**
 * The derived fields of a job spec (`derive`: name → JSONata expression, evaluated per record in spec
 * order, before partitioning; an expression sees the record, not the other derived fields). A result
 * that is missing (`undefined`) leaves the field missing; a number beyond 2^53 becomes an exact integer;
 * a result that is not JSON data (a function, ±Infinity) or an evaluation error makes the record bad.
 *
 * @example
 * const derive = derivedFields({ band: '$floor(distance / 250)' });
 * const outcome = await derive.evaluate({ distance: 700 }, 1); // { values: { band: 2 }, json: '{"band":2}' }
 */
export function derivedFields(derive: Readonly<Record<string, string>> | undefined): DerivedFields {
  const entries = Object.entries(derive ?? {}).map(([name, expression]) => ({ name, expression: compileDerivation(expression) }));
  const names = new Set(entries.map((entry) => entry.name));
  return {
    active: entries.length > 0,
    fieldReader(path) {
      const first = path.split('.')[0]!;
      const read = fieldReader(path);
      if (!names.has(first)) return (record) => read(record);
      return (_record, derived) => (derived ? read(derived) : undefined);
    },
    async evaluate(record, line) {
      const values = keyedRecord<unknown>();
      for (const { name, expression } of entries) {
        let result: unknown;
        try {
          result = await expression.evaluate(record);
        } catch (err) {
          return { line, reason: `derive.${name}: ${(err as Error).message}` };
        }
        if (result === undefined) continue;
        const value = asJsonData(result);
        if (value === undefined) return { line, reason: `derive.${name}: the result (${describe(result)}) is not JSON data` };
        values[name] = value;
      }
      return { values, json: exactStringify(values) };
    },
  };
}

function describe(value: unknown): string {
  return typeof value === 'function' ? 'a function' : String(value);
}

/** The JSON data a JSONata result stands for (JSONata sequences are arrays with extra properties), or undefined. */
function asJsonData(value: unknown): unknown {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? normalizeNumber(value) : undefined;
    case 'string':
    case 'boolean':
      return value;
    case 'object': {
      if (value === null) return null;
      try {
        const text = JSON.stringify(value, (_key, item: unknown) => {
          if (typeof item === 'function' || (typeof item === 'number' && !Number.isFinite(item))) throw new TypeError('not JSON data');
          return item;
        });
        return JSON.parse(text) as unknown;
      } catch {
        return undefined;
      }
    }
    default:
      return undefined;
  }
}
