import { readFileSync } from 'node:fs';
import { Function as LambdaFunction, Code, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { ACKNOWLEDGED_FINDINGS } from '../../infra/compliance-findings.ts';
import { synthNagReport, synthSampleTemplate, type NagAcknowledgment, type NagFinding } from './helpers.ts';

function describeFindings(findings: readonly NagFinding[]): string {
  return findings.map((f) => `${f.plugin} ${f.rule} at ${f.path}: ${f.description}`).join('\n');
}

// Step Functions logging to CloudWatch Logs uses vended log delivery, whose actions AWS documents as
// supporting only Resource "*" (Step Functions developer guide, "IAM policies for logging to CloudWatch Logs").
const STAR_ONLY_ACTIONS =
  /^(xray:.*|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups))$/;

/** The rule packs each profile must pass: cdk-nag pack prefixes, and cfn-guard's plugin for Control Tower. */
const STRICT_PACKS = ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321'];
const GUARD_PLUGIN = 'cdk-validator-cfnguard';

describe.each(['standard', 'strict'] as const)('the sample app in the %s profile', (compliance) => {
  const clean = synthNagReport({ compliance });

  it('reports no unacknowledged finding from any of its rule packs', () => {
    // Assess
    if (clean.findings.length > 0) console.error(`Unacknowledged findings (${compliance}):\n${describeFindings(clean.findings)}`);
    expect(clean.findings).toEqual([]);
  });

  it('gives every acknowledgment its rule and a specific reason', () => {
    // Assess
    expect(clean.acknowledgments.length).toBeGreaterThan(0);
    for (const ack of clean.acknowledgments) {
      expect(ack.id).toMatch(/^(AwsSolutions|NIST\.800\.53\.R5|HIPAA\.Security|PCI\.DSS\.321)-[A-Za-z0-9]+|^cdk-validator-cfnguard::[a-z0-9_]+$/);
      expect(ack.reason.length).toBeGreaterThanOrEqual(40);
    }
  });
});

describe('the rule packs catch what they should, so a clean report means something', () => {
  it('standard: AwsSolutions flags an unencrypted queue without a DLQ', () => {
    // Act
    const { findings } = synthNagReport({
      change: (stack) => {
        new Queue(stack, 'PlainQueue', { encryption: QueueEncryption.UNENCRYPTED });
      },
    });

    // Assess
    const rules = findings.filter((f) => f.path.startsWith('Sluice/PlainQueue')).map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS2', 'AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });

  it('strict: NIST 800-53, HIPAA, PCI DSS and Control Tower flag a plain function and log group the profile would have fixed', () => {
    // Act
    const { findings } = synthNagReport({
      compliance: 'strict',
      change: (stack) => {
        new LogGroup(stack, 'PlainLogs');
        new LambdaFunction(stack, 'PlainFunction', { runtime: Runtime.NODEJS_22_X, handler: 'index.handler', code: Code.fromInline('exports.handler = async () => 1;') });
      },
    });

    // Assess
    const plain = findings.filter((f) => f.path.startsWith('Sluice/Plain'));
    for (const pack of STRICT_PACKS) {
      expect(plain.map((f) => f.rule)).toEqual(expect.arrayContaining([`${pack}-LambdaInsideVPC`, `${pack}-CloudWatchLogGroupEncrypted`]));
    }
    expect(plain.filter((f) => f.plugin === GUARD_PLUGIN).map((f) => f.rule)).toEqual(
      expect.arrayContaining(['lambda_inside_vpc_check', 'cloudwatch_log_group_encrypted_check']),
    );
  });
});

describe('acknowledged findings are documented', () => {
  it('names every acknowledged rule, with its reason, in docs/compliance.md', () => {
    // Prepare
    const doc = readFileSync('docs/compliance.md', 'utf8');

    // Act
    const missing = Object.values(ACKNOWLEDGED_FINDINGS)
      .flatMap(({ rules }) => rules)
      .filter((rule) => !doc.includes(rule.replace('cdk-validator-cfnguard::', '')));

    // Assess
    expect(missing).toEqual([]);
  });

  it('acknowledges in the sample app only findings from that table (or the named AwsSolutions IAM5 ones)', () => {
    // Prepare
    const known = new Set<string>(Object.values(ACKNOWLEDGED_FINDINGS).flatMap(({ rules }) => rules));
    const { acknowledgments } = synthNagReport({ compliance: 'strict' });

    // Act
    const unknown = acknowledgments.filter((ack: NagAcknowledgment) => !known.has(ack.id) && !/^AwsSolutions-(IAM5\[|L1$)/.test(ack.id));

    // Assess
    expect(unknown).toEqual([]);
  });
});

describe('IAM in the sample app', () => {
  it.each(['standard', 'strict'] as const)('%s: grants Resource "*" only for actions that take no narrower resource: X-Ray, and CloudWatch Logs vended delivery for state machine logging', (compliance) => {
    // Prepare
    const template = synthSampleTemplate(compliance);

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
