import { ArnFormat, CfnOutput, Duration, Names, Stack } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { RedrivePermission, type CfnQueue, type Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { DedupTable } from './dedup-table.ts';
import { ALARM_PERIOD, alarmAbove, leastPrivilegeFunction, secureQueue } from './secure-defaults.ts';
import type { SluiceFunction } from './sluice-function.ts';

/** SQS's own ceiling for queue-level and per-message delays; longer delays are done by hops. */
const MAX_SQS_DELAY = Duration.minutes(15);
/** Longest retention SQS allows; dead letters keep it so nobody loses evidence over a long weekend. */
const DEAD_LETTER_RETENTION = Duration.days(14);
/** SQS's default retention, written out so the template (and the dedup window) carries it. */
const DEFAULT_RETENTION = Duration.days(4);
/** Room for the `.fifo` suffix within SQS's 80-character queue name limit. */
const QUEUE_NAME_MAX_LENGTH = 75;

export interface QueuePipelineProps {
  /** Consumer's TypeScript entry, relative to the repository root, e.g. `functions/order-worker.ts`. */
  readonly entry: string;
  /** The dedup table the consumer claims idempotency keys in. */
  readonly dedupTable: DedupTable;
  /** Dedup key scope (`scope#key`): keeps pipelines sharing one table apart. Default: the construct id. */
  readonly dedupScope?: string;
  /** How long a completed key suppresses duplicates. Default: the queue's retention period. */
  readonly dedupWindow?: Duration;
  /** FIFO queue (and FIFO dead-letter queue). Default false. */
  readonly fifo?: boolean;
  /** FIFO only: SHA-256 of the body as the deduplication id. Default false. */
  readonly contentBasedDeduplication?: boolean;
  /** Queue-level delay for every message (SQS `DelaySeconds`, at most 15 minutes). Default 0, written out. */
  readonly deliveryDelay?: Duration;
  /** How long SQS keeps an unprocessed message. Default 4 days. */
  readonly retentionPeriod?: Duration;
  /** Receives before SQS moves a message to the dead-letter queue. Default 5. */
  readonly maxReceiveCount?: number;
  /** Consumer timeout. Default 30 seconds. */
  readonly functionTimeout?: Duration;
  /** Consumer memory in MiB. Default: SluiceFunction's (512). */
  readonly memorySize?: number;
  /** Extra environment for the consumer (sluice's own variables win on a clash). */
  readonly environment?: Record<string, string>;
  /** Visibility timeout. Default: 6 × function timeout + batching window, as AWS advises for Lambda. */
  readonly visibilityTimeout?: Duration;
  /** Records per invocation. Default 10. */
  readonly batchSize?: number;
  /** How long the poller gathers records before invoking (standard queues only). Default none. */
  readonly maxBatchingWindow?: Duration;
  /** Most concurrent invocations the event source mapping starts (2–1000). Default: no limit. */
  readonly maxConcurrency?: number;
  /** Alarm when the oldest message is older than this. Default: delivery delay + maxReceiveCount × visibility timeout. */
  readonly maxMessageAge?: Duration;
}

/** The alarms a queue pipeline raises; add actions (SNS, ...) to them in the stack. */
export interface QueuePipelineAlarms {
  /** Any message in the dead-letter queue. */
  readonly deadLetters: Alarm;
  /** The oldest message waits longer than `maxMessageAge`: the consumer is falling behind or stuck. */
  readonly oldestMessageAge: Alarm;
  /** The consumer threw (whole-batch failures; per-record failures are reported, not thrown). */
  readonly functionErrors: Alarm;
  /** Lambda throttled the consumer: account or reserved concurrency is too low for the mapping. */
  readonly functionThrottles: Alarm;
}

/**
 * An SQS queue drained by a Lambda consumer with exactly-once effects: the queue (encrypted, TLS-only,
 * redrive to a dead-letter queue after `maxReceiveCount`), its dead-letter queue (same kind, 14 days,
 * accepting redrives from this queue only), the consumer (partial batch responses, dedup table access,
 * send rights on its own queue for delay hops and on the DLQ for permanent failures) and alarms.
 *
 * Consumer environment: `SLUICE_QUEUE_URL`, `SLUICE_DLQ_URL`, `SLUICE_FIFO` (`true`/`false`),
 * `SLUICE_DEDUP_TABLE`, `SLUICE_DEDUP_SCOPE`, `SLUICE_DEDUP_WINDOW_SECONDS`, plus `environment`.
 *
 * @example
 * const orders = new QueuePipeline(this, 'Orders', {
 *   entry: 'functions/order-worker.ts', dedupTable, batchSize: 10, maxBatchingWindow: Duration.seconds(1), maxConcurrency: 5,
 * });
 * ordersTable.grant(orders.consumer, 'dynamodb:PutItem');
 * orders.addOutputs(); // OrdersQueueUrl, OrdersDeadLetterQueueUrl, OrdersConsumerName
 */
export class QueuePipeline extends Construct {
  /** The work queue producers send to. */
  readonly queue: Queue;
  /** Where messages go after `maxReceiveCount` receives, or at once when permanently bad or expired. */
  readonly deadLetterQueue: Queue;
  /** The Lambda consumer. */
  readonly consumer: SluiceFunction;
  /** The pipeline's alarms. */
  readonly alarms: QueuePipelineAlarms;

  constructor(scope: Construct, id: string, props: QueuePipelineProps) {
    super(scope, id);
    const fifo = props.fifo ?? false;
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    const functionTimeout = props.functionTimeout ?? Duration.seconds(30);
    const retentionPeriod = props.retentionPeriod ?? DEFAULT_RETENTION;
    const batchingWindow = props.maxBatchingWindow ?? Duration.seconds(0);
    const visibilityTimeout =
      props.visibilityTimeout ?? Duration.seconds(6 * functionTimeout.toSeconds() + batchingWindow.toSeconds());
    validateProps(props, { maxReceiveCount, functionTimeout, visibilityTimeout });

    this.deadLetterQueue = secureQueue(this, 'DeadLetterQueue', {
      fifo: fifo || undefined,
      retentionPeriod: DEAD_LETTER_RETENTION,
    });
    const queueName = `${Names.uniqueResourceName(this, { maxLength: QUEUE_NAME_MAX_LENGTH, separator: '-' })}${fifo ? '.fifo' : ''}`;
    this.allowRedriveFrom(queueName);
    this.queue = secureQueue(this, 'Queue', {
      queueName,
      fifo: fifo || undefined,
      contentBasedDeduplication: props.contentBasedDeduplication,
      // Written out even when 0, so the template states the delay every consumer of it sees.
      deliveryDelay: props.deliveryDelay ?? Duration.seconds(0),
      retentionPeriod,
      visibilityTimeout,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount },
    });

    this.consumer = leastPrivilegeFunction(this, 'Consumer', {
      entry: props.entry,
      timeout: functionTimeout,
      memorySize: props.memorySize,
      description: `sluice queue consumer of ${this.node.path}`,
      environment: {
        ...props.environment,
        SLUICE_QUEUE_URL: this.queue.queueUrl,
        SLUICE_DLQ_URL: this.deadLetterQueue.queueUrl,
        SLUICE_FIFO: String(fifo),
        SLUICE_DEDUP_TABLE: props.dedupTable.tableName,
        SLUICE_DEDUP_SCOPE: props.dedupScope ?? id,
        SLUICE_DEDUP_WINDOW_SECONDS: String((props.dedupWindow ?? retentionPeriod).toSeconds()),
      },
    });
    this.consumer.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 10,
        maxBatchingWindow: props.maxBatchingWindow,
        maxConcurrency: props.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
    // Delay hops re-send to the same queue; permanent failures are sent to the DLQ directly.
    this.queue.grantSendMessages(this.consumer);
    this.deadLetterQueue.grantSendMessages(this.consumer);
    props.dedupTable.grantDedup(this.consumer);

    const maxMessageAge =
      props.maxMessageAge ??
      Duration.seconds((props.deliveryDelay?.toSeconds() ?? 0) + maxReceiveCount * visibilityTimeout.toSeconds());
    this.alarms = this.createAlarms(maxMessageAge);
  }

  /**
   * Adds stack outputs with stable names so a CLI pointed at AWS finds the resources:
   * `<prefix>QueueUrl`, `<prefix>DeadLetterQueueUrl`, `<prefix>ConsumerName`.
   *
   * @example
   * orders.addOutputs(); // prefix defaults to the construct id: OrdersQueueUrl, ...
   */
  addOutputs(prefix: string = this.node.id): void {
    const stack = Stack.of(this);
    new CfnOutput(stack, `${prefix}QueueUrl`, { value: this.queue.queueUrl, description: `${prefix} work queue URL` });
    new CfnOutput(stack, `${prefix}DeadLetterQueueUrl`, {
      value: this.deadLetterQueue.queueUrl,
      description: `${prefix} dead-letter queue URL`,
    });
    new CfnOutput(stack, `${prefix}ConsumerName`, {
      value: this.consumer.functionName,
      description: `${prefix} consumer function name`,
    });
  }

  /**
   * Lets only the work queue use the DLQ. The work queue's ARN is built from its name: referencing its
   * Arn attribute would make a cycle, as the work queue's RedrivePolicy already references the DLQ.
   */
  private allowRedriveFrom(sourceQueueName: string): void {
    const sourceArn = Stack.of(this).formatArn({
      service: 'sqs',
      resource: sourceQueueName,
      arnFormat: ArnFormat.NO_RESOURCE_NAME,
    });
    const cfn = this.deadLetterQueue.node.defaultChild as CfnQueue;
    cfn.redriveAllowPolicy = { redrivePermission: RedrivePermission.BY_QUEUE, sourceQueueArns: [sourceArn] };
  }

  private createAlarms(maxMessageAge: Duration): QueuePipelineAlarms {
    return {
      deadLetters: alarmAbove(this, 'DeadLettersAlarm', {
        metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: ALARM_PERIOD, statistic: 'Maximum' }),
        threshold: 0,
        description: `Messages in the dead-letter queue of ${this.node.path}: read their sluice-reason attribute, fix, then redrive.`,
      }),
      oldestMessageAge: alarmAbove(this, 'OldestMessageAgeAlarm', {
        metric: this.queue.metricApproximateAgeOfOldestMessage({ period: ALARM_PERIOD, statistic: 'Maximum' }),
        threshold: maxMessageAge.toSeconds(),
        evaluationPeriods: 5,
        description: `A message of ${this.node.path} waits longer than ${maxMessageAge.toSeconds()} s: the consumer is behind or failing.`,
      }),
      functionErrors: alarmAbove(this, 'FunctionErrorsAlarm', {
        metric: this.consumer.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }),
        threshold: 0,
        description: `The consumer of ${this.node.path} threw: the whole batch returns to the queue.`,
      }),
      functionThrottles: alarmAbove(this, 'FunctionThrottlesAlarm', {
        metric: this.consumer.metricThrottles({ period: ALARM_PERIOD, statistic: 'Sum' }),
        threshold: 0,
        description: `The consumer of ${this.node.path} was throttled: raise concurrency or lower maxConcurrency.`,
      }),
    };
  }
}

function validateProps(
  props: QueuePipelineProps,
  derived: { maxReceiveCount: number; functionTimeout: Duration; visibilityTimeout: Duration },
): void {
  if (!Number.isInteger(derived.maxReceiveCount) || derived.maxReceiveCount < 1 || derived.maxReceiveCount > 1000) {
    throw new Error(`maxReceiveCount must be an integer from 1 to 1000, got ${derived.maxReceiveCount}`);
  }
  if (props.deliveryDelay && props.deliveryDelay.toSeconds() > MAX_SQS_DELAY.toSeconds()) {
    throw new Error(`deliveryDelay is at most 900 seconds (SQS DelaySeconds); longer delays use deliverAt hops`);
  }
  // Lambda refuses an SQS mapping whose visibility timeout is shorter than the function timeout.
  if (derived.visibilityTimeout.toSeconds() < derived.functionTimeout.toSeconds()) {
    throw new Error(
      `visibilityTimeout (${derived.visibilityTimeout.toSeconds()} s) must be at least the function timeout (${derived.functionTimeout.toSeconds()} s)`,
    );
  }
}
