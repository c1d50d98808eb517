import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { StreamPipeline, type StreamPipelineProps } from '../../infra/stream-pipeline.ts';
import { orderDataFilter } from '../../examples/orders/lib/order-revenue-pipeline.ts';
import { streamFilterPattern } from '../../shared/stream/contract.ts';
import { newTestStack, synthSampleTemplate } from './helpers.ts';

const ENTRY = 'examples/orders/functions/stream-order-aggregator.ts';

function synthPipeline(props: Partial<StreamPipelineProps> = {}): { pipeline: StreamPipeline; template: Template } {
  const stack = newTestStack();
  const pipeline = new StreamPipeline(stack, 'Clicks', { entry: ENTRY, ...props });
  pipeline.addOutputs();
  return { pipeline, template: Template.fromStack(stack) };
}

/** The failure queue, by the output that names it (its dead-letter queue is the stack's other queue). */
function failureQueueIdOf(template: Template): string {
  return (template.findOutputs('ClicksFailureQueueUrl').ClicksFailureQueueUrl!.Value as { Ref: string }).Ref;
}

function logicalIdOf(template: Template, type: string): string {
  const ids = Object.keys(template.findResources(type));
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

interface Statement {
  Action: string | string[];
  Resource: unknown;
}

function actionsOn(template: Template, logicalId: string): string[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[])
    .filter((s) => JSON.stringify(s.Resource).includes(`"${logicalId}"`))
    .flatMap((s) => [s.Action].flat())
    .sort();
}

describe('StreamPipeline', () => {
  const { template } = synthPipeline({
    shardCount: 4,
    batchSize: 500,
    maxBatchingWindow: Duration.seconds(2),
    parallelizationFactor: 2,
    retryAttempts: 5,
    maxRecordAge: Duration.hours(1),
    tumblingWindow: Duration.minutes(1),
    dataFilter: orderDataFilter,
  });

  it('maps the stream to the consumer with every stream-processing setting of the event source mapping', () => {
    // Prepare
    const streamId = logicalIdOf(template, 'AWS::Kinesis::Stream');
    const queueId = failureQueueIdOf(template);
    // Assess
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [streamId, 'Arn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 2,
      ParallelizationFactor: 2,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 3600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      TumblingWindowInSeconds: 60,
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ data: { type: ['order'] } }) }] },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
  });

  it('creates a KMS-encrypted stream with the requested shards', () => {
    // Assess
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      ShardCount: 4,
      StreamModeDetails: { StreamMode: 'PROVISIONED' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
      RetentionPeriodHours: 24,
    });
  });

  it('uses on-demand capacity without a shard count when asked', () => {
    // Prepare
    const onDemand = synthPipeline({ onDemand: true }).template;
    // Assess
    onDemand.hasResourceProperties('AWS::Kinesis::Stream', { StreamModeDetails: { StreamMode: 'ON_DEMAND' }, ShardCount: Match.absent() });
  });

  it('keeps window results in an encrypted, point-in-time-recoverable table keyed by pk and sk', () => {
    // Assess
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('sends failures to an encrypted, TLS-only queue with a dead-letter queue of its own, and alarms on any message in either', () => {
    // Prepare
    const queueId = failureQueueIdOf(template);
    const queue = template.toJSON().Resources[queueId];
    const dlqId = queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0] as string;
    const failures = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find((a) => a.Properties.AlarmDescription?.includes('failure queue'));
    const watched = (failures?.Properties.Metrics as { MetricStat?: { Metric: { MetricName: string; Dimensions: unknown } } }[])
      .filter((m) => m.MetricStat)
      .map((m) => [m.MetricStat!.Metric.MetricName, JSON.stringify(m.MetricStat!.Metric.Dimensions)]);
    // Assess
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    expect(queue.Properties.RedrivePolicy.maxReceiveCount).toBe(100);
    expect(template.toJSON().Resources[dlqId].Properties.RedriveAllowPolicy).toEqual({ redrivePermission: 'allowAll' });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    expect(failures?.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    expect(watched).toEqual([
      ['ApproximateNumberOfMessagesVisible', JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }])],
      ['ApproximateNumberOfMessagesVisible', JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }])],
    ]);
  });

  it('alarms when the consumer iterator age passes the window plus five minutes', () => {
    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Statistic: 'Maximum',
      Threshold: 6 * 60_000,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('grants the consumer PutItem on the results table and send on the failure queue, nothing more', () => {
    // Prepare
    const tableId = logicalIdOf(template, 'AWS::DynamoDB::Table');
    const queueId = failureQueueIdOf(template);
    // Act
    const tableActions = actionsOn(template, tableId);
    const queueActions = [...new Set(actionsOn(template, queueId))];
    // Assess
    expect(tableActions).toEqual(['dynamodb:PutItem']);
    expect(queueActions).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
  });

  it('gives the consumer its configuration in the environment', () => {
    // Prepare
    const tableId = logicalIdOf(template, 'AWS::DynamoDB::Table');
    const queueId = failureQueueIdOf(template);
    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ SLUICE_PIPELINE_NAME: 'Clicks', SLUICE_RESULTS_TABLE: { Ref: tableId }, SLUICE_FAILURE_QUEUE_URL: { Ref: queueId } }),
      },
    });
  });

  it('outputs the stream name, results table, failure queue URL and consumer name', () => {
    // Assess
    expect(Object.keys(template.findOutputs('*')).filter((name) => name.startsWith('Clicks')).sort()).toEqual([
      'ClicksConsumerName',
      'ClicksFailureQueueUrl',
      'ClicksResultsTableName',
      'ClicksStreamName',
    ]);
  });

  it('defaults to TRIM_HORIZON, bisect on, 3 retries, records given up at half the retention, one-minute windows and no filter', () => {
    // Prepare
    const defaults = synthPipeline({ startingPosition: StartingPosition.TRIM_HORIZON }).template;
    // Assess
    defaults.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      // A failure report names a sequence range: 12 of the stream's 24 hours are left to read it back.
      MaximumRecordAgeInSeconds: 12 * 3600,
      TumblingWindowInSeconds: 60,
      FilterCriteria: Match.absent(),
    });
  });

  it.each([
    ['a window over 15 minutes', { tumblingWindow: Duration.minutes(16) }],
    ['a fractional window', { tumblingWindow: Duration.millis(1500) }],
    ['zero shards', { shardCount: 0 }],
    ['a batch over 10,000', { batchSize: 10_001 }],
    ['a record age as long as the retention (the failure report would point at trimmed records)', { maxRecordAge: Duration.hours(24) }],
    ['a record age under Lambda’s 60 s', { maxRecordAge: Duration.seconds(30) }],
  ])('refuses %s', (_name, props) => {
    // Act
    const synth = () => synthPipeline(props);
    // Assess
    expect(synth).toThrow();
  });
});

