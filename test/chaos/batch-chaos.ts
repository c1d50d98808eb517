import { seededChoice } from '../../local/faults/seeded-choice.ts';
import type { LocalFunction } from '../../local/runtime/local-function.ts';
import { InvocationTimeoutError } from '../../shared/errors.ts';
import { generateOrders, jobSpecInput } from '../helpers/batch-records.ts';
import { startBatchHarness } from '../helpers/batch-runtime.ts';
import { figureTable, type Figure } from './figure-table.ts';

export interface BatchChaosOptions {
  readonly records: number;
  readonly partitions: number;
  readonly seed: number;
  /** Share of task invocations (first two attempts of a task only) refused before running: throttled or a Lambda service error. */
  readonly failBeforeWork: number;
  /** Share that run to the end, then time out: the work is done, Step Functions sees Sandbox.Timedout and retries. */
  readonly timeoutAfterWork: number;
}

export interface BatchChaosReport {
  readonly records: number;
  readonly partitions: number;
  readonly status: string;
  readonly invocations: number;
  readonly injected: Record<string, number>;
  readonly retries: number;
  readonly sameGroupsAsCleanRun: boolean;
  readonly sameSortedOutputAsCleanRun: boolean;
  /** Summary fields whose values differ from the clean run's (beyond ids, output keys and timings). */
  readonly summaryDifferences: string[];
  readonly seconds: number;
}

const TASK_ENTRIES = ['functions/batch-split.ts', 'functions/batch-partition.ts', 'functions/batch-reduce.ts'];

/** What a summary says about the data, without what differs between two runs of the same spec. */
function comparableSummary(summary: Record<string, unknown>) {
  const { jobId: _jobId, output: _output, startedAt: _s, finishedAt: _f, durationMs: _d, executionArn: _e, recordsPerSecond: _r, ...rest } = summary;
  return rest;
}

function summaryDifferences(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key]));
}

/**
 * One chaos run of the sample batch job: the same spec runs once cleanly and once with its Split,
 * ProcessPartition and Reduce invocations refused (throttled, service errors) or timing out after they
 * did their work, seeded per (task, partition, attempt). The job must succeed through its Retry
 * policies and write byte-identical results.
 *
 * @example
 * const report = await runBatchChaos({ records: 20_000, partitions: 12, seed: 7, failBeforeWork: 0.2, timeoutAfterWork: 0.2 });
 */
export async function runBatchChaos(options: BatchChaosOptions): Promise<BatchChaosReport> {
  const started = Date.now();
  let chaos = false;
  let invocations = 0;
  const injected = { throttled: 0, 'service errors': 0, 'timeouts after work': 0 };
  const attempts = new Map<string, number>();
  const faulty = (fn: LocalFunction): LocalFunction => {
    if (!TASK_ENTRIES.includes(fn.entry)) return fn;
    return {
      ...fn,
      invoke: async (event) => {
        invocations += 1;
        if (!chaos) return fn.invoke(event);
        const task = `${fn.entry}#${(event as { partition?: { index?: number } }).partition?.index ?? 'job'}`;
        const attempt = (attempts.get(task) ?? 0) + 1;
        attempts.set(task, attempt);
        const roll = seededChoice(options.seed, task, attempt);
        if (attempt <= 2 && roll < options.failBeforeWork) {
          const throttled = roll < options.failBeforeWork / 2;
          injected[throttled ? 'throttled' : 'service errors'] += 1;
          throw Object.assign(new Error(throttled ? 'Rate Exceeded.' : 'Lambda service error (injected)'), {
            name: throttled ? 'Lambda.TooManyRequestsException' : 'Lambda.ServiceException',
          });
        }
        const output = await fn.invoke(event);
        if (attempt <= 2 && roll < options.failBeforeWork + options.timeoutAfterWork) {
          injected['timeouts after work'] += 1;
          throw new InvocationTimeoutError('Task timed out after the work was done (injected)');
        }
        return output;
      },
    };
  };
  const batch = await startBatchHarness({ inlineMaxPartitions: Math.max(16, options.partitions) }, { wrapFunction: faulty });
  try {
    const records = [...generateOrders(options.records, options.seed)];
    await batch.putObject('inputs/orders.jsonl', `${records.map((r) => JSON.stringify(r)).join('\n')}\n`);
    const spec = (jobId: string) =>
      jobSpecInput({
        jobId,
        input: { format: 'jsonl', s3: { bucket: batch.bucket, key: 'inputs/orders.jsonl' } },
        partition: { key: 'customer', count: options.partitions },
        output: { bucket: batch.bucket, prefix: `results/${jobId}/` },
      });
    const run = async (jobId: string) => {
      const execution = await batch.machine.wait(await batch.machine.start(spec(jobId), jobId));
      const summary = JSON.parse(execution.output ?? '{}') as Record<string, unknown> & { output: { groupsKey: string; sortedKey: string } };
      if (execution.status !== 'SUCCEEDED') return { status: execution.status, summary, groups: '', sorted: '' };
      return { status: execution.status, summary, groups: await batch.getText(summary.output.groupsKey), sorted: await batch.getText(summary.output.sortedKey) };
    };
    const clean = await run('clean-job');
    const cleanInvocations = invocations;
    chaos = true;
    const retriesBefore = batch.events.filter((e) => e.type === 'StateRetried').length;
    const chaotic = await run('chaos-job');
    return {
      records: records.length,
      partitions: options.partitions,
      status: chaotic.status,
      invocations: invocations - cleanInvocations,
      injected,
      retries: batch.events.filter((e) => e.type === 'StateRetried').length - retriesBefore,
      sameGroupsAsCleanRun: chaotic.groups !== '' && chaotic.groups === clean.groups,
      sameSortedOutputAsCleanRun: chaotic.sorted !== '' && chaotic.sorted === clean.sorted,
      summaryDifferences: summaryDifferences(comparableSummary(chaotic.summary), comparableSummary(clean.summary)),
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    await batch.stop();
  }
}

/**
 * The figure table of a batch chaos run.
 *
 * @example
 * process.stdout.write(batchChaosTable('batch chaos', report));
 */
export function batchChaosTable(title: string, report: BatchChaosReport): string {
  const rows: Figure[] = [
    ['records', report.records],
    ['partitions', report.partitions],
    ['execution status', report.status],
    ['task invocations', report.invocations],
    ...Object.entries(report.injected).map(([k, v]): Figure => [`injected: ${k}`, v]),
    ['Retry attempts (StateRetried)', report.retries],
    ['groups = clean run (byte for byte)', report.sameGroupsAsCleanRun ? 'yes' : 'NO'],
    ['sorted output = clean run (byte for byte)', report.sameSortedOutputAsCleanRun ? 'yes' : 'NO'],
    ['summary = clean run', report.summaryDifferences.length === 0 ? 'yes' : `NO: ${report.summaryDifferences.join(', ')}`],
    ['seconds', report.seconds],
  ];
  return figureTable(title, rows);
}
