import { readFileSync } from 'node:fs';
import type { RemovedResource } from './emulator-assembly.ts';

/** The variable `npm run test:localstack` sets to its state file for the tests it runs. */
export const LOCALSTACK_STATE_ENV = 'SLUICE_LOCALSTACK_STATE';

/** What test/localstack/run.ts deployed, for the tests that run against it. */
export interface LocalStackState {
  /** The one endpoint of every service, e.g. `http://127.0.0.1:41234`. */
  readonly endpoint: string;
  /** Which emulator, e.g. `MiniStack 1.5.33`. */
  readonly emulator: string;
  /** Each deployed stack: its cloud assembly folder and what was left out of it, with the reason. */
  readonly stacks: Record<string, { readonly assembly: string; readonly removed: readonly RemovedResource[] }>;
}

/**
 * The running deployment, or undefined outside `npm run test:localstack`.
 *
 * @example
 * const state = localStackState(); if (!state) return;
 */
export function localStackState(env: NodeJS.ProcessEnv = process.env): LocalStackState | undefined {
  const file = env[LOCALSTACK_STATE_ENV];
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as LocalStackState) : undefined;
}

/**
 * The integration test files `npm run test:localstack` runs against the emulator by default (CI): one per
 * area the local runtime drives through the external endpoints (SQS poller, Kinesis poller, dedup
 * store's conditional writes and transactions, the queue and stream pipelines from the template).
 * `npm run test:localstack -- --full` runs every file.
 */
export const EXTERNAL_SUBSET: readonly string[] = [
  'test/integration/sqs-poller.test.ts',
  'test/integration/stream-poller.test.ts',
  'test/integration/dedup-store.test.ts',
  'test/integration/queue-pipeline.test.ts',
];
