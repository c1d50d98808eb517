import { ownValue } from '../shared/keyed-record.ts';

/**
 * Lambda event filtering (the `FilterCriteria` of an event source mapping), evaluated locally with the
 * rule syntax AWS documents in "Control which events Lambda sends to your function": a pattern is a JSON
 * object whose leaves are arrays of conditions (OR within an array, AND across keys); conditions are
 * literals (exact match, `null`, `""`), `prefix`, `suffix`, `equals-ignore-case`, `wildcard`, `numeric`
 * ranges, `exists`, `anything-but` (values, or a prefix / suffix / equals-ignore-case inside), and `$or`
 * combines sub-patterns. When the event's value is an array, a condition matches if any element does.
 *
 * Generic on purpose: the Kinesis poller matches `{ ...record.kinesis, data: <decoded JSON> }`, the SQS
 * poller matches `{ ...message, body: <decoded JSON> }`.
 */

/** A parsed filter pattern: the JSON object of one `Filters[].Pattern`. */
export type FilterPattern = { readonly [key: string]: unknown };

/** The `FilterCriteria` property of an `AWS::Lambda::EventSourceMapping`. */
export interface FilterCriteria {
  readonly Filters?: readonly { readonly Pattern?: string }[];
}

/** A pattern that Lambda would reject when the mapping is created. */
export class InvalidFilterPatternError extends Error {
  override readonly name = 'InvalidFilterPatternError';
}

/**
 * Parses the patterns of a mapping's `FilterCriteria` (each `Pattern` is a JSON string) and checks their
 * syntax, so a typo fails when the poller starts instead of silently dropping every record.
 *
 * @example
 * const patterns = parseFilterCriteria({ Filters: [{ Pattern: '{"data":{"type":["order"]}}' }] });
 */
export function parseFilterCriteria(criteria: FilterCriteria | undefined): FilterPattern[] {
  return (criteria?.Filters ?? []).map(({ Pattern }) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(Pattern ?? '');
    } catch {
      throw new InvalidFilterPatternError(`filter pattern is not JSON: ${Pattern}`);
    }
    if (!isObject(parsed)) throw new InvalidFilterPatternError(`filter pattern must be a JSON object: ${Pattern}`);
    assertValidPattern(parsed, '');
    return parsed;
  });
}

/**
 * Whether an event passes a mapping's filters: with no filters every event passes; otherwise Lambda sends
 * the event when at least one pattern matches.
 *
 * @example
 * if (!matchesAnyPattern(patterns, { ...record.kinesis, data })) checkpointAndSkip(record);
 */
export function matchesAnyPattern(patterns: readonly FilterPattern[], event: unknown): boolean {
  return patterns.length === 0 || patterns.some((pattern) => matchesPattern(pattern, event));
}

/**
 * Whether one filter pattern matches an event.
 *
 * @example
 * matchesPattern({ data: { amount: [{ numeric: ['>', 0] }] } }, { data: { amount: 5 } }); // true
 */
export function matchesPattern(pattern: FilterPattern, event: unknown): boolean {
  for (const [key, rule] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(rule as FilterPattern[]).some((alternative) => matchesPattern(alternative, event))) return false;
      continue;
    }
    // Only the event's own fields: a pattern key `constructor` must not find what every object inherits.
    const value = isObject(event) ? ownValue(event, key) : undefined;
    if (Array.isArray(rule)) {
      if (!rule.some((condition) => matchesCondition(condition, value))) return false;
    } else if (!matchesPattern(rule as FilterPattern, value)) {
      return false;
    }
  }
  return true;
}

function matchesCondition(condition: unknown, value: unknown): boolean {
  if (isObject(condition)) {
    if (Object.hasOwn(condition, 'exists')) return condition.exists === isPresentLeaf(value);
    if (value === undefined) return false;
    return anyElement(value, (v) => matchesOperator(condition, v));
  }
  if (value === undefined) return false;
  return anyElement(value, (v) => v === condition);
}

function matchesOperator(condition: Record<string, unknown>, value: unknown): boolean {
  const [operator, operand] = Object.entries(condition)[0] ?? [];
  switch (operator) {
    case 'prefix':
      return typeof value === 'string' && matchesStringOperator('prefix', operand, value);
    case 'suffix':
      return typeof value === 'string' && matchesStringOperator('suffix', operand, value);
    case 'equals-ignore-case':
      return typeof value === 'string' && matchesStringOperator('equals-ignore-case', operand, value);
    case 'wildcard':
      return typeof value === 'string' && wildcardRegExp(operand as string).test(value);
    case 'numeric':
      return typeof value === 'number' && matchesNumeric(operand as unknown[], value);
    case 'anything-but':
      return !matchesAnythingButOperand(operand, value);
    default:
      throw new InvalidFilterPatternError(`unsupported filter operator: ${operator}`);
  }
}

