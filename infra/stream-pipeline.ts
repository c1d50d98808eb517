import { Duration } from 'aws-cdk-lib';
import type { Alarm, IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, type Table } from 'aws-cdk-lib/aws-dynamodb';
import { Stream, StreamEncryption, StreamMode, type IStream } from 'aws-cdk-lib/aws-kinesis';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeNagFinding, addAlarmAction, ALARM_PERIOD, alarmAbove, leastPrivilegeFunction, secureQueue, secureTable } from './secure-defaults.ts';
import type { SluiceFunction, SluiceFunctionOverrides } from './sluice-function.ts';
import { OUTPUT_SUFFIXES } from '../shared/stack-outputs.ts';
import { addStackOutputs, offerOutput, type OfferedOutput } from './stack-outputs.ts';

/** Dead letters of a stream are pointers (shard + sequence range): keep them as long as SQS allows. */
const FAILURE_RETENTION = Duration.days(14);

export interface StreamPipelineProps {
  /**
   * The consumer's source file: absolute, or relative to the app's working directory (the folder of
   * `cdk.json`), as for `NodejsFunction`.
   */
  readonly entry: string;
  /** Exported handler name in `entry`. Default `handler`. */
  readonly handler?: string;
  /** Consume this stream instead of creating one (its shards, retention and encryption are then yours). */
  readonly existingStream?: IStream;
  /** Names the pipeline in result keys (`SLUICE_PIPELINE_NAME`). Default: the construct id. */
  readonly pipelineName?: string;
  /** Provisioned shards. Default 1. Ignored when `onDemand`. */
  readonly shardCount?: number;
  /** On-demand capacity instead of provisioned shards. Default false. */
  readonly onDemand?: boolean;
  /** How long Kinesis keeps records. Default 24 hours. */
  readonly retentionPeriod?: Duration;
  /** Records per invocation (1–10,000). Default 100. */
  readonly batchSize?: number;
  /** How long Lambda gathers records before invoking. Default none. */
  readonly maxBatchingWindow?: Duration;
  /** Where a new mapping starts reading. Default TRIM_HORIZON (nothing already in the stream is skipped). */
  readonly startingPosition?: StartingPosition;
  /** Concurrent batches per shard (1–10); order is kept per partition key. Default 1. */
  readonly parallelizationFactor?: number;
  /** Split a failing batch in two to isolate a poison record. Default true. */
  readonly bisectBatchOnError?: boolean;
  /** Retries of a failing batch before it goes to the failure queue. Default 3 (Lambda's default is unlimited: one poison record would hold its shard for the whole retention period). */
  readonly retryAttempts?: number;
  /** Records older than this go to the failure queue unprocessed (60 s – 7 days). Default: the retention period. */
  readonly maxRecordAge?: Duration;
  /** Tumbling window of the aggregation (at most 15 minutes). Default 1 minute. */
  readonly tumblingWindow?: Duration;
  /** Lambda event filter on the decoded record data, AWS filter-rule syntax, e.g. `{ type: ['order'] }`. Default: every record. */
  readonly dataFilter?: Record<string, unknown>;
  /**
   * The consumer's function props over sluice's defaults (512 MiB, 30 s, Node.js 22, arm64, …); sluice's
   * own `SLUICE_*` variables win over `environment` on a clash. A prop set to `undefined` keeps the default.
   */
  readonly functionProps?: SluiceFunctionOverrides;
  /** Added to every alarm of the pipeline, e.g. `new SnsAction(topic)`. Default: alarms without actions. */
  readonly alarmAction?: IAlarmAction;
  /** Alarm when the consumer's iterator age (how far behind it reads) exceeds this. Default: tumbling window + 5 minutes. */
  readonly maxIteratorAge?: Duration;
}

/** The alarms a stream pipeline raises; add actions (SNS, ...) to them in the stack. */
export interface StreamPipelineAlarms {
  /** The consumer reads far behind the stream's tip: it is too slow or stuck on a failing batch. */
  readonly iteratorAge: Alarm;
  /** Any message in the failure queue: a discarded batch or a rejected record. */
  readonly failures: Alarm;
  /** The consumer threw (Lambda retries, then bisects or discards the batch). */
  readonly functionErrors: Alarm;
  /** The consumer was throttled: the shards' batches wait, and the iterator age grows. */
  readonly functionThrottles: Alarm;
}

