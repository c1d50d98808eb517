import { ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import { ComparisonOperator, MathExpression, TreatMissingData, type Alarm, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { InterfaceVpcEndpointAwsService } from 'aws-cdk-lib/aws-ec2';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, RedrivePermission, type CfnQueue, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { complianceProfile, ComplianceResources, type ComplianceProfile } from './compliance.ts';
import type { DedupTable } from './dedup-table.ts';
import { ALARM_PERIOD, alarmAbove, leastPrivilegeFunction, notifyOnAlarm, secureQueue } from './secure-defaults.ts';
import type { SluiceFunction, SluiceFunctionOverrides } from './sluice-function.ts';
import { checkDedupScope } from '../shared/dedup/key.ts';
import { queueOutputName, queueWorkerEnvironment } from '../shared/queue/contract.ts';
import { addStackOutputs, offerOutput, type OfferedOutput } from './stack-outputs.ts';

/** SQS's own ceiling for queue-level and per-message delays; longer delays are done by hops. */
const MAX_SQS_DELAY = Duration.minutes(15);
/** Longest retention SQS allows; dead letters keep it so nobody loses evidence over a long weekend. */
const DEAD_LETTER_RETENTION = Duration.days(14);
/** SQS's default retention (also what a queue without one keeps), written out so the template carries it. */
const DEFAULT_RETENTION = Duration.days(4);
/** Reserved concurrency of a strict-profile consumer when neither it nor `maxConcurrency` is given. */
const STRICT_DEFAULT_CONCURRENCY = 10;
/** Period of the failing-consumer alarm: long enough that a batch received in one period is deleted in it. */
const FAILING_CONSUMER_PERIOD = Duration.minutes(5);

export interface QueuePipelineProps {
  /**
   * The consumer's source file, e.g. `handlers/invoice-worker.ts`: absolute, or relative to the app's
   * working directory (the folder of `cdk.json`), as for `NodejsFunction`.
   */
  readonly entry: string;
  /** Exported handler name in `entry`. Default `handler`. */
  readonly handler?: string;
  /** The dedup table the consumer claims idempotency keys in. */
  readonly dedupTable: DedupTable;
  /** Dedup key scope (`scope#key`, no `#` in it): keeps pipelines sharing one table apart. Default: the construct id. */
  readonly dedupScope?: string;
  /**
   * How long a completed key suppresses duplicates. Default, and minimum (refused at synth when shorter):
   * the queue's retention plus its dead-letter queue's, so a message redriven after its effect committed
   * and replayed on the DLQ's last day still meets its record. A retention the construct cannot read (an
   * imported queue) counts as SQS's longest, 14 days.
   */
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
  /**
   * The consumer's function props over sluice's defaults (512 MiB, 30 s, Node.js 22, arm64, …): memory,
   * timeout, runtime, architecture, reserved concurrency, VPC, layers, bundling, environment (sluice's
   * own `SLUICE_*` variables win on a clash). A prop set to `undefined` keeps the default.
   */
  readonly functionProps?: SluiceFunctionOverrides;
  /**
   * Consume this queue instead of creating one. A `Queue` of this app brings its dead-letter queue
   * (`deadLetterQueue`); any other queue needs `existingDeadLetterQueue`. Its own settings (retention,
   * visibility timeout, redrive) are then yours: the queue props below do not apply to it.
   */
  readonly existingQueue?: IQueue;
  /** The dead-letter queue of `existingQueue`, where the consumer also sends permanent failures. */
  readonly existingDeadLetterQueue?: IQueue;
  /** Added to every alarm of the pipeline, e.g. `new SnsAction(topic)`. Default: the stack's alarm topic (`SluiceAlarmTopicArn`). */
  readonly alarmAction?: IAlarmAction;
  /**
   * A fixed name for the work queue (SQS refuses to create a queue with the name of one deleted less than 60
   * seconds before, so a fixed name can make `destroy` + `deploy`, or a retry after a rollback, fail). With
   * it, the dead-letter queue accepts redrives from this queue only; without it, from any queue of the
   * account (its ARN is only known after creation). Default: a name CloudFormation generates.
   */
  readonly queueName?: string;
  /**
   * strict: queues on the stack's KMS key, the consumer in the stack's VPC (an SQS endpoint is added) with
   * reserved concurrency (`functionProps.reservedConcurrentExecutions`, else `maxConcurrency`, else 10) and
   * the mapping's `maxConcurrency` at most that. Default: the stack's profile.
   */
  readonly compliance?: ComplianceProfile;
  /** Visibility timeout. Default: 6 × function timeout + batching window, as AWS advises for Lambda. */
  readonly visibilityTimeout?: Duration;
  /** Records per invocation. Default 10. */
  readonly batchSize?: number;
  /** How long the poller gathers records before invoking (standard queues only). Default none. */
  readonly maxBatchingWindow?: Duration;
  /** Most concurrent invocations the event source mapping starts (2–1000). Default: no limit. */
  readonly maxConcurrency?: number;
  /**
   * Alarm when the oldest message is older than this: the consumer is behind. SQS leaves a message out of
   * ApproximateAgeOfOldestMessage from its third receive on, so this alarm never sees a failing consumer
   * (`consumerFailing` and `deadLetters` do). Default: delivery delay + maxReceiveCount × visibility timeout.
   */
  readonly maxMessageAge?: Duration;
}

/** The alarms a queue pipeline raises; add actions (SNS, ...) to them in the stack. */
export interface QueuePipelineAlarms {
  /** Any message in the dead-letter queue. */
  readonly deadLetters: Alarm;
  /** The oldest message waits longer than `maxMessageAge`: the consumer is falling behind (not failing: see `consumerFailing`). */
  readonly oldestMessageAge: Alarm;
  /**
   * For 15 minutes, more than half the messages received went back to the queue undeleted: the consumer
   * fails (throws, times out or reports them failed). The age alarm cannot see this (see `maxMessageAge`).
   */
  readonly consumerFailing: Alarm;
  /** The consumer threw (whole-batch failures; per-record failures are reported, not thrown). */
  readonly functionErrors: Alarm;
  /** Lambda throttled the consumer: account or reserved concurrency is too low for the mapping. */
  readonly functionThrottles: Alarm;
}

/**
 * An SQS queue drained by a Lambda consumer with exactly-once effects: the queue (encrypted, TLS-only,
 * redrive to a dead-letter queue after `maxReceiveCount`), its dead-letter queue (same kind, 14 days,
 * marked as a DLQ by its redrive allow policy), the consumer (partial batch responses, dedup table access,
 * send rights on its own queue for delay hops and on the DLQ for permanent failures) and alarms, each notifying
 * `alarmAction` or the stack's alarm topic. Queue names are generated unless `queueName` is given.
 *
 * Consumer environment: what `queueWorkerEnvironment` (shared/queue/contract.ts) writes (queue and DLQ URLs,
 * FIFO flag, dedup table, scope and window), plus `environment`.
 *
 * @example
 * const orders = new QueuePipeline(this, 'Orders', {
 *   entry: 'functions/order-worker.ts', dedupTable, batchSize: 10, maxBatchingWindow: Duration.seconds(1), maxConcurrency: 5,
 * });
 * ordersTable.grant(orders.consumer, 'dynamodb:PutItem');
 * orders.addOutputs(); // OrdersQueueUrl, OrdersDeadLetterQueueUrl, OrdersConsumerName, OrdersDedupWindowSeconds
 */
export class QueuePipeline extends Construct {
  /** The work queue producers send to. */
  readonly queue: IQueue;
  /** Where messages go after `maxReceiveCount` receives, or at once when permanently bad or expired. */
  readonly deadLetterQueue: IQueue;
  /** The Lambda consumer. */
  readonly consumer: SluiceFunction;
  /** The pipeline's alarms. */
  readonly alarms: QueuePipelineAlarms;
  /** How long the consumer's dedup records last (`QUEUE_ENV.dedupWindowSeconds`): at least queue + DLQ retention. */
  readonly dedupWindow: Duration;
  private readonly offered: OfferedOutput[];

  constructor(scope: Construct, id: string, props: QueuePipelineProps) {
    super(scope, id);
    const maxReceiveCount = props.maxReceiveCount ?? 5;
    const functionTimeout = props.functionProps?.timeout ?? Duration.seconds(30);
    const retentionPeriod = props.retentionPeriod ?? DEFAULT_RETENTION;
    const batchingWindow = props.maxBatchingWindow ?? Duration.seconds(0);
    const visibilityTimeout =
      props.visibilityTimeout ?? Duration.seconds(6 * functionTimeout.toSeconds() + batchingWindow.toSeconds());
    validateProps(props, { maxReceiveCount, functionTimeout, visibilityTimeout });
    const profile = complianceProfile(this, props.compliance);
    const concurrency = consumerConcurrency(props, profile);

    const queues = props.existingQueue
      ? existingQueues(props.existingQueue, props.existingDeadLetterQueue, functionTimeout)
      : this.createQueues(props, { maxReceiveCount, retentionPeriod, visibilityTimeout, profile });
    this.queue = queues.queue;
    this.deadLetterQueue = queues.deadLetterQueue;
    const fifo = this.queue.fifo;
    const dedupScope = props.dedupScope ?? id;
    checkDedupScope(dedupScope);
    this.dedupWindow = dedupWindowFor(props.dedupWindow, retentionSeconds(this.queue), retentionSeconds(this.deadLetterQueue));

    this.consumer = leastPrivilegeFunction(this, 'Consumer', {
      description: `sluice queue consumer of ${this.node.path}`,
      ...props.functionProps,
      reservedConcurrentExecutions: concurrency.reserved,
      compliance: profile,
      timeout: functionTimeout,
      entry: props.entry,
      handler: props.handler,
      environment: {
        ...props.functionProps?.environment,
        ...queueWorkerEnvironment({
          queueUrl: this.queue.queueUrl,
          dlqUrl: this.deadLetterQueue.queueUrl,
          fifo,
          dedupTable: props.dedupTable.tableName,
          dedupScope,
          dedupWindowSeconds: this.dedupWindow.toSeconds(),
        }),
      },
    });
    this.consumer.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: props.batchSize ?? 10,
        maxBatchingWindow: props.maxBatchingWindow,
        maxConcurrency: concurrency.mapping,
        reportBatchItemFailures: true,
      }),
    );
    // Delay hops and permanent failures are SendMessage calls from inside the VPC.
    if (profile === 'strict') ComplianceResources.of(this).requireInterfaceEndpoint(InterfaceVpcEndpointAwsService.SQS);
    // Delay hops re-send to the same queue; permanent failures are sent to the DLQ directly.
    this.queue.grantSendMessages(this.consumer);
    this.deadLetterQueue.grantSendMessages(this.consumer);
    props.dedupTable.grantDedup(this.consumer);

    const maxMessageAge =
      props.maxMessageAge ??
      Duration.seconds((props.deliveryDelay?.toSeconds() ?? 0) + maxReceiveCount * visibilityTimeout.toSeconds());
    this.alarms = this.createAlarms(maxMessageAge);
    notifyOnAlarm(this, Object.values(this.alarms), props.alarmAction);
    this.offered = [
      offerOutput(this.queue, queueOutputName(id, 'queueUrl'), this.queue.queueUrl, `${id} work queue URL`),
      offerOutput(this.deadLetterQueue, queueOutputName(id, 'deadLetterQueueUrl'), this.deadLetterQueue.queueUrl, `${id} dead-letter queue URL`),
      offerOutput(this.consumer, queueOutputName(id, 'consumerName'), this.consumer.functionName, `${id} consumer function name`),
      {
        name: queueOutputName(id, 'dedupWindowSeconds'),
        value: String(this.dedupWindow.toSeconds()),
        description: `${id} dedup window in seconds: \`sluice dlq replay\` refuses older dead letters`,
      },
    ];
  }

  private createQueues(
    props: QueuePipelineProps,
    settings: { maxReceiveCount: number; retentionPeriod: Duration; visibilityTimeout: Duration; profile: ComplianceProfile },
  ): { queue: Queue; deadLetterQueue: Queue } {
    const fifo = props.fifo ?? false;
    const deadLetterQueue = secureQueue(this, 'DeadLetterQueue', {
      fifo: fifo || undefined,
      retentionPeriod: DEAD_LETTER_RETENTION,
      compliance: settings.profile,
    });
    const queueName = props.queueName && fifo && !props.queueName.endsWith('.fifo') ? `${props.queueName}.fifo` : props.queueName;
    this.allowRedriveFrom(deadLetterQueue, queueName);
    const queue = secureQueue(this, 'Queue', {
      compliance: settings.profile,
      queueName,
      fifo: fifo || undefined,
      contentBasedDeduplication: props.contentBasedDeduplication,
      // Written out even when 0, so the template states the delay every consumer of it sees.
      deliveryDelay: props.deliveryDelay ?? Duration.seconds(0),
      retentionPeriod: settings.retentionPeriod,
      visibilityTimeout: settings.visibilityTimeout,
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
    });
    return { queue, deadLetterQueue };
  }

  /**
   * Adds stack outputs with stable names so a CLI pointed at AWS finds the resources:
   * `<prefix>QueueUrl`, `<prefix>DeadLetterQueueUrl`, `<prefix>ConsumerName`, `<prefix>DedupWindowSeconds`.
   *
   * @example
   * orders.addOutputs(); // prefix defaults to the construct id: OrdersQueueUrl, ...
   */
  addOutputs(prefix: string = this.node.id): void {
    addStackOutputs(this, this.offered, this.node.id, prefix);
  }

  /**
   * Marks the DLQ as one (Control Tower's CT.SQS.PR.1 recognises a dead-letter queue by its redrive allow
   * policy). With a fixed work-queue name only that queue may use it; its ARN is built from the name, as
   * referencing its Arn attribute would make a cycle (the work queue's RedrivePolicy references the DLQ).
   * A generated name is unknown until creation, so any queue of the account may redrive into it.
   */
  private allowRedriveFrom(deadLetterQueue: Queue, sourceQueueName: string | undefined): void {
    const cfn = deadLetterQueue.node.defaultChild as CfnQueue;
    if (sourceQueueName === undefined) {
      cfn.redriveAllowPolicy = { redrivePermission: RedrivePermission.ALLOW_ALL };
      return;
    }
    const sourceArn = Stack.of(this).formatArn({
      service: 'sqs',
      resource: sourceQueueName,
      arnFormat: ArnFormat.NO_RESOURCE_NAME,
    });
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
        description: `A message of ${this.node.path} waits longer than ${maxMessageAge.toSeconds()} s: the consumer is behind (too little concurrency, throttled, or its mapping disabled).`,
      }),
      consumerFailing: this.failingConsumerAlarm(),
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

  /**
   * Received but not deleted: every receive of a message that failed (thrown batch, timeout, reported item
   * failure) counts in NumberOfMessagesReceived and never in NumberOfMessagesDeleted. Processed messages,
   * duplicates, delay hops and permanent failures (sent to the DLQ by the consumer) are all deleted.
   */
  private failingConsumerAlarm(): Alarm {
    const usingMetrics = {
      received: this.queue.metricNumberOfMessagesReceived({ period: FAILING_CONSUMER_PERIOD, statistic: 'Sum' }),
      deleted: this.queue.metricNumberOfMessagesDeleted({ period: FAILING_CONSUMER_PERIOD, statistic: 'Sum' }),
    };
    return new MathExpression({
      expression: 'IF(received > 0, (received - deleted) / received, 0)',
      usingMetrics,
      period: FAILING_CONSUMER_PERIOD,
      label: 'share of received messages not deleted',
    }).createAlarm(this, 'ConsumerFailingAlarm', {
      threshold: 0.5,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: `More than half the messages the consumer of ${this.node.path} received for 15 minutes went back to the queue: it is failing (read its logs; failed messages reach the DLQ after maxReceiveCount receives).`,
    });
  }
}

