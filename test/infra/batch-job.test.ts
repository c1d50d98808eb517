import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { BatchJob, TRANSIENT_TASK_ERRORS, type BatchJobProps } from '../../infra/batch-job.ts';
import { DedupTable } from '../../infra/dedup-table.ts';
import { allStates, stateMachineDefinition } from '../helpers/batch-definition.ts';
import { newTestStack, synthNagReport } from './helpers.ts';

function synthBatchJob(props: BatchJobProps = {}, withRequests = false): { template: Template; batch: BatchJob } {
  const stack = newTestStack();
  const batch = new BatchJob(stack, 'Batch', { ...props, ...(withRequests ? { dedupTable: new DedupTable(stack, 'Dedup') } : {}) });
  batch.addOutputs();
  return { template: Template.fromStack(stack), batch };
}

const logicalId = (template: Template, type: string, entry: string) =>
  Object.entries(template.findResources(type)).find(([, r]) => r.Metadata?.['sluice:entry'] === entry)![0];

describe('BatchJob state machine', () => {
  it('runs Split, then a Map whose iterations invoke the partition function, then Reduce', () => {
    // Prepare
    const { template } = synthBatchJob({ maxConcurrency: 7 });
    const partitionFn = logicalId(template, 'AWS::Lambda::Function', 'functions/batch-partition.ts');
    const splitFn = logicalId(template, 'AWS::Lambda::Function', 'functions/batch-split.ts');
    const reduceFn = logicalId(template, 'AWS::Lambda::Function', 'functions/batch-reduce.ts');
    // Act
    const definition = stateMachineDefinition(template);
    const map = definition.States.ProcessPartitions!;
    const iteration = (map.ItemProcessor as { StartAt: string; States: Record<string, Record<string, unknown>> });
    // Assess
    expect(definition.StartAt).toBe('Split');
    expect(definition.States.Split).toMatchObject({ Type: 'Task', Resource: `<${splitFn}.Arn>`, Next: 'InlineOrDistributed' });
    expect(map).toMatchObject({ Type: 'Map', MaxConcurrency: 7, ItemsPath: '$.partitions', ResultPath: null, Next: 'Reduce' });
    expect(map.ItemSelector).toEqual({ 'job.$': '$.job', 'partition.$': '$$.Map.Item.Value' });
    expect(iteration.States[iteration.StartAt]).toMatchObject({ Type: 'Task', Resource: `<${partitionFn}.Arn>`, End: true });
    expect(definition.States.Reduce).toMatchObject({ Type: 'Task', Resource: `<${reduceFn}.Arn>`, End: true });
  });

  it('uses a Distributed Map reading the partition manifest from S3 for large jobs', () => {
    // Prepare
    const { template } = synthBatchJob({ partitionsPerBatch: 4, toleratedFailurePercentage: 5, distributedMaxConcurrency: 50 });
    // Act
    const definition = stateMachineDefinition(template);
    const choice = definition.States.InlineOrDistributed!;
    const map = definition.States.ProcessPartitionsDistributed!;
    // Assess
    expect(choice.Choices).toEqual([{ Variable: '$.mode', StringEquals: 'distributed', Next: 'ProcessPartitionsDistributed' }]);
    expect(map).toMatchObject({
      Type: 'Map',
      MaxConcurrency: 50,
      ToleratedFailurePercentage: 5,
      ItemReader: { Resource: 'arn:<AWS::Partition>:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { 'Key.$': '$.manifest.key' } },
      ItemBatcher: { MaxItemsPerBatch: 4, BatchInput: { 'job.$': '$.job' } },
      ResultWriter: { Resource: 'arn:<AWS::Partition>:states:::s3:putObject', Parameters: { Prefix: 'tmp/map-runs' } },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' } },
      Next: 'Reduce',
    });
  });

  it('retries every task on transient errors with exponential backoff and full jitter', () => {
    // Act
    const states = allStates(stateMachineDefinition(synthBatchJob({ retryAttempts: 4 }).template).States);
    // Assess
    for (const name of ['Split', 'ProcessPartition', 'ProcessPartitionBatch', 'Reduce']) {
      expect(states[name]!.Retry).toEqual([
        { ErrorEquals: TRANSIENT_TASK_ERRORS, IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 4, MaxDelaySeconds: 60, JitterStrategy: 'FULL' },
      ]);
      expect(states[name]!.TimeoutSeconds).toBe(15 * 60 + 30);
    }
    // The SDK errors a function gives up on after its own retries are transient too (S3, DynamoDB, sockets).
    expect(TRANSIENT_TASK_ERRORS).toEqual(expect.arrayContaining(['TimeoutError', 'SlowDown', 'ThrottlingException', 'ProvisionedThroughputExceededException']));
  });

  it('catches any failure of Split, the Maps and Reduce into a recorded failure and a failed execution', () => {
    // Prepare
    const { template } = synthBatchJob();
    const table = Object.keys(template.findResources('AWS::DynamoDB::Table'))[0]!;
    // Act
    const states = stateMachineDefinition(template).States;
    // Assess
    for (const name of ['Split', 'ProcessPartitions', 'ProcessPartitionsDistributed', 'Reduce']) {
      expect(states[name]!.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' }]);
    }
    expect(states.RecordFailure).toMatchObject({
      Resource: 'arn:<AWS::Partition>:states:::dynamodb:putItem',
      Parameters: { TableName: `<${table}>`, Item: { jobId: { 'S.$': '$$.Execution.Name' }, status: { S: 'FAILED' }, error: { 'S.$': '$.error.Error' } } },
      Next: 'JobFailed',
    });
    expect(states.JobFailed).toEqual({ Type: 'Fail', ErrorPath: '$.error.Error', CausePath: '$.error.Cause' });
  });

  it('logs every event and traces with X-Ray', () => {
    // Act
    const { template } = synthBatchJob();
    // Assess
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
    });
  });
});

