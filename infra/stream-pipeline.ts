import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { MathExpression, type Alarm, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, type Table } from 'aws-cdk-lib/aws-dynamodb';
import { InterfaceVpcEndpointAwsService } from 'aws-cdk-lib/aws-ec2';
import { Stream, StreamEncryption, StreamMode, type IStream } from 'aws-cdk-lib/aws-kinesis';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { KinesisEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import { RedrivePermission, type CfnQueue, type Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeFinding } from './compliance-findings.ts';
import { complianceProfile, ComplianceResources, type ComplianceProfile } from './compliance.ts';
import { ALARM_PERIOD, alarmAbove, grantTableActions, leastPrivilegeFunction, notifyOnAlarm, secureQueue, secureTable } from './secure-defaults.ts';
import type { SluiceFunction, SluiceFunctionOverrides } from './sluice-function.ts';
import { streamConsumerEnvironment, streamFilterPattern, streamOutputName, WINDOW_RESULT_KEY } from '../shared/stream/contract.ts';
import { addStackOutputs, offerOutput, type OfferedOutput } from './stack-outputs.ts';

/** Dead letters of a stream are pointers (shard + sequence range): keep them as long as SQS allows. */
const FAILURE_RETENTION = Duration.days(14);
/**
 * Receives before a failure report moves to the failure queue's own DLQ. Nothing consumes reports
 * automatically; people read them (`sluice dlq list` receives and releases them), so the count is high
 * enough that reading never moves one, and a consumer you attach that keeps failing still cannot loop.
 */
const FAILURE_MAX_RECEIVES = 100;
/** Lambda's bounds for MaximumRecordAgeInSeconds. */
const MIN_RECORD_AGE = Duration.seconds(60);
const MAX_RECORD_AGE = Duration.days(7);

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
  /** Names the pipeline in result keys (the consumer reads it from its environment). Default: the construct id. */
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
  /**
   * Records older than this are given up and reported to the failure queue (60 s – 7 days). The report names
   * a shard and sequence range only, so the records must still be in the stream when someone reads it back:
   * it must be shorter than the retention period. Default: half the retention period (12 of 24 hours).
   */
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
  /** Added to every alarm of the pipeline, e.g. `new SnsAction(topic)`. Default: the stack's alarm topic (`SluiceAlarmTopicArn`). */
  readonly alarmAction?: IAlarmAction;
  /**
   * What happens to the stream when it leaves the stack. Default DESTROY: a stream bills per shard-hour,
   * and its records are transient (kept `retentionPeriod`); the results table is what stays.
   */
  readonly streamRemovalPolicy?: RemovalPolicy;
  /**
   * strict: stream, failure queues and results table on the stack's KMS key, the consumer in the stack's VPC
   * (an SQS endpoint is added) with reserved concurrency (`functionProps.reservedConcurrentExecutions`, else
   * shards × parallelization factor; 4 shards for on-demand). Default: the stack's profile.
   */
  readonly compliance?: ComplianceProfile;
  /** Alarm when the consumer's iterator age (how far behind it reads) exceeds this. Default: tumbling window + 5 minutes. */
  readonly maxIteratorAge?: Duration;
}

