import { Annotations, Aws, Duration, Fn, Names, RemovalPolicy, Stack, type CfnElement } from 'aws-cdk-lib';
import { AttributeType, type Table } from 'aws-cdk-lib/aws-dynamodb';
import { MathExpression, type Alarm, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { InterfaceVpcEndpointAwsService } from 'aws-cdk-lib/aws-ec2';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { BlockPublicAccess, Bucket, BucketEncryption, type BucketProps, type CfnBucket, type IBucket, type LifecycleRule } from 'aws-cdk-lib/aws-s3';
import {
  Choice,
  Condition,
  DefinitionBody,
  DistributedMap,
  Fail,
  ItemBatcher,
  JitterType,
  JsonPath,
  LogLevel,
  Map as MapState,
  Pass,
  Result,
  ResultWriterV2,
  S3JsonItemReader,
  StateMachine,
  StateMachineType,
  Timeout,
  type TaskStateBase,
} from 'aws-cdk-lib/aws-stepfunctions';
import { DynamoAttributeValue, DynamoPutItem, LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  BATCH_PATHS,
  batchFunctionEnvironment,
  batchOutputName,
  DISTRIBUTED_MODE,
  FAILED_STATUS,
  PARTITION_BATCH_INPUT,
  PARTITION_ITEM_SELECTOR,
  SUMMARY_TABLE_KEY,
} from '../shared/batch/contract.ts';
import type { FailedJobSummaryItem } from '../shared/batch/job-summary.ts';
import { INTERMEDIATE_PREFIX } from '../shared/batch/job-layout.ts';
import { DEFAULT_INLINE_MAX_PARTITIONS, MAX_INLINE_ITEMS } from '../shared/batch/limits.ts';
import { acknowledgeFinding } from './compliance-findings.ts';
import { ACCESS_LOGS_BUCKET_CONTEXT_KEY, complianceLogGroup, complianceProfile, ComplianceResources, type ComplianceProfile } from './compliance.ts';
import type { DedupTable } from './dedup-table.ts';
import { QueuePipeline } from './queue-pipeline.ts';
import { acknowledgeNagFinding, ALARM_PERIOD, alarmAbove, grantTableActions, leastPrivilegeFunction, notifyOnAlarm, secureTable } from './secure-defaults.ts';
import { withDefaults } from './with-defaults.ts';
import { addStackOutputs, offerOutput, type OfferedOutput } from './stack-outputs.ts';
import { sluiceFunctionEntry, type SluiceFunction, type SluiceFunctionOverrides } from './sluice-function.ts';

/**
 * Errors worth another attempt: the Lambda service's own transient failures (throttling included),
 * a task or function timeout, and the AWS SDK's transient errors a function gives up on after its own
 * retries (S3 or DynamoDB throttling, 5xx, a connection or request timeout). A handler's own errors
 * (bad spec, bad record) are permanent and go straight to the Catch.
 */
export const TRANSIENT_TASK_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.TooManyRequestsException',
  'Sandbox.Timedout',
  'States.Timeout',
  'TimeoutError',
  'SlowDown',
  'InternalError',
  'ServiceUnavailable',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
];

const S3_GRANT_REASON =
  'S3 object grants are key patterns by nature (job keys are known only at run time): bucket/tmp/* for intermediate data, bucket/* for job inputs (Split) and outputs (Reduce); actions are named, never wildcards.';

