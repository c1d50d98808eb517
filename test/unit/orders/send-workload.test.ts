import { EXPIRES_IN_TRANSIT, LONG_DELAY_MS, orderWorkload, sendOptionsAt, type WorkloadMessage } from '../../../examples/orders/demo/order-workload.ts';
import { sendWorkload } from '../../../examples/orders/demo/send-workload.ts';
import { ENVELOPE_ATTRIBUTES } from '../../../shared/envelope.ts';
import { PartialSendError } from '../../../shared/errors.ts';
import { RecordingSqs } from '../queue/fake-sqs.ts';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/orders';
const T0 = 1_700_000_000_000;

interface SentEntry {
  Id: string;
  MessageBody: string;
  DelaySeconds?: number;
  MessageAttributes?: Record<string, { StringValue?: string }>;
}

/** SQS on a machine so slow that every send takes ten minutes; each entry is stamped with the time SQS took it. */
function slowSqs() {
  const clock = { ms: T0, now: () => clock.ms };
  const sqs = new RecordingSqs();
  const accepted: { entry: SentEntry; acceptedAt: number }[] = [];
  sqs.respond = (command) => {
    clock.ms += 10 * 60_000;
    const entries = (command.input.Entries as SentEntry[] | undefined) ?? [command.input as unknown as SentEntry];
    for (const entry of entries) accepted.push({ entry, acceptedAt: clock.ms });
    return undefined;
  };
  return { sqs, clock, accepted };
}

const attribute = (entry: SentEntry, name: string) => {
  const value = entry.MessageAttributes?.[name]?.StringValue;
  return value === undefined ? undefined : Number(value);
};

describe('sendWorkload', () => {
  it('stamps expiresAt and deliverAt as each batch goes out, so a slow send still expires in transit and delays in full', async () => {
    // Prepare
    const workload = orderWorkload({ orders: 200, seed: 3, longDelayRate: 0.1, expiredRate: 0.1 });
    const { sqs, clock, accepted } = slowSqs();

    // Act
    const sent = await sendWorkload(sqs.client, QUEUE_URL, workload, { clock, concurrency: 1 });

    // Assess
    expect(sent.refused).toEqual([]);
    expect(sent.accepted).toHaveLength(workload.length);
    const expiring = accepted.filter(({ entry }) => attribute(entry, ENVELOPE_ATTRIBUTES.expiresAt) !== undefined);
    expect(expiring).toHaveLength(20);
    for (const { entry, acceptedAt } of expiring) {
      const expiresAt = attribute(entry, ENVELOPE_ATTRIBUTES.expiresAt)!;
      // Valid when sent, past its expiry once SQS's delay has run.
      expect(expiresAt).toBeGreaterThan(acceptedAt - 10 * 60_000);
      expect(acceptedAt + entry.DelaySeconds! * 1000).toBeGreaterThan(expiresAt);
    }
    const delayed = accepted.filter(({ entry }) => attribute(entry, ENVELOPE_ATTRIBUTES.deliverAt) !== undefined);
    expect(delayed.length).toBeGreaterThan(0);
    for (const { entry, acceptedAt } of delayed) expect(attribute(entry, ENVELOPE_ATTRIBUTES.deliverAt)).toBe(acceptedAt - 10 * 60_000 + LONG_DELAY_MS);
  });

  it('counts a message the producer refuses, with its reason, and still sends the rest of its batch', async () => {
    // Prepare: an expiry of 0 ms after sending is already past when the producer checks it
    const [bad, ...good] = orderWorkload({ orders: 10, seed: 4 });
    const refusedMessage: WorkloadMessage = { ...bad!, expiresAfterMs: 0, expected: 'expired' };
    const sqs = new RecordingSqs();

    // Act
    const sent = await sendWorkload(sqs.client, QUEUE_URL, [refusedMessage, ...good], { clock: { now: () => T0 } });

    // Assess
    expect(sent.refused).toEqual([{ message: refusedMessage, reason: 'invalid-attribute', error: expect.stringContaining('expiresAt') }]);
    expect(sent.accepted).toEqual(good);
    const bodies = sqs.sent.flatMap((c) => ((c.input.Entries as SentEntry[] | undefined) ?? [c.input as unknown as SentEntry]).map((e) => e.MessageBody));
    expect(bodies.sort()).toEqual(good.map((m) => JSON.stringify(m.order)).sort());
  });

  it('throws when SQS itself fails the send: that is not a refusal', async () => {
    // Prepare
    const workload = orderWorkload({ orders: 3, seed: 5 });
    const sqs = new RecordingSqs();
    sqs.respond = () => Object.assign(new Error('We encountered an internal error.'), { name: 'InternalError' });

    // Act & Assess
    await expect(sendWorkload(sqs.client, QUEUE_URL, workload)).rejects.toBeInstanceOf(PartialSendError);
  });
});

describe('sendOptionsAt', () => {
  it('turns a workload message’s relative times into producer options at the send time', () => {
    // Prepare
    const order = orderWorkload({ orders: 1, seed: 6 })[0]!;

    // Act
    const expiring = sendOptionsAt({ ...order, ...EXPIRES_IN_TRANSIT }, T0);
    const short = sendOptionsAt({ ...order, delayMs: 3_000 }, T0);
    const long = sendOptionsAt({ ...order, delayMs: LONG_DELAY_MS }, T0);

    // Assess
    expect(expiring).toEqual({ dedupKey: order.order!.orderId, delaySeconds: 2, expiresAt: T0 + 1_000 });
    expect(short).toEqual({ dedupKey: order.order!.orderId, delaySeconds: 3 });
    expect(long).toEqual({ dedupKey: order.order!.orderId, deliverAt: T0 + LONG_DELAY_MS });
  });
});
