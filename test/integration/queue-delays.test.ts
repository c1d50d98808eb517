import { startFauxqs } from '../../local/emulators/fauxqs.ts';
import { endpointsFromEnvironment } from '../../local/emulators/environment.ts';
import { VirtualClock } from '../../local/runtime/clock.ts';
import type { RunningEmulator } from '../../local/emulators/emulator.ts';
import { orderWorkload } from '../../examples/orders/demo/order-workload.ts';
import { QueueProducer } from '../../shared/queue/producer.ts';
import type { OrderJob } from '../../examples/orders/lib/order-schema.ts';
import { ORDERS_OUTPUTS } from '../../examples/orders/lib/orders-contract.ts';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { customerTotals, startOrdersRuntime } from '../helpers/orders-runtime.ts';

// fauxqs runs in this process here, so the virtual clock moves SQS's delays too: 20 minutes pass in seconds.
describe('delays longer than SQS allows', () => {
  let clock: VirtualClock;
  let sqs: RunningEmulator;

  beforeAll(async () => {
    clock = VirtualClock.install();
    sqs = await startFauxqs();
  });

  afterAll(async () => {
    await sqs.stop();
    clock.uninstall();
  });

  it('delivers a message delayed by 20 minutes once, on time, after one delay hop', async () => {
    // Prepare
    const shared = endpointsFromEnvironment()!;
    const runtime = await startOrdersRuntime({ endpoints: { ...shared, sqs: sqs.endpoint, s3: sqs.endpoint } });
    try {
      const [message] = orderWorkload({ orders: 1, seed: 5 });
      const deliverAt = Date.now() + 20 * 60_000;
      const producer = new QueueProducer<OrderJob>({ client: runtime.clients.sqs, queueUrl: runtime.output('OrdersQueueUrl') });
      // Act
      await producer.send(message!.order!, { deliverAt });
      let processedAt: number | undefined;
      const queueUrl = runtime.output('OrdersQueueUrl');
      while (processedAt === undefined && Date.now() < deliverAt + 5 * 60_000) {
        await new Promise((r) => setTimeout(r, 300));
        // Move time on only while nothing is in flight: a jump past a visibility timeout would redeliver.
        const depth = await runtime.queueDepth(queueUrl);
        if (depth.visible + depth.inFlight === 0 && runtime.sqsPoller(queueUrl).idle()) clock.advance(30_000);
        const page = await runtime.clients.dynamodb.send(new ScanCommand({ TableName: runtime.output(ORDERS_OUTPUTS.ordersTable) }));
        const item = page.Items?.[0];
        if (item) processedAt = Number(item.processedAt!.N);
      }
      await runtime.drain();
      // Assess
      expect(processedAt).toBeGreaterThanOrEqual(deliverAt);
      expect(processedAt! - deliverAt).toBeLessThan(2 * 60_000);
      expect(runtime.sqsPoller(queueUrl).stats.received).toBe(2);
      expect([...(await customerTotals(runtime)).values()]).toEqual([{ orderCount: 1, totalCents: message!.order!.amountCents }]);
    } finally {
      await runtime.stop();
    }
  });
});