export interface BatchJobProps {
  /** Concurrent iterations of the inline Map (at most 40 run in parallel on AWS). Default 10. */
  readonly maxConcurrency?: number;
  /**
   * Jobs with more Map items (partition slices) than this use the Distributed Map (item list in S3).
   * Default 40; at most 655, what Step Functions' 256 KiB state payload can carry with room for the job.
   */
  readonly inlineMaxPartitions?: number;
  /** Concurrent child executions of the Distributed Map. Default 100. */
  readonly distributedMaxConcurrency?: number;
  /** Partitions per child execution of the Distributed Map (ItemBatcher). Default 10. */
  readonly partitionsPerBatch?: number;
  /**
   * Percentage of Distributed Map child executions that may fail without failing the job; the summary
   * then lists the missing partitions. Default 0: a batch result either is complete or is not written.
   */
  readonly toleratedFailurePercentage?: number;
  /**
   * Function props of the split, partition, reduce and starter functions over sluice's defaults
   * (15 minutes, Lambda's maximum, for split/partition/reduce; 1024 MiB; …). A prop set to `undefined`
   * keeps the default.
   */
  readonly functionProps?: SluiceFunctionOverrides;
  /** The partition function's props over `functionProps`. Default memory 1769 MiB (one full vCPU). */
  readonly partitionFunctionProps?: SluiceFunctionOverrides;
  /** Added to every alarm of the job (and of its request queue), e.g. `new SnsAction(topic)`. Default: the stack's alarm topic. */
  readonly alarmAction?: IAlarmAction;
  /** Intermediate objects (`tmp/`) expire after this. Default 2 days. */
  readonly intermediateExpiration?: Duration;
  /** Attempts after the first on a transient error, with exponential backoff and full jitter. Default 5. */
  readonly retryAttempts?: number;
  /** With a dedup table: an SQS request queue (with DLQ) whose messages (job specs) start jobs once. */
  readonly dedupTable?: DedupTable;
  /**
   * Removal policy of the buckets and summary table. Default RETAIN_ON_UPDATE_OR_DELETE: kept after a stack
   * deletion, deleted by the rollback of the deploy that created them (a failed first deploy leaves nothing).
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Where the batch bucket's server access logs go: an existing bucket in the same account and Region (SSE-S3,
   * no Object Lock, a bucket policy letting `logging.s3.amazonaws.com` put objects under `batch-bucket/`).
   * Default: the stack's {@link ComplianceResources} `accessLogsBucket` (prop or `accessLogsBucket` context),
   * else a log bucket this construct creates. In the `strict` profile bring one: a log bucket inside the
   * template cannot meet Control Tower's CT.S3.PR.2, PR.9 and PR.10 (docs/compliance.md).
   */
  readonly accessLogsBucket?: IBucket;
  /**
   * Other buckets job specs may read inputs from (`input.s3.bucket`); Split may read (and list) them. Default:
   * only the batch bucket. A spec naming any other bucket is refused before the job starts.
   */
  readonly inputBuckets?: readonly IBucket[];
  /** Other buckets job specs may write outputs to (`output.bucket`); Reduce may write them. Default: only the batch bucket. */
  readonly outputBuckets?: readonly IBucket[];
  /**
   * strict: bucket on the stack's KMS key, both buckets versioned with Object Lock on and event notifications
   * to EventBridge, functions in the stack's VPC with reserved concurrency, logs a year. Default: the stack's profile.
   */
  readonly compliance?: ComplianceProfile;
}

/** strict: reserved concurrency of Split and Reduce (one each per running job). */
const STRICT_JOB_FUNCTION_CONCURRENCY = 5;
/** Concurrent job starts of the request queue's consumer (its reserved concurrency in strict). */
const STARTER_CONCURRENCY = 2;

/**
 * A batch job engine: partition → sort → aggregate → reduce over a Step Functions Map.
 *
 * - S3 bucket (SSE-S3, TLS-only, public access blocked, access logs to a log bucket, `tmp/` expiring)
 *   holding inputs, intermediate partitions/runs and outputs;
 * - the state machine: Split → Choice → inline Map (`MaxConcurrency`) or Distributed Map (S3
 *   `ItemReader` over the partition manifest, `ItemBatcher`, `ToleratedFailurePercentage`) over
 *   ProcessPartition → Reduce; transient errors retried with backoff; any failure caught into a
 *   FAILED summary item (DynamoDB PutItem) and a failed execution; logs (ALL) and X-Ray tracing;
 * - the summary table (key `jobId`); with `dedupTable`, a request queue + DLQ and a starter function.
 *
 * Executions are named after the job (`jobId`): the failure record and the starter rely on it.
 * The functions' environment, outputs and payload paths are the batch contract's (shared/batch/contract.ts).
 *
 * @example
 * const batch = new BatchJob(this, 'Batch', { maxConcurrency: 8, dedupTable });
 * batch.addOutputs();
 */
