import { randomUUID } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { App, Stack } from 'aws-cdk-lib';
import { BatchJob } from '../infra/batch-job.ts';
import type { EmulatorEndpoints } from '../local/emulators/index.ts';
import { LOCAL_ACCOUNT_ID, LocalRuntime } from '../local/runtime/local-runtime.ts';
import { createTemplateStateMachines } from '../local/stepfunctions/from-template.ts';
import type { LocalStateMachine } from '../local/stepfunctions/state-machine.ts';
import type { LocalFunction } from '../local/runtime/local-function.ts';
import { TemplateResolver } from '../local/template/resolver.ts';
import type { CfnTemplate } from '../local/template/types.ts';
import { BATCH_JOB_ID, batchOutputName } from '../shared/batch/contract.ts';
import type { JobSpecInput } from '../shared/batch/job-spec.ts';
import { orderAggregates } from '../examples/orders/demo/batch-orders.ts';

/** One measured execution: wall time and the process's peak RSS while it ran. */
export interface Timed {
  seconds: number;
  /** Highest resident set size of this process during the phase, MiB (sampled every 20 ms). */
  peakRssMiB: number;
  /** Peak RSS minus RSS when the phase started, MiB. */
  addedRssMiB: number;
}

/** What the job and the reference computed, reduced to what must agree. */
export interface Checksum {
  records: number;
  groups: number;
  sumOfAmounts: number;
}

export interface BatchBench {
  /**
   * Runs the batch job over `inputKey` with `partitions` partitions (spec fields overridden by
   * `overrides`) and returns its timing, checksum and summary.
   */
  runJob(inputKey: string, partitions: number, overrides?: Partial<JobSpecInput>): Promise<{ timed: Timed; checksum: Checksum; summary: Record<string, unknown> }>;
  putInput(key: string, jsonl: string): Promise<void>;
  stop(): Promise<void>;
}

const AGGREGATES = orderAggregates(3);

/**
 * Generated order records as JSON Lines (a linear congruential generator: the same seed, the same bytes).
 * `hotCustomer` gives every record that one customer (the skewed case: one partition key).
 *
 * @example
 * const jsonl = generateOrdersJsonl(1_000_000, 42);
 */
export function generateOrdersJsonl(count: number, seed = 1, options: { hotCustomer?: string } = {}): string {
  let state = seed >>> 0;
  const next = () => (state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0);
  const regions = ['eu', 'us', 'ap', 'sa', 'af'];
  const lines = new Array<string>(count);
  for (let id = 0; id < count; id++) {
    const region = regions[next() % regions.length];
    const customer = `c-${next() % 5_000}`;
    lines[id] = JSON.stringify({ id, region, customer: options.hotCustomer ?? customer, amount: next() % 100_000, day: 1 + (next() % 28) });
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The physical limit the batch job is held against: one process, all data in memory. Parses the same
 * JSON Lines, stable-sorts by amount, aggregates by region (the job's seven aggregates) and serializes
 * both outputs, as the job does.
 *
 * @example
 * const { checksum } = singleProcessSortAggregate(jsonl);
 */
export function singleProcessSortAggregate(jsonl: string): { checksum: Checksum; sortedJsonl: string; groupsJsonl: string } {
  type Row = { id: number; region: string; customer: string; amount: number };
  const records: Row[] = [];
  for (const line of jsonl.split('\n')) if (line !== '') records.push(JSON.parse(line) as Row);
  const groups = new Map<string, { count: number; sum: number; min: number; max: number; customers: Set<string>; top: Row[] }>();
  for (const r of records) {
    let g = groups.get(r.region);
    if (!g) groups.set(r.region, (g = { count: 0, sum: 0, min: Infinity, max: -Infinity, customers: new Set(), top: [] }));
    g.count += 1;
    g.sum += r.amount;
    if (r.amount < g.min) g.min = r.amount;
    if (r.amount > g.max) g.max = r.amount;
    g.customers.add(r.customer);
    if (g.top.length < 3 || r.amount > g.top[g.top.length - 1]!.amount) {
      g.top.push(r);
      g.top.sort((a, b) => b.amount - a.amount);
      if (g.top.length > 3) g.top.pop();
    }
  }
  const sorted = [...records].sort((a, b) => a.amount - b.amount);
  const sortedJsonl = `${sorted.map((r) => JSON.stringify(r)).join('\n')}\n`;
  const groupsJsonl = [...groups]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([group, g]) => JSON.stringify({ group, values: { count: g.count, sum_amount: g.sum, min_amount: g.min, max_amount: g.max, mean_amount: g.sum / g.count, distinct_customer: g.customers.size, top3_amount: g.top } }))
    .join('\n');
  return { checksum: { records: records.length, groups: groups.size, sumOfAmounts: [...groups.values()].reduce((s, g) => s + g.sum, 0) }, sortedJsonl, groupsJsonl };
}

/**
 * Times `work` and samples this process's RSS every 20 ms while it runs.
 *
 * @example
 * const { value, timed } = await timed(() => machine.wait(arn));
 */
export async function timePhase<T>(work: () => Promise<T> | T): Promise<{ value: T; timed: Timed }> {
  const startRss = process.memoryUsage.rss();
  let peak = startRss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const started = performance.now();
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    const mib = (bytes: number) => bytes / 2 ** 20;
    return { value, timed: { seconds: (performance.now() - started) / 1000, peakRssMiB: mib(peak), addedRssMiB: mib(peak - startRss) } };
  } finally {
    clearInterval(sampler);
  }
}

function batchTemplate(): CfnTemplate {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'SluiceBatchBench');
  // Up to 16 partitions run in an inline Map; more go through the Distributed Map (ItemReader + ItemBatcher).
  new BatchJob(stack, 'Batch', { inlineMaxPartitions: 16 }).addOutputs();
  return app.synth().getStackByName('SluiceBatchBench').template as CfnTemplate;
}

