import { randomUUID } from 'node:crypto';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { forEachConcurrently } from '../../shared/concurrency.ts';
import type { AslState } from './definition.ts';
import { batchItems, type ItemBatcherConfig } from './item-batcher.ts';
import { readItems, type ItemReaderConfig } from './item-reader.ts';
import { evaluatePayloadTemplate } from './payload-template.ts';
import { TaskError } from './task-errors.ts';

/** One child execution's outcome. */
export type ChildOutcome = { ok: true; output: unknown } | { ok: false; error: string; cause: string };

export interface DistributedMapRun {
  /** The Distributed Map state as written in the definition. */
  readonly state: AslState;
  readonly stateName: string;
  /** The state's effective input (after InputPath). */
  readonly input: unknown;
  /** The execution's context object (`$$`). */
  readonly context: Record<string, unknown>;
  readonly s3: S3Client;
  /** ARN of the parent execution, for MapRunArn and child names. */
  readonly executionArn: string;
  /** Runs the ItemProcessor as one child execution. */
  runChild(input: unknown, index: number): Promise<ChildOutcome>;
  onChildDone?(index: number, outcome: ChildOutcome): void;
}

/** Child executions at once when MaxConcurrency is 0/absent (AWS allows up to 10,000; one process need not). */
const LOCAL_DEFAULT_CONCURRENCY = 1_000;

/**
 * Runs a Distributed Map state with AWS's semantics: items from the `ItemReader` (or `ItemsPath`),
 * `ItemSelector` per item (with `$$.Map.Item`), `ItemBatcher` batches, up to `MaxConcurrency` child
 * executions, `ToleratedFailurePercentage`/`ToleratedFailureCount` (exceeding them stops the run with
 * `States.ExceedToleratedFailureThreshold`), and `ResultWriter` (results in S3, the state's output then
 * being `{ MapRunArn, ResultWriterDetails }`); without a ResultWriter the output is the array of child
 * outputs in item order.
 *
 * @example
 * const output = await runDistributedMap({ state, stateName, input, context, s3, executionArn, runChild });
 */
export async function runDistributedMap(run: DistributedMapRun): Promise<unknown> {
  const { state, input, context } = run;
  const items = await readStateItems(run);
  const selected: unknown[] = [];
  const selector = state.ItemSelector ?? state.Parameters;
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    selected.push(selector ? await evaluatePayloadTemplate(selector, input, { ...context, Map: { Item: { Index: index, Value: item } } }) : item);
  }
  const batcher = state.ItemBatcher as (ItemBatcherConfig & { BatchInput?: unknown }) | undefined;
  const childInputs: unknown[] = batcher
    ? batchItems(selected, { ...batcher, ...(batcher.BatchInput === undefined ? {} : { BatchInput: await evaluatePayloadTemplate(batcher.BatchInput, input, context) }) })
    : selected;

  const maxConcurrency = Number((await pathOr(state.MaxConcurrencyPath, input, context)) ?? state.MaxConcurrency ?? 0) || LOCAL_DEFAULT_CONCURRENCY;
  const toleratedCount = optionalNumber((await pathOr(state.ToleratedFailureCountPath, input, context)) ?? state.ToleratedFailureCount);
  const toleratedPercentage = optionalNumber((await pathOr(state.ToleratedFailurePercentagePath, input, context)) ?? state.ToleratedFailurePercentage);
  const total = childInputs.length;
  const outcomes = new Array<ChildOutcome | undefined>(total);
  let failed = 0;
  let exceeded = false;
  // No threshold set: no failure is tolerated. Otherwise passing either set threshold fails the run.
  const exceeds = () =>
    toleratedCount === undefined && toleratedPercentage === undefined
      ? failed > 0
      : (toleratedCount !== undefined && failed > toleratedCount) || (toleratedPercentage !== undefined && (failed / total) * 100 > toleratedPercentage);
  await forEachConcurrently(
    total,
    maxConcurrency,
    async (index) => {
      const outcome = await run.runChild(childInputs[index], index);
      outcomes[index] = outcome;
      run.onChildDone?.(index, outcome);
      if (!outcome.ok) {
        failed += 1;
        if (exceeds()) exceeded = true;
      }
    },
    { stopWhen: () => exceeded },
  );
  const mapRunArn = `${run.executionArn.replace(':execution:', ':mapRun:')}/${run.stateName}:${randomUUID()}`;
  if (exceeded) {
    throw new TaskError(
      'States.ExceedToleratedFailureThreshold',
      `The specified tolerated failure threshold was exceeded: ${failed} of ${total} child executions failed (tolerated: ${toleratedCount ?? 0} items, ${toleratedPercentage ?? 0}%). MapRunArn: ${mapRunArn}`,
    );
  }
  const writer = state.ResultWriter as { Parameters?: unknown } | undefined;
  if (writer?.Parameters) return writeResults(run, await evaluatePayloadTemplate(writer.Parameters, input, context), mapRunArn, childInputs, outcomes);
  return outcomes.map((o) => (o!.ok ? o!.output : { Error: o!.error, Cause: o!.cause }));
}