/**
 * The consumer's reserved concurrency and the mapping's maximum concurrency. strict reserves concurrency
 * (cdk-nag's LambdaConcurrency) and keeps the mapping at or below it, as AWS advises: a mapping allowed more
 * than the function's reservation makes throttles. standard reserves nothing (a new account's Lambda quota
 * may be too low to reserve any; `sluice doctor` checks the quota).
 */
function consumerConcurrency(props: QueuePipelineProps, profile: ComplianceProfile): { reserved?: number; mapping?: number } {
  const reserved = props.functionProps?.reservedConcurrentExecutions;
  if (profile !== 'strict') return { reserved, mapping: props.maxConcurrency };
  const strictReserved = reserved ?? props.maxConcurrency ?? STRICT_DEFAULT_CONCURRENCY;
  // The mapping's MaximumConcurrency is 2–1000: a reservation of 1 keeps the mapping unbounded (Lambda throttles it).
  const mapping = props.maxConcurrency ?? (strictReserved >= 2 ? Math.min(strictReserved, 1000) : undefined);
  return { reserved: strictReserved, mapping };
}

/**
 * How long SQS keeps a message of `queue`: its template value, SQS's default when a queue of this app
 * leaves it out, and SQS's longest when it cannot be read (an imported queue, a token).
 */
