import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { DedupTable, type DedupTableProps } from '../../infra/dedup-table.ts';
import { newTestStack, synthSampleTemplate } from './helpers.ts';

/** A stack with one DedupTable granted to one role, and its template. */
function synthDedupTable(props: DedupTableProps = {}): Template {
  const stack = newTestStack();
  const dedup = new DedupTable(stack, 'Dedup', props);
  dedup.grantDedup(new Role(stack, 'Worker', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }));
  return Template.fromStack(stack);
}

describe('DedupTable', () => {
  it('keys on pk, bills on demand and expires records by TTL on expiresAt', () => {
    // Act
    const template = synthDedupTable();

    // Assess
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('encrypts with the AWS-managed KMS key and keeps point-in-time recovery', () => {
    // Act
    const template = synthDedupTable();

    // Assess
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, KMSMasterKeyId: Match.absent() },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('is kept after a stack deletion but removed by the rollback of a failed first deploy (RetainExceptOnCreate), so it has no deletion protection that would block that rollback', () => {
    // Act
    const template = synthDedupTable();

    // Assess
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'RetainExceptOnCreate',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });

  it('is retained and deletion-protected when asked to be retained always', () => {
    // Act
    const template = synthDedupTable({ removalPolicy: RemovalPolicy.RETAIN });

    // Assess
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({ DeletionProtectionEnabled: true }),
    });
  });

  it('can be destroyed with its stack when asked', () => {
    // Act
    const template = synthDedupTable({ removalPolicy: RemovalPolicy.DESTROY });

    // Assess
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ DeletionProtectionEnabled: false }),
    });
  });

  it('grants only the five item actions dedup uses, on the table alone', () => {
    // Act
    const template = synthDedupTable();

    // Assess
    const tableId = Object.keys(template.findResources('AWS::DynamoDB::Table'))[0]!;
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
            Resource: [{ 'Fn::GetAtt': [tableId, 'Arn'] }],
          },
        ],
      },
    });
  });

  it('uses a customer-managed key when given one, and grants its use without wildcard actions', () => {
    // Prepare
    const stack = newTestStack();
    const key = new Key(stack, 'Key', { enableKeyRotation: true });
    const dedup = new DedupTable(stack, 'Dedup', { encryptionKey: key });

    // Act
    dedup.grantDedup(new Role(stack, 'Worker', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }));
    const template = Template.fromStack(stack);

    // Assess
    const keyId = Object.keys(template.findResources('AWS::KMS::Key'))[0]!;
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'],
            Resource: { 'Fn::GetAtt': [keyId, 'Arn'] },
          },
        ]),
      },
    });
  });
});

describe('the sample stack tables', () => {
  it('encrypts the orders table and keeps point-in-time recovery, on demand', () => {
    // Act
    const template = synthSampleTemplate();

    // Assess
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'orderId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    template.allResourcesProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });
});