/**
 * A Kinesis stream processed by a Lambda consumer into tumbling-window aggregates committed exactly once:
 * the stream (KMS-encrypted with the AWS-managed key, provisioned or on-demand), the consumer with a
 * Kinesis event source (batch size, batching window, starting position, parallelization factor, bisect,
 * retries, record age, `ReportBatchItemFailures`, a data filter, a tumbling window, on-failure to an
 * encrypted TLS-only SQS queue), the results table (KMS, point-in-time recovery; key `pk` =
 * pipeline#shard#windowStart, `sk` = first sequence number of the part) and alarms on iterator age,
 * failures and errors.
 *
 * Consumer environment: `SLUICE_PIPELINE_NAME`, `SLUICE_RESULTS_TABLE`, `SLUICE_FAILURE_QUEUE_URL`, plus `environment`.
 *
 * @example
 * const orders = new StreamPipeline(this, 'OrderStream', {
 *   entry: 'functions/stream-order-aggregator.ts', shardCount: 4, tumblingWindow: Duration.minutes(1), dataFilter: { type: ['order'] },
 * });
 * orders.addOutputs(); // OrderStreamStreamName, OrderStreamResultsTableName, OrderStreamFailureQueueUrl, OrderStreamConsumerName
 */
export class StreamPipeline extends Construct {
  readonly stream: IStream;
  readonly consumer: SluiceFunction;
  /** One item per committed window part. */
  readonly resultsTable: Table;
  /** On-failure destination of the mapping, and where the consumer reports records it rejects. */
  readonly failureQueue: Queue;
  readonly alarms: StreamPipelineAlarms;
  private readonly offered: OfferedOutput[];

  constructor(scope: Construct, id: string, props: StreamPipelineProps) {
    super(scope, id);
    const retentionPeriod = props.retentionPeriod ?? Duration.hours(24);
    const tumblingWindow = props.tumblingWindow ?? Duration.minutes(1);
    validateProps(props, tumblingWindow);

    this.stream =
      props.existingStream ??
      new Stream(this, 'Stream', {
        encryption: StreamEncryption.MANAGED,
        retentionPeriod,
        ...(props.onDemand ? { streamMode: StreamMode.ON_DEMAND } : { streamMode: StreamMode.PROVISIONED, shardCount: props.shardCount ?? 1 }),
      });
    this.failureQueue = secureQueue(this, 'FailureQueue', { retentionPeriod: FAILURE_RETENTION });
    acknowledgeNagFinding(
      this.failureQueue,
      'SQS3',
      'This queue is itself the dead-letter destination: the Kinesis event source mapping OnFailure target (cdk-nag only recognises RedrivePolicy targets). Nothing consumes it automatically, so it has no DLQ of its own; its alarm fires on any message.',
    );
    this.resultsTable = secureTable(this, 'ResultsTable', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
      sortKey: { name: 'sk', type: AttributeType.STRING },
    });

    this.consumer = leastPrivilegeFunction(this, 'Consumer', {
      description: `sluice stream consumer of ${this.node.path}`,
      ...props.functionProps,
      entry: props.entry,
      handler: props.handler,
      environment: {
        ...props.functionProps?.environment,
        SLUICE_PIPELINE_NAME: props.pipelineName ?? id,
        SLUICE_RESULTS_TABLE: this.resultsTable.tableName,
        SLUICE_FAILURE_QUEUE_URL: this.failureQueue.queueUrl,
      },
    });
    // Grants read on the stream and send on the on-failure queue to the consumer's role.
    this.consumer.addEventSource(
      new KinesisEventSource(this.stream, {
        startingPosition: props.startingPosition ?? StartingPosition.TRIM_HORIZON,
        batchSize: props.batchSize ?? 100,
        maxBatchingWindow: props.maxBatchingWindow,
        parallelizationFactor: props.parallelizationFactor ?? 1,
        bisectBatchOnError: props.bisectBatchOnError ?? true,
        retryAttempts: props.retryAttempts ?? 3,
        maxRecordAge: props.maxRecordAge ?? retentionPeriod,
        reportBatchItemFailures: true,
        tumblingWindow,
        filters: props.dataFilter ? [FilterCriteria.filter({ data: props.dataFilter })] : undefined,
        onFailure: new SqsDlq(this.failureQueue),
      }),
    );
    // Window results are conditional PutItems; rejected records are reported to the failure queue.
    this.resultsTable.grant(this.consumer, 'dynamodb:PutItem');
    this.failureQueue.grantSendMessages(this.consumer);

