import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { synthNagReport, synthSampleTemplate, type NagFinding } from './helpers.ts';

function describeFindings(findings: readonly NagFinding[]): string {
  return findings.map((f) => `${f.rule} at ${f.path}: ${f.description}`).join('\n');
}

// Step Functions logging to CloudWatch Logs uses vended log delivery, whose actions AWS documents as
// supporting only Resource "*" (Step Functions developer guide, "IAM policies for logging to CloudWatch Logs").
const STAR_ONLY_ACTIONS =
  /^(xray:.*|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups))$/;

describe('cdk-nag AwsSolutions on the sample app', () => {
  it('reports no unacknowledged finding', () => {
    // Act
    const { findings } = synthNagReport();

    // Assess
    if (findings.length > 0) console.error(`Unacknowledged cdk-nag findings:\n${describeFindings(findings)}`);
    expect(findings).toEqual([]);
  });

  it('catches a non-compliant resource, so a clean report means something', () => {
    // Act
    const { findings } = synthNagReport((stack) => {
      new Queue(stack, 'PlainQueue', { encryption: QueueEncryption.UNENCRYPTED });
    });

    // Assess
    const rules = findings.filter((f) => f.path.startsWith('Sluice/PlainQueue')).map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS2', 'AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });

  it('gives every acknowledgment a specific reason', () => {
    // Act
    const { acknowledgments } = synthNagReport();

    // Assess
    expect(acknowledgments.length).toBeGreaterThan(0);
    for (const ack of acknowledgments) {
      expect(ack.id).toMatch(/^AwsSolutions-/);
      expect(ack.reason.length).toBeGreaterThanOrEqual(40);
    }
  });

  it('grants Resource "*" only for actions that take no narrower resource: X-Ray, and CloudWatch Logs vended delivery for state machine logging', () => {
    // Prepare
    const template = synthSampleTemplate();

    // Act
    const starStatements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).filter(
        (statement) => statement.Resource === '*' || (Array.isArray(statement.Resource) && statement.Resource.includes('*')),
      ),
    );

    // Assess
    expect(starStatements.length).toBeGreaterThan(0);
    for (const statement of starStatements) {
      for (const action of [statement.Action].flat()) expect(action).toMatch(STAR_ONLY_ACTIONS);
    }
  });
});
