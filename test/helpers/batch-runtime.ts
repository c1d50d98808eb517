import { randomUUID } from 'node:crypto';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BatchJob, type BatchJobProps } from '../../infra/batch-job.ts';
import { DedupTable } from '../../infra/dedup-table.ts';
import { endpointsFromEnvironment } from '../../local/emulators/environment.ts';
import type { LocalFunction } from '../../local/runtime/local-function.ts';
import { LocalRuntime } from '../../local/runtime/local-runtime.ts';
import type { LocalStateMachine, StateMachineEvent } from '../../local/stepfunctions/state-machine.ts';
import type { CfnTemplate } from '../../local/template/types.ts';
import { TEST_VISIBILITY_TIMEOUT_SECONDS } from './test-visibility.ts';
import { BATCH_JOB_ID, batchOutputName } from '../../shared/batch/contract.ts';

/** The template of a stack holding one BatchJob, synthesized without bundling. */
export function batchJobTemplate(props: BatchJobProps = {}, options: { withRequests?: boolean } = {}): CfnTemplate {
  const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'BatchTest');
  const dedupTable = options.withRequests ? new DedupTable(stack, 'Dedup') : undefined;
  new BatchJob(stack, BATCH_JOB_ID, { ...props, ...(dedupTable ? { dedupTable } : {}) }).addOutputs();
  return Template.fromStack(stack).toJSON() as CfnTemplate;
}

/** A local batch job: the runtime over the shared emulators, its state machine, and S3 helpers. */
export interface BatchHarness {
  readonly runtime: LocalRuntime;
  readonly machine: LocalStateMachine;
  readonly bucket: string;
  readonly summaryTable: string;
  readonly events: StateMachineEvent[];
  /** The request queue URL (with `withRequests`). */
  readonly requestQueueUrl?: string;
  putObject(key: string, body: string): Promise<void>;
  getText(key: string): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Runs the BatchJob template on the local runtime (pollers only for the request queue) with its state
 * machine bound to the local functions; Retry waits are compressed to 10 ms. `wrapFunction` injects faults.
 *
 * @example
 * const batch = await startBatchHarness({ inlineMaxPartitions: 16 });
 */
export async function startBatchHarness(
  props: BatchJobProps = {},
  options: { wrapFunction?: (fn: LocalFunction) => LocalFunction; withRequests?: boolean } = {},
): Promise<BatchHarness> {
  const { wrapFunction, withRequests = false } = options;
  const template = batchJobTemplate(props, { withRequests });
  const events: StateMachineEvent[] = [];
  const runtime = await LocalRuntime.start({
    template,
    endpoints: endpointsFromEnvironment()!,
    namePrefix: `b${randomUUID().slice(0, 6)}-`,
    pollers: withRequests,
    // Requests that meet an in-progress duplicate come back after the visibility timeout: 10 s, not 181 s.
    overrides: { visibilityTimeoutSeconds: TEST_VISIBILITY_TIMEOUT_SECONDS },
    functionEnvironment: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    stateMachines: { retryIntervalMs: 10, onEvent: (_arn, event) => events.push(event), ...(wrapFunction ? { wrapFunction } : {}) },
  });
  const machine = runtime.stateMachines[0]!;
  const outputs = runtime.outputs();
  const output = (name: Parameters<typeof batchOutputName>[1]) => outputs[batchOutputName(BATCH_JOB_ID, name)]!;
  const bucket = output('bucketName');
  const s3 = runtime.clients.s3;
  return {
    runtime,
    machine,
    bucket,
    summaryTable: output('summaryTableName'),
    events,
    ...(withRequests ? { requestQueueUrl: output('requestQueueUrl') } : {}),
    putObject: async (key, body) => {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    },
    getText: async (key) => (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString(),
    stop: () => runtime.stop(),
  };
}
