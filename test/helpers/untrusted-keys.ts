import fc from 'fast-check';

/**
 * Names that every object inherits or that JavaScript treats specially: `__proto__`, `constructor`,
 * `toString`, `valueOf`, `hasOwnProperty`, `__defineGetter__`, `__lookupGetter__`, `isPrototypeOf`,
 * `propertyIsEnumerable`, `toLocaleString`, … plus `prototype`, `length`, `toJSON` and `then`.
 */
export const BUILT_IN_NAMES: readonly string[] = [
  ...new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype', 'length', 'name', 'caller', 'arguments', 'apply', 'call', 'bind', 'toJSON', 'then']),
];

/**
 * A key as data might carry it: mostly built-in names, mixed with ordinary ones. `ordinary` replaces the
 * random ordinary keys where the key has a syntax to respect (SQS attribute names, dotted field paths).
 *
 * @example
 * fc.array(fc.tuple(untrustedKey(), fc.nat())); // [['constructor', 3], ['books', 1], ['__proto__', 7]]
 */
export function untrustedKey(ordinary: fc.Arbitrary<string> = fc.string({ minLength: 1, maxLength: 6 })): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...BUILT_IN_NAMES), weight: 5 },
    { arbitrary: fc.constantFrom('books', 'games', 'toys'), weight: 2 },
    { arbitrary: ordinary, weight: 1 },
  );
}

/**
 * What a polluting write would change: the own keys of `Object`, `Object.prototype`, `Function.prototype`
 * and `Array.prototype`, and of every function `Object.prototype` holds (a total added to the inherited
 * `toString` lands on that function); also `Object.prototype` of the host realm, which objects made by
 * Node's built-ins (structuredClone) share outside jest's per-file realm.
 *
 * @example
 * const before = builtInsFingerprint(); run(); expect(builtInsFingerprint()).toEqual(before);
 */
export function builtInsFingerprint(): Record<string, string[]> {
  const keys = (target: object) => Reflect.ownKeys(target).map(String).sort();
  const fingerprint: Record<string, string[]> = {
    Object: keys(Object),
    'Object.prototype': keys(Object.prototype),
    'Function.prototype': keys(Function.prototype),
    'Array.prototype': keys(Array.prototype),
    'Object.prototype (host realm)': keys(Object.getPrototypeOf(structuredClone({})) as object),
  };
  for (const name of Object.getOwnPropertyNames(Object.prototype)) {
    const value = Reflect.getOwnPropertyDescriptor(Object.prototype, name)?.value as unknown;
    if (typeof value === 'function') fingerprint[`Object.prototype.${name}`] = keys(value);
  }
  return fingerprint;
}