function optionalNumber(value: unknown): number | undefined {
  return value === undefined || value === null ? undefined : Number(value);
}

async function pathOr(path: unknown, input: unknown, context: Record<string, unknown>): Promise<unknown> {
  if (typeof path !== 'string') return undefined;
  return ((await evaluatePayloadTemplate({ 'value.$': path }, input, context)) as { value: unknown }).value;
}

async function readStateItems(run: DistributedMapRun): Promise<unknown[]> {
  const { state, input, context } = run;
  const reader = state.ItemReader as (Omit<ItemReaderConfig, 'Parameters'> & { Parameters?: unknown }) | undefined;
  if (reader) {
    const parameters = (await evaluatePayloadTemplate(reader.Parameters ?? {}, input, context)) as ItemReaderConfig['Parameters'];
    return readItems(run.s3, { ...reader, Parameters: parameters });
  }
  const items = await pathOr(state.ItemsPath ?? '$', input, context);
  if (!Array.isArray(items)) throw new TaskError('States.Runtime', `the input of Distributed Map ${run.stateName} (ItemsPath) is not an array`);
  return items;
}

async function writeResults(
  run: DistributedMapRun,
  parameters: unknown,
  mapRunArn: string,
  inputs: readonly unknown[],
  outcomes: readonly (ChildOutcome | undefined)[],
): Promise<unknown> {
  const { Bucket, Prefix = '' } = parameters as { Bucket: string; Prefix?: string };
  const base = `${Prefix}${Prefix === '' || Prefix.endsWith('/') ? '' : '/'}${mapRunArn.split(':').at(-1)}/`;
  const entries = (status: 'SUCCEEDED' | 'FAILED') =>
    outcomes.flatMap((o, index) =>
      o && (o.ok ? status === 'SUCCEEDED' : status === 'FAILED')
        ? [{ Name: `${index}`, Status: status, Input: JSON.stringify(inputs[index]), ...(o.ok ? { Output: JSON.stringify(o.output) } : { Error: o.error, Cause: o.cause }) }]
        : [],
    );
  const resultFiles: Record<string, { Key: string; Size: number }[]> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  for (const status of ['SUCCEEDED', 'FAILED'] as const) {
    const list = entries(status);
    if (list.length === 0) continue;
    const Key = `${base}${status}_0.json`;
    const body = JSON.stringify(list);
    await run.s3.send(new PutObjectCommand({ Bucket, Key, Body: body, ContentType: 'application/json' }));
    resultFiles[status]!.push({ Key, Size: Buffer.byteLength(body) });
  }
  const manifestKey = `${base}manifest.json`;
  await run.s3.send(
    new PutObjectCommand({ Bucket, Key: manifestKey, Body: JSON.stringify({ DestinationBucket: Bucket, MapRunArn: mapRunArn, ResultFiles: resultFiles }), ContentType: 'application/json' }),
  );
  return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket, Key: manifestKey } };
}
