import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { EXPIRES_IN_TRANSIT, orderWorkload, type WorkloadMessage } from '../../examples/orders/demo/order-workload.ts';
import { sendWorkload } from '../../examples/orders/demo/send-workload.ts';
import type { LocalRuntime } from '../../local/runtime/local-runtime.ts';
import { chosen, customerTotals, drainDeadLetters, expectedTotals, orderIdOf, startOrdersRuntime, writtenOrders } from '../helpers/orders-runtime.ts';

async function sendOrders(runtime: LocalRuntime, messages: readonly WorkloadMessage[]) {
  const { refused } = await sendWorkload(runtime.clients.sqs, runtime.output('OrdersQueueUrl'), messages, { concurrency: 1 });
  expect(refused).toEqual([]);
}

describe('Orders queue pipeline, run locally from the synthesized sample stack', () => {
  it('takes effect exactly once per order despite 20% duplicates, 5% first-attempt failures and 5% crashes before the acknowledgement', async () => {
    // Prepare
    const runtime = await startOrdersRuntime({
      sqsFaults: {
        failRecord: (record) => record.attributes.ApproximateReceiveCount === '1' && chosen(orderIdOf(record), 0.05, 'fail'),
        crashBeforeAck: (records) => records.some((r) => r.attributes.ApproximateReceiveCount === '1' && chosen(orderIdOf(r), 0.05, 'crash')),
      },
    });
    try {
      const messages = orderWorkload({ orders: 1000, seed: 2, duplicateRate: 0.2 });
      // Act
      await sendOrders(runtime, messages);
      await runtime.drain({ timeoutMs: 90_000 });
      // Assess
      const stats = runtime.sqsPoller(runtime.output('OrdersQueueUrl')).stats;
      expect(messages.filter((m) => m.expected === 'duplicate').length).toBeGreaterThan(150);
      expect(stats.injectedFailures).toBeGreaterThan(0);
      expect(stats.injectedCrashes).toBeGreaterThan(0);
      const written = await writtenOrders(runtime);
      expect(written.size).toBe(1000);
      expect(await customerTotals(runtime)).toEqual(expectedTotals(messages));
      expect(await drainDeadLetters(runtime, runtime.output('OrdersDeadLetterQueueUrl'))).toEqual([]);
    } finally {
      await runtime.stop();
    }
  });

  it('moves a poison message to the DLQ with its reason at once, without blocking the rest of its batch', async () => {
    // Prepare
    const runtime = await startOrdersRuntime();
    try {
      const queueUrl = runtime.output('OrdersQueueUrl');
      const good = orderWorkload({ orders: 9, seed: 3 });
      // Act
      await runtime.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: '{"orderId": "poison", ' }));
      await runtime.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ orderId: 'bad-schema', amountCents: 'ten' }) }));
      await sendOrders(runtime, good);
      await runtime.drain({ timeoutMs: 30_000 });
      // Assess
      expect((await writtenOrders(runtime)).size).toBe(9);
      const dead = await drainDeadLetters(runtime, runtime.output('OrdersDeadLetterQueueUrl'));
      expect(dead.map((d) => d.reason).sort()).toEqual(['malformed', 'schema-invalid']);
      expect(dead.find((d) => d.reason === 'malformed')?.body).toBe('{"orderId": "poison", ');
      expect(runtime.sqsPoller(queueUrl).stats.received).toBe(11);
    } finally {
      await runtime.stop();
    }
  });

  it('sends a message that arrives after its expiresAt to the DLQ with reason expired, without its effect', async () => {
    // Prepare
    const runtime = await startOrdersRuntime();
    try {
      const [message] = orderWorkload({ orders: 1, seed: 4 });
      // Act: valid for 1 s from its send, held back 2 s by SQS: it expires in transit, however slow the machine.
      await sendOrders(runtime, [{ ...message!, ...EXPIRES_IN_TRANSIT, expected: 'expired' }]);
      await runtime.drain({ timeoutMs: 30_000 });
      // Assess
      expect((await writtenOrders(runtime)).size).toBe(0);
      const dead = await drainDeadLetters(runtime, runtime.output('OrdersDeadLetterQueueUrl'));
      expect(dead.map((d) => d.reason)).toEqual(['expired']);
      expect(JSON.parse(dead[0]!.body)).toEqual(message!.order);
    } finally {
      await runtime.stop();
    }
  });
});