/**
 * The BatchJob construct's template on the local runtime (no pollers), its state machine bound to the
 * local functions, over the given emulators.
 *
 * @example
 * const bench = await startBatchBench(endpoints);
 * await bench.putInput('in/1m.jsonl', jsonl);
 * const { timed } = await bench.runJob('in/1m.jsonl', 16);
 */
export async function startBatchBench(endpoints: EmulatorEndpoints, options: { wrapFunction?: (fn: LocalFunction) => LocalFunction } = {}): Promise<BatchBench> {
  const runtime = await LocalRuntime.start({
    template: batchTemplate(),
    endpoints,
    namePrefix: `bb${randomUUID().slice(0, 6)}-`,
    pollers: false,
    functionEnvironment: { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' },
  });
  const resolver = new TemplateResolver({ region: runtime.region, accountId: LOCAL_ACCOUNT_ID, stackName: 'local', identityOf: (id) => runtime.resources.get(id) });
  const [machine] = createTemplateStateMachines({
    resources: runtime.resources.ofType('AWS::StepFunctions::StateMachine'),
    resolver,
    functions: runtime.functions.values(),
    ...(options.wrapFunction ? { wrapFunction: options.wrapFunction } : {}),
    s3: runtime.clients.s3,
    dynamodb: runtime.clients.dynamodb,
  }) as [LocalStateMachine];
  const bucket = runtime.output(batchOutputName(BATCH_JOB_ID, 'bucketName'));
  const s3 = runtime.clients.s3;
  return {
    async putInput(key, jsonl) {
      // Multipart: fauxqs refuses request bodies over 11 MiB, and a million records are ~75 MiB.
      await new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: Buffer.from(jsonl) }, partSize: 8 * 2 ** 20, queueSize: 2 }).done();
    },
    async runJob(inputKey, partitions, overrides = {}) {
      const jobId = `bench-${randomUUID().slice(0, 8)}`;
      const spec: JobSpecInput = {
        jobId,
        input: { format: 'jsonl', s3: { bucket, key: inputKey } },
        partition: { key: 'customer', count: partitions },
        sort: { key: 'amount', direction: 'asc' },
        groupBy: 'region',
        aggregates: AGGREGATES,
        output: { bucket, prefix: `results/${jobId}/` },
        badRecordPolicy: 'fail',
        ...overrides,
      };
      const { value: execution, timed } = await timePhase(async () => machine.wait(await machine.start(spec, jobId)));
      if (execution.status !== 'SUCCEEDED') throw new Error(`batch job ${jobId} ${execution.status}: ${execution.error ?? ''} ${execution.cause ?? ''}`);
      const summary = JSON.parse(execution.output!) as { records: number; groups: number; output: { groupsKey: string } } & Record<string, unknown>;
      const groupsText = await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: summary.output.groupsKey }))).Body!.transformToString();
      const rows = groupsText.trim().split('\n').map((l) => JSON.parse(l) as { values: { sum_amount: number } });
      return { timed, summary, checksum: { records: summary.records, groups: rows.length, sumOfAmounts: rows.reduce((s, r) => s + r.values.sum_amount, 0) } };
    },
    stop: () => runtime.stop(),
  };
}
