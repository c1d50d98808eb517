import { Aws, CfnOutput, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import {
  FlowLogDestination,
  FlowLogTrafficType,
  GatewayVpcEndpointAwsService,
  IpAddresses,
  Peer,
  Port,
  SubnetType,
  Vpc,
  type InterfaceVpcEndpointAwsService,
  type IVpc,
  type SubnetSelection,
} from 'aws-cdk-lib/aws-ec2';
import { AnyPrincipal, Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { Construct, type IConstruct } from 'constructs';
import { acknowledgeFinding } from './compliance-findings.ts';

/**
 * How much a stack's sluice resources do for compliance (docs/compliance.md has the rule-by-rule table):
 * - `standard`: sluice's secure defaults (encryption at rest with AWS-managed keys, TLS-only, least-privilege
 *   IAM, every queue with a dead-letter queue, every alarm notifying an SNS topic, logs kept a month);
 * - `strict`: what regulated accounts check before a deploy (cdk-nag's NIST 800-53 rev 5, HIPAA Security and
 *   PCI DSS 3.2.1 packs, AWS Control Tower's proactive controls): a customer-managed KMS key for queues,
 *   stream, tables, buckets, log groups and the alarm topic, functions in a VPC with the endpoints they call,
 *   logs kept a year, versioned buckets with Object Lock, reserved concurrency, and resources kept after a
 *   stack deletion where they hold evidence. It costs money: see docs/compliance.md.
 */
export type ComplianceProfile = 'standard' | 'strict';

/** The CDK context key that sets the profile of a whole app: `cdk synth -c compliance=strict`. */
export const COMPLIANCE_CONTEXT_KEY = 'compliance';

/**
 * The CDK context key naming an existing bucket that receives the S3 server access logs of the stack's
 * buckets: `cdk synth -c compliance=strict -c accessLogsBucket=acme-s3-access-logs-111122223333-eu-west-1`.
 */
export const ACCESS_LOGS_BUCKET_CONTEXT_KEY = 'accessLogsBucket';

/** S3's bucket naming rules (general purpose buckets): 3–63 characters, lowercase letters, digits, dots and hyphens. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const PROFILES: readonly ComplianceProfile[] = ['standard', 'strict'];

/** Stack outputs the shared resources offer (the CLI's `doctor` reads the alarm topic from here). */
export const ALARM_TOPIC_OUTPUT = 'SluiceAlarmTopicArn';

/** Construct id of the per-stack {@link ComplianceResources}. */
const SHARED_ID = 'SluiceShared';
/** Address range of the VPC sluice creates; endpoints accept HTTPS from it (a literal, so the checks can read it). */
const VPC_CIDR = '10.0.0.0/16';

/**
 * The profile that applies at `scope`: the construct's own `compliance` prop, else the stack's
 * {@link ComplianceResources} profile, else the `compliance` CDK context, else `standard`.
 *
 * @throws Error naming the allowed values when the context holds anything else.
 * @example
 * const profile = complianceProfile(this, props.compliance); // 'strict' under `cdk synth -c compliance=strict`
 */
export function complianceProfile(scope: IConstruct, explicit?: ComplianceProfile): ComplianceProfile {
  if (explicit !== undefined) return checkedProfile(explicit, 'the compliance prop');
  const stack = scope.node.scopes.find((s) => Stack.isStack(s));
  const shared = stack?.node.tryFindChild(SHARED_ID);
  if (shared instanceof ComplianceResources) return shared.profile;
  return contextProfile(scope);
}

function contextProfile(scope: IConstruct): ComplianceProfile {
  const context: unknown = scope.node.tryGetContext(COMPLIANCE_CONTEXT_KEY);
  return context === undefined ? 'standard' : checkedProfile(context, `the "${COMPLIANCE_CONTEXT_KEY}" context`);
}

function checkedProfile(value: unknown, source: string): ComplianceProfile {
  if (typeof value === 'string' && (PROFILES as readonly string[]).includes(value)) return value as ComplianceProfile;
  throw new Error(`${source} must be one of ${PROFILES.join(', ')}, got ${JSON.stringify(value)}`);
}

export interface ComplianceResourcesProps {
  /** The stack's profile. Default: the `compliance` context, else `standard`. */
  readonly profile?: ComplianceProfile;
  /** Where every alarm of the stack notifies. Default: a topic of this stack (output `SluiceAlarmTopicArn`). */
  readonly alarmTopic?: ITopic;
  /** strict: the customer-managed key of every encrypted resource. Default: one key of this stack, rotated yearly. */
  readonly encryptionKey?: IKey;
  /**
   * strict: the VPC functions run in (with `vpcSubnets`). Default: a VPC of this stack with two isolated
   * subnets (no NAT, no internet gateway), S3 and DynamoDB gateway endpoints, the interface endpoints the
   * functions call (SQS, Step Functions) and flow logs. A VPC you bring must reach those services itself.
   */
  readonly vpc?: IVpc;
  /** strict: the subnets of `vpc` functions use. Default: its private isolated subnets. */
  readonly vpcSubnets?: SubnetSelection;
  /**
   * The bucket that receives the server access logs of the stack's buckets, typically one per account and Region
   * from your account baseline (S3 requires the same account and Region, SSE-S3 default encryption, no Object
   * Lock, and a bucket policy letting `logging.s3.amazonaws.com` put objects). Default: the
   * `accessLogsBucket` context (a bucket name), else each BatchJob creates its own log bucket.
   *
   * Why it matters in `strict`: Control Tower's CT.S3.PR.2 and CT.S3.PR.10 ask every bucket of the template
   * to be logged and SSE-KMS encrypted, which a log destination cannot be (S3 does not deliver access logs
   * to an SSE-KMS bucket, and logging a log bucket loops or needs a third bucket); a destination outside the
   * template leaves no bucket in it that breaks them.
   */
  readonly accessLogsBucket?: IBucket;
}

/**
 * What a stack's sluice constructs share: the alarm topic (both profiles) and, in the `strict` profile, the
 * customer-managed KMS key and the VPC. One per stack, created on first use with the context's profile;
 * call {@link ComplianceResources.configure} before creating any sluice construct to bring your own topic,
 * key or VPC, or to set the profile in code.
 *
 * @example
 * ComplianceResources.configure(this, { profile: 'strict', vpc: sharedVpc, encryptionKey: teamKey });
 * new QueuePipeline(this, 'Invoices', { entry: 'handlers/invoice-worker.ts', dedupTable });
 */
export class ComplianceResources extends Construct {
  /** The profile of the stack's sluice constructs (each may still set its own `compliance`). */
  readonly profile: ComplianceProfile;
  private readonly props: ComplianceResourcesProps;
  private topic?: ITopic;
  private key?: IKey;
  private network?: IVpc;
  private readonly endpoints = new Set<string>();

  /**
   * The stack's shared resources, created with the context's profile when nobody configured them.
   *
   * @example
   * const topic = ComplianceResources.of(this).alarmTopic;
   */
  static of(scope: IConstruct): ComplianceResources {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(SHARED_ID);
    return existing instanceof ComplianceResources ? existing : new ComplianceResources(stack, {});
  }

  /**
   * Creates the stack's shared resources with your settings. Call it before any sluice construct of the stack.
   *
   * @throws Error when a sluice construct already created them with the defaults.
   * @example
   * ComplianceResources.configure(this, { profile: 'strict' });
   */
  static configure(scope: IConstruct, props: ComplianceResourcesProps): ComplianceResources {
    const stack = Stack.of(scope);
    if (stack.node.tryFindChild(SHARED_ID)) {
      throw new Error(`ComplianceResources of ${stack.node.path} already exist: configure them before creating any sluice construct`);
    }
    return new ComplianceResources(stack, props);
  }

  private constructor(stack: Stack, props: ComplianceResourcesProps) {
    super(stack, SHARED_ID);
    this.props = props;
    this.profile = props.profile ? checkedProfile(props.profile, 'the profile prop') : contextProfile(stack);
  }

  /** The topic every alarm notifies: subscribe to it (e-mail, chat, paging) after the first deploy. */
  get alarmTopic(): ITopic {
    this.topic ??= this.props.alarmTopic ?? this.createAlarmTopic();
    return this.topic;
  }

  /** {@link alarmTopic} as an alarm action. */
  get alarmAction(): IAlarmAction {
    return new SnsAction(this.alarmTopic);
  }

  /** strict: the customer-managed key (created on first use unless you brought one). */
  get encryptionKey(): IKey {
    this.key ??= this.props.encryptionKey ?? this.createKey();
    return this.key;
  }

  /** strict: the VPC functions run in (created on first use unless you brought one). */
  get vpc(): IVpc {
    this.network ??= this.props.vpc ?? this.createVpc();
    return this.network;
  }

  /** strict: the subnets functions use in {@link vpc}. */
  get vpcSubnets(): SubnetSelection {
    return this.props.vpcSubnets ?? { subnetType: SubnetType.PRIVATE_ISOLATED };
  }

  /**
   * The server access log destination you brought (prop, else the `accessLogsBucket` context), or `undefined`
   * when each construct should create its own.
   *
   * @throws Error when the context holds something that is not a bucket name.
   */
  get accessLogsBucket(): IBucket | undefined {
    if (this.props.accessLogsBucket) return this.props.accessLogsBucket;
    const name: unknown = this.node.tryGetContext(ACCESS_LOGS_BUCKET_CONTEXT_KEY);
    if (name === undefined) return undefined;
    if (typeof name !== 'string' || !BUCKET_NAME.test(name)) {
      throw new Error(`the "${ACCESS_LOGS_BUCKET_CONTEXT_KEY}" context must be an S3 bucket name (3-63 lowercase letters, digits, dots, hyphens), got ${JSON.stringify(name)}`);
    }
    return (this.node.tryFindChild('AccessLogsBucket') as IBucket | undefined) ?? Bucket.fromBucketName(this, 'AccessLogsBucket', name);
  }

  /**
   * Adds an interface endpoint to the VPC sluice created (once per service); a VPC you brought is yours to
   * equip. Functions in isolated subnets reach nothing else.
   *
   * @example
   * ComplianceResources.of(this).requireInterfaceEndpoint(InterfaceVpcEndpointAwsService.SQS);
   */
  requireInterfaceEndpoint(service: InterfaceVpcEndpointAwsService): void {
    if (this.props.vpc) return;
    const vpc = this.vpc as Vpc;
    if (this.endpoints.has(service.shortName)) return;
    this.endpoints.add(service.shortName);
    const id = service.shortName.replace(/(^|[^a-z0-9])([a-z0-9])/gi, (_m, _sep: string, c: string) => c.toUpperCase());
    const endpoint = vpc.addInterfaceEndpoint(`${id}Endpoint`, { service, privateDnsEnabled: true, subnets: this.vpcSubnets, open: false });
    endpoint.connections.allowFrom(Peer.ipv4(VPC_CIDR), Port.HTTPS, 'HTTPS from the functions in this VPC');
  }

  private createAlarmTopic(): ITopic {
    const strict = this.profile === 'strict';
    const topic = new Topic(this, 'AlarmTopic', {
      displayName: `sluice alarms of ${Stack.of(this).stackName}`,
      enforceSSL: true,
      ...(strict ? { masterKey: this.encryptionKey } : {}),
    });
    // The topic policy replaces SNS's default one: CloudWatch alarms of this account must be let in by name.
    topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
          ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
        },
      }),
    );
    if (!strict) acknowledgeFinding(topic, 'alarmTopicUnencrypted');
    new CfnOutput(Stack.of(this), ALARM_TOPIC_OUTPUT, { value: topic.topicArn, description: 'SNS topic every sluice alarm notifies: subscribe to it' });
    return topic;
  }

  private createKey(): IKey {
    const key = new Key(this, 'Key', {
      description: `sluice (strict profile): queues, stream, tables, buckets, log groups and alarm topic of ${Stack.of(this).stackName}`,
      enableKeyRotation: true,
      // Retained data (tables, buckets, log groups) stays readable after the stack is gone; a failed first deploy takes it away.
      removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
      pendingWindow: Duration.days(30),
    });
    // Like the AWS-managed keys: a principal of this account may use the key only through these services, for
    // resources its IAM policy already allows, so the key adds no grant of its own to keep in sync.
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'UseThroughSluiceServices',
        principals: [new AnyPrincipal()],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey', 'kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          StringEquals: {
            'kms:CallerAccount': Aws.ACCOUNT_ID,
            'kms:ViaService': ['sqs', 'dynamodb', 'kinesis', 's3', 'sns'].map((service) => `${service}.${Aws.REGION}.amazonaws.com`),
          },
        },
      }),
    );
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchLogsEncryptsThisAccountsLogGroups',
        principals: [new ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` } },
      }),
    );
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheEncryptedTopic',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    // Control Tower CT.KMS.PR.3: grants only for AWS resources or services (SQS, DynamoDB, Lambda create their own).
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'GrantsOnlyForAwsServices',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
      }),
    );
    return key;
  }

  private createVpc(): IVpc {
    const flowLogs = complianceLogGroup(this, 'FlowLogs', 'strict');
    const vpc = new Vpc(this, 'Vpc', {
      ipAddresses: IpAddresses.cidr(VPC_CIDR),
      maxAzs: 2,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Isolated', subnetType: SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      // Nothing uses the default security group; closing it takes a custom-resource Lambda that would sit outside the VPC.
      restrictDefaultSecurityGroup: false,
      gatewayEndpoints: {
        S3: { service: GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: GatewayVpcEndpointAwsService.DYNAMODB },
      },
      flowLogs: { All: { destination: FlowLogDestination.toCloudWatchLogs(flowLogs), trafficType: FlowLogTrafficType.ALL } },
    });
    acknowledgeFinding(vpc, 'defaultSecurityGroupOpen');
    acknowledgeFinding(vpc, 'inlinePolicy');
    return vpc;
  }
}

/** Log retention per profile: a month, or the year Control Tower's CT.CLOUDWATCH.PR.2 asks for. */
export const LOG_RETENTION: Readonly<Record<ComplianceProfile, RetentionDays>> = { standard: RetentionDays.ONE_MONTH, strict: RetentionDays.ONE_YEAR };

/**
 * A log group for a function, a state machine or flow logs: a month and deleted with the stack (standard), or a
 * year, encrypted with the stack's key and kept after the stack is deleted (strict: logs are audit evidence).
 *
 * @example
 * const logs = complianceLogGroup(this, 'WorkerLogs', complianceProfile(this));
 */
export function complianceLogGroup(scope: Construct, id: string, profile: ComplianceProfile, props: { logGroupName?: string } = {}): LogGroup {
  const strict = profile === 'strict';
  return new LogGroup(scope, id, {
    ...props,
    retention: LOG_RETENTION[profile],
    removalPolicy: strict ? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE : RemovalPolicy.DESTROY,
    ...(strict ? { encryptionKey: ComplianceResources.of(scope).encryptionKey } : {}),
  });
}
