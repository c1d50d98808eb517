import { CreateQueueCommand, SetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import {
  CreateTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, ResourceInUseException as StreamInUseException, type KinesisClient } from '@aws-sdk/client-kinesis';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { ResourceRegistry, LocalResource } from './resources.ts';
import type { TemplateResolver } from '../template/resolver.ts';

export interface ProvisionClients {
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  readonly s3: S3Client;
  readonly kinesis?: KinesisClient;
  /** fauxqs's SNS: the template's topics (the alarm topic) exist locally, so their subscriptions can be listed and made. */
  readonly sns?: SNSClient;
}

export interface ProvisionOverrides {
  /**
   * Visibility timeout for every queue, in seconds. Tests compress time with it (a 180 s timeout
   * would make a retry test wait 3 minutes); the template's value is used when unset.
   */
  readonly visibilityTimeoutSeconds?: number;
  /** Shards per on-demand stream (AWS starts on-demand streams with 4). */
  readonly onDemandShards?: number;
}

/** SQS attributes copied from the template as they are; KMS settings have no local meaning. */
const QUEUE_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
] as const;

function queueAttributes(resource: LocalResource, resolver: TemplateResolver, overrides: ProvisionOverrides): Record<string, string> {
  const props = (resolver.resolve(resource.definition.Properties ?? {}) ?? {}) as Record<string, unknown>;
  const attributes: Record<string, string> = {};
  for (const name of QUEUE_ATTRIBUTES) if (props[name] !== undefined) attributes[name] = String(props[name]);
  if (overrides.visibilityTimeoutSeconds !== undefined) attributes.VisibilityTimeout = String(overrides.visibilityTimeoutSeconds);
  return attributes;
}

async function createQueues(resources: ResourceRegistry, resolver: TemplateResolver, sqs: SQSClient, overrides: ProvisionOverrides) {
  const queues = resources.ofType('AWS::SQS::Queue');
  // Create every queue first, then attach redrive policies: a DLQ must exist before a queue names it.
  await Promise.all(
    queues.map((q) => sqs.send(new CreateQueueCommand({ QueueName: q.physicalName, Attributes: queueAttributes(q, resolver, overrides) }))),
  );
  await Promise.all(
    queues.map(async (q) => {
      const props = resolver.resolve(q.definition.Properties ?? {}) as Record<string, unknown>;
      const policies: Record<string, string> = {};
      if (props.RedrivePolicy) policies.RedrivePolicy = JSON.stringify(props.RedrivePolicy);
      if (props.RedriveAllowPolicy) {
        const allow = props.RedriveAllowPolicy as { sourceQueueArns?: string[] };
        const sourceQueueArns = allow.sourceQueueArns?.map((arn) => resources.localArn(arn));
        policies.RedriveAllowPolicy = JSON.stringify({ ...allow, ...(sourceQueueArns ? { sourceQueueArns } : {}) });
      }
      if (Object.keys(policies).length > 0) await sqs.send(new SetQueueAttributesCommand({ QueueUrl: q.ref, Attributes: policies }));
    }),
  );
}

async function createTable(resource: LocalResource, resolver: TemplateResolver, dynamodb: DynamoDBClient) {
  const props = resolver.resolve(resource.definition.Properties ?? {}) as Record<string, unknown>;
  const provisioned = props.BillingMode !== 'PAY_PER_REQUEST';
  const throughput = { ReadCapacityUnits: 1000, WriteCapacityUnits: 1000 };
  const input: CreateTableCommandInput = {
    TableName: resource.physicalName,
    KeySchema: props.KeySchema as CreateTableCommandInput['KeySchema'],
    AttributeDefinitions: props.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    BillingMode: provisioned ? 'PROVISIONED' : 'PAY_PER_REQUEST',
    ...(provisioned ? { ProvisionedThroughput: throughput } : {}),
    GlobalSecondaryIndexes: (props.GlobalSecondaryIndexes as Record<string, unknown>[] | undefined)?.map((gsi) => ({
      ...(gsi as object),
      ...(provisioned ? { ProvisionedThroughput: throughput } : {}),
    })) as CreateTableCommandInput['GlobalSecondaryIndexes'],
    LocalSecondaryIndexes: props.LocalSecondaryIndexes as CreateTableCommandInput['LocalSecondaryIndexes'],
    StreamSpecification: props.StreamSpecification
      ? { StreamEnabled: true, StreamViewType: (props.StreamSpecification as { StreamViewType: 'NEW_AND_OLD_IMAGES' }).StreamViewType }
      : undefined,
  };
  try {
    await dynamodb.send(new CreateTableCommand(input));
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  const ttl = props.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined;
  if (ttl?.Enabled && ttl.AttributeName) {
    await dynamodb.send(new UpdateTimeToLiveCommand({ TableName: resource.physicalName, TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true } }));
  }
}

async function createStream(resource: LocalResource, resolver: TemplateResolver, kinesis: KinesisClient, overrides: ProvisionOverrides) {
  const props = resolver.resolve(resource.definition.Properties ?? {}) as Record<string, unknown>;
  const onDemand = (props.StreamModeDetails as { StreamMode?: string } | undefined)?.StreamMode === 'ON_DEMAND';
  const shardCount = onDemand ? (overrides.onDemandShards ?? 4) : Number(props.ShardCount ?? 1);
  try {
    await kinesis.send(new CreateStreamCommand({ StreamName: resource.physicalName, ShardCount: shardCount }));
  } catch (err) {
    if (!(err instanceof StreamInUseException)) throw err;
  }
}

/**
 * Creates every queue, table, stream, bucket and topic of the template in the emulators, with the
 * template's properties (delays, visibility timeout, redrive, FIFO, TTL, keys, shard count).
 * Encryption settings (KMS keys), bucket versioning and Object Lock are accepted and not emulated.
 * Creation is idempotent, so a runtime can restart over emulators that kept their state.
 *
 * @example
 * await provisionResources(resources, resolver, { sqs, dynamodb, s3, kinesis });
 */
export async function provisionResources(
  resources: ResourceRegistry,
  resolver: TemplateResolver,
  clients: ProvisionClients,
  overrides: ProvisionOverrides = {},
): Promise<void> {
  const streams = resources.ofType('AWS::Kinesis::Stream');
  if (streams.length > 0 && !clients.kinesis) throw new Error('the template has Kinesis streams but no Kinesis emulator is running');
  await Promise.all([
    createQueues(resources, resolver, clients.sqs, overrides),
    ...resources.ofType('AWS::DynamoDB::Table').map((t) => createTable(t, resolver, clients.dynamodb)),
    ...streams.map((s) => createStream(s, resolver, clients.kinesis!, overrides)),
    ...(clients.sns ? resources.ofType('AWS::SNS::Topic').map((t) => clients.sns!.send(new CreateTopicCommand({ Name: t.physicalName }))) : []),
    ...resources.ofType('AWS::S3::Bucket').map((b) =>
      clients.s3.send(new CreateBucketCommand({ Bucket: b.physicalName })).catch((err: { name?: string }) => {
        if (err.name !== 'BucketAlreadyOwnedByYou' && err.name !== 'BucketAlreadyExists') throw err;
      }),
    ),
  ]);
}
