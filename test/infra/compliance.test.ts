import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { BatchJob, ComplianceResources, complianceProfile, DedupTable, QueuePipeline } from '../../infra/index.ts';
import { SKIP_BUNDLING, synthSampleTemplate } from './helpers.ts';

const QUEUE_ENTRY = 'examples/orders/functions/order-worker.ts';

type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

function resourcesOf(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.findResources(type)) as [string, Resource][];
}

describe('the strict profile of the sample app (cdk synth -c compliance=strict)', () => {
  const template = synthSampleTemplate('strict');
  const [keyId, key] = resourcesOf(template, 'AWS::KMS::Key')[0]!;
  const keyArn = { 'Fn::GetAtt': [keyId, 'Arn'] };

  it('creates one customer-managed key, rotated yearly, kept after a stack deletion (retained data stays readable)', () => {
    // Assess
    template.resourceCountIs('AWS::KMS::Key', 1);
    expect(key.Properties).toMatchObject({ EnableKeyRotation: true, PendingWindowInDays: 30 });
    expect(key).toMatchObject({ DeletionPolicy: 'RetainExceptOnCreate', UpdateReplacePolicy: 'Retain' });
  });

  it("lets only AWS services create grants on the key (Control Tower CT.KMS.PR.3), and the logs and alarm services use it", () => {
    // Prepare
    const statements = (key.Properties!.KeyPolicy as { Statement: Record<string, unknown>[] }).Statement;

    // Assess
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Deny',
        Action: 'kms:CreateGrant',
        Principal: { AWS: '*' },
        Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
    );
    expect(statements.map((s) => s.Sid)).toEqual(
      expect.arrayContaining(['UseThroughSluiceServices', 'CloudWatchLogsEncryptsThisAccountsLogGroups', 'CloudWatchAlarmsPublishToTheEncryptedTopic', 'GrantsOnlyForAwsServices']),
    );
  });

  it('encrypts every queue, table, the stream, the batch bucket and the alarm topic with that key', () => {
    // Assess
    template.allResourcesProperties('AWS::SQS::Queue', { KmsMasterKeyId: keyArn });
    template.allResourcesProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: keyArn } });
    template.allResourcesProperties('AWS::Kinesis::Stream', { StreamEncryption: { EncryptionType: 'KMS', KeyId: keyArn } });
    template.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: keyArn });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn }, BucketKeyEnabled: true }] },
    });
  });

  it('keeps every log group a year, encrypted with the key, and after a stack deletion (audit evidence)', () => {
    // Prepare
    const logGroups = resourcesOf(template, 'AWS::Logs::LogGroup');

    // Assess
    expect(logGroups.length).toBe(8); // six functions, the state machine, the VPC flow logs
    for (const [id, group] of logGroups) {
      expect({ id, retention: group.Properties!.RetentionInDays, key: group.Properties!.KmsKeyId, deletion: group.DeletionPolicy }).toEqual({
        id,
        retention: 365,
        key: keyArn,
        deletion: 'RetainExceptOnCreate',
      });
    }
  });

  it('runs every function in the isolated subnets of the VPC, whose only ways out are the endpoints the functions call', () => {
    // Prepare
    const functions = resourcesOf(template, 'AWS::Lambda::Function');
    const services = resourcesOf(template, 'AWS::EC2::VPCEndpoint').map(([, e]) => [String(e.Properties!.VpcEndpointType), JSON.stringify(e.Properties!.ServiceName)] as const);

    // Assess
    expect(functions.length).toBe(6);
    for (const [id, fn] of functions) expect({ id, subnets: (fn.Properties!.VpcConfig as { SubnetIds?: unknown[] } | undefined)?.SubnetIds?.length }).toEqual({ id, subnets: 2 });
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    expect(services.map(([type]) => type).sort()).toEqual(['Gateway', 'Gateway', 'Interface', 'Interface']);
    expect(services.map(([, name]) => name).join(' ')).toMatch(/\.s3.*\.dynamodb|\.dynamodb.*\.s3/);
    expect(services.filter(([type]) => type === 'Interface').map(([, name]) => /\.(sqs|states)"/.exec(name)?.[1]).sort()).toEqual(['sqs', 'states']);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
  });

  it("gives each function's role the network-interface permissions Lambda needs to place it in the VPC (CDK adds them only to roles it creates)", () => {
    // Prepare
    const functionRoles = resourcesOf(template, 'AWS::Lambda::Function').map(([, fn]) => (fn.Properties!.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0]);
    const roles = new Map(resourcesOf(template, 'AWS::IAM::Role'));

    // Assess
    expect(functionRoles).toHaveLength(6);
    for (const id of functionRoles) {
      expect({ id, policies: JSON.stringify(roles.get(id)!.Properties!.ManagedPolicyArns) }).toEqual({ id, policies: expect.stringContaining(':iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole') });
    }
  });

  it('lets the endpoints take HTTPS from the VPC only', () => {
    // Assess
    for (const [, group] of resourcesOf(template, 'AWS::EC2::SecurityGroup').filter(([id]) => id.includes('Endpoint'))) {
      expect(group.Properties!.SecurityGroupIngress).toEqual([expect.objectContaining({ CidrIp: '10.0.0.0/16', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' })]);
    }
  });

  it('versions both buckets, notifies EventBridge and expires old versions; Object Lock (no default retention) on the batch bucket only', () => {
    // Prepare
    const buckets = resourcesOf(template, 'AWS::S3::Bucket');

    // Assess
    expect(buckets).toHaveLength(2);
    for (const [id, bucket] of buckets) {
      expect({ id, ...bucket.Properties }).toMatchObject({
        id,
        VersioningConfiguration: { Status: 'Enabled' },
        NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
        LifecycleConfiguration: { Rules: expect.arrayContaining([expect.objectContaining({ NoncurrentVersionExpiration: { NoncurrentDays: 30 } })]) },
      });
      expect(bucket.Properties!.ObjectLockConfiguration).toBeUndefined();
    }
    // S3 does not deliver server access logs to a bucket with Object Lock enabled.
    const lockOf = Object.fromEntries(buckets.map(([id, bucket]) => [id.replace(/[A-F0-9]{8}$/, ''), bucket.Properties!.ObjectLockEnabled]));
    expect(lockOf).toEqual({ BatchBucket: true, BatchAccessLogs: undefined });
  });

  it('logs the batch bucket into a brought access-log bucket under its own prefix, and creates no log bucket then', () => {
    // Prepare
    const app = new App({ context: { ...SKIP_BUNDLING, compliance: 'strict', accessLogsBucket: 'acme-s3-access-logs-111122223333-eu-west-1' } });
    const stack = new Stack(app, 'Logged');

    // Act
    new BatchJob(stack, 'Batch');
    const logged = Template.fromStack(stack);

    // Assess
    const buckets = resourcesOf(logged, 'AWS::S3::Bucket');
    expect(buckets).toHaveLength(1);
    expect(buckets[0]![1].Properties!.LoggingConfiguration).toEqual({
      DestinationBucketName: 'acme-s3-access-logs-111122223333-eu-west-1',
      LogFilePrefix: expect.stringMatching(/^LoggedBatch[0-9A-F]{8}\/$/),
    });
  });

  it('refuses an accessLogsBucket context that is not a bucket name', () => {
    // Prepare
    const app = new App({ context: { ...SKIP_BUNDLING, accessLogsBucket: 'Not A Bucket' } });
    const stack = new Stack(app, 'Bad');

    // Act / Assess
    expect(() => new BatchJob(stack, 'Batch')).toThrow(/"accessLogsBucket" context must be an S3 bucket name/);
  });

  it('reserves concurrency for every function: each consumer its mapping concurrency, partitions as many as a Map runs at once', () => {
    // Prepare
    const reserved = Object.fromEntries(
      resourcesOf(template, 'AWS::Lambda::Function').map(([id, fn]) => [id.replace(/[A-F0-9]{8}$/, ''), fn.Properties!.ReservedConcurrentExecutions]),
    );

    // Assess
    expect(reserved).toEqual({
      OrdersConsumer: 5,
      BatchSplit: 5,
      BatchProcessPartition: 100,
      BatchReduce: 5,
      BatchRequestsConsumer: 2,
      OrderStreamConsumer: 4,
    });
  });
});

describe('removal policies per resource kind (standard profile)', () => {
  const template = synthSampleTemplate();

  it('keeps data after a stack deletion but lets the rollback of a failed first deploy remove it (RetainExceptOnCreate)', () => {
    // Assess
    for (const type of ['AWS::DynamoDB::Table', 'AWS::S3::Bucket']) {
      for (const [id, resource] of resourcesOf(template, type)) {
        expect({ id, deletion: resource.DeletionPolicy, replace: resource.UpdateReplacePolicy }).toEqual({ id, deletion: 'RetainExceptOnCreate', replace: 'Retain' });
      }
    }
    template.allResourcesProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
  });

  it('deletes with the stack what holds no lasting data: the stream (billed per shard-hour), queues, log groups (a month) and the alarm topic', () => {
    // Assess
    for (const type of ['AWS::Kinesis::Stream', 'AWS::SQS::Queue', 'AWS::Logs::LogGroup', 'AWS::SNS::Topic']) {
      const kept = resourcesOf(template, type).filter(([, r]) => r.DeletionPolicy !== undefined && r.DeletionPolicy !== 'Delete');
      expect({ type, kept: kept.map(([id]) => id) }).toEqual({ type, kept: [] });
    }
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('puts the state machine log group under /aws/vendedlogs/states/, unique per stack creation so a retained group never blocks a redeploy', () => {
    // Prepare
    const [, machineLogs] = resourcesOf(template, 'AWS::Logs::LogGroup').find(([id]) => id.startsWith('BatchStateMachineLogs'))!;

    // Assess
    expect(machineLogs.Properties!.LogGroupName).toEqual({
      'Fn::Join': ['', [expect.stringMatching(/^\/aws\/vendedlogs\/states\/Sluice-Batch-[0-9A-F]{8}-$/), { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]],
    });
  });
});

describe('choosing the profile', () => {
  it('reads the compliance context, and a construct prop wins over it', () => {
    // Prepare
    const app = new App({ context: { ...SKIP_BUNDLING, compliance: 'strict' } });
    const stack = new Stack(app, 'Test');

    // Act
    const dedupTable = new DedupTable(stack, 'Dedup', { compliance: 'standard' });
    new QueuePipeline(stack, 'Jobs', { entry: QUEUE_ENTRY, dedupTable });

    // Assess
    expect(complianceProfile(stack)).toBe('strict');
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true, KMSMasterKeyId: Match.absent() } });
    template.allResourcesProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
  });

  it('refuses a context value that is not a profile, naming the allowed ones', () => {
    // Prepare
    const stack = new Stack(new App({ context: { ...SKIP_BUNDLING, compliance: 'hipaa' } }), 'Test');

    // Act
    const create = () => new DedupTable(stack, 'Dedup');

    // Assess
    expect(create).toThrow('the "compliance" context must be one of standard, strict, got "hipaa"');
  });

  it('takes your own topic, key and profile when configured before any construct, and refuses once they exist', () => {
    // Prepare
    const stack = new Stack(new App({ context: SKIP_BUNDLING }), 'Test');

    // Act
    ComplianceResources.configure(stack, { profile: 'strict' });
    new BatchJob(stack, 'Batch');

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::Function', { VpcConfig: Match.anyValue() });
    expect(() => ComplianceResources.configure(stack, { profile: 'standard' })).toThrow(/already exist: configure them before creating any sluice construct/);
  });
});
