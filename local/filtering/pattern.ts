import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { SluiceError } from '../../shared/errors.ts';
import { isJsonObject, JsonNumber, type Leaf } from './json-values.ts';

/**
 * Compiles one filter pattern into the rules it stands for, refusing what Lambda refuses. The syntax is
 * EventBridge's (Lambda: "For filter rules, Lambda supports the Amazon EventBridge rules and uses the same
 * syntax"): leaves are arrays of conditions (OR), keys are ANDed, `$or` lists alternative sub-patterns.
 * Each `$or` alternative becomes a rule of its own, so a compiled pattern matches when any rule does.
 */

/** A pattern Lambda would refuse when the mapping is created. */
export class InvalidFilterPatternError extends SluiceError {
  override readonly reason = 'invalid-filter-pattern';
}

/** One condition of a field's condition list. */
export type Condition =
  | { readonly kind: 'equals'; readonly value: Leaf }
  | { readonly kind: 'string'; readonly test: (value: string) => boolean }
  | { readonly kind: 'numeric'; readonly test: (value: number) => boolean }
  | { readonly kind: 'exists'; readonly exists: boolean }
  | { readonly kind: 'anything-but'; readonly values: readonly Leaf[] }
  | { readonly kind: 'anything-but-string'; readonly test: (value: string) => boolean };

/** A field of a rule: the path from the event's root and its conditions (any of them may match). */
export interface Field {
  readonly path: readonly string[];
  readonly conditions: readonly Condition[];
}

/** One way a pattern can match: every field must match, from the same element of any array they share. */
export type Rule = readonly Field[];

/** event-ruler's documented numeric range (README, Numeric matching): ±5.0e9, six decimals. */
export const NUMERIC_LIMIT = 5e9;
const NUMERIC_SCALE = 1e6;

/**
 * The rules of a pattern (a parsed JSON object whose numbers are {@link JsonNumber}s or plain numbers).
 *
 * @throws InvalidFilterPatternError naming the offending path.
 * @example
 * compilePattern({ data: { type: ['order'] } }); // [[{ path: ['data', 'type'], conditions: [equals 'order'] }]]
 */
export function compilePattern(pattern: unknown): Rule[] {
  if (!isJsonObject(pattern)) throw new InvalidFilterPatternError('a filter pattern must be a JSON object');
  return compileObject(pattern, []);
}

function compileObject(pattern: Record<string, unknown>, path: readonly string[]): Rule[] {
  const keys = Object.keys(pattern);
  if (keys.length === 0) throw new InvalidFilterPatternError(`${at(path)}: empty objects are not allowed`);
  let rules: Rule[] = [[]];
  for (const key of keys) {
    const value = pattern[key];
    let alternatives: Rule[];
    if (key === '$or') {
      if (!Array.isArray(value) || value.length < 2 || !value.every(isJsonObject)) {
        throw new InvalidFilterPatternError(`${at(path, key)}: $or takes an array of at least two patterns`);
      }
      alternatives = value.flatMap((alternative) => compileObject(alternative as Record<string, unknown>, path));
    } else if (Array.isArray(value)) {
      alternatives = [[{ path: [...path, key], conditions: compileConditions(value, [...path, key]) }]];
    } else if (isJsonObject(value)) {
      alternatives = compileObject(value, [...path, key]);
    } else {
      throw new InvalidFilterPatternError(`${at(path, key)}: a value must be an array of conditions or a nested pattern, got ${describe(value)}`);
    }
    rules = rules.flatMap((rule) => alternatives.map((alternative) => [...rule, ...alternative]));
  }
  return rules;
}

function compileConditions(conditions: readonly unknown[], path: readonly string[]): Condition[] {
  if (conditions.length === 0) throw new InvalidFilterPatternError(`${at(path)}: empty arrays are not allowed (match null with [null])`);
  return conditions.map((condition) => compileCondition(condition, path));
}

