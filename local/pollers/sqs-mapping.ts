import { parseFilterCriteria, type FilterCriteria, type FilterPattern } from '../event-filter.ts';

/** The resolved `AWS::Lambda::EventSourceMapping` properties an SQS poller honours. */
export interface SqsMappingProperties {
  readonly EventSourceArn: string;
  readonly BatchSize?: number;
  readonly MaximumBatchingWindowInSeconds?: number;
  readonly ScalingConfig?: { readonly MaximumConcurrency?: number };
  readonly FunctionResponseTypes?: readonly string[];
  readonly FilterCriteria?: FilterCriteria;
  readonly Enabled?: boolean;
}

/** The mapping with Lambda's documented defaults filled in. */
export interface SqsMappingSettings {
  readonly batchSize: number;
  readonly batchingWindowMs: number;
  /** undefined: Lambda's own scaling (the local default number of pollers). */
  readonly maximumConcurrency?: number;
  readonly reportBatchItemFailures: boolean;
  readonly filters: readonly FilterPattern[];
  readonly enabled: boolean;
}

/**
 * Reads an SQS mapping's properties with the defaults and limits of "Lambda parameters for Amazon SQS event
 * source mappings" (services-sqs-parameters.html: BatchSize default 10, at most 10,000 for standard queues
 * and 10 for FIFO; no batching window on FIFO), the CreateEventSourceMapping reference (a BatchSize above
 * 10 needs MaximumBatchingWindowInSeconds of at least 1; the window is 0–300 s) and "Configuring scaling
 * behavior for SQS event source mappings" (MaximumConcurrency 2–1,000), so a local run refuses what AWS
 * refuses.
 *
 * @throws RangeError naming the parameter.
 * @example
 * const settings = sqsMappingSettings(resource.Properties as SqsMappingProperties, { fifo: false });
 */
export function sqsMappingSettings(mapping: SqsMappingProperties, queue: { fifo: boolean }): SqsMappingSettings {
  const batchSize = mapping.BatchSize ?? 10;
  const window = mapping.MaximumBatchingWindowInSeconds ?? 0;
  const maximumConcurrency = mapping.ScalingConfig?.MaximumConcurrency;
  inRange('BatchSize', batchSize, 1, queue.fifo ? 10 : 10_000);
  inRange('MaximumBatchingWindowInSeconds', window, 0, 300);
  if (queue.fifo && window > 0) throw new RangeError('MaximumBatchingWindowInSeconds is not supported for FIFO queues');
  if (batchSize > 10 && window < 1) throw new RangeError(`a BatchSize above 10 (got ${batchSize}) needs MaximumBatchingWindowInSeconds of at least 1`);
  if (maximumConcurrency !== undefined) inRange('ScalingConfig.MaximumConcurrency', maximumConcurrency, 2, 1000);
  return {
    batchSize,
    batchingWindowMs: window * 1000,
    ...(maximumConcurrency !== undefined ? { maximumConcurrency } : {}),
    reportBatchItemFailures: mapping.FunctionResponseTypes?.includes('ReportBatchItemFailures') ?? false,
    filters: parseFilterCriteria(mapping.FilterCriteria, 'sqs'),
    enabled: mapping.Enabled !== false,
  };
}

function inRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
}
