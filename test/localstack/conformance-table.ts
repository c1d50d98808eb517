import type { Scenario } from './conformance-scenarios.ts';

/**
 * What MiniStack 1.5.33 does, observed by this test, where it is not what the AWS documentation says;
 * each with the verdict that goes into docs/conformance.md. A scenario not listed here must match AWS.
 * When MiniStack changes, this test fails and the table is brought up to date.
 */
export const MINISTACK_DIFFERS: Readonly<Record<string, { readonly observed: string; readonly verdict: string }>> = {
  'sqs-empty-id': {
    observed: 'drained; invocations: empty×1 ok×1; DLQ: none',
    verdict: 'differs, MiniStack is wrong: an empty itemIdentifier is skipped, so the batch counts as a success',
  },
  'kinesis-partial': {
    observed: 'batches: [a b c]; on-failure: none',
    verdict: 'not supported: the response is ignored and the checkpoint moves past the failed record, which is lost',
  },
  'kinesis-bisect': {
    observed: 'poison record alone in a batch: no; records after it processed: no; on-failure: none',
    verdict: 'not supported: no bisect, MaximumRetryAttempts or on-failure destination; the whole batch is retried without end and the shard is blocked',
  },
  'kinesis-window': {
    observed: 'window in the event: no; final invocation: no; records counted in the final state: 0',
    verdict: 'not supported: no `window`, `state` or final invocation; the returned state is dropped',
  },
  sfn: {
    observed: 'FAILED (Runtime.HandlerError); Map results: none; caught: nothing',
    verdict: 'differs, MiniStack is wrong: a Node.js function\'s error reaches the state machine as `Runtime.HandlerError`, not its name, so Retry and Catch on `TransientError`/`PermanentError` never match',
  },
};

/** The documented difference of a scenario (its id without the run's tag), if any. */
export function knownDifference(scenario: Scenario): { readonly observed: string; readonly verdict: string } | undefined {
  const key = scenario.id.replace(/-[0-9a-f]{8}$/, '');
  return Object.hasOwn(MINISTACK_DIFFERS, key) ? MINISTACK_DIFFERS[key] : undefined;
}

/**
 * The comparison table of docs/conformance.md: one row per scenario, what the AWS page says, and whether each
 * side did it. conformance.test.ts builds it from what it observed and checks the docs hold it verbatim.
 *
 * @example
 * comparisonTable('MiniStack 1.5.33', [{ scenario, sluice: scenario.aws, emulator: scenario.aws }]);
 */
export function comparisonTable(emulator: string, rows: readonly { scenario: Scenario; sluice: string; emulator: string }[]): string {
  const lines = [
    `| behaviour | AWS documentation | what AWS documents | \`sluice dev\` | ${emulator} |`,
    '|---|---|---|---|---|',
    ...rows.map((row) => {
      const known = knownDifference(row.scenario);
      const emulated = row.emulator === row.scenario.aws ? 'agrees' : `**${known?.verdict ?? 'differs'}**. Observed: ${row.emulator}`;
      const local = row.sluice === row.scenario.aws ? 'agrees' : `**differs**. Observed: ${row.sluice}`;
      return `| ${row.scenario.behaviour} | ${row.scenario.reference} | ${row.scenario.aws} | ${local} | ${emulated} |`;
    }),
  ];
  return lines.join('\n');
}

// `node --import tsx test/localstack/conformance-table.ts`: the table as it reads when every side does what this file says.
if (process.argv[1]?.endsWith('conformance-table.ts')) {
  const { conformanceScenarios } = await import('./conformance-scenarios.ts');
  const rows = conformanceScenarios().map((scenario) => ({ scenario, sluice: scenario.aws, emulator: knownDifference(scenario)?.observed ?? scenario.aws }));
  console.log(comparisonTable('MiniStack 1.5.33', rows));
}
