import { orderWorkload } from '../../examples/orders/demo/order-workload.ts';
import { sendWorkload } from '../../examples/orders/demo/send-workload.ts';
import { endpointsFromEnvironment } from '../../local/emulators/environment.ts';
import { startFaultProxy } from '../../local/faults/fault-proxy.ts';
import { startRestartableFauxqs } from '../../local/faults/restartable-fauxqs.ts';
import { until } from '../../local/runtime/until.ts';
import { chaosTemplate, COMPRESSED_TIMEOUT_SECONDS, replayRedrivenOrders } from '../chaos/queue-chaos.ts';
import { customerTotals, drainDeadLetters, expectedTotals, startOrdersRuntime, writtenOrders } from '../helpers/orders-runtime.ts';

describe('Orders queue pipeline across emulator restarts', () => {
  it('takes effect exactly once per order when SQS restarts mid-run (state kept on disk) and DynamoDB drops every connection for a second or more', async () => {
    // Prepare
    const shared = endpointsFromEnvironment()!;
    const sqs = await startRestartableFauxqs();
    const dynamodb = await startFaultProxy({ target: shared.dynamodb, service: 'dynamodb', seed: 5 });
    const pollerErrors: string[] = [];
    const runtime = await startOrdersRuntime({
      log: (line) => pollerErrors.push(line),
      template: await chaosTemplate(),
      endpoints: { ...shared, sqs: sqs.endpoint, s3: sqs.endpoint, dynamodb: dynamodb.endpoint },
      overrides: { visibilityTimeoutSeconds: COMPRESSED_TIMEOUT_SECONDS },
    });
    try {
      const messages = orderWorkload({ orders: 400, seed: 21, duplicateRate: 0.2 });

      // Act: both outages hit while the pollers are busy with the backlog. DynamoDB goes down before the
      // backlog goes out and stays down, a second at a time, until the worker has met it (a reset
      // connection): only the worker's traffic can see it, and this way it does however fast or slow the
      // machine drains the backlog. The pollers poll SQS all the time, so its restart always hits them.
      const outage = until(() => dynamodb.stats.refused > 0, { what: 'the worker to meet the DynamoDB outage', stallMs: 120_000, intervalMs: 0, onPoll: () => dynamodb.outage(1_000) });
      await sendWorkload(runtime.clients.sqs, runtime.output('OrdersQueueUrl'), messages, { concurrency: 1 });
      await outage;
      await sqs.restart(1_000);
      await runtime.drain({ timeoutMs: 120_000 });
      const replay = await replayRedrivenOrders(runtime, 60_000);

      // Assess
      const stats = runtime.sqsMappings.find((m) => m.source.ref === runtime.output('OrdersQueueUrl'))!.poller.stats;
      process.stdout.write(`restart run: received ${stats.received}, poller errors ${pollerErrors.length}, DynamoDB resets ${dynamodb.stats.refused}, replayed ${replay.replayed}\n`);
      expect(stats.received).toBeGreaterThanOrEqual(messages.length);
      // Both outages really hit traffic: pollers saw failed SQS calls, the worker saw reset connections.
      expect(pollerErrors.length).toBeGreaterThan(0);
      expect(dynamodb.stats.refused).toBeGreaterThan(0);
      expect((await writtenOrders(runtime)).size).toBe(400);
      expect(await customerTotals(runtime)).toEqual(expectedTotals(messages));
      expect(await drainDeadLetters(runtime, runtime.output('OrdersDeadLetterQueueUrl'))).toEqual([]);
    } finally {
      await runtime.stop();
      await dynamodb.stop();
      await sqs.stop();
    }
  }, 300_000);
});
