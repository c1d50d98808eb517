import { Duration } from 'aws-cdk-lib';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { DedupTable } from '../../infra/dedup-table.ts';
import { QueuePipeline, type QueuePipelineProps } from '../../infra/queue-pipeline.ts';
import { newTestStack, synthSampleTemplate } from './helpers.ts';

const ENTRY = 'examples/orders/functions/order-worker.ts';

/** A stack holding one QueuePipeline with the given props, and its template. */
function synthPipeline(props: Partial<QueuePipelineProps> = {}): { pipeline: QueuePipeline; template: Template } {
  const stack = newTestStack();
  const dedupTable = new DedupTable(stack, 'Dedup');
  const pipeline = new QueuePipeline(stack, 'Jobs', { entry: ENTRY, dedupTable, ...props });
  return { pipeline, template: Template.fromStack(stack) };
}

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

/** Statements of the policies attached to roles whose logical id starts with `rolePrefix` (default: all). */
function policyStatements(template: Template, rolePrefix = ''): Statement[] {
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref.startsWith(rolePrefix)))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

function actionsOn(statements: Statement[], logicalId: string): string[] {
  return statements
    .filter((s) => JSON.stringify(s.Resource).includes(`"${logicalId}"`))
    .flatMap((s) => [s.Action].flat())
    .sort();
}

