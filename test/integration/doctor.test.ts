import { randomUUID } from 'node:crypto';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { endpointsFromEnvironment } from '../../local/emulators/environment.ts';
import { LocalRuntime } from '../../local/runtime/local-runtime.ts';
import { runDoctor, type DoctorClients } from '../../local/cli/doctor/run-doctor.ts';
import type { DoctorTemplate } from '../../local/cli/doctor/checks.ts';
import { resolveTarget, serviceClientConfig } from '../../local/cli/targets/target.ts';
import { sampleTemplate } from '../helpers/sample-app.ts';

/**
 * `sluice doctor`'s AWS code path (`--target localstack`: the SDK at AWS_ENDPOINT_URL_<SERVICE>) pointed at the
 * local runtime standing in for an account: its control plane answers CloudFormation, CloudWatch, Lambda and
 * SSM for the sample stack, fauxqs answers SNS for the alarm topic the runtime created.
 */
describe('sluice doctor against the local runtime standing in for AWS', () => {
  // A new account: Lambda concurrency 10, never bootstrapped. Mutated below, as an account would be fixed.
  const account: { concurrencyLimit: number; bootstrapVersion?: number; stateTransitions?: { refillRate: number; bucketSize: number; throttled: number } } = {
    concurrencyLimit: 10,
  };
  let runtime: LocalRuntime;
  let clients: DoctorClients;
  let outputs: Readonly<Record<string, string>>;

  beforeAll(async () => {
    runtime = await LocalRuntime.start({
      template: await sampleTemplate(),
      endpoints: endpointsFromEnvironment()!,
      namePrefix: `d${randomUUID().slice(0, 6)}-`,
      pollers: false,
      account,
    });
    const { controlPlane, sqs } = runtime.endpoints;
    const env: NodeJS.ProcessEnv = {
      AWS_REGION: runtime.region,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_CLOUDFORMATION: controlPlane,
      AWS_ENDPOINT_URL_CLOUDWATCH: controlPlane,
      AWS_ENDPOINT_URL_LAMBDA: controlPlane,
      AWS_ENDPOINT_URL_SSM: controlPlane,
      AWS_ENDPOINT_URL_SNS: sqs,
      AWS_ENDPOINT_URL: sqs,
    };
    const target = await resolveTarget({ target: 'localstack', stack: 'Sluice' }, env);
    outputs = target.outputs;
    target.close();
    clients = {
      cloudformation: new CloudFormationClient(serviceClientConfig('localstack', 'CLOUDFORMATION', env)),
      cloudwatch: new CloudWatchClient(serviceClientConfig('localstack', 'CLOUDWATCH', env)),
      lambda: new LambdaClient(serviceClientConfig('localstack', 'LAMBDA', env)),
      ssm: new SSMClient(serviceClientConfig('localstack', 'SSM', env)),
      sns: new SNSClient(serviceClientConfig('localstack', 'SNS', env)),
    };
  });
  afterAll(async () => {
    for (const client of Object.values(clients ?? {})) client.destroy();
    await runtime?.stop();
  });

  it('reads the stack outputs through CloudFormation DescribeStacks, alarm topic included', () => {
    // Assess
    expect(outputs.SluiceAlarmTopicArn).toMatch(/^arn:aws:sns:us-east-1:000000000000:d[0-9a-f]{6}-SluiceSharedAlarmTopic/);
    expect(outputs.OrdersQueueUrl).toBe(runtime.output('OrdersQueueUrl'));
  });

  it('fails a new account: too little Lambda concurrency for the batch fan-out, not bootstrapped, and nobody subscribed to the alarms', async () => {
    // Act
    const findings = await runDoctor(clients, { stack: 'Sluice', outputs });

    // Assess
    const byCheck = new Map(findings.map((f) => [f.check, f]));
    expect(byCheck.get('Lambda concurrency')).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^at peak the stack runs 113 functions at once \(reserved 0\), the account allows 10/) });
    expect(byCheck.get('CDK bootstrap')).toEqual({
      check: 'CDK bootstrap',
      status: 'fail',
      detail: 'no /cdk-bootstrap/hnb659fds/version: the account and region are not bootstrapped',
      fix: 'npx cdk bootstrap',
    });
    expect(byCheck.get('Step Functions transitions')).toMatchObject({ status: 'skip', detail: expect.stringMatching(/^no state transitions in the last 24 hours/) });
    expect(byCheck.get('alarm actions')).toEqual({ check: 'alarm actions', status: 'ok', detail: 'all 16 alarms have actions' });
    expect(byCheck.get('alarm topic subscriptions')).toMatchObject({ status: 'fail', fix: `aws sns subscribe --topic-arn ${outputs.SluiceAlarmTopicArn} --protocol email --notification-endpoint you@example.com` });
  });

  it('before the first deploy, checks the account against the synthesized template without asking CloudFormation', async () => {
    // Prepare: no stack yet, so a CloudFormation call would fail (nothing listens on port 9)
    const template = await sampleTemplate();
    const noStack = new CloudFormationClient({ region: runtime.region, endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });

    // Act
    const findings = await runDoctor({ ...clients, cloudformation: noStack }, { stack: 'Sluice', outputs: {}, template: template as DoctorTemplate });
    noStack.destroy();

    // Assess
    expect(findings.map((f) => [f.check, f.status])).toEqual([
      ['Lambda concurrency', 'fail'],
      ['CDK bootstrap', 'fail'],
      ['Step Functions transitions', 'skip'],
      ['alarm actions', 'ok'],
      ['alarm topic subscriptions', 'skip'],
    ]);
    expect(findings[3]!.detail).toBe('all 16 alarms have actions');
  });

  it('fails when CloudWatch reports throttled Step Functions state transitions (read with GetMetricData)', async () => {
    // Prepare: the account ran jobs and Step Functions throttled some of their transitions
    account.stateTransitions = { refillRate: 25, bucketSize: 800, throttled: 1200 };

    // Act
    const findings = await runDoctor(clients, { stack: 'Sluice', outputs });

    // Assess
    expect(findings.find((f) => f.check === 'Step Functions transitions')).toMatchObject({
      status: 'fail',
      detail: '1200 state transitions throttled in the last 24 hours (refill 25/s, bucket 800): batch jobs ran slower than their Map concurrency',
    });
  });

  it('passes once the quota is raised, the account bootstrapped and someone subscribed to the alarm topic', async () => {
    // Prepare
    account.concurrencyLimit = 1000;
    account.bootstrapVersion = 21;
    account.stateTransitions = { refillRate: 25, bucketSize: 800, throttled: 0 };
    const { QueueUrl } = await runtime.clients.sqs.send(new CreateQueueCommand({ QueueName: `alarm-inbox-${randomUUID().slice(0, 8)}` }));
    const { Attributes } = await runtime.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
    await clients.sns.send(new SubscribeCommand({ TopicArn: outputs.SluiceAlarmTopicArn, Protocol: 'sqs', Endpoint: Attributes!.QueueArn }));

    // Act
    const findings = await runDoctor(clients, { stack: 'Sluice', outputs });

    // Assess
    expect(findings.map((f) => [f.check, f.status])).toEqual([
      ['Lambda concurrency', 'ok'],
      ['CDK bootstrap', 'ok'],
      ['Step Functions transitions', 'ok'],
      ['alarm actions', 'ok'],
      ['alarm topic subscriptions', 'ok'],
    ]);
    expect(findings[0]!.detail).toBe('peak 113 of 1000 (reserved 0, unreserved left 1000)');
    expect(findings[1]!.detail).toBe('version 21 (needs 6 or later)');
    expect(findings[2]!.detail).toBe('refill 25/s, bucket 800, none throttled in the last 24 hours');
  });
});