function compileCondition(condition: unknown, path: readonly string[]): Condition {
  if (isLiteral(condition)) return { kind: 'equals', value: literal(condition) };
  if (!isJsonObject(condition)) throw new InvalidFilterPatternError(`${at(path)}: ${describe(condition)} is not a condition (nested arrays are not allowed)`);
  const keys = Object.keys(condition);
  if (keys.length !== 1) throw new InvalidFilterPatternError(`${at(path)}: a condition has exactly one operator, got ${JSON.stringify(keys)}`);
  const operator = keys[0]!;
  const operand = condition[operator];
  switch (operator) {
    case 'prefix':
    case 'suffix':
      return { kind: 'string', test: affixTest(operator, operand, path) };
    case 'equals-ignore-case':
      return { kind: 'string', test: ignoreCaseTest(requireString(operand, path, operator)) };
    case 'wildcard':
      return { kind: 'string', test: wildcardTest(requireString(operand, path, operator), path) };
    case 'cidr':
      return { kind: 'string', test: cidrTest(operand, path) };
    case 'numeric':
      return { kind: 'numeric', test: numericTest(operand, path) };
    case 'exists':
      if (typeof operand !== 'boolean') throw new InvalidFilterPatternError(`${at(path)}: exists takes true or false`);
      return { kind: 'exists', exists: operand };
    case 'anything-but':
      return anythingBut(operand, path);
    default:
      throw new InvalidFilterPatternError(`${at(path)}: unsupported filter operator ${JSON.stringify(operator)}`);
  }
}

function anythingBut(operand: unknown, path: readonly string[]): Condition {
  if (typeof operand === 'string' || isNumber(operand)) return { kind: 'anything-but', values: [literal(operand)] };
  if (Array.isArray(operand)) {
    const strings = operand.every((v) => typeof v === 'string');
    const numbers = operand.every(isNumber);
    if (operand.length === 0 || !(strings || numbers)) {
      throw new InvalidFilterPatternError(`${at(path)}: anything-but takes a string, a number, or a non-empty list of only strings or only numbers`);
    }
    return { kind: 'anything-but', values: operand.map((v) => literal(v as string | number | JsonNumber)) };
  }
  if (isJsonObject(operand)) {
    const keys = Object.keys(operand);
    const inner = keys[0];
    if (keys.length !== 1 || inner === undefined || !ANYTHING_BUT_OPERATORS.has(inner)) {
      throw new InvalidFilterPatternError(`${at(path)}: anything-but takes one of ${[...ANYTHING_BUT_OPERATORS].join(', ')}, got ${JSON.stringify(keys)}`);
    }
    const raw = operand[inner];
    const values = Array.isArray(raw) && raw.length > 0 ? raw : [raw];
    const tests = values.map((value) => {
      const text = requireString(value, path, `anything-but ${inner}`);
      if (inner === 'prefix') return (v: string) => v.startsWith(text);
      if (inner === 'suffix') return (v: string) => v.endsWith(text);
      if (inner === 'equals-ignore-case') return ignoreCaseTest(text);
      return wildcardTest(text, path);
    });
    return { kind: 'anything-but-string', test: (v) => tests.some((test) => test(v)) };
  }
  throw new InvalidFilterPatternError(`${at(path)}: anything-but cannot take ${describe(operand)}`);
}

const ANYTHING_BUT_OPERATORS = new Set(['prefix', 'suffix', 'equals-ignore-case', 'wildcard']);

function affixTest(operator: 'prefix' | 'suffix', operand: unknown, path: readonly string[]): (value: string) => boolean {
  // `{ "prefix": { "equals-ignore-case": "eventb" } }`: the EventBridge operators page's "Begins with (ignore case)".
  if (isJsonObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') throw new InvalidFilterPatternError(`${at(path)}: ${operator} takes a string or { "equals-ignore-case": string }`);
    const text = fold(requireString(operand['equals-ignore-case'], path, operator));
    return operator === 'prefix' ? (v) => fold(v).startsWith(text) : (v) => fold(v).endsWith(text);
  }
  const text = requireString(operand, path, operator);
  return operator === 'prefix' ? (v) => v.startsWith(text) : (v) => v.endsWith(text);
}

function ignoreCaseTest(expected: string): (value: string) => boolean {
  const folded = fold(expected);
  return (value) => fold(value) === folded;
}

/** Case folding for equals-ignore-case (Unicode-aware lower case of the upper case, so ß and SS compare equal). */
function fold(text: string): string {
  return text.toUpperCase().toLowerCase();
}

/**
 * `*` matches any run of characters; `\*` is a literal asterisk and `\\` a backslash. Consecutive
 * wildcards and any other escape are refused, as event-ruler's README documents.
 */