describe('QueuePipeline in the sample stack (Orders)', () => {
  const template = synthSampleTemplate();
  // Other pipelines share the stack: find the Orders resources by the output that names them.
  const queueId = (template.findOutputs('OrdersQueueUrl').OrdersQueueUrl!.Value as { Ref: string }).Ref;
  const queue = template.toJSON().Resources[queueId];
  const dlqId = queue.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0] as string;

  it('redrives to the DLQ after 5 receives, with a visibility timeout of 6 × 30 s + the 1 s batching window', () => {
    // Assess
    expect(queue.Properties).toMatchObject({
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: 5 },
      VisibilityTimeout: 181,
      MessageRetentionPeriod: 4 * 24 * 3600,
    });
  });

  it('names no queue: CloudFormation generates names, so a destroy and redeploy (or a retry after a rollback) never meets the 60-second name reuse ban', () => {
    // Assess
    expect(Object.values(template.findResources('AWS::SQS::Queue')).filter((q) => q.Properties.QueueName !== undefined)).toEqual([]);
  });

  it('marks the DLQ as a dead-letter queue (redrive allowed) kept 14 days', () => {
    // Assess
    expect(template.toJSON().Resources[dlqId].Properties).toMatchObject({
      MessageRetentionPeriod: 14 * 24 * 3600,
      RedriveAllowPolicy: { redrivePermission: 'allowAll' },
    });
  });

  it('encrypts both queues with SQS-managed SSE and denies non-TLS requests on each', () => {
    // Assess
    template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    for (const id of [queueId, dlqId]) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 'sqs:*',
              Principal: { AWS: '*' },
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    }
  });

  it('maps the queue to the consumer with partial batch responses, batch 10, 1 s window, concurrency 5', () => {
    // Assess
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('runs the consumer on nodejs22.x from its TypeScript entry with the sluice environment', () => {
    // Assess
    template.hasResource('AWS::Lambda::Function', {
      Metadata: { 'sluice:entry': ENTRY },
      Properties: Match.objectLike({
        Runtime: 'nodejs22.x',
        Timeout: 30,
        Environment: {
          Variables: Match.objectLike({
            SLUICE_QUEUE_URL: { Ref: queueId },
            SLUICE_DLQ_URL: { Ref: dlqId },
            SLUICE_FIFO: 'false',
            SLUICE_DEDUP_TABLE: { Ref: Match.stringLikeRegexp('^DedupTable') },
            SLUICE_DEDUP_SCOPE: 'Orders',
            SLUICE_DEDUP_WINDOW_SECONDS: String((4 + 14) * 24 * 3600),
            ORDERS_TABLE_NAME: { Ref: Match.stringLikeRegexp('^OrdersTable') },
          }),
        },
      }),
    });
  });

  it('keeps dedup records at least as long as the work queue keeps a message plus its DLQ keeps it (issue 12, defect 2)', () => {
    // Prepare
    const resources = template.toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>;
    const retention = (id: string) => Number(resources[id]?.Properties.MessageRetentionPeriod);
    const consumer = Object.values(template.findResources('AWS::Lambda::Function')).find(
      (fn) => (fn.Properties.Environment?.Variables?.SLUICE_QUEUE_URL as { Ref?: string } | undefined)?.Ref === queueId,
    );
    // Act
    const window = Number(consumer?.Properties.Environment.Variables.SLUICE_DEDUP_WINDOW_SECONDS);
    // Assess: a message redriven after its effect committed and replayed on the DLQ's last day still meets its record
    expect(retention(queueId)).toBe(4 * 24 * 3600);
    expect(retention(dlqId)).toBe(14 * 24 * 3600);
    expect(window).toBeGreaterThanOrEqual(retention(queueId) + retention(dlqId));
  });

  it('names its dedup window in a stack output, so `sluice dlq replay` can refuse older dead letters', () => {
    template.hasOutput('OrdersDedupWindowSeconds', { Value: String(18 * 24 * 3600) });
  });

  it('grants no wildcard action anywhere in the stack', () => {
    // Act
    const allActions = policyStatements(template).flatMap((s) => [s.Action].flat());

    // Assess
    expect(allActions.length).toBeGreaterThan(0);
    expect(allActions.filter((action) => action.includes('*'))).toEqual([]);
  });

  it('grants the consumer only named actions on named resources', () => {
    // Prepare
    const statements = policyStatements(template, 'OrdersConsumerRole');
    const tables = Object.keys(template.findResources('AWS::DynamoDB::Table'));
    const dedupId = tables.find((id) => id.startsWith('DedupTable'))!;
    const ordersId = tables.find((id) => id.startsWith('OrdersTable'))!;

    // Assess
    expect(statements.every((s) => s.Effect === 'Allow')).toBe(true);
    expect(actionsOn(statements, dedupId)).toEqual(
      ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'].sort(),
    );
    expect(actionsOn(statements, ordersId)).toEqual(['dynamodb:PutItem']);
    expect(actionsOn(statements, dlqId)).toEqual(['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']);
    expect(new Set(actionsOn(statements, queueId))).toEqual(
      new Set(['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']),
    );
  });

  it('does without AWS-managed policies on the consumer role', () => {
    // Prepare
    const roles = template.findResources('AWS::IAM::Role');
    const consumerRoles = Object.entries(roles).filter(([id]) => id.startsWith('OrdersConsumerRole'));

    // Assess
    expect(consumerRoles).toHaveLength(1);
    expect(consumerRoles[0]![1].Properties.ManagedPolicyArns).toBeUndefined();
  });

  it('alarms on dead letters, message age, a failing consumer, function errors and throttles, each notifying the stack alarm topic', () => {
    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
      Threshold: 5 * 181,
    });
    for (const metric of ['Errors', 'Throttles']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'AWS/Lambda', MetricName: metric, Threshold: 0 });
    }
    const topicId = (template.findOutputs('SluiceAlarmTopicArn').SluiceAlarmTopicArn!.Value as { Ref: string }).Ref;
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
  });

  it('sees a failing consumer that the age alarm cannot (SQS stops counting a message in its age from the third receive): received but not deleted, over half for 15 minutes', () => {
    // Prepare
    const failing = Object.values(template.findResources('AWS::CloudWatch::Alarm')).find(
      (alarm) => JSON.stringify(alarm.Properties.Metrics ?? []).includes('NumberOfMessagesDeleted') && JSON.stringify(alarm.Properties.Metrics).includes(queueId),
    );

    // Assess
    expect(failing?.Properties).toMatchObject({ Threshold: 0.5, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 3, TreatMissingData: 'notBreaching' });
    const metrics = failing!.Properties.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string }; Period: number; Stat: string } }[];
    expect(metrics.find((m) => m.Expression)?.Expression).toBe('IF(received > 0, (received - deleted) / received, 0)');
    expect(metrics.filter((m) => m.MetricStat).map((m) => [m.Id, m.MetricStat!.Metric.MetricName, m.MetricStat!.Period, m.MetricStat!.Stat])).toEqual([
      ['received', 'NumberOfMessagesReceived', 300, 'Sum'],
      ['deleted', 'NumberOfMessagesDeleted', 300, 'Sum'],
    ]);
  });

  it('outputs the queue URLs, consumer and table names under stable names', () => {
    // Assess
    template.hasOutput('OrdersQueueUrl', { Value: { Ref: queueId } });
    template.hasOutput('OrdersDeadLetterQueueUrl', { Value: { Ref: dlqId } });
    template.hasOutput('OrdersConsumerName', { Value: { Ref: Match.stringLikeRegexp('^OrdersConsumer') } });
    template.hasOutput('DedupTableName', { Value: { Ref: Match.stringLikeRegexp('^DedupTable') } });
    template.hasOutput('OrdersTableName', { Value: { Ref: Match.stringLikeRegexp('^OrdersTable') } });
  });
});

