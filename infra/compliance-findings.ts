import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/** cdk-nag packs, by the prefix of their rule ids. */
const NIST = 'NIST.800.53.R5';
const HIPAA = 'HIPAA.Security';
const PCI = 'PCI.DSS.321';
/** CDK namespaces a policy-validation plugin's rules by its name: `cdk-validator-cfnguard::<guard rule>`. */
const GUARD = 'cdk-validator-cfnguard::';

const inPacks = (rule: string, ...packs: string[]) => packs.map((pack) => `${pack}-${rule}`);

/**
 * Every finding sluice acknowledges rather than fixes, with the rules it answers (cdk-nag pack rules and
 * Control Tower guard rules) and the reason a reviewer reads. docs/compliance.md lists the same table;
 * test/infra/compliance.test.ts checks that each of these rules is named there.
 */
export const ACKNOWLEDGED_FINDINGS = {
  lambdaDlq: {
    rules: inPacks('LambdaDLQ', NIST, HIPAA),
    reason:
      'A Lambda dead-letter queue only receives failed asynchronous invocations; sluice functions are invoked synchronously (SQS and Kinesis event source mappings, Step Functions), whose failures go to the queue redrive DLQ, the mapping on-failure destination or the state machine Catch.',
  },
  inlinePolicy: {
    rules: inPacks('IAMNoInlinePolicy', NIST, HIPAA, PCI),
    reason:
      "CDK grants write each role's own policy (AWS::IAM::Policy attached to that role only); a customer-managed policy would hold the same least-privilege statements in a resource other principals could attach.",
  },
  tableBackupPlan: {
    rules: inPacks('DynamoDBInBackupPlan', NIST, HIPAA),
    reason:
      'Point-in-time recovery (35 days, continuous) is on for every table; AWS Backup plans are an account or organisation policy (select the tables by their aws:cloudformation:stack-name tag), not something each stack should create.',
  },
  bucketReplication: {
    rules: inPacks('S3BucketReplicationEnabled', NIST, HIPAA, PCI),
    reason:
      'The batch bucket holds job inputs copied from a system of record, intermediate data that expires in days, and outputs a job can recompute; cross-region replication would double its cost for no recovery gain. Add a replication rule to the bucket if your data needs it.',
  },
  accessLogBucketEncryption: {
    rules: [...inPacks('S3DefaultEncryptionKMS', NIST, HIPAA, PCI), `${GUARD}s3_bucket_default_encryption_kms_check`],
    reason:
      'The access-log bucket a BatchJob creates when none is brought: S3 delivers server access logs only to a bucket with SSE-S3 default encryption (S3 User Guide, "Enabling Amazon S3 server access logging"). Bring your account\'s log bucket (accessLogsBucket) to leave no such bucket in the template.',
  },
  accessLogBucketLogging: {
    rules: ['AwsSolutions-S1', `${GUARD}s3_bucket_logging_enabled_check`],
    reason:
      'The access-log bucket a BatchJob creates when none is brought: S3 advises against logging a log destination (into itself it loops; into another bucket needs a third). Bring your account\'s log bucket (accessLogsBucket) to leave no such bucket in the template.',
  },
  accessLogBucketObjectLock: {
    rules: [`${GUARD}s3_bucket_object_lock_enabled_check`],
    reason:
      'The access-log bucket a BatchJob creates when none is brought: S3 does not deliver server access logs to a bucket with Object Lock enabled (S3 User Guide, "Enabling Amazon S3 server access logging"). Bring your account\'s log bucket (accessLogsBucket) to leave no such bucket in the template.',
  },
  alarmTopicUnencrypted: {
    rules: ['AwsSolutions-SNS2'],
    reason:
      'Standard profile: the topic carries alarm names and states only, and CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key; the strict profile encrypts it with its customer-managed key.',
  },
  keyEncryptGrant: {
    rules: ['AwsSolutions-IAM5[Action::kms:GenerateDataKey*]', 'AwsSolutions-IAM5[Action::kms:ReEncrypt*]'],
    reason:
      "strict profile: CDK's grant to send to a queue encrypted with a customer-managed key names kms:GenerateDataKey* and kms:ReEncrypt* (the data-key variants SQS uses); the statement's resource is that one key.",
  },
  vpcAccessPolicy: {
    rules: ['AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]'],
    reason:
      "strict profile: a function in a VPC needs Lambda's network-interface actions (ec2:CreateNetworkInterface, DescribeNetworkInterfaces, DeleteNetworkInterface, …), which take no resource-level permissions; AWS's AWSLambdaVPCAccessExecutionRole is the documented minimum.",
  },
  streamCustomerKey: {
    rules: ['AwsSolutions-KDS3'],
    reason:
      'strict profile: the stream is encrypted with the stack customer-managed key (rotation, key policy and audit under your control, as NIST 800-53, HIPAA and PCI DSS checks ask) instead of the AWS-managed aws/kinesis key KDS3 prefers.',
  },
  defaultSecurityGroupOpen: {
    rules: inPacks('VPCDefaultSecurityGroupClosed', NIST, HIPAA, PCI),
    reason:
      "Nothing is placed in the VPC's default security group (every function and endpoint has its own); closing it takes a custom-resource Lambda that would itself sit outside the VPC, so it is left as EC2 creates it.",
  },
} as const satisfies Record<string, { rules: readonly string[]; reason: string }>;

export type AcknowledgedFinding = keyof typeof ACKNOWLEDGED_FINDINGS;

/**
 * Acknowledges one of {@link ACKNOWLEDGED_FINDINGS} on a construct and everything under it, for every rule it
 * answers (a rule of a pack that does not run is simply never reported).
 *
 * @example
 * acknowledgeFinding(consumer, 'lambdaDlq');
 */
export function acknowledgeFinding(scope: IConstruct, finding: AcknowledgedFinding): void {
  const { rules, reason } = ACKNOWLEDGED_FINDINGS[finding];
  for (const id of rules) Validations.of(scope).acknowledge({ id, reason });
}
