import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { LocalRuntime } from '../../local/runtime/local-runtime.ts';
import { endpointsFromEnvironment } from '../../local/emulators/environment.ts';
import { pollerTestTemplate } from '../helpers/poller-test-stack.ts';

async function startRuntime(options: Parameters<typeof pollerTestTemplate>[0]) {
  return LocalRuntime.start({
    template: pollerTestTemplate(options),
    endpoints: endpointsFromEnvironment()!,
    namePrefix: `p${randomUUID().slice(0, 8)}-`,
  });
}

async function send(runtime: LocalRuntime, bodies: object[], fifoGroup?: string) {
  const queueUrl = runtime.find('AWS::SQS::Queue', 'Work').ref;
  for (let i = 0; i < bodies.length; i += 10) {
    await runtime.clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.slice(i, i + 10).map((b, n) => ({ Id: String(n), MessageBody: JSON.stringify(b), ...(fifoGroup ? { MessageGroupId: fifoGroup } : {}) })),
      }),
    );
  }
}

async function deliveries(runtime: LocalRuntime): Promise<Map<string, number>> {
  const out = await runtime.clients.dynamodb.send(new ScanCommand({ TableName: runtime.find('AWS::DynamoDB::Table', 'Records').ref }));
  return new Map((out.Items ?? []).map((i) => [i.pk!.S!, Number(i.deliveries!.N)]));
}

async function dlqBodies(runtime: LocalRuntime): Promise<string[]> {
  const out = await runtime.clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: runtime.find('AWS::SQS::Queue', 'Dlq').ref, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  return (out.Messages ?? []).map((m) => JSON.parse(m.Body!).id as string);
}

describe('SQS poller run from the synthesized template', () => {
  it('deletes successes, retries only the reported failures, and lets the redrive policy move them to the DLQ', async () => {
    // Prepare
    const runtime = await startRuntime({ reportBatchItemFailures: true });
    try {
      // Act
      await send(runtime, [{ id: 'ok-1' }, { id: 'poison', fail: true }, { id: 'ok-2' }]);
      await runtime.drain({ timeoutMs: 20_000 });
      // Assess
      const counts = await deliveries(runtime);
      expect(counts.get('ok-1')).toBe(1);
      expect(counts.get('ok-2')).toBe(1);
      expect(counts.get('poison')).toBe(2);
      expect(await dlqBodies(runtime)).toEqual(['poison']);
    } finally {
      await runtime.stop();
    }
  });

  it('fails the whole batch when an itemIdentifier names no record of the batch', async () => {
    // Prepare
    const runtime = await startRuntime({ reportBatchItemFailures: true });
    try {
      // Act
      await send(runtime, [{ id: 'a', badId: true }, { id: 'b' }]);
      await runtime.drain({ timeoutMs: 20_000 });
      // Assess: both were delivered maxReceiveCount times, then redriven together.
      const counts = await deliveries(runtime);
      expect(counts.get('a')).toBe(2);
      expect(counts.get('b')).toBe(2);
      expect((await dlqBodies(runtime)).sort()).toEqual(['a', 'b']);
    } finally {
      await runtime.stop();
    }
  });

  it('ignores the response and retries everything when the handler throws without ReportBatchItemFailures', async () => {
    // Prepare
    const runtime = await startRuntime({ reportBatchItemFailures: false });
    try {
      // Act
      await send(runtime, [{ id: 'x', throw: true }, { id: 'y' }]);
      await runtime.drain({ timeoutMs: 20_000 });
      // Assess
      const counts = await deliveries(runtime);
      expect(counts.get('x')).toBe(2);
      expect(counts.get('y')).toBe(2);
      expect((await dlqBodies(runtime)).sort()).toEqual(['x', 'y']);
    } finally {
      await runtime.stop();
    }
  });

  it("deletes the messages its FilterCriteria rejects without invoking the function, and delivers the rest", async () => {
    // Prepare
    const runtime = await startRuntime({ reportBatchItemFailures: true, onlyBodyKind: 'order' });
    try {
      // Act
      await send(runtime, [{ id: 'kept', kind: 'order' }, { id: 'other-kind', kind: 'cart' }, { id: 'no-kind' }]);
      await runtime.drain({ timeoutMs: 20_000 });
      const depth = await runtime.queueDepth(runtime.find('AWS::SQS::Queue', 'Work').ref);

      // Assess
      expect([...(await deliveries(runtime))]).toEqual([['kept', 1]]);
      expect(runtime.sqsPoller(runtime.find('AWS::SQS::Queue', 'Work').ref).stats.filtered).toBe(2);
      expect(depth).toEqual(expect.objectContaining({ visible: 0, inFlight: 0 }));
      expect(await dlqBodies(runtime)).toEqual([]);
    } finally {
      await runtime.stop();
    }
  });
});