function matchesStringOperator(operator: 'prefix' | 'suffix' | 'equals-ignore-case', operand: unknown, value: string): boolean {
  // `prefix`/`suffix` also accept `{ "equals-ignore-case": "..." }` as their operand.
  const ignoreCase = isObject(operand);
  const expected = String(ignoreCase ? operand['equals-ignore-case'] : operand);
  const [v, e] = ignoreCase || operator === 'equals-ignore-case' ? [value.toLowerCase(), expected.toLowerCase()] : [value, expected];
  if (operator === 'prefix') return v.startsWith(e);
  if (operator === 'suffix') return v.endsWith(e);
  return v === e;
}

function matchesAnythingButOperand(operand: unknown, value: unknown): boolean {
  if (isObject(operand)) {
    const [operator, inner] = Object.entries(operand)[0] ?? [];
    if (typeof value !== 'string') return false;
    const alternatives = Array.isArray(inner) ? inner : [inner];
    return alternatives.some((alternative) =>
      matchesStringOperator(operator as 'prefix' | 'suffix' | 'equals-ignore-case', alternative, value),
    );
  }
  const excluded = Array.isArray(operand) ? operand : [operand];
  return excluded.some((candidate) => candidate === value);
}

function matchesNumeric(operand: readonly unknown[], value: number): boolean {
  for (let i = 0; i < operand.length; i += 2) {
    const bound = operand[i + 1] as number;
    const ok = { '=': value === bound, '<': value < bound, '<=': value <= bound, '>': value > bound, '>=': value >= bound }[
      operand[i] as '=' | '<' | '<=' | '>' | '>='
    ];
    if (!ok) return false;
  }
  return true;
}

function wildcardRegExp(pattern: string): RegExp {
  const escaped = pattern
    .split(/(?<!\\)\*/)
    .map((part) => part.replace(/\\\*/g, '*').replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${escaped}$`, 's');
}

/** `exists` matches leaves only: a scalar (including null) or an array of them, as EventBridge defines it. */
function isPresentLeaf(value: unknown): boolean {
  return value !== undefined && !isObject(value);
}

function anyElement(value: unknown, test: (v: unknown) => boolean): boolean {
  return Array.isArray(value) ? value.some(test) : test(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const OPERATORS = new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'numeric', 'anything-but', 'exists']);
const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

function assertValidPattern(pattern: Record<string, unknown>, path: string): void {
  for (const [key, rule] of Object.entries(pattern)) {
    const at = path ? `${path}.${key}` : key;
    if (key === '$or') {
      if (!Array.isArray(rule) || rule.length < 2 || !rule.every(isObject)) {
        throw new InvalidFilterPatternError(`${at} must be an array of at least two patterns`);
      }
      rule.forEach((alternative) => assertValidPattern(alternative as Record<string, unknown>, path));
    } else if (Array.isArray(rule)) {
      rule.forEach((condition) => assertValidCondition(condition, at));
    } else if (isObject(rule)) {
      assertValidPattern(rule, at);
    } else {
      throw new InvalidFilterPatternError(`${at}: a filter value must be an array of conditions or a nested pattern`);
    }
  }
}

function assertValidCondition(condition: unknown, at: string): void {
  if (!isObject(condition)) {
    if (Array.isArray(condition)) throw new InvalidFilterPatternError(`${at}: nested arrays are not allowed`);
    return;
  }
  const keys = Object.keys(condition);
  const operator = keys[0];
  if (keys.length !== 1 || operator === undefined || !OPERATORS.has(operator)) {
    throw new InvalidFilterPatternError(`${at}: unsupported condition ${JSON.stringify(condition)}`);
  }
  const operand = condition[operator];
  if (operator === 'numeric') {
    const valid =
      Array.isArray(operand) &&
      operand.length > 0 &&
      operand.length % 2 === 0 &&
      operand.every((item, i) => (i % 2 === 0 ? NUMERIC_OPERATORS.has(item as string) : typeof item === 'number'));
    if (!valid) throw new InvalidFilterPatternError(`${at}: numeric needs [operator, number, ...] pairs`);
  }
  if (operator === 'exists' && typeof operand !== 'boolean') throw new InvalidFilterPatternError(`${at}: exists takes true or false`);
}
