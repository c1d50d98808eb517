/**
 * jest setup (every project, `setupFilesAfterEnv`): fails a test that leaves a built-in prototype or
 * `Object` itself changed. sluice takes keys from messages, records and job specs; a key such as
 * `__proto__` written into a plain `{}` reaches `Object.prototype` and then every object of the process
 * (on AWS, every later invocation in the container). The guard runs after each test, so the failure
 * names the test that did it, and undoes the change, so the tests after it are judged on their own.
 */

/**
 * jest runs a test file in a realm of its own, but objects that Node's built-ins make (structuredClone,
 * Buffer, process) belong to the host realm, whose prototypes a polluting write through them reaches.
 */
const hostObjectPrototype = Object.getPrototypeOf(structuredClone({})) as object;
const hostRealm: readonly [string, object][] =
  hostObjectPrototype === Object.prototype
    ? []
    : [
        ['Object.prototype (host realm)', hostObjectPrototype],
        ['Array.prototype (host realm)', Object.getPrototypeOf(structuredClone([])) as object],
        ['Function.prototype (host realm)', Object.getPrototypeOf(process.cwd) as object],
        ['Object (host realm)', (hostObjectPrototype as { constructor: object }).constructor],
      ];

/** The objects every module shares: a property added to one of them shows up everywhere. */
const guarded: readonly [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
  ['Number.prototype', Number.prototype],
  ['Boolean.prototype', Boolean.prototype],
  ['Object', Object],
  ...hostRealm,
];

type Snapshot = Map<string | symbol, PropertyDescriptor>;

function snapshot(target: object): Snapshot {
  return new Map(Reflect.ownKeys(target).map((key) => [key, Reflect.getOwnPropertyDescriptor(target, key)!]));
}

function sameDescriptor(a: PropertyDescriptor, b: PropertyDescriptor): boolean {
  return a.value === b.value && a.get === b.get && a.set === b.set && a.writable === b.writable && a.enumerable === b.enumerable && a.configurable === b.configurable;
}

/** What changed on `target` since `before`, restoring each change as it is found. */
function changesSince(name: string, target: object, before: Snapshot): string[] {
  const changes: string[] = [];
  for (const key of Reflect.ownKeys(target)) {
    const was = before.get(key);
    const now = Reflect.getOwnPropertyDescriptor(target, key)!;
    if (!was) {
      changes.push(`${name} gained ${String(key)}`);
      Reflect.deleteProperty(target, key);
    } else if (!sameDescriptor(was, now)) {
      changes.push(`${name}.${String(key)} was changed`);
      Reflect.defineProperty(target, key, was);
    }
  }
  for (const [key, was] of before) {
    if (!Object.hasOwn(target, key)) {
      changes.push(`${name} lost ${String(key)}`);
      Reflect.defineProperty(target, key, was);
    }
  }
  return changes;
}

const before = guarded.map(([name, target]) => ({ name, target, snapshot: snapshot(target) }));

afterEach(() => {
  const changes = before.flatMap(({ name, target, snapshot: was }) => changesSince(name, target, was));
  if (changes.length > 0) {
    throw new Error(`this test changed what every object shares (undone now): ${changes.join('; ')}. A key from the data was probably written into a plain {}: use a Map or a prototype-free object (shared/keyed-record.ts).`);
  }
});
