import type { LocalRuntime } from '../runtime/local-runtime.ts';

/** What the console reads from a running local runtime: nothing else, so any app's runtime fits. */
export type ConsoleRuntime = Pick<
  LocalRuntime,
  'resources' | 'outputs' | 'sqsMappings' | 'streamMappings' | 'clients' | 'stateMachines' | 'functions' | 'unsupportedFunctions' | 'events' | 'region'
>;

/**
 * Display names from the stack's outputs: the output whose value is a resource's URL, name or ARN, less
 * the suffix that says what it is (`OrdersQueueUrl` → `Orders`). Resources without an output keep their
 * logical id.
 *
 * @example
 * const names = outputNames(runtime.outputs(), ['QueueUrl']);
 * names.get('http://127.0.0.1:4566/000000000000/Sluice-Orders'); // 'Orders'
 */
export function outputNames(outputs: Readonly<Record<string, string>>, suffixes: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const [key, value] of Object.entries(outputs)) {
    const suffix = suffixes.find((s) => key.endsWith(s) && key.length > s.length);
    if (suffix && !names.has(value)) names.set(value, key.slice(0, -suffix.length));
  }
  return names;
}