describe('BatchJob storage and permissions', () => {
  it('keeps data in an encrypted, TLS-only, private bucket whose intermediate data expires', () => {
    // Act
    const { template } = synthBatchJob();
    // Assess
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'batch-bucket/' }),
      LifecycleConfiguration: {
        Rules: Match.arrayWith([Match.objectLike({ Id: 'ExpireIntermediateData', Prefix: 'tmp/', ExpirationInDays: 2, Status: 'Enabled' })]),
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('lets the partition function read and write intermediate data only', () => {
    // Prepare
    const { template, batch } = synthBatchJob();
    const roleId = Stack.of(batch).getLogicalId(batch.partitionFunction.role!.node.defaultChild as never);
    // Act
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((p) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId),
    );
    const s3Resources = policies.flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')))
        .flatMap((s) => [s.Resource].flat()),
    );
    // Assess
    expect(s3Resources.length).toBeGreaterThan(0);
    const bucketArn = JSON.stringify({ 'Fn::GetAtt': [Stack.of(batch).getLogicalId(batch.bucket.node.defaultChild as never), 'Arn'] });
    for (const resource of s3Resources) {
      // The bucket itself (ListBucket) or objects under tmp/ only.
      expect([bucketArn, expect.stringMatching(/\/tmp\/\*"\]\]\}$/)]).toContainEqual(JSON.stringify(resource));
    }
  });

  it('gives Split, Reduce and the starter the bucket allow-list IAM grants match, and Split ListBucket so a mistyped key reads NoSuchKey, not AccessDenied', () => {
    // Prepare
    const stack = newTestStack();
    const raw = new Bucket(stack, 'RawOrders');
    const exports = new Bucket(stack, 'Exports');
    const batch = new BatchJob(stack, 'Batch', { inputBuckets: [raw], outputBuckets: [exports], dedupTable: new DedupTable(stack, 'Dedup') });
    const template = Template.fromStack(stack);
    const id = (construct: { node: { defaultChild?: unknown } }) => Stack.of(batch).getLogicalId(construct.node.defaultChild as never);
    const statementsOf = (fn: typeof batch.splitFunction) =>
      Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === id(fn.role as never)))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const resourcesFor = (fn: typeof batch.splitFunction, action: string) =>
      JSON.stringify(statementsOf(fn).filter((s) => [s.Action].flat().includes(action)).flatMap((s) => [s.Resource].flat()));
    // Act
    const envOf = (fn: typeof batch.splitFunction) => template.toJSON().Resources[id(fn)].Properties.Environment.Variables;
    // Assess
    expect(envOf(batch.splitFunction).BATCH_INPUT_BUCKETS).toEqual({ 'Fn::Join': [',', [{ Ref: id(batch.bucket) }, { Ref: id(raw) }]] });
    expect(envOf(batch.reduceFunction).BATCH_OUTPUT_BUCKETS).toEqual({ 'Fn::Join': [',', [{ Ref: id(batch.bucket) }, { Ref: id(exports) }]] });
    expect(envOf(batch.requests!.consumer).BATCH_INPUT_BUCKETS).toBeDefined();
    expect(resourcesFor(batch.splitFunction, 's3:ListBucket')).toContain(id(raw));
    expect(resourcesFor(batch.splitFunction, 's3:ListBucket')).toContain(id(batch.bucket));
    expect(resourcesFor(batch.splitFunction, 's3:GetObject')).toContain(id(raw));
    expect(resourcesFor(batch.reduceFunction, 's3:PutObject')).toContain(id(exports));
    expect(resourcesFor(batch.reduceFunction, 's3:PutObject')).not.toContain(id(raw));
  });

  it('adds a request queue with a DLQ whose consumer may start executions, and the outputs', () => {
    // Act
    const { template } = synthBatchJob({}, true);
    // Assess
    template.resourceCountIs('AWS::SQS::Queue', 2);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'states:StartExecution' })]) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ BATCH_STATE_MACHINE_ARN: Match.anyValue(), SLUICE_DEDUP_SCOPE: 'batch-job' }) },
    });
    expect(Object.keys(template.findOutputs('*')).sort()).toEqual(
      expect.arrayContaining([expect.stringMatching(/BucketName/), expect.stringMatching(/StateMachineArn/), expect.stringMatching(/RequestQueueUrl/)]),
    );
  });

  it('leaves no unacknowledged cdk-nag AwsSolutions finding', () => {
    // Act
    const { findings } = synthNagReport({
      change: (stack) => {
        new BatchJob(stack, 'BatchUnderTest', { dedupTable: new DedupTable(stack, 'BatchUnderTestDedup') });
      },
    });
    // Assess
    expect(findings.filter((f) => f.path.includes('BatchUnderTest')).map((f) => `${f.rule} ${f.path}`)).toEqual([]);
  });
});