export class BatchJob extends Construct {
  readonly bucket: Bucket;
  readonly summaryTable: Table;
  readonly stateMachine: StateMachine;
  readonly splitFunction: SluiceFunction;
  readonly partitionFunction: SluiceFunction;
  readonly reduceFunction: SluiceFunction;
  /** The request queue pipeline (queue, DLQ, starter), when `dedupTable` is given. */
  readonly requests?: QueuePipeline;
  /** Executions that failed, timed out or were aborted (each also leaves a FAILED summary item). */
  readonly failedExecutionsAlarm: Alarm;
  /** Any of the job's functions threw (Retry may still recover the execution). */
  readonly functionErrorsAlarm: Alarm;
  private readonly offered: OfferedOutput[];

  constructor(scope: Construct, id: string, props: BatchJobProps = {}) {
    super(scope, id);
    // Access logs are delivered under a bucket policy (logging.s3.amazonaws.com), not the legacy ACL.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    // ResultWriterV2 (the current ResultWriter schema) is behind a feature flag in CDK 2.x.
    this.node.setContext('@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2', true);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
    const timeout = props.functionProps?.timeout ?? Duration.minutes(15);
    const inlineMaxPartitions = props.inlineMaxPartitions ?? DEFAULT_INLINE_MAX_PARTITIONS;
    if (!Number.isInteger(inlineMaxPartitions) || inlineMaxPartitions < 1 || inlineMaxPartitions > MAX_INLINE_ITEMS) {
      throw new Error(
        `BatchJob ${id}: inlineMaxPartitions must be an integer from 1 to ${MAX_INLINE_ITEMS} (the items Step Functions' 256 KiB state payload can carry), got ${inlineMaxPartitions}; larger jobs use the Distributed Map`,
      );
    }
    const profile = complianceProfile(this, props.compliance);
    const strict = profile === 'strict';

    const broughtLogs = props.accessLogsBucket ?? ComplianceResources.of(this).accessLogsBucket;
    const accessLogs = broughtLogs ?? this.createAccessLogBucket(profile, removalPolicy);
    this.bucket = new Bucket(this, 'Bucket', {
      ...compliantBucketProps(profile),
      ...(strict
        ? { encryption: BucketEncryption.KMS, encryptionKey: ComplianceResources.of(this).encryptionKey, bucketKeyEnabled: true }
        : { encryption: BucketEncryption.S3_MANAGED }),
      serverAccessLogsBucket: accessLogs,
      // A brought bucket may serve many jobs and stacks: each batch bucket logs under its own path.
      serverAccessLogsPrefix: broughtLogs ? `${Names.uniqueId(this)}/` : 'batch-bucket/',
      lifecycleRules: withVersionExpiry(profile, [
        { id: 'ExpireIntermediateData', prefix: INTERMEDIATE_PREFIX, expiration: props.intermediateExpiration ?? Duration.days(2) },
        { id: 'AbortIncompleteUploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ]),
      removalPolicy,
    });
    acknowledgeFinding(this.bucket, 'bucketReplication');
    if (strict) notifyEventBridge(this.bucket);
    this.summaryTable = secureTable(this, 'SummaryTable', { partitionKey: { name: SUMMARY_TABLE_KEY, type: AttributeType.STRING }, removalPolicy, compliance: profile });

    const inputBuckets: IBucket[] = [this.bucket, ...(props.inputBuckets ?? [])];
    const outputBuckets: IBucket[] = [this.bucket, ...(props.outputBuckets ?? [])];
    const allowList = {
      inputBuckets: Fn.join(',', inputBuckets.map((b) => b.bucketName)),
      outputBuckets: Fn.join(',', outputBuckets.map((b) => b.bucketName)),
    };
    const bucket = this.bucket.bucketName;
    const batchFunction = (id: string, name: string, description: string, variables: Record<string, string>, overrides?: SluiceFunctionOverrides) =>
      leastPrivilegeFunction(this, id, {
        ...withDefaults(withDefaults({ description, memorySize: 1024 }, props.functionProps ?? {}), overrides ?? {}),
        compliance: profile,
        timeout,
        entry: sluiceFunctionEntry(name),
        environment: { ...props.functionProps?.environment, ...overrides?.environment, ...variables },
      });
    // strict reserves concurrency: Split and Reduce run once per job, partitions as many as a Map runs at once.
    const mapConcurrency = Math.max(props.maxConcurrency ?? 10, props.distributedMaxConcurrency ?? 100);
    const reserved = (concurrency: number) => (strict && props.functionProps?.reservedConcurrentExecutions === undefined ? { reservedConcurrentExecutions: concurrency } : {});
    this.splitFunction = batchFunction(
      'Split',
      'batch-split',
      'sluice batch: split a job input into partitions',
      batchFunctionEnvironment('split', { bucket, ...allowList, inlineMaxPartitions }),
      reserved(STRICT_JOB_FUNCTION_CONCURRENCY),
    );
    this.partitionFunction = batchFunction(
      'ProcessPartition',
      'batch-partition',
      'sluice batch: sort one partition and compute its partial aggregates',
      batchFunctionEnvironment('partition', { bucket }),
      withDefaults({ memorySize: 1769, ...reserved(mapConcurrency) }, props.partitionFunctionProps ?? {}),
    );
    this.reduceFunction = batchFunction(
      'Reduce',
      'batch-reduce',
      'sluice batch: merge partial aggregates and sorted runs, record the summary',
      batchFunctionEnvironment('reduce', { bucket, ...allowList, summaryTable: this.summaryTable.tableName }),
      reserved(STRICT_JOB_FUNCTION_CONCURRENCY),
    );
    // Least privilege, named actions only: inputs are read anywhere in the bucket, intermediate data
    // is read and written under tmp/ only, outputs are written by Reduce (multipart: AbortMultipartUpload).
    const intermediate = this.bucket.arnForObjects(`${INTERMEDIATE_PREFIX}*`);
    const anyObject = this.bucket.arnForObjects('*');
    const allow = (fn: SluiceFunction, actions: string[], resources: string[]) => Grant.addToPrincipal({ grantee: fn, actions, resourceArns: resources });
    allow(this.splitFunction, ['s3:GetObject'], [anyObject, ...(props.inputBuckets ?? []).map((b) => b.arnForObjects('*'))]);
    allow(this.splitFunction, ['s3:PutObject'], [intermediate]);
    allow(this.partitionFunction, ['s3:GetObject', 's3:PutObject'], [intermediate]);
    allow(this.reduceFunction, ['s3:GetObject'], [intermediate]);
    allow(this.reduceFunction, ['s3:PutObject', 's3:AbortMultipartUpload'], [anyObject, ...(props.outputBuckets ?? []).map((b) => b.arnForObjects('*'))]);
    // Without ListBucket S3 answers a missing key with AccessDenied instead of NoSuchKey: Split reads the
    // spec's input key (a typo must say NoSuchKey), Reduce reads partials that may be missing.
    allow(this.splitFunction, ['s3:ListBucket'], inputBuckets.map((b) => b.bucketArn));
    allow(this.reduceFunction, ['s3:ListBucket'], [this.bucket.bucketArn]);
    // Buckets of your own may have their own keys: the functions use them through S3 only.
    for (const bucket of props.inputBuckets ?? []) bucket.encryptionKey?.grantDecrypt(this.splitFunction);
    for (const bucket of props.outputBuckets ?? []) bucket.encryptionKey?.grantEncrypt(this.reduceFunction);
    grantTableActions(this.summaryTable, this.reduceFunction, 'dynamodb:PutItem');
    const bucketArn = `<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>`;
    for (const fn of [this.splitFunction, this.partitionFunction, this.reduceFunction]) {
      for (const objects of [`${bucketArn}/${INTERMEDIATE_PREFIX}*`, `${bucketArn}/*`]) acknowledgeNagFinding(fn.role!, `IAM5[Resource::${objects}]`, S3_GRANT_REASON);
    }

    this.stateMachine = this.buildStateMachine(props, timeout, profile);
    this.failedExecutionsAlarm = alarmAbove(this, 'FailedExecutionsAlarm', {
      metric: new MathExpression({
        expression: 'failed + timedOut + aborted',
        usingMetrics: {
          failed: this.stateMachine.metricFailed({ period: ALARM_PERIOD, statistic: 'Sum' }),
          timedOut: this.stateMachine.metricTimedOut({ period: ALARM_PERIOD, statistic: 'Sum' }),
          aborted: this.stateMachine.metricAborted({ period: ALARM_PERIOD, statistic: 'Sum' }),
        },
        period: ALARM_PERIOD,
      }),
      threshold: 0,
      description: `A batch job of ${this.node.path} failed, timed out or was aborted: its summary item holds the error; see docs/operations.md.`,
    });
    this.functionErrorsAlarm = alarmAbove(this, 'FunctionErrorsAlarm', {
      metric: new MathExpression({
        expression: 'split + partition + reduce',
        usingMetrics: {
          split: this.splitFunction.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }),
          partition: this.partitionFunction.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }),
          reduce: this.reduceFunction.metricErrors({ period: ALARM_PERIOD, statistic: 'Sum' }),
        },
        period: ALARM_PERIOD,
      }),
      threshold: 0,
      description: `A function of ${this.node.path} threw; the state machine retries transient errors, so check whether the execution recovered.`,
    });