/** The alarms a stream pipeline raises; add actions (SNS, ...) to them in the stack. */
export interface StreamPipelineAlarms {
  /** The consumer reads far behind the stream's tip: it is too slow or stuck on a failing batch. */
  readonly iteratorAge: Alarm;
  /** Any message in the failure queue (a discarded batch or a rejected record) or in its dead-letter queue. */
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
 * encrypted TLS-only SQS queue with its own dead-letter queue), the results table (KMS, point-in-time recovery; key `pk` =
 * pipeline#shard#windowStart, `sk` = first sequence number of the part) and alarms on iterator age,
 * failures and errors.
 *
 * Consumer environment: what `streamConsumerEnvironment` writes (the pipeline name, results table and failure queue
 * under the `STREAM_ENV` names of `sluice/stream`; `createStreamConsumer` reads them), plus `environment`.
 *
 * @example
 * const orders = new StreamPipeline(this, 'OrderStream', {
 *   entry: 'functions/stream-order-aggregator.ts', shardCount: 4, tumblingWindow: Duration.minutes(1), dataFilter: { type: ['order'] },
 * });
 * orders.addOutputs(); // streamOutputName('OrderStream', 'streamName' | 'resultsTableName' | 'failureQueueUrl' | 'consumerName')
 */
export class StreamPipeline extends Construct {
  readonly stream: IStream;
  readonly consumer: SluiceFunction;
  /** One item per committed window part. */
  readonly resultsTable: Table;
  /** On-failure destination of the mapping, and where the consumer reports records it rejects. */
  readonly failureQueue: Queue;
  /** Where a failure report goes after 100 receives (Control Tower's CT.SQS.PR.1: every queue has a DLQ). */
  readonly failureDeadLetterQueue: Queue;
  readonly alarms: StreamPipelineAlarms;
  private readonly offered: OfferedOutput[];

  constructor(scope: Construct, id: string, props: StreamPipelineProps) {
    super(scope, id);
    const retentionPeriod = props.retentionPeriod ?? Duration.hours(24);
    const tumblingWindow = props.tumblingWindow ?? Duration.minutes(1);
    const maxRecordAge = props.maxRecordAge ?? defaultRecordAge(retentionPeriod);
    validateProps(props, tumblingWindow, maxRecordAge, props.existingStream ? undefined : retentionPeriod);
    const profile = complianceProfile(this, props.compliance);
    const strict = profile === 'strict';

    this.stream =
      props.existingStream ??
      new Stream(this, 'Stream', {
        ...(strict ? { encryption: StreamEncryption.KMS, encryptionKey: ComplianceResources.of(this).encryptionKey } : { encryption: StreamEncryption.MANAGED }),
        retentionPeriod,
        removalPolicy: props.streamRemovalPolicy ?? RemovalPolicy.DESTROY,
        ...(props.onDemand ? { streamMode: StreamMode.ON_DEMAND } : { streamMode: StreamMode.PROVISIONED, shardCount: props.shardCount ?? 1 }),
      });
    if (strict && !props.existingStream) acknowledgeFinding(this.stream, 'streamCustomerKey');
    this.failureDeadLetterQueue = secureQueue(this, 'FailureDeadLetterQueue', { retentionPeriod: FAILURE_RETENTION, compliance: profile });
    // Its ARN is unknown to the failure queue's name until creation (a cycle otherwise): any queue may redrive here.
    (this.failureDeadLetterQueue.node.defaultChild as CfnQueue).redriveAllowPolicy = { redrivePermission: RedrivePermission.ALLOW_ALL };
    this.failureQueue = secureQueue(this, 'FailureQueue', {
      retentionPeriod: FAILURE_RETENTION,
      deadLetterQueue: { queue: this.failureDeadLetterQueue, maxReceiveCount: FAILURE_MAX_RECEIVES },
      compliance: profile,
    });
    this.resultsTable = secureTable(this, 'ResultsTable', {
      partitionKey: { name: WINDOW_RESULT_KEY.partitionKey, type: AttributeType.STRING },
      sortKey: { name: WINDOW_RESULT_KEY.sortKey, type: AttributeType.STRING },
      compliance: profile,
    });

    this.consumer = leastPrivilegeFunction(this, 'Consumer', {
      description: `sluice stream consumer of ${this.node.path}`,
      ...props.functionProps,
      ...(strict ? { reservedConcurrentExecutions: props.functionProps?.reservedConcurrentExecutions ?? streamConcurrency(props) } : {}),
      compliance: profile,
      entry: props.entry,
      handler: props.handler,
      environment: {
        ...props.functionProps?.environment,
        ...streamConsumerEnvironment({ pipelineName: props.pipelineName ?? id, resultsTable: this.resultsTable.tableName, failureQueueUrl: this.failureQueue.queueUrl }),
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
        maxRecordAge,
        reportBatchItemFailures: true,
        tumblingWindow,
        filters: props.dataFilter ? [FilterCriteria.filter(streamFilterPattern(props.dataFilter))] : undefined,
        onFailure: new SqsDlq(this.failureQueue),
      }),
    );
    // Window results are conditional PutItems; rejected records are reported to the failure queue.
    grantTableActions(this.resultsTable, this.consumer, 'dynamodb:PutItem');
    this.failureQueue.grantSendMessages(this.consumer);
    // Rejected records are SendMessage calls from inside the VPC.
    if (strict) ComplianceResources.of(this).requireInterfaceEndpoint(InterfaceVpcEndpointAwsService.SQS);

    this.alarms = this.createAlarms(props.maxIteratorAge ?? tumblingWindow.plus(Duration.minutes(5)));
    notifyOnAlarm(this, Object.values(this.alarms), props.alarmAction);
    this.offered = [
      offerOutput(this.stream, streamOutputName(id, 'streamName'), this.stream.streamName, `${id} Kinesis stream name`),
      offerOutput(this.resultsTable, streamOutputName(id, 'resultsTableName'), this.resultsTable.tableName, `${id} window results table`),
      offerOutput(this.failureQueue, streamOutputName(id, 'failureQueueUrl'), this.failureQueue.queueUrl, `${id} failure queue URL (discarded batches, rejected records)`),
      offerOutput(this.consumer, streamOutputName(id, 'consumerName'), this.consumer.functionName, `${id} consumer function name`),
    ];
  }

  /**
   * Adds stack outputs with stable names so a CLI pointed at AWS finds the resources: the stream name,
   * results table, failure queue URL and consumer name, named `streamOutputName(prefix, …)` (`sluice/stream`).
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
        metric: new MathExpression({
          expression: 'reports + deadLetters',
          usingMetrics: {
            reports: this.failureQueue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' }),
            deadLetters: this.failureDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' }),
          },
          period: ALARM_PERIOD,
        }),
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

/** Half the retention period, within Lambda's 60 s – 7 days: a report leaves as long to read its records back. */
function defaultRecordAge(retentionPeriod: Duration): Duration {
  const half = Math.floor(retentionPeriod.toSeconds() / 2);
  return Duration.seconds(Math.min(Math.max(half, MIN_RECORD_AGE.toSeconds()), MAX_RECORD_AGE.toSeconds()));
}

/** strict's reserved concurrency: one invocation per shard and parallelization slot (on-demand streams start with 4 shards). */
function streamConcurrency(props: StreamPipelineProps): number {
  const shards = props.onDemand ? 4 : (props.shardCount ?? 1);
  return shards * (props.parallelizationFactor ?? 1);
}

function validateProps(props: StreamPipelineProps, tumblingWindow: Duration, maxRecordAge: Duration, retentionPeriod: Duration | undefined): void {
  const age = maxRecordAge.toSeconds();
  if (!Number.isInteger(age) || age < MIN_RECORD_AGE.toSeconds() || age > MAX_RECORD_AGE.toSeconds()) {
    throw new Error(`maxRecordAge must be 60 s – 7 days, got ${age} s`);
  }
  if (retentionPeriod && age >= retentionPeriod.toSeconds()) {
    throw new Error(
      `maxRecordAge (${age} s) must be shorter than the stream's retention (${retentionPeriod.toSeconds()} s): a failure report names a sequence range, and its records must still be in the stream when someone reads them back`,
    );
  }
  const shards = props.shardCount ?? 1;
  if (!props.onDemand && (!Number.isInteger(shards) || shards < 1)) throw new Error(`shardCount must be a positive integer, got ${shards}`);
  const window = tumblingWindow.toSeconds();
  if (!Number.isInteger(window) || window < 1 || window > 900) throw new Error(`tumblingWindow must be 1–900 whole seconds, got ${window}`);
  const batchSize = props.batchSize ?? 100;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new Error(`batchSize must be 1–10000, got ${batchSize}`);
}
