import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { BatchJob } from '../../../infra/batch-job.ts';
import { DedupTable } from '../../../infra/dedup-table.ts';
import { TemplateResolver } from '../../../local/template/resolver.ts';
import { jobStarterEnv, partitionFunctionEnv, reduceFunctionEnv, splitFunctionEnv } from '../../../shared/batch/config.ts';
import { BATCH_ENV, BATCH_JOB_ID, BATCH_OUTPUT_SUFFIXES, BATCH_PATHS, batchFunctionEnvironment, batchOutputName, PARTITION_ITEM_SELECTOR } from '../../../shared/batch/contract.ts';
import { readOwnPath } from '../../../shared/batch/fields.ts';
import { jobContext, parseJobSpec } from '../../../shared/batch/job-spec.ts';
import { failedJobSummarySchema, parseJobSummary } from '../../../shared/batch/job-summary.ts';
import { inlinePartitionTaskSchema, splitResultSchema } from '../../../shared/batch/task-payloads.ts';
import { allStates, stateMachineDefinition } from '../../helpers/batch-definition.ts';
import { jobSpecInput } from '../../helpers/batch-records.ts';

/** A stack with one BatchJob (request queue, extra buckets), synthesized without bundling. */
function synthBatchJob() {
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'ContractTest');
  const raw = new Bucket(stack, 'Raw');
  const exports = new Bucket(stack, 'Exports');
  const batch = new BatchJob(stack, BATCH_JOB_ID, { inlineMaxPartitions: 12, inputBuckets: [raw], outputBuckets: [exports], dedupTable: new DedupTable(stack, 'Dedup') });
  batch.addOutputs();
  return { stack, batch, raw, exports, template: Template.fromStack(stack) };
}

/** A resource's name is its logical id here: the resolver stands in for CloudFormation. */
const resolver = new TemplateResolver({
  region: 'eu-west-1',
  accountId: '123456789012',
  stackName: 'ContractTest',
  identityOf: (logicalId) => ({ ref: logicalId, attributes: { Arn: `arn:${logicalId}` } }),
});

