import { parseFilterCriteria, type FilterCriteria, type FilterPattern } from '../event-filter.ts';

/** The resolved `AWS::Lambda::EventSourceMapping` properties a Kinesis poller honours. */
export interface KinesisMappingProperties {
  readonly EventSourceArn: string;
  readonly StartingPosition?: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP' | string;
  /** Seconds since the epoch, for AT_TIMESTAMP. */
  readonly StartingPositionTimestamp?: number;
  readonly BatchSize?: number;
  readonly MaximumBatchingWindowInSeconds?: number;
  readonly ParallelizationFactor?: number;
  readonly BisectBatchOnFunctionError?: boolean;
  readonly MaximumRetryAttempts?: number;
  readonly MaximumRecordAgeInSeconds?: number;
  readonly FunctionResponseTypes?: readonly string[];
  readonly FilterCriteria?: FilterCriteria;
  readonly TumblingWindowInSeconds?: number;
  readonly DestinationConfig?: { readonly OnFailure?: { readonly Destination?: string } };
  readonly Enabled?: boolean;
}

/** The mapping with Lambda's documented defaults filled in. */
export interface KinesisMappingSettings {
  readonly streamArn: string;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';
  readonly startingTimestamp?: Date;
  readonly batchSize: number;
  readonly batchingWindowMs: number;
  readonly parallelizationFactor: number;
  readonly bisectOnError: boolean;
  /** -1: retry until the record expires. */
  readonly maxRetryAttempts: number;
  /** -1: never discard for age. */
  readonly maxRecordAgeMs: number;
  readonly reportBatchItemFailures: boolean;
  readonly filters: readonly FilterPattern[];
  /** 0: no tumbling window. */
  readonly tumblingWindowSeconds: number;
  readonly onFailureDestination?: string;
}

/**
 * Reads a mapping's properties with the defaults of "Lambda parameters for Amazon Kinesis Data Streams
 * event source mappings" (BatchSize 100, no batching window, ParallelizationFactor 1, retries and record
 * age unlimited) and checks their documented ranges, so a local run refuses what AWS would refuse.
 *
 * @example
 * const settings = kinesisMappingSettings(resource.Properties as KinesisMappingProperties);
 */
export function kinesisMappingSettings(mapping: KinesisMappingProperties): KinesisMappingSettings {
  const startingPosition = (mapping.StartingPosition ?? 'LATEST') as KinesisMappingSettings['startingPosition'];
  if (!['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'].includes(startingPosition)) throw new RangeError(`unsupported StartingPosition ${startingPosition}`);
  const settings: KinesisMappingSettings = {
    streamArn: mapping.EventSourceArn,
    startingPosition,
    startingTimestamp: mapping.StartingPositionTimestamp === undefined ? undefined : new Date(mapping.StartingPositionTimestamp * 1000),
    batchSize: mapping.BatchSize ?? 100,
    batchingWindowMs: (mapping.MaximumBatchingWindowInSeconds ?? 0) * 1000,
    parallelizationFactor: mapping.ParallelizationFactor ?? 1,
    bisectOnError: mapping.BisectBatchOnFunctionError ?? false,
    maxRetryAttempts: mapping.MaximumRetryAttempts ?? -1,
    maxRecordAgeMs: mapping.MaximumRecordAgeInSeconds === undefined || mapping.MaximumRecordAgeInSeconds === -1 ? -1 : mapping.MaximumRecordAgeInSeconds * 1000,
    reportBatchItemFailures: mapping.FunctionResponseTypes?.includes('ReportBatchItemFailures') ?? false,
    filters: parseFilterCriteria(mapping.FilterCriteria, 'kinesis'),
    tumblingWindowSeconds: mapping.TumblingWindowInSeconds ?? 0,
    onFailureDestination: mapping.DestinationConfig?.OnFailure?.Destination,
  };
  inRange('BatchSize', settings.batchSize, 1, 10_000);
  inRange('MaximumBatchingWindowInSeconds', settings.batchingWindowMs / 1000, 0, 300);
  inRange('ParallelizationFactor', settings.parallelizationFactor, 1, 10);
  inRange('MaximumRetryAttempts', settings.maxRetryAttempts, -1, 10_000);
  if (settings.maxRecordAgeMs !== -1) inRange('MaximumRecordAgeInSeconds', settings.maxRecordAgeMs / 1000, 60, 604_800);
  inRange('TumblingWindowInSeconds', settings.tumblingWindowSeconds, 0, 900);
  if (startingPosition === 'AT_TIMESTAMP' && !settings.startingTimestamp) throw new RangeError('AT_TIMESTAMP needs StartingPositionTimestamp');
  return settings;
}

function inRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer in [${min}, ${max}], got ${value}`);
}
