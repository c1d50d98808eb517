/**
 * The one place the local runtime writes `process.env`.
 *
 * Why it writes it at all: the functions run in this process, and their AWS SDK v3 clients (built at
 * module scope by code that knows nothing of the local runtime) resolve `AWS_ENDPOINT_URL_<SERVICE>`,
 * `AWS_REGION` and the credentials lazily, at their first request, not when they are constructed, and
 * keep what they found (test/unit/local/runtime/process-environment.test.ts checks this against the SDK
 * sluice ships). That first request comes during an invocation, long after the module loaded, so the
 * emulator endpoints must be in the process environment for as long as the runtime runs; Powertools
 * reads its variables during invocations too. The runtime's own clients take explicit endpoints and do
 * not depend on it.
 *
 * Each caller applies a layer of variables and gets back a function that removes it. Layers may overlap
 * in time (two runtimes in one test process, a module load inside a running runtime): a variable reads
 * from the latest layer that still sets it, and once no layer sets it, it is back to what it was before
 * the first layer touched it (unset, if it was unset). So a runtime leaves `process.env` as it found it.
 */

interface Layer {
  readonly variables: Readonly<Record<string, string>>;
}

const layers: Layer[] = [];
/** What each variable held before the first live layer set it (undefined: it was not set). */
const original = new Map<string, string | undefined>();

function settle(name: string): void {
  const top = layers.findLast((layer) => Object.hasOwn(layer.variables, name));
  if (top) {
    process.env[name] = top.variables[name];
    return;
  }
  const before = original.get(name);
  original.delete(name);
  if (before === undefined) delete process.env[name];
  else process.env[name] = before;
}

/**
 * Sets `variables` in `process.env` until the returned function is called, which puts every one of them
 * back as it was (or as a layer applied later still wants it). Calling it twice is harmless.
 *
 * @example
 * const restore = applyProcessEnvironment(emulatorEnvironment(endpoints, region));
 * try { await runFunctions(); } finally { restore(); }
 */
export function applyProcessEnvironment(variables: Readonly<Record<string, string>>): () => void {
  const layer: Layer = { variables: { ...variables } };
  for (const name of Object.keys(layer.variables)) if (!original.has(name)) original.set(name, process.env[name]);
  layers.push(layer);
  for (const name of Object.keys(layer.variables)) settle(name);
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    layers.splice(layers.indexOf(layer), 1);
    for (const name of Object.keys(layer.variables)) settle(name);
  };
}

/**
 * Runs `work` with `variables` in `process.env` and removes them when it settles: for code that reads
 * the environment while it runs, such as a function module's top level as it loads.
 *
 * @example
 * const module = await withProcessEnvironment(definition.environment, () => import(url));
 */
export async function withProcessEnvironment<T>(variables: Readonly<Record<string, string>>, work: () => Promise<T>): Promise<T> {
  const restore = applyProcessEnvironment(variables);
  try {
    return await work();
  } finally {
    restore();
  }
}