describe('StreamPipeline removal and compliance', () => {
  it('deletes the stream with the stack (it bills per shard-hour; its records are transient) and keeps the results table except when its first deploy fails', () => {
    // Act
    const { template } = synthPipeline();
    // Assess
    template.hasResource('AWS::Kinesis::Stream', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    template.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
  });

  it('strict: stream and queues on the stack key, consumer reserved one invocation per shard and parallelization slot', () => {
    // Act
    const { template } = synthPipeline({ compliance: 'strict', shardCount: 3, parallelizationFactor: 2 });
    const keyId = logicalIdOf(template, 'AWS::KMS::Key');
    // Assess
    template.hasResourceProperties('AWS::Kinesis::Stream', { StreamEncryption: { EncryptionType: 'KMS', KeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } } });
    template.allResourcesProperties('AWS::SQS::Queue', { KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 6, VpcConfig: Match.anyValue() });
  });
});

describe('StreamPipeline in the sample stack (OrderStream)', () => {
  const template = synthSampleTemplate();

  it('has the order stream and an ESM with the sample filter, a one-minute tumbling window, bisect and an on-failure destination', () => {
    // Assess
    template.hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 4, StreamEncryption: { EncryptionType: 'KMS' } });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(streamFilterPattern(orderDataFilter)) }] },
      TumblingWindowInSeconds: 60,
      BisectBatchOnFunctionError: true,
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
    });
    expect(Object.keys(template.findOutputs('*')).filter((id) => id.startsWith('OrderStream')).sort()).toEqual([
      'OrderStreamConsumerName',
      'OrderStreamFailureQueueUrl',
      'OrderStreamResultsTableName',
      'OrderStreamStreamName',
    ]);
  });

  it('records the consumer entry so the local runtime can run it', () => {
    // Assess
    template.hasResource('AWS::Lambda::Function', { Metadata: Match.objectLike({ 'sluice:entry': 'examples/orders/functions/stream-order-aggregator.ts' }) });
  });
});