    notifyOnAlarm(this, [this.failedExecutionsAlarm, this.functionErrorsAlarm], props.alarmAction);

    if (props.dedupTable) {
      this.requests = new QueuePipeline(this, 'Requests', {
        entry: sluiceFunctionEntry('batch-start'),
        dedupTable: props.dedupTable,
        dedupScope: 'batch-job',
        compliance: profile,
        // A start is one StartExecution call: a burst of requests must not take the account's concurrency.
        maxConcurrency: STARTER_CONCURRENCY,
        functionProps: {
          ...props.functionProps,
          // The starter only starts an execution: the queue consumer's default timeout fits it.
          timeout: undefined,
          environment: { ...props.functionProps?.environment, ...batchFunctionEnvironment('start', { ...allowList, stateMachineArn: this.stateMachine.stateMachineArn }) },
        },
        alarmAction: props.alarmAction,
      });
      this.stateMachine.grantStartExecution(this.requests.consumer);
      // The starter calls StartExecution from inside the VPC.
      if (strict) ComplianceResources.of(this).requireInterfaceEndpoint(InterfaceVpcEndpointAwsService.STEP_FUNCTIONS);
    }
    this.offered = [
      offerOutput(this.bucket, batchOutputName(id, 'bucketName'), this.bucket.bucketName, 'batch job inputs, intermediate data (tmp/) and outputs'),
      offerOutput(this.stateMachine, batchOutputName(id, 'stateMachineArn'), this.stateMachine.stateMachineArn, 'batch job state machine (execution name = jobId)'),
      offerOutput(this.summaryTable, batchOutputName(id, 'summaryTableName'), this.summaryTable.tableName, 'batch job summaries by jobId'),
      ...(this.requests
        ? [
            offerOutput(this.requests.queue, batchOutputName(id, 'requestQueueUrl'), this.requests.queue.queueUrl, 'send a job spec here to start a job once'),
            offerOutput(this.requests.deadLetterQueue, batchOutputName(id, 'requestDeadLetterQueueUrl'), this.requests.deadLetterQueue.queueUrl, 'job requests that could not start'),
            {
              name: batchOutputName(id, 'requestDedupWindowSeconds'),
              value: String(this.requests.dedupWindow.toSeconds()),
              description: 'request dedup window in seconds: `sluice dlq replay` refuses older dead letters',
            },
          ]
        : []),
    ];
  }

  /**
   * Stack outputs named after the construct id (`batchOutputName(id, …)`: the bucket, state machine, summary
   * table and, with requests, the request queue, its DLQ and dedup window), the names tools and the local
   * runtime look up.
   */
  addOutputs(): void {
    addStackOutputs(this, this.offered, this.node.id, this.node.id);
  }

  private buildStateMachine(props: BatchJobProps, functionTimeout: Duration, profile: ComplianceProfile): StateMachine {
    // States get their own scope: their ids are the state names (Split, Reduce…), which the functions also use.
    const flow = new Construct(this, 'Flow');
    const invoke = (id: string, fn: IFunction) => {
      const task = new LambdaInvoke(flow, id, {
        lambdaFunction: fn,
        payloadResponseOnly: true,
        // Step Functions gives up a little after Lambda would have: a hung invocation surfaces as States.Timeout.
        taskTimeout: Timeout.duration(functionTimeout.plus(Duration.seconds(30))),
        retryOnServiceExceptions: false,
      });
      return withRetry(task, props.retryAttempts ?? 5);
    };

    // Typed by the failure item's schema: a field renamed there fails to compile here.
    const failureItem: Record<keyof FailedJobSummaryItem, DynamoAttributeValue> = {
      jobId: DynamoAttributeValue.fromString(JsonPath.stringAt(BATCH_PATHS.executionName)),
      status: DynamoAttributeValue.fromString(FAILED_STATUS),
      failedState: DynamoAttributeValue.fromString(JsonPath.stringAt(BATCH_PATHS.failedState)),
      error: DynamoAttributeValue.fromString(JsonPath.stringAt(BATCH_PATHS.errorName)),
      cause: DynamoAttributeValue.fromString(JsonPath.stringAt(BATCH_PATHS.errorCause)),
      startedAt: DynamoAttributeValue.fromString(JsonPath.stringAt(BATCH_PATHS.executionStartTime)),
    };
    const recordFailure = new DynamoPutItem(flow, 'RecordFailure', {
      table: this.summaryTable,
      item: failureItem,
      resultPath: JsonPath.DISCARD,
    });
    withRetry(recordFailure, props.retryAttempts ?? 5, ['DynamoDB.ProvisionedThroughputExceededException', 'DynamoDB.InternalServerErrorException', 'DynamoDB.RequestLimitExceeded']);
    recordFailure.next(new Fail(flow, 'JobFailed', { errorPath: BATCH_PATHS.errorName, causePath: BATCH_PATHS.errorCause }));
    // Each state's Catch goes through a Pass naming it, so the failure record says which state failed.
    const catchInto = <T extends TaskStateBase | MapState | DistributedMap>(state: T): T => {
      const tag = new Pass(flow, `${state.id}Failed`, { result: Result.fromString(state.id), resultPath: BATCH_PATHS.failedState });
      state.addCatch(tag.next(recordFailure), { errors: ['States.ALL'], resultPath: BATCH_PATHS.error });
      return state;
    };

    const split = catchInto(invoke('Split', this.splitFunction));
    const inlineMap = catchInto(
      new MapState(flow, 'ProcessPartitions', {
        itemsPath: BATCH_PATHS.partitions,
        itemSelector: PARTITION_ITEM_SELECTOR,
        maxConcurrency: props.maxConcurrency ?? 10,
        // Results go to S3; the state payload (256 KiB) only ever carries the small split result.
        resultPath: JsonPath.DISCARD,
      }),
    );
    inlineMap.itemProcessor(invoke('ProcessPartition', this.partitionFunction));

    const distributedMap = catchInto(
      new DistributedMap(flow, 'ProcessPartitionsDistributed', {
        itemReader: new S3JsonItemReader({ bucket: this.bucket, key: JsonPath.stringAt(BATCH_PATHS.manifestKey) }),
        itemBatcher: new ItemBatcher({ maxItemsPerBatch: props.partitionsPerBatch ?? 10, batchInput: PARTITION_BATCH_INPUT }),
        maxConcurrency: props.distributedMaxConcurrency ?? 100,
        toleratedFailurePercentage: props.toleratedFailurePercentage ?? 0,
        mapExecutionType: StateMachineType.STANDARD,
        // Child results go to S3 (their sum may pass the 256 KiB state limit); Reduce reads partials anyway.
        resultWriterV2: new ResultWriterV2({ bucket: this.bucket, prefix: `${INTERMEDIATE_PREFIX}map-runs` }),
        resultPath: JsonPath.DISCARD,
      }),
    );
    distributedMap.itemProcessor(invoke('ProcessPartitionBatch', this.partitionFunction));

    const reduce = catchInto(invoke('Reduce', this.reduceFunction));
    const definition = split.next(
      new Choice(flow, 'InlineOrDistributed')
        .when(Condition.stringEquals(BATCH_PATHS.mode, DISTRIBUTED_MODE), distributedMap.next(reduce))
        .otherwise(inlineMap.next(reduce)),
    );

    // Step Functions documents the /aws/vendedlogs/ prefix: CloudWatch Logs resource policies are capped at
    // 5,120 characters, and log groups under the prefix need no entry of their own. The stack's id makes the
    // name unique per stack creation, so a retained group never blocks the next deploy of the same stack.
    const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
    const logGroup = complianceLogGroup(this, 'StateMachineLogs', profile, {
      logGroupName: `/aws/vendedlogs/states/${Names.uniqueResourceName(this, { maxLength: 200, separator: '-' })}-${stackUuid}`,
    });
    const stateMachine = new StateMachine(this, 'StateMachine', {
      definitionBody: DefinitionBody.fromChainable(definition),
      stateMachineType: StateMachineType.STANDARD,
      tracingEnabled: true,
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      comment: 'sluice batch job: Split → Map(ProcessPartition) → Reduce',
    });
    acknowledgeFinding(stateMachine, 'inlinePolicy');
    const stack = Stack.of(this);
    const arnOf = (construct: Construct) => `<${stack.getLogicalId(construct.node.defaultChild as CfnElement)}.Arn>`;
    for (const fn of [this.splitFunction, this.partitionFunction, this.reduceFunction]) {
      acknowledgeNagFinding(stateMachine, `IAM5[Resource::${arnOf(fn)}:*]`, 'CDK LambdaInvoke grants lambda:InvokeFunction on the function and its versions/aliases (ARN:*); it names one function.');
    }
    acknowledgeNagFinding(
      stateMachine,
      'IAM5[Resource::*]',
      'Resource "*" holds only X-Ray trace upload and CloudWatch Logs delivery actions (logs:CreateLogDelivery, …), which have no resource-level permissions.',
    );
    acknowledgeNagFinding(
      stateMachine,
      `IAM5[Resource::arn:<AWS::Partition>:s3:::<${stack.getLogicalId(this.bucket.node.defaultChild as CfnBucket)}>/*]`,
      'The Distributed Map ItemReader reads the partition manifest, whose key is known only at run time (tmp/<jobId>/manifest.json).',
    );
    // Distributed Map child executions: CDK scopes Start/Describe/StopExecution to this machine's executions.
    const machineName = JSON.stringify({ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: stack.getLogicalId(stateMachine.node.defaultChild as CfnElement) }] }] });
    for (const suffix of [':*', '/*:*']) {
      acknowledgeNagFinding(
        stateMachine,
        `IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${machineName}${suffix}]`,
        'Distributed Map child executions of this state machine only; their execution names are generated at run time.',
      );
    }
    return stateMachine;
  }

  /**
   * The log bucket a BatchJob creates when nobody brought one. S3 delivers server access logs only to a bucket
   * with SSE-S3 default encryption and without Object Lock (S3 User Guide, "Enabling Amazon S3 server access
   * logging"), and a log bucket should not log itself, so in `strict` it is the one bucket of the template that
   * cannot meet Control Tower's S3 controls: synth warns and names the way out.
   */
  private createAccessLogBucket(profile: ComplianceProfile, removalPolicy: RemovalPolicy): Bucket {
    const strict = profile === 'strict';
    const accessLogs = new Bucket(this, 'AccessLogs', {
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      ...(strict ? { versioned: true } : {}),
      lifecycleRules: withVersionExpiry(profile, [{ id: 'ExpireAccessLogs', expiration: Duration.days(strict ? 365 : 90) }]),
      removalPolicy,
    });
    acknowledgeFinding(accessLogs, 'accessLogBucketLogging');
    acknowledgeFinding(accessLogs, 'accessLogBucketEncryption');
    acknowledgeFinding(accessLogs, 'accessLogBucketObjectLock');
    acknowledgeFinding(accessLogs, 'bucketReplication');
    if (strict) {
      notifyEventBridge(accessLogs);
      Annotations.of(accessLogs).addWarningV2(
        'sluice:strictAccessLogBucket',
        `strict profile: this access-log bucket cannot meet Control Tower CT.S3.PR.2, PR.9 and PR.10 (S3 delivers access logs only to an SSE-S3 bucket without Object Lock). Bring your account's log bucket instead: -c ${ACCESS_LOGS_BUCKET_CONTEXT_KEY}=<bucket name>, or the accessLogsBucket prop.`,
      );
    }
    return accessLogs;
  }
}

