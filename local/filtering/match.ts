import { ownValue } from '../../shared/keyed-record.ts';
import { isJsonObject, isLeaf, JsonNumber, sameLeaf, toLeaf, type Leaf } from './json-values.ts';
import type { Condition, Field, Rule } from './pattern.ts';

/**
 * Matching as event-ruler's `rulesForJSONEvent` does it (README, "JSON Array Matching"): arrays in the event
 * are crushed out, so a field inside an array of objects is matched against every element, but the
 * fields of one rule must come from the same element of any array they share ("array-consistent"
 * matching). `exists: false` holds when the crushed field has no leaf at all, in any element.
 */

/** A leaf of the event at a field's path, with the array elements it came from. */
interface Entry {
  readonly value: Leaf;
  /** array → index of the element this leaf is in. */
  readonly elements: ReadonlyMap<unknown[], number>;
}

/**
 * Whether one compiled rule matches an event.
 *
 * @example
 * matchesRule(compilePattern({ a: { b: [1] } })[0]!, { a: [{ b: 1 }, { b: 2 }] }); // true
 */
export function matchesRule(rule: Rule, event: unknown): boolean {
  const entries = rule.map((field) => leavesAt(event, field.path));
  return assign(rule, entries, 0, new Map());
}

function assign(rule: Rule, entries: readonly Entry[][], index: number, chosen: Map<unknown[], number>): boolean {
  if (index === rule.length) return true;
  const field = rule[index] as Field;
  const candidates = entries[index] as Entry[];
  if (candidates.length === 0 && field.conditions.some((c) => c.kind === 'exists' && !c.exists)) return assign(rule, entries, index + 1, chosen);
  for (const entry of candidates) {
    if (!consistent(entry.elements, chosen) || !field.conditions.some((condition) => matchesLeaf(condition, entry.value))) continue;
    const next = new Map(chosen);
    for (const [array, element] of entry.elements) next.set(array, element);
    if (assign(rule, entries, index + 1, next)) return true;
  }
  return false;
}

function consistent(elements: ReadonlyMap<unknown[], number>, chosen: ReadonlyMap<unknown[], number>): boolean {
  for (const [array, element] of elements) {
    const taken = chosen.get(array);
    if (taken !== undefined && taken !== element) return false;
  }
  return true;
}

function matchesLeaf(condition: Condition, value: Leaf): boolean {
  switch (condition.kind) {
    case 'equals':
      return sameLeaf(condition.value, value);
    case 'string':
      return typeof value === 'string' && condition.test(value);
    case 'numeric':
      // "Numeric matching only works with values that are JSON numbers" (event-ruler README).
      return value instanceof JsonNumber && condition.test(value.value);
    case 'exists':
      return condition.exists;
    case 'anything-but':
      return !condition.values.some((excluded) => sameLeaf(excluded, value));
    case 'anything-but-string':
      return typeof value === 'string' && !condition.test(value);
  }
}

/** Every leaf at `path`, crushing arrays on the way (nested arrays too), with the elements it came from. */
function leavesAt(event: unknown, path: readonly string[]): Entry[] {
  const out: Entry[] = [];
  const walk = (value: unknown, depth: number, elements: ReadonlyMap<unknown[], number>) => {
    if (Array.isArray(value)) {
      value.forEach((element, i) => walk(element, depth, new Map(elements).set(value, i)));
    } else if (depth === path.length) {
      if (isLeaf(value)) out.push({ value: toLeaf(value), elements });
    } else if (isJsonObject(value)) {
      // Own fields only: a pattern key `constructor` must not find what every object inherits.
      const child = ownValue(value, path[depth] as string);
      if (child !== undefined) walk(child, depth + 1, elements);
    }
  };
  walk(event, 0, new Map());
  return out;
}
