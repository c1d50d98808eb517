import { bootstrapRequirement, checkConcurrency, checkStateTransitions, checkSubscriptions, concurrencyNeeds, type DoctorTemplate } from '../../../../local/cli/doctor/checks.ts';
import { formatFindings } from '../../../../local/cli/commands/doctor.ts';

/** A template with one SQS-consumer function (reserved or not) and its mapping. */
function consumerTemplate(options: { reserved?: number; maxConcurrency?: number }): DoctorTemplate {
  return {
    Resources: {
      Queue: { Type: 'AWS::SQS::Queue' },
      Consumer: { Type: 'AWS::Lambda::Function', Properties: options.reserved === undefined ? {} : { ReservedConcurrentExecutions: options.reserved } },
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          FunctionName: { Ref: 'Consumer' },
          EventSourceArn: { 'Fn::GetAtt': ['Queue', 'Arn'] },
          ...(options.maxConcurrency === undefined ? {} : { ScalingConfig: { MaximumConcurrency: options.maxConcurrency } }),
        },
      },
    },
  };
}

describe('sluice doctor checks', () => {
  it('fails a stack whose reservations leave Lambda less than its 100 unreserved: the deploy itself would fail', () => {
    // Act
    const finding = checkConcurrency({ limit: 150, unreserved: 150 }, concurrencyNeeds(consumerTemplate({ reserved: 60 })));

    // Assess
    expect(finding).toMatchObject({ status: 'fail', detail: "the stack reserves 60 of the account's 150; Lambda keeps 100 unreserved, so the deploy fails" });
  });

  it('warns about an SQS mapping without maximum concurrency, which Lambda scales to the account limit', () => {
    // Act
    const finding = checkConcurrency({ limit: 1000, unreserved: 1000 }, concurrencyNeeds(consumerTemplate({})));

    // Assess
    expect(finding).toMatchObject({ status: 'warn', fix: 'set maxConcurrency on those pipelines' });
  });

  it('passes a bounded stack within the quota', () => {
    // Act
    const finding = checkConcurrency({ limit: 1000, unreserved: 1000 }, concurrencyNeeds(consumerTemplate({ maxConcurrency: 5 })));

    // Assess
    expect(finding).toEqual({ check: 'Lambda concurrency', status: 'ok', detail: 'peak 5 of 1000 (reserved 0, unreserved left 1000)' });
  });

  it('reads the bootstrap version the template requires from its CheckBootstrapVersion rule', () => {
    // Prepare
    const template: DoctorTemplate = {
      Parameters: { BootstrapVersion: { Default: '/cdk-bootstrap/hnb659fds/version' } },
      Rules: { CheckBootstrapVersion: { Assertions: [{ Assert: { 'Fn::Not': [{ 'Fn::Contains': [['1', '2', '3', '4', '5'], { Ref: 'BootstrapVersion' }] }] } }] } },
      Resources: {},
    };

    // Act
    const required = bootstrapRequirement(template);

    // Assess
    expect(required).toEqual({ parameter: '/cdk-bootstrap/hnb659fds/version', minimum: 6 });
  });

  it('warns while subscriptions wait for confirmation, and prints what to do under the table', () => {
    // Act
    const finding = checkSubscriptions('arn:aws:sns:us-east-1:1:alarms', [{ arn: 'PendingConfirmation', protocol: 'email', endpoint: 'ops@example.com' }]);

    // Assess
    expect(finding.status).toBe('warn');
    expect(formatFindings([finding])).toMatch(/WARN[\s\S]*to fix:\n- alarm topic subscriptions: confirm the subscription/);
  });

  it('fails on throttled Step Functions transitions even when the quota figures are missing', () => {
    // Act
    const finding = checkStateTransitions({ throttled: 3 });

    // Assess
    expect(finding).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^3 state transitions throttled in the last 24 hours \(refill \?\/s, bucket \?\)/) });
  });

  it('skips the Step Functions quota when the account ran no transitions (CloudWatch has no figures yet)', () => {
    // Act
    const finding = checkStateTransitions({ throttled: 0 });

    // Assess
    expect(finding.status).toBe('skip');
  });
});