function wildcardTest(pattern: string, path: readonly string[]): (value: string) => boolean {
  let source = '';
  for (let i = 0; i < pattern.length; i += 1) {
    const char = pattern[i]!;
    if (char === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') throw new InvalidFilterPatternError(`${at(path)}: wildcard may only escape * or \\`);
      source += escapeRegExp(next);
      i += 1;
    } else if (char === '*') {
      if (pattern[i + 1] === '*') throw new InvalidFilterPatternError(`${at(path)}: wildcard may not have consecutive *`);
      source += '.*';
    } else {
      source += escapeRegExp(char);
    }
  }
  const regExp = new RegExp(`^${source}$`, 'su');
  return (value) => regExp.test(value);
}

function cidrTest(operand: unknown, path: readonly string[]): (value: string) => boolean {
  const text = requireString(operand, path, 'cidr');
  const [address, bits, extra] = text.split('/');
  const prefix = Number(bits);
  const family = address !== undefined && isIPv4(address) ? 'ipv4' : address !== undefined && isIPv6(address) ? 'ipv6' : undefined;
  if (!family || extra !== undefined || !/^\d+$/.test(bits ?? '') || prefix > (family === 'ipv4' ? 32 : 128)) {
    throw new InvalidFilterPatternError(`${at(path)}: ${JSON.stringify(text)} is not a CIDR block`);
  }
  const block = new BlockList();
  block.addSubnet(address!, prefix, family);
  return (value) => (isIPv4(value) ? block.check(value, 'ipv4') : isIPv6(value) ? block.check(value, 'ipv6') : false);
}

/**
 * `numeric`: `[op, n]`, or a lower bound then an upper bound (`[">", 0, "<=", 5]`), the forms the Lambda and
 * EventBridge pages show. Values compare at event-ruler's documented precision (six decimals, ±5.0e9).
 */
function numericTest(operand: unknown, path: readonly string[]): (value: number) => boolean {
  const pairs: [string, number][] = [];
  if (Array.isArray(operand) && (operand.length === 2 || operand.length === 4)) {
    for (let i = 0; i < operand.length; i += 2) {
      const op = operand[i];
      const bound = operand[i + 1];
      if (typeof op !== 'string' || !isNumber(bound)) break;
      pairs.push([op, bound instanceof JsonNumber ? bound.value : bound]);
    }
  }
  const ops = pairs.map(([op]) => op).join(' ');
  const valid =
    pairs.length * 2 === (operand as unknown[] | undefined)?.length &&
    (/^(=|<|<=|>|>=)$/.test(ops) || /^(>|>=) (<|<=)$/.test(ops)) &&
    pairs.every(([, bound]) => Math.abs(bound) <= NUMERIC_LIMIT);
  if (!valid) {
    throw new InvalidFilterPatternError(`${at(path)}: numeric takes [op, n] or [">"|">=", low, "<"|"<=", high] with numbers within ±${NUMERIC_LIMIT}`);
  }
  const scaled = pairs.map(([op, bound]) => [op, Math.round(bound * NUMERIC_SCALE)] as const);
  return (value) => {
    if (!Number.isFinite(value) || Math.abs(value) > NUMERIC_LIMIT) return false;
    const v = Math.round(value * NUMERIC_SCALE);
    return scaled.every(([op, bound]) => (op === '=' ? v === bound : op === '<' ? v < bound : op === '<=' ? v <= bound : op === '>' ? v > bound : v >= bound));
  };
}

function isLiteral(value: unknown): value is string | boolean | null | number | JsonNumber {
  return value === null || typeof value === 'string' || typeof value === 'boolean' || isNumber(value);
}

function isNumber(value: unknown): value is number | JsonNumber {
  return typeof value === 'number' || value instanceof JsonNumber;
}

function literal(value: string | boolean | null | number | JsonNumber): Leaf {
  return typeof value === 'number' ? new JsonNumber(value, JSON.stringify(value)) : value;
}

function requireString(value: unknown, path: readonly string[], operator: string): string {
  if (typeof value !== 'string') throw new InvalidFilterPatternError(`${at(path)}: ${operator} takes a string, got ${describe(value)}`);
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function describe(value: unknown): string {
  return value instanceof JsonNumber ? value.text : JSON.stringify(value) ?? String(value);
}

function at(path: readonly string[], key?: string): string {
  const full = key === undefined ? path : [...path, key];
  return full.length === 0 ? '(pattern)' : full.join('.');
}
