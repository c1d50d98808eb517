import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { DynamoDBClient, GetItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { resolveTarget } from '../../local/cli/targets/target.ts';
import { aggregateOf } from '../../shared/stream/aggregates.ts';
import { windowResultFromAttributes } from '../../shared/stream/window-results.ts';
import { runCli } from '../helpers/cli-process.ts';
import { CONFORMANCE_STACK } from './conformance-app.ts';
import { localStackState } from './state.ts';

jest.setTimeout(300_000);

const state = localStackState()!;
const clients = { region: 'us-east-1', endpoint: state.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
const dynamodb = new DynamoDBClient(clients);
const sqs = new SQSClient(clients);
const kinesis = new KinesisClient(clients);

/** `sluice … --target localstack` at the emulator (AWS_ENDPOINT_URL comes from run.ts's environment). */
const sluice = (args: readonly string[]) => runCli([...args, '--target', 'localstack'], { timeoutMs: 240_000 });

/** Polls `read` until `done` holds or the deadline passes; returns the last value read (asserted by the caller). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

let outputs: Record<string, string>;

/** A deployed stack's outputs, read with DescribeStacks as the CLI reads them. */
async function stackOutputs(stack: string): Promise<Record<string, string>> {
  const target = await resolveTarget({ target: 'localstack', stack }, { ...process.env });
  target.close();
  return target.outputs;
}

beforeAll(async () => {
  outputs = await stackOutputs('Sluice');
});

afterAll(() => {
  for (const client of [dynamodb, sqs, kinesis]) client.destroy();
});

/**
 * What the emulator of this run lacks for a test of the deployed sample, by name; the test is skipped with
 * this reason in its title (and runs on an emulator that has it, e.g. LocalStack).
 */
const missing: Readonly<Record<string, string | undefined>> = {
  // The sample's stream consumer is a windowed pipeline: it refuses an event without `window` (shared/stream/
  // processor.ts), so on an emulator without windows every batch fails and nothing reaches the consumer's logic.
  tumblingWindows: state.emulator.startsWith('MiniStack')
    ? `skipped on ${state.emulator}: no Kinesis TumblingWindowInSeconds (no window, state or final invocation; docs/conformance.md)`
    : undefined,
};

describe(`the sample stack deployed with cdklocal on ${state.emulator}`, () => {
  it('was deployed whole except what the emulator cannot create, each named with the reason', () => {
    // Assess
    const metricMath = (prefix: string) => ({ logicalId: expect.stringMatching(new RegExp(`^${prefix}`)), type: 'AWS::CloudWatch::Alarm', reason: expect.stringContaining('metric math') });
    expect(state.stacks.Sluice!.removed).toEqual([
      metricMath('OrdersConsumerFailingAlarm'),
      metricMath('BatchFailedExecutionsAlarm'),
      metricMath('BatchFunctionErrorsAlarm'),
      metricMath('BatchRequestsConsumerFailingAlarm'),
      metricMath('OrderStreamFailuresAlarm'),
    ]);
  });

  it('sluice status --target localstack lists the deployed queues, their DLQs and the stream', async () => {
    // Act
    const { code, stdout, stderr } = await sluice(['status']);

    // Assess
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain(`localstack (stack Sluice at ${state.endpoint})`);
    expect(stdout).toMatch(/^Orders\s+0\s+0\s+0\s+0\s/m);
    expect(stdout).toMatch(/^OrderStream\s+ACTIVE\s+4\s/m);
  });

  it('sluice send --target localstack: each order takes effect once through the deployed function and its SQS event source mapping', async () => {
    // Prepare
    const template = '{"orderId":"ls-order-{{i}}","customerId":"ls-customer","amountCents":250,"items":[{"sku":"a","quantity":1,"unitPriceCents":250}]}';

    // Act
    const sent = await sluice(['send', 'Orders', '--count', '4', '--template', template]);
    // The same orders again: SQS redelivery as the dedup table sees it (same body, same key).
    const again = await sluice(['send', 'Orders', '--count', '4', '--template', template]);
    const total = await eventually(
      () => dynamodb.send(new GetItemCommand({ TableName: outputs.CustomerTotalsTableName, Key: { customerId: { S: 'ls-customer' } }, ConsistentRead: true })),
      (r) => r.Item?.orderCount?.N === '4',
    );
    const queue = await eventually(() => sluice(['status']), (r) => /^Orders\s+0\s+0\s+0\s+0\s/m.test(r.stdout));

    // Assess
    expect(sent.stdout).toBe('sent 4 messages to queue Orders (localstack)\n');
    expect(again.code).toBe(0);
    expect(total.Item).toEqual({ customerId: { S: 'ls-customer' }, orderCount: { N: '4' }, totalCents: { N: '1000' } });
    expect(queue.stdout).toMatch(/^Orders\s+0\s+0\s+0\s+0\s/m);
  });

  it('sluice dlq list --target localstack: schema-invalid orders are in the deployed DLQ with their reason, at once', async () => {
    // Act
    await sluice(['send', 'Orders', '--count', '3', '--template', '{"orderId":"ls-bad-{{i}}"}']);
    const listed = await eventually(() => sluice(['dlq', 'list', 'Orders']), (r) => r.stdout.includes(': 3 messages'));

    // Assess
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('Orders DLQ (localstack): 3 messages');
    expect(listed.stdout).toMatch(/^schema-invalid\s+3\s+\{"orderId":"ls-bad-\d"\}/m);
  });

  it('sluice batch start --wait --target localstack runs the deployed state machine (Split → Map → Reduce) to SUCCEEDED', async () => {
    // Prepare
    const records = Array.from({ length: 40 }, (_, i) => ({ customer: `c${i % 7}`, amount: i, region: i % 2 ? 'eu' : 'us' }));
    const spec = {
      jobId: 'ls-batch-1',
      input: { format: 'inline', records },
      partition: { key: 'customer', count: 3 },
      sort: { key: 'amount', direction: 'asc' },
      groupBy: 'region',
      aggregates: [{ op: 'count', as: 'n' }, { op: 'sum', field: 'amount', as: 'total' }],
      output: { bucket: outputs.BatchBucketName, prefix: 'results/' },
      badRecordPolicy: 'fail',
    };
    const file = join(mkdtempSync(join(tmpdir(), 'sluice-ls-batch-')), 'job.json');
    writeFileSync(file, JSON.stringify(spec));

    // Act
    const started = await sluice(['batch', 'start', file, '--wait']);
    const status = await sluice(['batch', 'status', 'ls-batch-1']);

    // Assess
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^state\s+SUCCEEDED$/m);
    expect(started.stdout).toMatch(/^partitions\s+3$/m);
    expect(started.stdout).toMatch(/^records\s+40$/m);
    expect(started.stdout).toMatch(/^groups\s+2$/m);
    expect(status.stdout).toMatch(/^state\s+SUCCEEDED$/m);
  });

  const noWindows = missing.tumblingWindows;
  (noWindows ? it.skip : it)(`the deployed stream consumer: FilterCriteria skips non-order events and schema-invalid orders reach the failure queue${noWindows ? ` (${noWindows})` : ''}`, async () => {
    // Prepare
    const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    const records = [
      { Data: encode({ type: 'cart', cartId: 'ls-cart-1' }), PartitionKey: 'p1' },
      { Data: encode({ type: 'order', orderId: 'ls-stream-bad-1' }), PartitionKey: 'p2' },
    ];

    // Act
    const put = await kinesis.send(new PutRecordsCommand({ StreamName: outputs.OrderStreamStreamName, Records: records }));
    const [cart, badOrder] = (put.Records ?? []).map((r) => r.SequenceNumber!);
    const failures = await eventually(
      () => sqs.send(new ReceiveMessageCommand({ QueueUrl: outputs.OrderStreamFailureQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 })),
      (r) => (r.Messages ?? []).length > 0,
    );

    // Assess
    // The failure report names the record by its sequence number, with the reason.
    const reports = (failures.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}') as { reason?: string; message?: string });
    expect(reports).toHaveLength(1);
    expect(reports[0]!.reason).toBe('schema-invalid');
    expect(reports[0]!.message).toContain(`record ${badOrder} does not match the schema`);
    expect(JSON.stringify(reports)).not.toContain(cart);
  });
});

describe(`the deployed stream pipeline's windows on ${state.emulator}`, () => {
  const skipped = missing.tumblingWindows;
  (skipped ? it.skip : it)(`commits each category's order count and revenue once per window${skipped ? ` (${skipped})` : ''}`, async () => {
    // Prepare: the sample's window is 60 s; its final invocation commits the aggregate.
    const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    const orders = [1, 2, 3].map((i) => ({ type: 'order', orderId: `ls-w-${i}`, customerId: `c-${i}`, category: 'ls-window', amountCents: 100 * i }));

    // Act
    await kinesis.send(new PutRecordsCommand({ StreamName: outputs.OrderStreamStreamName, Records: orders.map((o) => ({ Data: encode(o), PartitionKey: o.customerId })) }));
    const revenue = await eventually(
      async () => {
        const scan = await dynamodb.send(new ScanCommand({ TableName: outputs.OrderStreamResultsTableName, ConsistentRead: true }));
        const parts = (scan.Items ?? []).map((item) => windowResultFromAttributes(item));
        return parts.reduce((sum, part) => sum + (aggregateOf(part.aggregates, 'ls-window')?.sum ?? 0), 0);
      },
      (sum) => sum === 600,
      240_000,
    );

    // Assess
    expect(revenue).toBe(600);
  });
});

describe(`a \`sluice init\` app deployed with cdklocal on ${state.emulator}`, () => {
  const stack = Object.keys(state.stacks).find((name) => name !== 'Sluice' && name !== CONFORMANCE_STACK)!;

  it('was deployed whole except its metric-math alarm (the consumer-failing alarm), named with the reason', () => {
    // Assess
    expect(state.stacks[stack]!.removed).toEqual([
      { logicalId: expect.stringMatching(/ConsumerFailingAlarm/), type: 'AWS::CloudWatch::Alarm', reason: expect.stringContaining('metric math') },
    ]);
  });

  it('sluice send --stack <app> --target localstack: invoices take effect through the deployed worker', async () => {
    // Prepare
    const appOutputs = await stackOutputs(stack);

    // Act
    const sent = await runCli(['send', 'Invoices', '--target', 'localstack', '--stack', stack, '--count', '3', '--template', '{"invoiceId":"ls-inv-{{i}}","customerId":"ls-c","amountCents":100}']);
    const written = await eventually(
      () => dynamodb.send(new ScanCommand({ TableName: appOutputs.InvoicesTableName, ConsistentRead: true })),
      (r) => (r.Items ?? []).length >= 3,
    );

    // Assess
    expect(sent.code).toBe(0);
    expect((written.Items ?? []).map((i) => i.invoiceId!.S).sort()).toEqual(['ls-inv-1', 'ls-inv-2', 'ls-inv-3']);
  });
});
