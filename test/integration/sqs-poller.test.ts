import { randomUUID } from 'node:crypto';
import { SendMessageBatchCommand, SendMessageCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { createSqsPoller, MAX_SQS_EVENT_BYTES } from '../../local/pollers/sqs-poller.ts';
import type { LocalFunction } from '../../local/runtime/local-function.ts';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { LocalRuntime } from '../../local/runtime/local-runtime.ts';
import { endpointsFromEnvironment } from '../../local/emulators/environment.ts';
import { pollerTestTemplate } from '../helpers/poller-test-stack.ts';
import { TEST_VISIBILITY_TIMEOUT_SECONDS } from '../helpers/test-visibility.ts';

/**
 * How long a drain may see no progress. A message that fails leaves the depth and the acknowledged count
 * unchanged while it waits out the visibility timeout, twice before its redrive (maxReceiveCount 2), so the
 * stall allowance must exceed two timeouts of real time (on an external emulator nothing shortens them), with
 * room for a loaded machine (the 20 s allowance failed once under load).
 */
const DRAIN_STALL_MS = 6 * TEST_VISIBILITY_TIMEOUT_SECONDS * 1000;

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
      await runtime.drain({ timeoutMs: DRAIN_STALL_MS });
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

  it('deletes the messages the mapping’s FilterCriteria reject without invoking the function', async () => {
    // Prepare
    const runtime = await startRuntime({ reportBatchItemFailures: true, bodyFilter: { kind: ['keep'] } });
    try {
      // Act
      await send(runtime, [{ id: 'keep-1', kind: 'keep' }, { id: 'drop-1', kind: 'drop' }, { id: 'keep-2', kind: 'keep' }]);
      await runtime.drain({ timeoutMs: DRAIN_STALL_MS });
      // Assess
      expect([...(await deliveries(runtime)).keys()].sort()).toEqual(['keep-1', 'keep-2']);
      expect(runtime.sqsPoller(runtime.find('AWS::SQS::Queue', 'Work').ref).stats.filtered).toBe(1);
      expect(await runtime.queueDepth(runtime.find('AWS::SQS::Queue', 'Work').ref)).toMatchObject({ visible: 0, inFlight: 0 });
    } finally {
      await runtime.stop();
    }
  });

  it('keeps every invocation’s event under 6 MB, counting whole records, whatever the BatchSize', async () => {
    // Prepare: 30 messages of 250 KB (7.5 MB) in one queue, a poller taking up to 30 per batch
    const runtime = await startRuntime({ reportBatchItemFailures: true });
    const queueUrl = runtime.find('AWS::SQS::Queue', 'Work').ref;
    const eventBytes: number[] = [];
    const seen: string[] = [];
    const fn = {
      async invoke(event: unknown) {
        const records = (event as SQSEvent).Records;
        eventBytes.push(Buffer.byteLength(JSON.stringify(event)));
        seen.push(...records.map((r) => r.messageId));
        return { batchItemFailures: [] };
      },
    } as unknown as LocalFunction;
    try {
      await runtime.stopPollers();
      for (let i = 0; i < 30; i += 1) await runtime.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: `${i}:${'x'.repeat(250_000)}` }));
      const poller = createSqsPoller({
        mapping: { EventSourceArn: String(runtime.find('AWS::SQS::Queue', 'Work').attributes.Arn), BatchSize: 30, MaximumBatchingWindowInSeconds: 2, FunctionResponseTypes: ['ReportBatchItemFailures'] },
        queueUrl,
        fifo: false,
        fn,
        sqs: runtime.clients.sqs,
        region: runtime.region,
        defaultConcurrency: 1,
      });
      // Act
      poller.start();
      const deadline = Date.now() + 30_000;
      while (seen.length < 30 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      await poller.stop();
      // Assess
      expect(new Set(seen).size).toBe(30);
      expect(eventBytes.length).toBeGreaterThanOrEqual(2);
      expect(Math.max(...eventBytes)).toBeLessThanOrEqual(MAX_SQS_EVENT_BYTES);
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
      await runtime.drain({ timeoutMs: DRAIN_STALL_MS });
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
      await runtime.drain({ timeoutMs: DRAIN_STALL_MS });
      // Assess
      const counts = await deliveries(runtime);
      expect(counts.get('x')).toBe(2);
      expect(counts.get('y')).toBe(2);
      expect((await dlqBodies(runtime)).sort()).toEqual(['x', 'y']);
    } finally {
      await runtime.stop();
    }
  });
});
