import { createInterface } from 'node:readline';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BATCH_ENV, BATCH_JOB_ID, batchOutputName, jobExecutionArn, JobSummaryStore, openObject, splitFunctionEnv, uploadLines, type JobSpecInput } from 'sluice/batch';
import { until, type ExecutionDescription, type LocalRuntime, type LocalStateMachine, type StateMachineEvent } from 'sluice/local';
import { generateOrders, orderAggregates, SinglePassOrders, type ExpectedGroup } from './batch-orders.ts';
import type { QueueStageProgress } from './queue-stage.ts';
import { seededRandom } from 'sluice/local';

export interface BatchStageOptions {
  /** Valid records in the generated input (default 100,000). */
  readonly records?: number;
  /** Partitions of the job (default 16: the inline Map; above the stack's inline limit, the Distributed Map). */
  readonly partitions?: number;
  readonly seed: number;
  /** Malformed lines mixed into the input, skipped and counted by the job's `skip` policy (default 3). */
  readonly malformedLines?: number;
}

export interface BatchStageResult {
  readonly jobId: string;
  readonly mode: 'inline' | 'distributed';
  readonly partitions: number;
  readonly records: number;
  readonly groups: number;
  readonly skippedLines: number;
  /** Job requests sent to the request queue (the same request twice, as a retrying client would) and executions they started. */
  readonly requestsSent: number;
  readonly executionsStarted: number;
  /** Generating and uploading the input (multipart). */
  readonly uploadMs: number;
  /** From the request being sent to the execution's end. */
  readonly jobMs: number;
  /** The job's own duration (Split start → summary), as its summary records it. */
  readonly jobDurationMs: number;
  readonly recordsPerSecond: number;
  /** Differences from the independent single-pass computation (groups, aggregates, sort order, summary). */
  readonly mismatches: number;
  /** What differed, for the first few mismatches. */
  readonly mismatchNotes: readonly string[];
  readonly wallMs: number;
}

/**
 * Receives the runtime's state machine events (pass `onEvent` to `LocalRuntime.start({ stateMachines })`)
 * and hands them to whoever listens, so the batch stage can follow its execution's Map iterations.
 *
 * @example
 * const events = stateMachineEventTap();
 * const runtime = await LocalRuntime.start({ stateMachines: { onEvent: events.onEvent } });
 */
