import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Command } from 'commander';
import { jobExecutionArn, startJobExecution } from '../../../shared/batch/job-starter.ts';
import { parseJobSpec, type JobSpec } from '../../../shared/batch/job-spec.ts';
import { describeFailure } from '../../../shared/batch/job-failure.ts';
import { BATCH_JOB_ID, batchOutputName } from '../../../shared/batch/contract.ts';
import type { SucceededJobSummary } from '../../../shared/batch/job-summary.ts';
import { JobSpecError } from '../../../shared/errors.ts';
import { resolveTarget, type ResolvedTarget } from '../targets/target.ts';
import { cliAction } from './cli-action.ts';
import { jobStatus, type JobStatus } from './batch/job-status.ts';
import { targetOptions, withTargetOptions, type TargetCliOptions } from './options.ts';
import { formatTable } from '../table.ts';
import { UsageError } from './usage-error.ts';

interface StartCliOptions extends TargetCliOptions {
  wait?: boolean;
}

function readSpec(file: string): JobSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}): expected a job spec JSON file`);
  }
  try {
    return parseJobSpec(JSON.parse(text));
  } catch (err) {
    if (err instanceof SyntaxError) throw new UsageError(`${file} is not JSON (${err.message}): expected a job spec JSON file`);
    if (err instanceof JobSpecError) throw new UsageError(`${file}: ${err.message}`);
    throw err;
  }
}

function batchResources(target: ResolvedTarget) {
  const stateMachineOutput = batchOutputName(BATCH_JOB_ID, 'stateMachineArn');
  const stateMachineArn = target.outputs[stateMachineOutput];
  if (!stateMachineArn) throw new Error(`the stack has no ${stateMachineOutput} output: it defines no batch job`);
  const summaryTable = target.outputs[batchOutputName(BATCH_JOB_ID, 'summaryTableName')];
  return { stateMachineArn, dynamodb: target.clients.dynamodb, ...(summaryTable ? { summaryTable } : {}), ...(target.clients.sfn ? { sfn: target.clients.sfn } : {}) };
}

/** The summary fields `sluice batch status` prints, in this order. */
const SUMMARY_ROWS = ['partitions', 'partitionsUsed', 'largestPartitionRecords', 'records', 'groups', 'skipped', 'recordsPerSecond', 'durationMs'] as const satisfies readonly (keyof SucceededJobSummary)[];

function requireSfn(target: ResolvedTarget) {
  if (!target.clients.sfn) {
    throw new Error('this `sluice dev` publishes no Step Functions endpoint (AWS_ENDPOINT_URL_SFN), so it cannot start executions: use --target localstack|aws');
  }
  return target.clients.sfn;
}

/**
 * The status of a job as one word: the summary's outcome when written, else the execution's state.
 *
 * @example
 * jobState({ jobId: 'j1', executionStatus: 'RUNNING' }); // 'RUNNING'
 */
export function jobState(status: JobStatus): string {
  return String(status.summary?.status ?? status.executionStatus ?? 'UNKNOWN');
}

/**
 * A job's status as the CLI prints it: one row per field; a failed job's failure in one line
 * (`describeFailure`: the state, the partition and its records, the error).
 *
 * @example
 * console.log(formatJob(await jobStatus(resources, 'daily-2026-11-25')));
 */
export function formatJob(status: JobStatus): string {
  const s = status.summary;
  const rows: string[][] = [['job', status.jobId], ['state', jobState(status)]];
  if (status.executionStatus) rows.push(['execution', status.executionStatus]);
  if (status.startDate) rows.push(['started', status.startDate.toISOString()]);
  if (status.stopDate) rows.push(['stopped', status.stopDate.toISOString()]);
  if (s?.status === 'FAILED') rows.push(['failure', describeFailure(s)]);
  else if (s) {
    for (const key of SUMMARY_ROWS) {
      if (s[key] !== undefined) rows.push([key, String(s[key])]);
    }
    if (s.output) rows.push(['groups', `s3://${s.output.bucket}/${s.output.groupsKey}`], ['sorted', `s3://${s.output.bucket}/${s.output.sortedKey}`]);
  }
  return formatTable([['field', 'value'], ...rows], { right: [] });
}

const FINAL_EXECUTION_STATES = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

function startCommand(): Command {
  return withTargetOptions(
    new Command('start')
      .description('validate a batch job spec and start its execution (named after jobId, so starting it twice is harmless)')
      .argument('<job.json>', 'job spec: jobId, input, partition, sort, groupBy, aggregates, output (shared/batch/job-spec.ts)')
      .option('--wait', 'wait until the job ends and print its summary'),
  ).action(
    cliAction(async (file: string, opts: StartCliOptions) => {
      const spec = readSpec(file);
      const target = await resolveTarget(targetOptions(opts));
      try {
        const resources = batchResources(target);
        const { started } = await startJobExecution(requireSfn(target), resources.stateMachineArn, spec);
        console.log(started ? `started batch job ${spec.jobId} (${target.name})` : `batch job ${spec.jobId} was already started: execution names are unique (see \`sluice batch status ${spec.jobId}\`)`);
        console.log(`execution: ${jobExecutionArn(resources.stateMachineArn, spec.jobId)}`);
        if (!opts.wait) return;
        for (;;) {
          const status = await jobStatus(resources, spec.jobId);
          if (FINAL_EXECUTION_STATES.has(status.executionStatus ?? '')) {
            console.log(`\n${formatJob(status)}`);
            if (status.executionStatus !== 'SUCCEEDED') process.exitCode = 1;
            return;
          }
          await sleep(1000);
        }
      } finally {
        target.close();
      }
    }),
  );
}

function statusCommand(): Command {
  return withTargetOptions(
    new Command('status')
      .description("show a batch job's state and summary (records, groups, output location, or the error)")
      .argument('<jobId>', 'the jobId of the spec')
      .option('--json', 'print JSON'),
  ).action(
    cliAction(async (jobId: string, opts: TargetCliOptions & { json?: boolean }) => {
      if (!/^[A-Za-z0-9_-]{1,80}$/.test(jobId)) throw new UsageError(`invalid jobId "${jobId}": expected letters, digits, - and _, at most 80`);
      const target = await resolveTarget(targetOptions(opts));
      try {
        const status = await jobStatus(batchResources(target), jobId);
        if (!status.executionStatus && !status.summary) {
          throw new Error(`no batch job ${jobId} (${target.name}): no execution${target.clients.sfn ? '' : ' endpoint'} and no summary`);
        }
        const failure = status.summary?.status === 'FAILED' ? { failure: describeFailure(status.summary) } : {};
        console.log(opts.json ? JSON.stringify({ ...status, state: jobState(status), ...failure }, null, 2) : formatJob(status));
      } finally {
        target.close();
      }
    }),
  );
}

/**
 * `sluice batch start <job.json>` and `sluice batch status <jobId>`.
 *
 * @example
 * sluice batch start jobs/daily.json --wait --target aws
 * sluice batch status daily-2026-11-25
 */
export function batchCommand(): Command {
  return new Command('batch').description('start batch jobs and follow them').addCommand(startCommand()).addCommand(statusCommand());
}
