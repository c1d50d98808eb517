import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { StreamPipeline, type StreamPipelineProps } from '../../infra/stream-pipeline.ts';
import { orderFilterPattern } from '../../examples/orders/lib/order-revenue-pipeline.ts';
import { newTestStack, synthSampleTemplate } from './helpers.ts';

const ENTRY = 'examples/orders/functions/stream-order-aggregator.ts';

function synthPipeline(props: Partial<StreamPipelineProps> = {}): { pipeline: StreamPipeline; template: Template } {
  const stack = newTestStack();
  const pipeline = new StreamPipeline(stack, 'Clicks', { entry: ENTRY, ...props });
  pipeline.addOutputs();
  return { pipeline, template: Template.fromStack(stack) };
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
    dataFilter: orderFilterPattern.data,
  });

  it('maps the stream to the consumer with every stream-processing setting of the event source mapping', () => {
    // Prepare
    const streamId = logicalIdOf(template, 'AWS::Kinesis::Stream');
    const queueId = logicalIdOf(template, 'AWS::SQS::Queue');
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

  it('sends failures to an encrypted, TLS-only queue that alarms on any message', () => {
    // Prepare
    const queueId = logicalIdOf(template, 'AWS::SQS::Queue');
    // Assess
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Threshold: 0,
    });
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
    const queueId = logicalIdOf(template, 'AWS::SQS::Queue');
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
    const queueId = logicalIdOf(template, 'AWS::SQS::Queue');
    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ SLUICE_PIPELINE_NAME: 'Clicks', SLUICE_RESULTS_TABLE: { Ref: tableId }, SLUICE_FAILURE_QUEUE_URL: { Ref: queueId } }),
      },
    });
  });

  it('outputs the stream name, results table, failure queue URL and consumer name', () => {
    // Assess
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(['ClicksConsumerName', 'ClicksFailureQueueUrl', 'ClicksResultsTableName', 'ClicksStreamName']);
  });

  it('defaults to TRIM_HORIZON, bisect on, 3 retries, one-minute windows and no filter', () => {
    // Prepare
    const defaults = synthPipeline({ startingPosition: StartingPosition.TRIM_HORIZON }).template;
    // Assess
    defaults.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 100,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 24 * 3600,
      TumblingWindowInSeconds: 60,
      FilterCriteria: Match.absent(),
    });
  });

  it.each([
    ['a window over 15 minutes', { tumblingWindow: Duration.minutes(16) }],
    ['a fractional window', { tumblingWindow: Duration.millis(1500) }],
    ['zero shards', { shardCount: 0 }],
    ['a batch over 10,000', { batchSize: 10_001 }],
  ])('refuses %s', (_name, props) => {
    // Act
    const synth = () => synthPipeline(props);
    // Assess
    expect(synth).toThrow();
  });
});

describe('StreamPipeline in the sample stack (OrderStream)', () => {
  const template = synthSampleTemplate();

  it('has the order stream and an ESM with the sample filter, a one-minute tumbling window, bisect and an on-failure destination', () => {
    // Assess
    template.hasResourceProperties('AWS::Kinesis::Stream', { ShardCount: 4, StreamEncryption: { EncryptionType: 'KMS' } });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(orderFilterPattern) }] },
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
