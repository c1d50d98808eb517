import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IAlarmAction, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { BillingMode, Table, TableEncryption, type Attribute } from 'aws-cdk-lib/aws-dynamodb';
import { ManagedPolicy, Role, ServicePrincipal, type Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Queue, QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import type { Construct, IConstruct } from 'constructs';
import { acknowledgeFinding } from './compliance-findings.ts';
import { complianceProfile, ComplianceResources, type ComplianceProfile } from './compliance.ts';
import { SluiceFunction, type SluiceFunctionProps } from './sluice-function.ts';

/**
 * Acknowledges one cdk-nag AwsSolutions finding on a construct (and everything under it). The reason is
 * what a reviewer reads in the validation report, so a placeholder is refused.
 *
 * @example
 * acknowledgeNagFinding(fn, 'L1', 'Node.js 22 is pinned to match the esbuild target');
 * acknowledgeNagFinding(role, 'IAM5[Resource::*]', 'X-Ray trace upload has no resource-level permissions');
 */
export function acknowledgeNagFinding(scope: IConstruct, finding: string, reason: string): void {
  if (reason.trim().length < 20) throw new Error(`cdk-nag acknowledgment of ${finding} needs a real reason, got "${reason}"`);
  Validations.of(scope).acknowledge({ id: `AwsSolutions-${finding}`, reason });
}

export interface SecureQueueProps extends QueueProps {
  /** standard: SSE-SQS; strict: the stack's customer-managed KMS key. Default: the stack's profile. */
  readonly compliance?: ComplianceProfile;
}

/**
 * An SQS queue that is encrypted at rest and refuses plain-HTTP requests, whatever the caller passes.
 *
 * In the standard profile encryption is SQS-managed SSE (SSE-SQS) rather than KMS: it costs nothing per
 * request, cannot be throttled by the account's shared KMS request quota under a busy consumer, and needs no
 * `kms:*` grant on producers and consumers. The strict profile uses the stack's customer-managed key
 * (key-policy control, per-key audit), reusing data keys for 5 minutes to keep KMS requests down.
 *
 * @example
 * const dlq = secureQueue(this, 'DeadLetters', { retentionPeriod: Duration.days(14) });
 */
export function secureQueue(scope: Construct, id: string, props: SecureQueueProps = {}): Queue {
  const { compliance, ...queueProps } = props;
  const strict = complianceProfile(scope, compliance) === 'strict';
  return new Queue(scope, id, {
    ...queueProps,
    ...(strict
      ? { encryption: QueueEncryption.KMS, encryptionMasterKey: ComplianceResources.of(scope).encryptionKey }
      : { encryption: QueueEncryption.SQS_MANAGED }),
    enforceSSL: true,
  });
}

export interface SecureTableProps {
  /** Partition key. */
  readonly partitionKey: Attribute;
  /** Sort key, if any. */
  readonly sortKey?: Attribute;
  /** TTL attribute name, if items expire. */
  readonly timeToLiveAttribute?: string;
  /** Customer-managed key; default: the AWS-managed `aws/dynamodb` key (strict: the stack's customer-managed key). */
  readonly encryptionKey?: IKey;
  /**
   * What happens to the table when it leaves the stack. Default RETAIN_ON_UPDATE_OR_DELETE: kept after a
   * stack deletion (data outlives a stack), deleted when the deploy that created it rolls back (a failed
   * first deploy leaves nothing behind).
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * CloudFormation/API deletion protection. Default: on only with `removalPolicy: RETAIN` (a protected table
   * cannot be removed by the rollback of a failed first deploy; turn it on once the stack exists).
   */
  readonly deletionProtection?: boolean;
  /** strict: the stack's customer-managed key unless `encryptionKey`. Default: the stack's profile. */
  readonly compliance?: ComplianceProfile;
}

/**
 * A DynamoDB table with sluice's defaults: on-demand capacity, KMS encryption at rest, point-in-time
 * recovery, retained and deletion-protected unless told otherwise.
 *
 * The default key is the AWS-managed `aws/dynamodb` key: KMS encryption whose use is visible in
 * CloudTrail, with no key policy to maintain, no monthly key cost and no `kms:*` grant on every reader
 * and writer. Pass `encryptionKey` when compliance requires a customer-managed key.
 *
 * @example
 * const orders = secureTable(this, 'OrdersTable', { partitionKey: { name: 'orderId', type: AttributeType.STRING } });
 */
export function secureTable(scope: Construct, id: string, props: SecureTableProps): Table {
  const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE;
  const encryptionKey =
    props.encryptionKey ?? (complianceProfile(scope, props.compliance) === 'strict' ? ComplianceResources.of(scope).encryptionKey : undefined);
  const table = new Table(scope, id, {
    partitionKey: props.partitionKey,
    sortKey: props.sortKey,
    timeToLiveAttribute: props.timeToLiveAttribute,
    billingMode: BillingMode.PAY_PER_REQUEST,
    encryption: encryptionKey ? TableEncryption.CUSTOMER_MANAGED : TableEncryption.AWS_MANAGED,
    encryptionKey,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: props.deletionProtection ?? removalPolicy === RemovalPolicy.RETAIN,
    removalPolicy,
  });
  acknowledgeFinding(table, 'tableBackupPlan');
  return table;
}

/** KMS actions a principal needs to read and write items of a table encrypted with a customer-managed key. */
const TABLE_KEY_ACTIONS = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'] as const;

/**
 * Grants named item actions on a table, and the use of its key when it has a customer-managed one (the
 * strict profile), as `Table.grant` alone does not.
 *
 * @example
 * grantTableActions(ordersTable, worker, 'dynamodb:PutItem');
 */
export function grantTableActions(table: Table, grantee: IGrantable, ...actions: string[]): Grant {
  table.encryptionKey?.grant(grantee, ...TABLE_KEY_ACTIONS);
  return table.grant(grantee, ...actions);
}

/** AWS's managed policy for the network interfaces of a Lambda function in a VPC. */
const VPC_ACCESS_POLICY = 'service-role/AWSLambdaVPCAccessExecutionRole';

/**
 * A {@link SluiceFunction} with its own execution role (unless `props.role` brings one) and nothing else on it: no
 * `AWSLambdaBasicExecutionRole` (logging is granted on the function's own log group only), so every
 * permission the function ends up with is a grant someone wrote. The two findings such a function always
 * has are acknowledged here with their reasons: X-Ray's `Resource: *` and the pinned Node.js 22 runtime.
 *
 * @example
 * const fn = leastPrivilegeFunction(this, 'Worker', { entry: 'functions/order-worker.ts' });
 * table.grant(fn, 'dynamodb:PutItem');
 */
export function leastPrivilegeFunction(scope: Construct, id: string, props: SluiceFunctionProps): SluiceFunction {
  const role =
    props.role ??
    new Role(scope, `${id}Role`, {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${scope.node.path}/${id}: grants are added by the construct that owns it`,
    });
  const fn = new SluiceFunction(scope, id, { ...props, role });
  fn.logGroup.grantWrite(role);
  // In a VPC Lambda creates the function's network interfaces with its role: CDK adds this policy only to
  // roles it creates itself. The ec2 actions it holds have no resource-level permissions.
  if (fn.isBoundToVpc && !props.role) {
    role.addManagedPolicy(ManagedPolicy.fromAwsManagedPolicyName(VPC_ACCESS_POLICY));
    acknowledgeFinding(role, 'vpcAccessPolicy');
  }
  acknowledgeFinding(role, 'inlinePolicy');
  acknowledgeFinding(fn, 'lambdaDlq');
  if (complianceProfile(scope, props.compliance) === 'strict') acknowledgeFinding(role, 'keyEncryptGrant');
  acknowledgeNagFinding(
    role,
    'IAM5[Resource::*]',
    'Only the X-Ray statement that active tracing adds uses Resource "*": xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level permissions (test/infra/nag.test.ts asserts no other "*" resource).',
  );
  acknowledgeNagFinding(
    fn,
    'L1',
    'Node.js 22 is pinned on purpose: the bundle targets node22, the local runtime runs handlers on the same major, and nodejs22.x is supported by Lambda until 2027.',
  );
  return fn;
}

export interface ThresholdAlarmProps {
  /** The metric to watch (statistic and period already chosen). */
  readonly metric: IMetric;
  /** The alarm fires when the metric is strictly greater than this. */
  readonly threshold: number;
  /** What the alarm means and what to do about it. */
  readonly description: string;
  /** Consecutive periods above the threshold before the alarm fires (default 1). */
  readonly evaluationPeriods?: number;
}

/**
 * An alarm that fires when a metric goes above a threshold. Missing data counts as fine: an idle
 * pipeline publishes no Errors datapoints and must not alarm.
 *
 * @example
 * alarmAbove(this, 'DeadLettersAlarm', { metric: dlq.metricApproximateNumberOfMessagesVisible(), threshold: 0, description: 'messages in the DLQ' });
 */
export function alarmAbove(scope: Construct, id: string, props: ThresholdAlarmProps): Alarm {
  return new Alarm(scope, id, {
    metric: props.metric,
    threshold: props.threshold,
    comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: props.evaluationPeriods ?? 1,
    treatMissingData: TreatMissingData.NOT_BREACHING,
    alarmDescription: props.description,
  });
}

/** One minute: SQS and Lambda publish these metrics each minute, so a shorter period has no data. */
export const ALARM_PERIOD = Duration.minutes(1);

/**
 * Adds one action (an SNS topic, …) to each alarm; nothing when `action` is undefined.
 *
 * @example
 * addAlarmAction(Object.values(pipeline.alarms), new SnsAction(topic));
 */
export function addAlarmAction(alarms: readonly Alarm[], action: IAlarmAction | undefined): void {
  if (!action) return;
  for (const alarm of alarms) alarm.addAlarmAction(action);
}

/**
 * Gives each alarm `action`, or else the stack's alarm topic ({@link ComplianceResources.alarmTopic}): no
 * sluice alarm is left without someone to tell.
 *
 * @example
 * notifyOnAlarm(this, Object.values(this.alarms), props.alarmAction);
 */
export function notifyOnAlarm(scope: IConstruct, alarms: readonly Alarm[], action: IAlarmAction | undefined): void {
  addAlarmAction(alarms, action ?? ComplianceResources.of(scope).alarmAction);
}