    this.alarms = this.createAlarms(props.maxIteratorAge ?? tumblingWindow.plus(Duration.minutes(5)));
    addAlarmAction(Object.values(this.alarms), props.alarmAction);
    this.offered = [
      offerOutput(this.stream, `${id}${OUTPUT_SUFFIXES.streamName}`, this.stream.streamName, `${id} Kinesis stream name`),
      offerOutput(this.resultsTable, `${id}${OUTPUT_SUFFIXES.resultsTableName}`, this.resultsTable.tableName, `${id} window results table`),
      offerOutput(this.failureQueue, `${id}${OUTPUT_SUFFIXES.failureQueueUrl}`, this.failureQueue.queueUrl, `${id} failure queue URL (discarded batches, rejected records)`),
      offerOutput(this.consumer, `${id}${OUTPUT_SUFFIXES.consumerName}`, this.consumer.functionName, `${id} consumer function name`),
    ];
  }

  /**
   * Adds stack outputs with stable names so a CLI pointed at AWS finds the resources:
   * `<prefix>StreamName`, `<prefix>ResultsTableName`, `<prefix>FailureQueueUrl`, `<prefix>ConsumerName`.
   *
   * @example
   * orders.addOutputs('OrderStream');
   */
  addOutputs(prefix: string = this.node.id): void {
    addStackOutputs(this, this.offered, this.node.id, prefix);
  }

  private createAlarms(maxIteratorAge: Duration): StreamPipelineAlarms {
    return {
      iteratorAge: alarmAbove(this, 'IteratorAgeAlarm', {
        metric: this.consumer.metric('IteratorAge', { period: ALARM_PERIOD, statistic: 'Maximum' }),
        threshold: maxIteratorAge.toMilliseconds(),
        evaluationPeriods: 3,
        description: `The consumer of ${this.node.path} reads more than ${maxIteratorAge.toSeconds()} s behind the stream: it is too slow or retrying a failing batch.`,
      }),
      failures: alarmAbove(this, 'FailuresAlarm', {
        metric: this.failureQueue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' }),
        threshold: 0,
        description: `Messages in the failure queue of ${this.node.path}: each names a shard and sequence range (or one rejected record) to read back from the stream.`,
      }),
      functionErrors: alarmAbove(this, 'FunctionErrorsAlarm', {
        metric: this.consumer.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }),
        threshold: 0,
        description: `The consumer of ${this.node.path} threw: Lambda retries and bisects the batch.`,
      }),
      functionThrottles: alarmAbove(this, 'FunctionThrottlesAlarm', {
        metric: this.consumer.metricThrottles({ period: ALARM_PERIOD, statistic: 'Sum' }),
        threshold: 0,
        description: `The consumer of ${this.node.path} was throttled (account or reserved concurrency): batches wait and the iterator age grows.`,
      }),
    };
  }
}

function validateProps(props: StreamPipelineProps, tumblingWindow: Duration): void {
  const shards = props.shardCount ?? 1;
  if (!props.onDemand && (!Number.isInteger(shards) || shards < 1)) throw new Error(`shardCount must be a positive integer, got ${shards}`);
  const window = tumblingWindow.toSeconds();
  if (!Number.isInteger(window) || window < 1 || window > 900) throw new Error(`tumblingWindow must be 1–900 whole seconds, got ${window}`);
  const batchSize = props.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new Error(`batchSize must be 1–10000, got ${batchSize}`);
}
