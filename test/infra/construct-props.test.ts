import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Stream } from 'aws-cdk-lib/aws-kinesis';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { BatchJob, DedupTable, QueuePipeline, StreamPipeline } from '../../infra/index.ts';
import { newTestStack, synthSampleTemplate } from './helpers.ts';

const QUEUE_ENTRY = 'examples/orders/functions/order-worker.ts';
const STREAM_ENTRY = 'examples/orders/functions/stream-order-aggregator.ts';

describe('construct props', () => {
  it('gives every function of the sample an explicit MemorySize (never the 128 MiB Lambda default)', () => {
    // Act
    const functions = synthSampleTemplate().findResources('AWS::Lambda::Function');

    // Assess
    const memory = Object.entries(functions).map(([id, fn]) => [id, fn.Properties.MemorySize as number | undefined] as const);
    expect(memory.length).toBeGreaterThanOrEqual(6);
    for (const [id, size] of memory) expect({ id, size: size ?? 'unset' }).toEqual({ id, size: expect.any(Number) });
    expect(memory.every(([, size]) => (size ?? 0) >= 512)).toBe(true);
  });

  it('keeps sluice defaults when a function prop is passed as undefined', () => {
    // Prepare
    const stack = newTestStack();
    const dedupTable = new DedupTable(stack, 'Dedup');

    // Act
    new QueuePipeline(stack, 'Jobs', { entry: QUEUE_ENTRY, dedupTable, functionProps: { memorySize: undefined, timeout: undefined, runtime: undefined } });

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { MemorySize: 512, Timeout: 30, Runtime: 'nodejs22.x', Architectures: ['arm64'] });
  });

  it('lets functionProps override memory, timeout, runtime, architecture, reserved concurrency and the handler name', () => {
    // Prepare
    const stack = newTestStack();
    const dedupTable = new DedupTable(stack, 'Dedup');

    // Act
    new QueuePipeline(stack, 'Jobs', {
      entry: QUEUE_ENTRY,
      handler: 'handler',
      dedupTable,
      functionProps: { memorySize: 2048, timeout: Duration.seconds(60), runtime: Runtime.NODEJS_24_X, architecture: Architecture.X86_64, reservedConcurrentExecutions: 7 },
    });

    // Assess
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', {
      MemorySize: 2048,
      Timeout: 60,
      Runtime: 'nodejs24.x',
      Architectures: ['x86_64'],
      ReservedConcurrentExecutions: 7,
      Handler: 'index.handler',
    });
    // The queue's visibility timeout follows the overridden function timeout (6 × 60 s).
    template.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 360, RedrivePolicy: Match.anyValue() });
  });

  it('consumes an existing queue with its own dead-letter queue instead of creating queues', () => {
    // Prepare
    const stack = newTestStack();
    const dedupTable = new DedupTable(stack, 'Dedup');
    const dlq = new Queue(stack, 'MyDlq');
    const queue = new Queue(stack, 'MyQueue', { visibilityTimeout: Duration.minutes(5), deadLetterQueue: { queue: dlq, maxReceiveCount: 3 } });

    // Act
    const pipeline = new QueuePipeline(stack, 'Jobs', { entry: QUEUE_ENTRY, dedupTable, existingQueue: queue });

    // Assess
    expect(pipeline.queue).toBe(queue);
    expect(pipeline.deadLetterQueue).toBe(dlq);
    Template.fromStack(stack).resourceCountIs('AWS::SQS::Queue', 2);
  });

  it('refuses an existing queue with no dead-letter queue, naming the fix', () => {
    // Prepare
    const stack = newTestStack();
    const dedupTable = new DedupTable(stack, 'Dedup');

    // Act / Assess
    expect(() => new QueuePipeline(stack, 'Jobs', { entry: QUEUE_ENTRY, dedupTable, existingQueue: new Queue(stack, 'Bare') })).toThrow(/existingDeadLetterQueue/);
  });

  it('consumes an existing stream instead of creating one', () => {
    // Prepare
    const stack = newTestStack();
    const stream = new Stream(stack, 'MyStream', { shardCount: 2 });

    // Act
    const pipeline = new StreamPipeline(stack, 'Events', { entry: STREAM_ENTRY, existingStream: stream });

    // Assess
    expect(pipeline.stream).toBe(stream);
    Template.fromStack(stack).resourceCountIs('AWS::Kinesis::Stream', 1);
  });

  it('adds the alarm action to every alarm of queue, stream and batch constructs', () => {
    // Prepare
    const stack = newTestStack();
    const dedupTable = new DedupTable(stack, 'Dedup');
    const topic = new Topic(stack, 'Alarms');
    const alarmAction = new SnsAction(topic);

    // Act
    new QueuePipeline(stack, 'Jobs', { entry: QUEUE_ENTRY, dedupTable, alarmAction });
    new StreamPipeline(stack, 'Events', { entry: STREAM_ENTRY, alarmAction });
    new BatchJob(stack, 'Batch', { dedupTable, alarmAction });

    // Assess
    const template = Template.fromStack(stack);
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBe(5 + 4 + 2 + 5);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alarms/) }]);
    // With an action of your own, sluice creates no topic of its own.
    template.resourceCountIs('AWS::SNS::Topic', 1);
  });

  it('without an alarm action, gives every alarm the one alarm topic of the stack and outputs it for subscribers', () => {
    // Prepare
    const stack = newTestStack();
    const dedupTable = new DedupTable(stack, 'Dedup');

    // Act
    new QueuePipeline(stack, 'Jobs', { entry: QUEUE_ENTRY, dedupTable });
    new StreamPipeline(stack, 'Events', { entry: STREAM_ENTRY });
    new BatchJob(stack, 'Batch', { dedupTable });

    // Assess
    const template = Template.fromStack(stack);
    const topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0]!;
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasOutput('SluiceAlarmTopicArn', { Value: { Ref: topicId } });
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBe(16);
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([{ Ref: topicId }]);
    // The topic is TLS-only and lets this account's CloudWatch alarms publish (its policy replaces the default one).
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
        ]),
      },
    });
  });

  it('resolves a relative entry from the app working directory, not from sluice, and records it relative to it', () => {
    // Prepare: a user project elsewhere with its own handler.
    const project = mkdtempSync(join(tmpdir(), 'sluice-user-app-'));
    mkdirSync(join(project, 'handlers'));
    writeFileSync(join(project, 'handlers', 'invoice-worker.ts'), 'export const handler = async () => ({ batchItemFailures: [] });\n');
    writeFileSync(join(project, 'package-lock.json'), '{}\n');
    const cwd = process.cwd();
    process.chdir(project);
    try {
      const stack = newTestStack();
      const dedupTable = new DedupTable(stack, 'Dedup');

      // Act
      new QueuePipeline(stack, 'Invoices', { entry: 'handlers/invoice-worker.ts', dedupTable });

      // Assess
      Template.fromStack(stack).hasResource('AWS::Lambda::Function', { Metadata: Match.objectLike({ 'sluice:entry': 'handlers/invoice-worker.ts' }) });
      expect(() => new QueuePipeline(stack, 'Missing', { entry: 'handlers/nope.ts', dedupTable })).toThrow(`Cannot find entry file at ${join(project, 'handlers', 'nope.ts')}`);
    } finally {
      process.chdir(cwd);
    }
  });
});