function retentionSeconds(queue: IQueue): number {
  if (!(queue instanceof Queue)) return DEAD_LETTER_RETENTION.toSeconds();
  const retention = (queue.node.defaultChild as CfnQueue).messageRetentionPeriod;
  if (retention === undefined) return DEFAULT_RETENTION.toSeconds();
  return typeof retention === 'number' && !Token.isUnresolved(retention) ? retention : DEAD_LETTER_RETENTION.toSeconds();
}

/**
 * The dedup window: at least the time a copy of a completed message can still arrive, i.e. its life in
 * the queue plus in the DLQ (redriven after its effect committed, then replayed). Standard queues keep a
 * dead letter's original enqueue time, FIFO queues restart it; the sum covers both.
 */
function dedupWindowFor(explicit: Duration | undefined, queueRetention: number, deadLetterRetention: number): Duration {
  const minimum = Duration.seconds(queueRetention + deadLetterRetention);
  if (explicit === undefined) return minimum;
  if (explicit.toSeconds() < minimum.toSeconds()) {
    throw new Error(
      `dedupWindow (${explicit.toHumanString()}) must be at least the queue's retention plus its dead-letter queue's ` +
        `(${Duration.seconds(queueRetention).toHumanString()} + ${Duration.seconds(deadLetterRetention).toHumanString()} = ${minimum.toHumanString()}): ` +
        'a dead letter replayed later would no longer meet its dedup record and would take effect twice',
    );
  }
  return explicit;
}

/**
 * The queues of `existingQueue`: its own dead-letter queue when it is a `Queue` of this app that has
 * one, else `existingDeadLetterQueue`. A visibility timeout shorter than the function timeout is
 * refused, as Lambda refuses such a mapping.
 */
function existingQueues(queue: IQueue, deadLetterQueue: IQueue | undefined, functionTimeout: Duration): { queue: IQueue; deadLetterQueue: IQueue } {
  const own = queue instanceof Queue ? queue.deadLetterQueue?.queue : undefined;
  const dlq = deadLetterQueue ?? own;
  if (!dlq) {
    throw new Error(
      'existingQueue needs a dead-letter queue: give the Queue a deadLetterQueue, or pass existingDeadLetterQueue (sluice sends permanent failures there)',
    );
  }
  const visibility = queue instanceof Queue ? (queue.node.defaultChild as CfnQueue).visibilityTimeout : undefined;
  if (typeof visibility === 'number' && visibility < functionTimeout.toSeconds()) {
    throw new Error(`existingQueue's visibility timeout (${visibility} s) must be at least the function timeout (${functionTimeout.toSeconds()} s)`);
  }
  return { queue, deadLetterQueue: dlq };
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
