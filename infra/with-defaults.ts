/**
 * Props over defaults, where a prop set to `undefined` keeps the default. A plain spread would let
 * `{ memorySize: props.memorySize }` with no value erase a default (Lambda's 128 MiB then applies).
 *
 * @example
 * withDefaults({ memorySize: 512, timeout }, { memorySize: undefined }); // { memorySize: 512, timeout }
 */
export function withDefaults<D extends object, O extends object>(defaults: D, overrides: O): D & O {
  const merged = { ...defaults } as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) merged[key] = value;
  return merged as D & O;
}