export function stateMachineEventTap() {
  const listeners = new Set<(executionArn: string, event: StateMachineEvent) => void>();
  return {
    onEvent: (executionArn: string, event: StateMachineEvent) => listeners.forEach((listener) => listener(executionArn, event)),
    listen(listener: (executionArn: string, event: StateMachineEvent) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
export type StateMachineEventTap = ReturnType<typeof stateMachineEventTap>;

const TOP_K = 3;

function demoJobSpec(jobId: string, bucket: string, inputKey: string, partitions: number): JobSpecInput {
  return {
    jobId,
    input: { format: 'jsonl', s3: { bucket, key: inputKey } },
    partition: { key: 'customer', count: partitions },
    sort: { key: 'amount', direction: 'asc' },
    groupBy: 'region',
    aggregates: orderAggregates(TOP_K),
    output: { bucket, prefix: 'results/' },
    badRecordPolicy: 'skip',
  };
}

/**
 * The demo's batch stage: generates ≥ 100,000 orders as JSON Lines (with a few malformed lines) and
 * streams them to the batch bucket with a multipart upload, submits the job as a user would (a job spec
 * on the request queue, sent twice: the starter function deduplicates it and names the execution after
 * the job), follows the execution's Map iterations, then checks the summary item and the output objects
 * against a single-pass computation made while generating: exact counts, sums, min/max, distinct counts,
 * top-k amounts and sort order; means within 1e-9 relative.
 *
 * @example
 * const result = await runBatchStage(runtime, { seed: 1 }, createProgress('batch'), events);
 * result.mismatches; // 0
 */
export async function runBatchStage(runtime: LocalRuntime, options: BatchStageOptions, progress: QueueStageProgress, events?: StateMachineEventTap): Promise<BatchStageResult> {
  const records = options.records ?? 100_000;
  const partitions = options.partitions ?? 16;
  const malformed = options.malformedLines ?? 3;
  const bucket = runtime.output(batchOutputName(BATCH_JOB_ID, 'bucketName'));
  const stateMachineArn = runtime.output(batchOutputName(BATCH_JOB_ID, 'stateMachineArn'));
  const machine = runtime.stateMachines.find((m) => m.arn === stateMachineArn);
  if (!machine) throw new Error(`batch stage: the state machine ${stateMachineArn} does not run locally`);
  const jobId = `demo-orders-s${options.seed}-${records}`;
  const inputKey = `inputs/${jobId}.jsonl`;
  const executionArn = jobExecutionArn(stateMachineArn, jobId);
  // Durations use performance.now(): Date.now() is the demo's virtual clock.
  const started = performance.now();
  const total = records * 2;
  progress.start(total);

  // Generate, upload and compute the expectation in one pass: the input is never held in memory.
  const expected = new SinglePassOrders(TOP_K);
  const random = seededRandom(options.seed + 3);
  const badAt = new Set(Array.from({ length: malformed }, () => Math.floor(random() * records)));
  async function* inputLines(): AsyncGenerator<string> {
    for (const order of generateOrders(records, options.seed)) {
      if (badAt.has(expected.records)) yield `{"id": ${expected.records}, "region": "eu", "amount": `;
      expected.add(order);
      yield JSON.stringify(order);
      if (expected.records % 5_000 === 0) progress.update(expected.records, 'generating and uploading (multipart)');
    }
  }
  await uploadLines(runtime.clients.s3, { bucket, key: inputKey }, inputLines());
  const uploadMs = performance.now() - started;

  // Map iterations (inline Map) or child executions (Distributed Map, a batch of partitions each) done.
  let partitionsDone = 0;
  let phase = 'request sent';
  const unlisten = events?.listen((arn, event) => {
    if (arn !== executionArn) return;
    if (event.type === 'MapIterationSucceeded') partitionsDone += 1;
    else if (event.type === 'DistributedMapChildSucceeded') partitionsDone += 1;
    else if (event.type === 'StateEntered') phase = event.state.name;
  });
  const jobStarted = performance.now();
  const requestQueueUrl = runtime.output(batchOutputName(BATCH_JOB_ID, 'requestQueueUrl'));
  const request = new SendMessageCommand({ QueueUrl: requestQueueUrl, MessageBody: JSON.stringify(demoJobSpec(jobId, bucket, inputKey, partitions)) });
  const report = (note: string) => {
    const share = phase === 'Reduce' ? 1 : Math.min(partitionsDone / partitions, 1);
    progress.update(records + Math.round(records * share * 0.95), note);
  };
  let execution: ExecutionDescription;
  try {
    await runtime.clients.sqs.send(request);
    await executionStarted(machine, executionArn, () => report('waiting for the starter function'));
    await requestAcknowledged(runtime, requestQueueUrl);
    // The same request again, as a client that timed out would re-send it: the first one is acknowledged,
    // so its dedup record is complete and this one is a counted duplicate (the execution name would refuse it anyway).
    await runtime.clients.sqs.send(request);
    const state = () => `${phase}: ${partitionsDone} map iterations done`;
    execution = await executionEnded(machine, executionArn, state, () => report(state()));
  } finally {
    unlisten?.();
  }
  const requestsSent = 2;
  const jobMs = performance.now() - jobStarted;
  const check = new MismatchLog();
  // The re-sent request is handled (a duplicate) before executions are counted.
  await runtime.drain({ timeoutMs: STALL_MS, includeDelayed: false }).catch((err: unknown) => check.note(`request queue: ${(err as Error).message}`));
  const executionsStarted = machine.list().filter((e) => e.name === jobId).length;
  progress.update(total, 'checking against the single-pass computation');

  const item = await new JobSummaryStore({ client: DynamoDBDocumentClient.from(runtime.clients.dynamodb), tableName: runtime.output(batchOutputName(BATCH_JOB_ID, 'summaryTableName')) }).get(jobId);
  const summary = item?.status === 'FAILED' ? undefined : item;
  check.expect('execution status', execution.status, 'SUCCEEDED');
  check.expect('executions started', executionsStarted, 1);
  check.expect('summary status', item?.status, 'SUCCEEDED');
  check.expect('summary records', summary?.records, records);
  check.expect('summary partitions', summary?.partitions, partitions);
  check.expect('summary skipped', summary?.skipped, badAt.size);
  check.expect('summary groups', summary?.groups, expected.groups.size);
  const output = summary?.output;
  if (output) {
    await checkGroups(runtime, { bucket: output.bucket, key: output.groupsKey }, expected.groups, check);
    await checkSortOrder(runtime, { bucket: output.bucket, key: output.sortedKey }, expected.sortedIds(), check);
  } else {
    check.note(`no output in the summary (${execution.error ?? ''} ${execution.cause ?? ''})`);
  }
  progress.update(total, 'done');
  progress.stop();

  const jobDurationMs = summary?.durationMs ?? jobMs;
  const split = JSON.parse(execution.output ?? '{}') as { partitions?: number };
  return {
    jobId,
    mode: partitions > inlineMaxPartitions(runtime) ? 'distributed' : 'inline',
    partitions: summary?.partitions ?? split.partitions ?? 0,
    records: summary?.records ?? 0,
    groups: summary?.groups ?? 0,
    skippedLines: summary?.skipped ?? 0,
    requestsSent,
    executionsStarted,
    uploadMs,
    jobMs,
    jobDurationMs,
    recordsPerSecond: records / (jobMs / 1000),
    mismatches: check.count,
    mismatchNotes: check.notes.slice(0, 10),
    wallMs: performance.now() - started,
  };
}

/** The Split function's inline limit (the function wired with it): above it the job runs the Distributed Map. */
function inlineMaxPartitions(runtime: LocalRuntime): number {
  const split = [...runtime.functions.values()].find((f) => Object.hasOwn(f.environment, BATCH_ENV.inlineMaxPartitions));
  if (!split) throw new Error('batch stage: no function of the stack is wired as the batch Split function');
  return splitFunctionEnv(split.environment).inlineMaxPartitions;
}

/**
 * How long a wait of this stage may go without progress before it gives up. The job's Split and Reduce
 * report nothing until they end (about 10 s for 100,000 records on an idle 2-core machine), so its limit
 * is longer; the rest is the starter function taking one request.
 */
const STALL_MS = 5 * 60_000;
const JOB_STALL_MS = 15 * 60_000;

/** Waits until the starter function has started the execution (the request is on its way through the queue until then). */
async function executionStarted(machine: LocalStateMachine, executionArn: string, report: () => void): Promise<void> {
  await until(() => machine.list().some((e) => e.executionArn === executionArn), {
    what: `the starter function to start ${executionArn}`,
    stallMs: STALL_MS,
    intervalMs: 50,
    onPoll: report,
  });
}

/** Waits until the starter has acknowledged (deleted) the request, which it does after completing its dedup record. */
async function requestAcknowledged(runtime: LocalRuntime, queueUrl: string): Promise<void> {
  let depth = { visible: 0, inFlight: 0, delayed: 0 };
  await until(
    async () => {
      depth = await runtime.queueDepth(queueUrl);
      return depth.visible + depth.inFlight === 0;
    },
    { what: () => `the job request to be acknowledged: ${JSON.stringify(depth)}`, stallMs: STALL_MS, intervalMs: 50 },
  );
}

/** Waits for the execution to end, reporting progress meanwhile; it gives up only when no state or Map iteration has moved for a long time. */
async function executionEnded(machine: LocalStateMachine, executionArn: string, progress: () => string, report: () => void): Promise<ExecutionDescription> {
  await until(() => machine.describe(executionArn).status !== 'RUNNING', {
    what: () => `execution ${executionArn} to end (${progress()})`,
    stallMs: JOB_STALL_MS,
    progress,
    onPoll: report,
  });
  return machine.describe(executionArn);
}

/** Counts differences and keeps a note of each. */
class MismatchLog {
  count = 0;
  readonly notes: string[] = [];

  note(text: string): void {
    this.count += 1;
    this.notes.push(text);
  }

  expect(what: string, actual: unknown, expected: unknown): void {
    if (actual !== expected) this.note(`${what}: ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
  }
}

async function* objectLines(runtime: LocalRuntime, location: { bucket: string; key: string }): AsyncGenerator<string> {
  for await (const line of createInterface({ input: await openObject(runtime.clients.s3, location), crlfDelay: Infinity })) if (line !== '') yield line;
}

async function checkGroups(runtime: LocalRuntime, location: { bucket: string; key: string }, expected: ReadonlyMap<string, ExpectedGroup>, check: MismatchLog): Promise<void> {
  const seen = new Set<string>();
  for await (const line of objectLines(runtime, location)) {
    const row = JSON.parse(line) as { group: string; values: Record<string, unknown> };
    seen.add(row.group);
    const g = expected.get(row.group);
    if (!g) {
      check.note(`unexpected group ${row.group}`);
      continue;
    }
    const v = row.values;
    check.expect(`${row.group} count`, v.count, g.count);
    check.expect(`${row.group} sum`, v.sum_amount, g.sum);
    check.expect(`${row.group} min`, v.min_amount, g.min);
    check.expect(`${row.group} max`, v.max_amount, g.max);
    check.expect(`${row.group} distinct customers`, v.distinct_customer, g.customers.size);
    const mean = g.sum / g.count;
    if (!(Math.abs((v.mean_amount as number) - mean) <= 1e-9 * Math.abs(mean))) check.note(`${row.group} mean: ${String(v.mean_amount)}, expected ${mean}`);
    const top = (v[`top${TOP_K}_amount`] as { amount: number }[] | undefined)?.map((r) => r.amount);
    check.expect(`${row.group} top-${TOP_K} amounts`, JSON.stringify(top), JSON.stringify(g.topAmounts));
  }
  for (const group of expected.keys()) if (!seen.has(group)) check.note(`missing group ${group}`);
}

/** The sorted output must list every record once, by amount, ties in input order (a stable sort). */
async function checkSortOrder(runtime: LocalRuntime, location: { bucket: string; key: string }, expectedIds: Uint32Array, check: MismatchLog): Promise<void> {
  let position = 0;
  let misplaced = 0;
  for await (const line of objectLines(runtime, location)) {
    // `{"id":N,…`: the generator writes id first, so the id is read without parsing every line.
    const id = Number(/^\{"id":(\d+)/.exec(line)?.[1] ?? Number.NaN);
    if (id !== expectedIds[position]) misplaced += 1;
    position += 1;
  }
  if (misplaced > 0) check.note(`sorted output: ${misplaced} records out of place`);
  check.expect('sorted output records', position, expectedIds.length);
}