function withRetry<T extends TaskStateBase>(task: T, maxAttempts: number, errors = TRANSIENT_TASK_ERRORS): T {
  task.addRetry({ errors, interval: Duration.seconds(2), backoffRate: 2, maxAttempts, maxDelay: Duration.seconds(60), jitterStrategy: JitterType.FULL });
  return task;
}

/** What the batch bucket gets in every profile, and in strict versioning with Object Lock (no default retention). */
function compliantBucketProps(profile: ComplianceProfile): BucketProps {
  return {
    enforceSSL: true,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    // Object Lock without a default retention locks nothing by itself: intermediate data must stay deletable by
    // its lifecycle rule. Lock outputs per object (retention or legal hold) where your data requires it.
    ...(profile === 'strict' ? { versioned: true, objectLockEnabled: true } : {}),
  };
}

/** strict (versioned): old versions and leftover delete markers expire too, or the lifecycle rules above would only hide data. */
function withVersionExpiry(profile: ComplianceProfile, rules: LifecycleRule[]): LifecycleRule[] {
  if (profile !== 'strict') return rules;
  return [...rules, { id: 'ExpireNoncurrentVersions', noncurrentVersionExpiration: Duration.days(30), expiredObjectDeleteMarker: true }];
}

/**
 * Turns on S3's EventBridge notifications (Control Tower CT.S3.PR.4) directly on the bucket resource: CDK's
 * `eventBridgeEnabled` adds a custom-resource Lambda for it, which would itself sit outside the VPC.
 */
function notifyEventBridge(bucket: Bucket): void {
  (bucket.node.defaultChild as CfnBucket).notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
}