describe('QueuePipeline options', () => {
  it('sets DelaySeconds from deliveryDelay', () => {
    // Act
    const { template } = synthPipeline({ deliveryDelay: Duration.minutes(2) });

    // Assess
    template.hasResourceProperties('AWS::SQS::Queue', { DelaySeconds: 120, RedrivePolicy: Match.anyValue() });
  });

  it('states DelaySeconds 0 in the template when no delivery delay is set', () => {
    // Act
    const { template } = synthPipeline({});

    // Assess
    template.hasResourceProperties('AWS::SQS::Queue', { DelaySeconds: 0, RedrivePolicy: Match.anyValue() });
  });

  it('derives the visibility timeout as 6 × the function timeout when there is no batching window', () => {
    // Act
    const { template } = synthPipeline({ functionProps: { timeout: Duration.seconds(45) } });

    // Assess
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 270 });
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 45 });
  });

  it('keeps an explicit visibility timeout, receive count, retention and dedup window', () => {
    // Act
    const { template } = synthPipeline({
      visibilityTimeout: Duration.minutes(10),
      maxReceiveCount: 3,
      retentionPeriod: Duration.days(1),
      dedupWindow: Duration.days(20),
      dedupScope: 'jobs-v2',
    });

    // Assess
    template.hasResourceProperties('AWS::SQS::Queue', {
      VisibilityTimeout: 600,
      MessageRetentionPeriod: 86400,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SLUICE_DEDUP_WINDOW_SECONDS: '1728000', SLUICE_DEDUP_SCOPE: 'jobs-v2' }) },
    });
  });

  it('derives the dedup window from the queue retention plus the DLQ retention (issue 12, defect 2)', () => {
    // Act
    const { template } = synthPipeline({ retentionPeriod: Duration.days(1) });
    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ SLUICE_DEDUP_WINDOW_SECONDS: String((1 + 14) * 24 * 3600) }) },
    });
  });

  it('refuses at synth a dedup window shorter than the queue retention plus the DLQ retention (issue 12, defect 2)', () => {
    expect(() => synthPipeline({ dedupWindow: Duration.days(4) })).toThrow(/dedupWindow \(4 days\) must be at least .*18 days/);
  });

  it('refuses a dedup scope holding # at synth', () => {
    expect(() => synthPipeline({ dedupScope: 'jobs#eu' })).toThrow(/dedup scope/);
  });

  it('makes a FIFO dead-letter queue for a FIFO queue', () => {
    // Act
    const { template } = synthPipeline({ fifo: true, contentBasedDeduplication: true });

    // Assess
    template.hasResourceProperties('AWS::SQS::Queue', {
      FifoQueue: true,
      ContentBasedDeduplication: true,
      QueueName: Match.absent(),
      RedrivePolicy: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::SQS::Queue', { FifoQueue: true, RedriveAllowPolicy: { redrivePermission: 'allowAll' } });
    template.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ SLUICE_FIFO: 'true' }) } });
  });

  it('passes extra environment and memory to the consumer without letting it override sluice variables', () => {
    // Act
    const { template } = synthPipeline({ functionProps: { memorySize: 1024, environment: { GREETING: 'hi', SLUICE_FIFO: 'true' } } });

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 1024,
      Environment: { Variables: Match.objectLike({ GREETING: 'hi', SLUICE_FIFO: 'false' }) },
    });
  });

  it('names the queue when asked, and then lets only that queue redrive into the DLQ', () => {
    // Act
    const { template } = synthPipeline({ queueName: 'billing-jobs', fifo: true });

    // Assess
    template.hasResourceProperties('AWS::SQS::Queue', { QueueName: 'billing-jobs.fifo', RedrivePolicy: Match.anyValue() });
    template.hasResourceProperties('AWS::SQS::Queue', {
      RedriveAllowPolicy: { redrivePermission: 'byQueue', sourceQueueArns: [{ 'Fn::Join': ['', Match.arrayWith([':billing-jobs.fifo'])] }] },
    });
  });

  it('reserves no concurrency in the standard profile (a new account may have too little to reserve any)', () => {
    // Act
    const { template } = synthPipeline({ maxConcurrency: 5 });

    // Assess
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: Match.absent(), Environment: Match.anyValue() });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 5 } });
  });

  it('strict: reserves the mapping concurrency for the consumer and keeps the mapping within it', () => {
    // Act
    const withMax = synthPipeline({ compliance: 'strict', maxConcurrency: 5 }).template;
    const withoutMax = synthPipeline({ compliance: 'strict' }).template;

    // Assess
    withMax.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 5 });
    withMax.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 5 } });
    withoutMax.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 10 });
    withoutMax.hasResourceProperties('AWS::Lambda::EventSourceMapping', { ScalingConfig: { MaximumConcurrency: 10 } });
  });

  it('exposes the queue, DLQ, consumer and five alarms', () => {
    // Act
    const { pipeline } = synthPipeline();

    // Assess
    expect((pipeline.queue as Queue).deadLetterQueue?.queue).toBe(pipeline.deadLetterQueue);
    expect(pipeline.consumer.timeout?.toSeconds()).toBe(30);
    expect(Object.keys(pipeline.alarms).sort()).toEqual(['consumerFailing', 'deadLetters', 'functionErrors', 'functionThrottles', 'oldestMessageAge']);
  });

  it.each([
    ['a delivery delay over 15 minutes', { deliveryDelay: Duration.minutes(16) }, /deliveryDelay/],
    ['a receive count of 0', { maxReceiveCount: 0 }, /maxReceiveCount/],
    ['a visibility timeout shorter than the function timeout', { visibilityTimeout: Duration.seconds(10) }, /visibilityTimeout/],
  ])('refuses %s', (_name, props, message) => {
    expect(() => synthPipeline(props)).toThrow(message);
  });
});
