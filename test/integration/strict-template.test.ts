import { randomUUID } from 'node:crypto';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { endpointsFromEnvironment } from '../../local/emulators/environment.ts';
import { loadApp } from '../../local/template/load-template.ts';
import { LocalRuntime } from '../../local/runtime/local-runtime.ts';
import { createApp, STACK_NAME } from '../../examples/orders/infra/app.ts';
import { writtenOrders } from '../helpers/orders-runtime.ts';

/** The sample synthesized as `cdk synth -c compliance=strict` does. */
async function strictSampleTemplate() {
  const loaded = await loadApp({ app: (props) => createApp({ ...props, context: { ...props?.context, compliance: 'strict' } }), stack: STACK_NAME });
  loaded.dispose();
  return loaded.template;
}

describe('the local runtime on the strict-profile template, unchanged', () => {
  let runtime: LocalRuntime;
  beforeAll(async () => {
    const template = await strictSampleTemplate();
    runtime = await LocalRuntime.start({
      template,
      endpoints: endpointsFromEnvironment()!,
      namePrefix: `s${randomUUID().slice(0, 6)}-`,
      overrides: { visibilityTimeoutSeconds: 2 },
      functionEnvironment: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    });
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  it('processes orders through the KMS-encrypted queue and tables of functions placed in a VPC', async () => {
    // Prepare
    const orders = Array.from({ length: 6 }, (_, i) => ({
      orderId: `strict-${i}`,
      customerId: 'c-1',
      amountCents: 100,
      items: [{ sku: 'a', quantity: 1, unitPriceCents: 100 }],
    }));

    // Act
    await runtime.clients.sqs.send(
      new SendMessageBatchCommand({ QueueUrl: runtime.output('OrdersQueueUrl'), Entries: orders.map((o, n) => ({ Id: String(n), MessageBody: JSON.stringify(o) })) }),
    );
    await runtime.drain({ timeoutMs: 120_000 });

    // Assess
    expect([...(await writtenOrders(runtime))].sort()).toEqual(orders.map((o) => o.orderId).sort());
  });

  it('lists the KMS key, the VPC with its endpoints and the functions’ VPC placement as not emulated, with reasons', () => {
    // Prepare
    const listed = new Map(runtime.notEmulated.map((n) => [n.what, n]));

    // Assess
    expect(listed.get('AWS::KMS::Key')).toEqual({ what: 'AWS::KMS::Key', count: 1, reason: expect.stringMatching(/^encryption keys/) });
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::VPCEndpoint', 'AWS::EC2::Subnet', 'AWS::EC2::SecurityGroup', 'AWS::EC2::FlowLog']) {
      expect(listed.get(type)?.reason).toMatch(/^networking/);
    }
    expect(listed.get('AWS::EC2::VPCEndpoint')?.count).toBe(4);
    expect(listed.get('VpcConfig of AWS::Lambda::Function')?.count).toBe(6);
    expect(runtime.unsupportedFunctions).toEqual([]);
  });

  it('creates the alarm topic, so its subscriptions can be listed locally', async () => {
    // Act
    const attributes = await runtime.clients.sns.send(new GetTopicAttributesCommand({ TopicArn: runtime.output('SluiceAlarmTopicArn') }));

    // Assess
    expect(attributes.Attributes?.TopicArn).toBe(runtime.output('SluiceAlarmTopicArn'));
  });
});
