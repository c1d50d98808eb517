import type { SFNClient } from '@aws-sdk/client-sfn';
import { Command } from 'commander';
import { formatCount, formatTable } from '../table.ts';
import { stackQueues, stackStreams } from '../targets/stack-resources.ts';
import { resolveTarget } from '../targets/target.ts';
import { cliAction } from './cli-action.ts';
import { targetOptions, withTargetOptions, type TargetCliOptions } from './options.ts';
import { queueStatus, type QueueStatus } from './status/queue-status.ts';
import { streamStatus, type StreamStatus } from './status/stream-status.ts';
import { recentJobs } from './batch/job-status.ts';
import { BATCH_JOB_ID, batchOutputName } from '../../../shared/batch/contract.ts';

/** Recent batch jobs, or why they cannot be listed. */
type JobsStatus = { jobs: { jobId: string; status: string; startDate?: Date }[] } | { unavailable: string } | undefined;

const RECENT_JOBS = 10;

interface StatusCliOptions extends TargetCliOptions {
  json?: boolean;
}

const NOT_AVAILABLE = 'n/a';

function age(seconds: number | undefined): string {
  if (seconds === undefined) return NOT_AVAILABLE;
  return seconds < 120 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}

/**
 * The queue and stream tables of `sluice status`.
 *
 * @example
 * console.log(formatStatus(queues, streams));
 */
export function formatStatus(queues: readonly QueueStatus[], streams: readonly StreamStatus[], jobs?: JobsStatus): string {
  const parts: string[] = [];
  if (queues.length > 0) {
    const rows = [
      ['queue', 'visible', 'in flight', 'delayed', 'DLQ', 'oldest'],
      ...queues.map((q) => [q.name, formatCount(q.visible), formatCount(q.inFlight), formatCount(q.delayed), q.deadLetters === undefined ? '-' : formatCount(q.deadLetters), age(q.oldestAgeSeconds)]),
    ];
    parts.push(formatTable(rows));
  }
  if (streams.length > 0) {
    const rows = [
      ['stream', 'status', 'shards', 'iterator age'],
      ...streams.map((s) => [s.name, s.status, formatCount(s.shards), s.iteratorAgeMs === undefined ? NOT_AVAILABLE : age(s.iteratorAgeMs / 1000)]),
    ];
    parts.push(formatTable(rows));
  }
  if (jobs && 'unavailable' in jobs) parts.push(`batch jobs: ${jobs.unavailable}`);
  else if (jobs && jobs.jobs.length === 0) parts.push('batch jobs: none yet');
  else if (jobs) parts.push(formatTable([['batch job', 'state', 'started'], ...jobs.jobs.map((j) => [j.jobId, j.status, j.startDate?.toISOString() ?? ''])]));
  return parts.join('\n\n');
}

async function jobsStatus(sfn: SFNClient | undefined, stateMachineArn: string | undefined): Promise<JobsStatus> {
  if (!stateMachineArn) return undefined;
  if (!sfn) return { unavailable: 'n/a (this `sluice dev` publishes no Step Functions endpoint)' };
  return { jobs: await recentJobs(sfn, stateMachineArn, RECENT_JOBS) };
}

/**
 * `sluice status`: per queue visible / in flight / delayed / DLQ depth / oldest age, per stream shards
 * and iterator age, per batch job its state (the last ten executions), on any target. Ages are CloudWatch metrics: shown on AWS, `n/a` elsewhere.
 *
 * @example
 * sluice status --target aws
 */
export function statusCommand(): Command {
  return withTargetOptions(
    new Command('status').description('show every queue (depths, DLQ, oldest age) and stream (shards, iterator age) of the stack').option('--json', 'print JSON'),
  ).action(
    cliAction(async (opts: StatusCliOptions) => {
      const target = await resolveTarget(targetOptions(opts));
      try {
        const { sqs, kinesis, cloudwatch } = target.clients;
        const stateMachineArn = target.outputs[batchOutputName(BATCH_JOB_ID, 'stateMachineArn')];
        const [queues, streams, jobs] = await Promise.all([
          Promise.all(stackQueues(target.outputs).map((q) => queueStatus(sqs, q, cloudwatch))),
          Promise.all(stackStreams(target.outputs).map((s) => streamStatus(kinesis, s, cloudwatch))),
          jobsStatus(target.clients.sfn, stateMachineArn),
        ]);
        if (opts.json) {
          console.log(JSON.stringify({ target: target.name, queues, streams, ...(jobs ? { jobs } : {}) }, null, 2));
          return;
        }
        console.log(`${target.description}\n`);
        console.log(formatStatus(queues, streams, jobs));
        if (!cloudwatch) console.log('\noldest age and iterator age are CloudWatch metrics: n/a off AWS');
      } finally {
        target.close();
      }
    }),
  );
}