describe('the batch pipeline contract', () => {
  const { stack, batch, raw, exports, template } = synthBatchJob();
  const id = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
  /** The function's environment as its Lambda sees it: the synthesized variables with their intrinsics resolved. */
  const environmentOf = (fn: { node: { defaultChild?: unknown } }) =>
    resolver.resolve(template.toJSON().Resources[id(fn)].Properties.Environment.Variables) as Record<string, string>;
  const allowedBuckets = { input: new Set([id(batch.bucket), id(raw)]), output: new Set([id(batch.bucket), id(exports)]) };

  it('gives each function back what the construct wired into its environment', () => {
    // Act
    const split = splitFunctionEnv(environmentOf(batch.splitFunction));
    const partition = partitionFunctionEnv(environmentOf(batch.partitionFunction));
    const reduce = reduceFunctionEnv(environmentOf(batch.reduceFunction));
    const starter = jobStarterEnv(environmentOf(batch.requests!.consumer));
    // Assess
    expect(split).toEqual({ workBucket: id(batch.bucket), inlineMaxPartitions: 12, chunkBytes: 4 << 20, sliceBytes: 16 << 20, allowedBuckets });
    expect(partition).toEqual({ workBucket: id(batch.bucket) });
    expect(reduce).toEqual({ workBucket: id(batch.bucket), summaryTable: id(batch.summaryTable), allowedBuckets });
    expect(starter).toEqual({ stateMachineArn: id(batch.stateMachine), allowedBuckets });
  });

  it('writes every variable under a contract name, and reads back the values it was given', () => {
    // Prepare
    const wiring = { bucket: 'work', inputBuckets: 'work,raw', outputBuckets: 'work', summaryTable: 'summaries' };
    // Act
    const env = batchFunctionEnvironment('reduce', wiring);
    // Assess
    expect(Object.keys(env).every((name) => (Object.values(BATCH_ENV) as string[]).includes(name))).toBe(true);
    expect(reduceFunctionEnv(env)).toEqual({ workBucket: 'work', summaryTable: 'summaries', allowedBuckets: { input: new Set(['work', 'raw']), output: new Set(['work']) } });
  });

  it('names every output the construct adds, and nothing else', () => {
    // Act
    const outputs = Object.keys(template.toJSON().Outputs as object).filter((name) => name.startsWith(BATCH_JOB_ID));
    // Assess
    const names = (Object.keys(BATCH_OUTPUT_SUFFIXES) as (keyof typeof BATCH_OUTPUT_SUFFIXES)[]).map((output) => batchOutputName(BATCH_JOB_ID, output));
    expect(outputs.sort()).toEqual(names.sort());
    expect(batchOutputName(BATCH_JOB_ID, 'stateMachineArn')).toBe('BatchStateMachineArn');
  });

  it('reads fields of a real Split result through the state machine’s paths', () => {
    // Prepare
    const job = jobContext(parseJobSpec(jobSpecInput()));
    const slice = { index: 0, slice: 0, slices: 1, firstChunk: 0, chunks: 1, records: 3, firstRecord: 1, partitionRecords: 3, lines: [1, 3] };
    const split = splitResultSchema.parse({
      jobId: job.jobId, job, workBucket: 'work', partitionCount: 4, records: 3, skipped: 0, badLines: [], startedAt: 1, mode: 'distributed',
      partitions: [slice], manifest: { bucket: 'work', key: 'tmp/job-1/manifest.json' }, slices: 1,
    });
    const read = (path: string) => readOwnPath(split, path.slice('$.'.length).split('.'));
    // Act
    const values = { job: read(BATCH_PATHS.job), mode: read(BATCH_PATHS.mode), partitions: read(BATCH_PATHS.partitions), manifestKey: read(BATCH_PATHS.manifestKey) };
    // Assess
    expect(values).toEqual({ job, mode: 'distributed', partitions: [slice], manifestKey: 'tmp/job-1/manifest.json' });
    expect(inlinePartitionTaskSchema.parse({ job: values.job, partition: slice })).toEqual({ job, partition: slice });
    expect(Object.keys(PARTITION_ITEM_SELECTOR).map((key) => key.replace(/\.\$$/, ''))).toEqual(Object.keys(inlinePartitionTaskSchema.shape));
  });

  it('records a failure with exactly the fields of the failed summary, which get() reads with startedAt in epoch milliseconds', () => {
    // Prepare
    const states = allStates(stateMachineDefinition(template).States);
    const written = (states.RecordFailure!.Parameters as { Item: Record<string, { S?: string; 'S.$'?: string }> }).Item;
    // What Step Functions reads at the paths: the execution's name and start time, the Catch's error and the state's name.
    const atPath: Record<string, string> = {
      [BATCH_PATHS.executionName]: 'j1',
      [BATCH_PATHS.executionStartTime]: '2026-11-26T10:00:00.000Z',
      [BATCH_PATHS.failedState]: 'Split',
      [BATCH_PATHS.errorName]: 'JobSpecError',
      [BATCH_PATHS.errorCause]: 'bad spec',
    };
    // Act: the item as DynamoDB holds it once Step Functions has filled in the paths, read back as get() reads it
    const item = Object.fromEntries(Object.entries(written).map(([name, value]) => [name, value.S ?? atPath[value['S.$']!]]));
    const summary = parseJobSummary(item);
    // Assess
    expect(Object.keys(item).sort()).toEqual(Object.keys(failedJobSummarySchema.shape).sort());
    expect(summary).toEqual({ jobId: 'j1', status: 'FAILED', failedState: 'Split', error: 'JobSpecError', cause: 'bad spec', startedAt: Date.parse('2026-11-26T10:00:00.000Z') });
  });
});
