import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, DeleteQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { clientConfig } from '../../shared/aws-clients.ts';
import type { Clock } from '../../shared/clock.ts';
import { DedupStore } from '../../shared/dedup/store.ts';
import type { ClaimResult } from '../../shared/dedup/store.ts';
import { ClaimInProgressError, ClaimLostError } from '../../shared/errors.ts';
import { orderWrite } from '../../examples/orders/lib/order-effect.ts';
import { OrderJob } from '../../examples/orders/lib/order-schema.ts';
import { createQueueWorker } from '../../shared/queue/worker.ts';
import { sqsEvent, sqsRecord, testContext } from '../helpers/sqs-events.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const suffix = randomUUID().slice(0, 8);
const dedupTable = `dedup-${suffix}`;
const ordersTable = `orders-${suffix}`;
const totalsTable = `totals-${suffix}`;
const dynamodb = new DynamoDBClient(clientConfig());

/** A clock the test moves by hand. */
function manualClock(start = Date.now()): Clock & { advance(ms: number): void } {
  let now = start;
  return { now: () => now, advance: (ms) => (now += ms) };
}

async function createTable(name: string, key: string) {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

async function record(key: string) {
  const { Item } = await dynamodb.send(new GetItemCommand({ TableName: dedupTable, Key: { pk: { S: key } }, ConsistentRead: true }));
  return Item;
}

const tokenOf = (claim: ClaimResult) => (claim.status === 'claimed' ? claim.token : '');
const key = () => `test#${randomUUID()}`;

beforeAll(async () => {
  await Promise.all([createTable(dedupTable, 'pk'), createTable(ordersTable, 'orderId'), createTable(totalsTable, 'customerId')]);
});

afterAll(async () => {
  await Promise.all([dedupTable, ordersTable, totalsTable].map((TableName) => dynamodb.send(new DeleteTableCommand({ TableName }))));
  dynamodb.destroy();
});

describe('DedupStore on DynamoDB Local: the claim state machine', () => {
  it('claims a new key, then refuses a second claim while the lease is live', async () => {
    // Prepare
    const store = new DedupStore({ client: dynamodb, tableName: dedupTable });
    const k = key();
    // Act
    const first = await store.claim(k, { leaseMs: 30_000 });
    const second = store.claim(k, { leaseMs: 30_000 });
    // Assess
    expect(first.status).toBe('claimed');
    await expect(second).rejects.toThrow(ClaimInProgressError);
    expect((await record(k))?.status?.S).toBe('IN_PROGRESS');
  });

  it('answers duplicate for a completed key, with expiresAt in epoch seconds one window ahead', async () => {
    // Prepare
    const clock = manualClock();
    const store = new DedupStore({ client: dynamodb, tableName: dedupTable, windowSeconds: 3_600, clock });
    const k = key();
    const claim = await store.claim(k, { leaseMs: 30_000 });
    // Act
    await store.complete(k, tokenOf(claim));
    const again = await store.claim(k, { leaseMs: 30_000 });
    // Assess
    expect(again).toEqual({ status: 'duplicate', completedAt: clock.now() });
    const stored = await record(k);
    expect(stored?.status?.S).toBe('COMPLETED');
    expect(Number(stored?.expiresAt?.N)).toBe(Math.ceil(clock.now() / 1000) + 3_600);
    expect(stored?.leaseUntil).toBeUndefined();
  });

  it('lets a new owner take over an expired lease, and fences the old owner out of complete and release', async () => {
    // Prepare
    const clock = manualClock();
    const store = new DedupStore({ client: dynamodb, tableName: dedupTable, clock });
    const k = key();
    const old = await store.claim(k, { leaseMs: 1_000 });
    clock.advance(1_001);
    // Act
    const taken = await store.claim(k, { leaseMs: 30_000 });
    // Assess
    expect(taken.status).toBe('claimed');
    expect(tokenOf(taken)).not.toBe(tokenOf(old));
    await expect(store.complete(k, tokenOf(old))).rejects.toThrow(ClaimLostError);
    await expect(store.release(k, tokenOf(old))).rejects.toThrow(ClaimLostError);
    await store.complete(k, tokenOf(taken));
    expect((await record(k))?.owner?.S).toBe(tokenOf(taken));
  });

  it('does not take over a lease that ends exactly now', async () => {
    // Prepare
    const clock = manualClock();
    const store = new DedupStore({ client: dynamodb, tableName: dedupTable, clock });
    const k = key();
    await store.claim(k, { leaseMs: 1_000 });
    clock.advance(1_000);
    // Act & Assess
    await expect(store.claim(k, { leaseMs: 1_000 })).rejects.toThrow(ClaimInProgressError);
  });

  it('treats a completed record past its window as absent, even before TTL deletes it', async () => {
    // Prepare
    const clock = manualClock();
    const store = new DedupStore({ client: dynamodb, tableName: dedupTable, windowSeconds: 60, clock });
    const k = key();
    await store.complete(k, tokenOf(await store.claim(k, { leaseMs: 1_000 })));
    clock.advance(30_000);
    const within = await store.claim(k, { leaseMs: 1_000 });
    clock.advance(32_000);
    // Act
    const after = await store.claim(k, { leaseMs: 1_000 });
    // Assess
    expect(within.status).toBe('duplicate');
    expect(after.status).toBe('claimed');
  });

  it('frees a released key for an immediate claim', async () => {
    // Prepare
    const store = new DedupStore({ client: dynamodb, tableName: dedupTable });
    const k = key();
    const claim = await store.claim(k, { leaseMs: 30_000 });
    // Act
    await store.release(k, tokenOf(claim));
    // Assess
    expect((await store.claim(k, { leaseMs: 30_000 })).status).toBe('claimed');
  });

  it('lets exactly one of many concurrent claims of the same key win', async () => {
    // Prepare
    const stores = Array.from({ length: 25 }, () => new DedupStore({ client: new DynamoDBClient(clientConfig()), tableName: dedupTable }));
    const k = key();
    // Act
    const results = await Promise.allSettled(stores.map((store) => store.claim(k, { leaseMs: 30_000 })));
    // Assess
    const won = results.filter((r) => r.status === 'fulfilled' && r.value.status === 'claimed');
    const refused = results.filter((r) => r.status === 'rejected' && r.reason instanceof ClaimInProgressError);
    expect(won).toHaveLength(1);
    expect(refused).toHaveLength(24);
  });

  it('frees the claim of a crashed invocation once its lease (the remaining time) has passed', async () => {
    // Prepare: an invocation with 300 ms left claims and then dies without complete or release. The
    // store's clock moves by hand: with real time, a busy machine could let the lease lapse before the
    // second claim and the test would prove nothing.
    const clock = manualClock();
    const store = new DedupStore({ client: dynamodb, tableName: dedupTable, clock });
    const k = key();
    await store.claim(k, { leaseMs: testContext({ remainingMs: 300 }).getRemainingTimeInMillis() });
    await expect(store.claim(k, { leaseMs: 30_000 })).rejects.toThrow(ClaimInProgressError);
    // Act
    clock.advance(400);
    const retry = await store.claim(k, { leaseMs: 30_000 });
    // Assess
    expect(retry.status).toBe('claimed');
  });
});

describe('DedupStore on DynamoDB Local: atomic completion', () => {
  const order = OrderJob.parse({
    orderId: 'replaced-per-test',
    customerId: `c-${suffix}`,
    amountCents: 500,
    items: [{ sku: 'SKU-1', quantity: 1, unitPriceCents: 500 }],
  });
  const effectFor = (orderId: string) => orderWrite({ ...order, orderId }, { tableName: ordersTable, totalsTableName: totalsTable, processedAt: 1 });
  const orderExists = async (orderId: string) =>
    (await dynamodb.send(new GetItemCommand({ TableName: ordersTable, Key: { orderId: { S: orderId } }, ConsistentRead: true }))).Item !== undefined;

  it('writes the effect and the COMPLETED record together', async () => {
    // Prepare
    const store = new DedupStore({ client: dynamodb, tableName: dedupTable });
    const k = key();
    const orderId = randomUUID();
    const claim = await store.claim(k, { leaseMs: 30_000 });
    // Act
    await store.completeWith(k, tokenOf(claim), effectFor(orderId));
    // Assess
    expect(await orderExists(orderId)).toBe(true);
    expect((await record(k))?.status?.S).toBe('COMPLETED');
  });

  it('writes neither when the claim was lost to another owner', async () => {
    // Prepare
    const clock = manualClock();
    const store = new DedupStore({ client: dynamodb, tableName: dedupTable, clock });
    const k = key();
    const orderId = randomUUID();
    const old = await store.claim(k, { leaseMs: 1_000 });
    clock.advance(2_000);
    const taken = await store.claim(k, { leaseMs: 30_000 });
    // Act
    const late = store.completeWith(k, tokenOf(old), effectFor(orderId));
    // Assess
    await expect(late).rejects.toThrow(ClaimLostError);
    expect(await orderExists(orderId)).toBe(false);
    const stored = await record(k);
    expect(stored?.status?.S).toBe('IN_PROGRESS');
    expect(stored?.owner?.S).toBe(tokenOf(taken));
  });

  it('writes neither when the effect’s own condition fails, leaving the claim open for a retry', async () => {
    // Prepare
    const store = new DedupStore({ client: dynamodb, tableName: dedupTable });
    const k = key();
    const orderId = randomUUID();
    const claim = await store.claim(k, { leaseMs: 30_000 });
    const refusing = [{ ConditionCheck: { TableName: ordersTable, Key: { orderId: { S: orderId } }, ConditionExpression: 'attribute_exists(orderId)' } }];
    // Act
    const attempt = store.completeWith(k, tokenOf(claim), [...refusing, ...effectFor(`${orderId}-x`)]);
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(await orderExists(`${orderId}-x`)).toBe(false);
    expect((await record(k))?.status?.S).toBe('IN_PROGRESS');
  });

  it('answers a byte-identical resend of a committed completion (an SDK retry) as done, without applying it twice', async () => {
    // Prepare: a fixed clock makes the second request identical to the first, as an SDK retry is
    const store = new DedupStore({ client: dynamodb, tableName: dedupTable, clock: manualClock() });
    const k = key();
    const customerId = `c-${randomUUID()}`;
    const claim = await store.claim(k, { leaseMs: 30_000 });
    const effect = orderWrite({ ...order, orderId: randomUUID(), customerId }, { tableName: ordersTable, totalsTableName: totalsTable, processedAt: 1 });
    await store.completeWith(k, tokenOf(claim), effect);
    // Act
    const replay = store.completeWith(k, tokenOf(claim), effect);
    // Assess
    await expect(replay).resolves.toBeUndefined();
    const { Item } = await dynamodb.send(new GetItemCommand({ TableName: totalsTable, Key: { customerId: { S: customerId } }, ConsistentRead: true }));
    expect(Item?.orderCount?.N).toBe('1');
  });
});

describe('DedupStore on DynamoDB Local: commitOnce (atomic mode in one transaction)', () => {
  const order = (customerId: string) => ({ orderId: randomUUID(), customerId, amountCents: 700, items: [{ sku: 'SKU-7', quantity: 1, unitPriceCents: 700 }] });
  const effectFor = (o: ReturnType<typeof order>) => orderWrite(o, { tableName: ordersTable, totalsTableName: totalsTable, processedAt: 1 });
  const totalsOf = async (customerId: string) =>
    (await dynamodb.send(new GetItemCommand({ TableName: totalsTable, Key: { customerId: { S: customerId } }, ConsistentRead: true }))).Item;

  it('commits the effect with a COMPLETED record, then answers a second commit of the key as a duplicate without applying it', async () => {
    // Prepare
    const store = new DedupStore({ client: dynamodb, tableName: dedupTable });
    const k = key();
    const o = order(`c-${randomUUID()}`);
    // Act
    const first = await store.commitOnce(k, effectFor(o));
    const second = await store.commitOnce(k, effectFor(o));
    // Assess
    expect(first).toEqual({ status: 'committed' });
    expect(second.status).toBe('duplicate');
    expect((await record(k))?.status?.S).toBe('COMPLETED');
    expect((await totalsOf(o.customerId))?.orderCount?.N).toBe('1');
  });

  it('applies the effect exactly once when many invocations commit the same key at the same time', async () => {
    // Prepare
    const store = new DedupStore({ client: dynamodb, tableName: dedupTable });
    const k = key();
    const o = order(`c-${randomUUID()}`);
    // Act
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, () => store.commitOnce(k, effectFor(o))));
    // Assess: one commit; the rest are duplicates or a retryable conflict (then a duplicate on retry)
    const committed = outcomes.filter((r) => r.status === 'fulfilled' && r.value.status === 'committed');
    const others = outcomes.filter((r) => !(r.status === 'fulfilled' && r.value.status === 'committed'));
    expect(committed).toHaveLength(1);
    for (const other of others) {
      if (other.status === 'rejected') expect(other.reason).toBeInstanceOf(ClaimInProgressError);
      else expect(other.value.status).toBe('duplicate');
    }
    expect((await totalsOf(o.customerId))?.orderCount?.N).toBe('1');
    expect((await store.commitOnce(k, effectFor(o))).status).toBe('duplicate');
  });

  it('writes neither the effect nor the record when the effect’s own condition fails', async () => {
    // Prepare
    const store = new DedupStore({ client: dynamodb, tableName: dedupTable });
    const k = key();
    const o = order(`c-${randomUUID()}`);
    const refusing = [{ ConditionCheck: { TableName: ordersTable, Key: { orderId: { S: randomUUID() } }, ConditionExpression: 'attribute_exists(orderId)' } }];
    // Act
    const attempt = store.commitOnce(k, [...refusing, ...effectFor(o)]);
    // Assess
    await expect(attempt).rejects.toBeInstanceOf(TransactionCanceledException);
    expect(await record(k)).toBeUndefined();
    expect(await totalsOf(o.customerId)).toBeUndefined();
  });

  it('refuses a key a claim-mode worker holds with a live lease, and commits over an expired one', async () => {
    // Prepare
    const clock = manualClock();
    const store = new DedupStore({ client: dynamodb, tableName: dedupTable, clock });
    const k = key();
    const o = order(`c-${randomUUID()}`);
    await store.claim(k, { leaseMs: 1_000 });
    // Act
    const whileLive = store.commitOnce(k, effectFor(o));
    await expect(whileLive).rejects.toThrow(ClaimInProgressError);
    clock.advance(2_000);
    const afterLease = await store.commitOnce(k, effectFor(o));
    // Assess
    expect(afterLease).toEqual({ status: 'committed' });
    expect((await totalsOf(o.customerId))?.orderCount?.N).toBe('1');
  });

  it('treats a COMPLETED record past its window as absent', async () => {
    // Prepare
    const clock = manualClock();
    const store = new DedupStore({ client: dynamodb, tableName: dedupTable, clock, windowSeconds: 60 });
    const k = key();
    const o = order(`c-${randomUUID()}`);
    await store.commitOnce(k, effectFor(o));
    // Act (the window ends on a whole second after it, rounded up)
    clock.advance(62_000);
    const again = await store.commitOnce(k, effectFor(o));
    // Assess
    expect(again).toEqual({ status: 'committed' });
    expect((await totalsOf(o.customerId))?.orderCount?.N).toBe('2');
  });
});

describe('DynamoDB requests per message through the queue worker', () => {
  let sqs: SQSClient;
  let queueUrl: string;
  let dlqUrl: string;

  beforeAll(async () => {
    sqs = new SQSClient(clientConfig({ service: 'sqs' }));
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `orders-${suffix}` }))).QueueUrl ?? '';
    dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `orders-dlq-${suffix}` }))).QueueUrl ?? '';
  });

  afterAll(async () => {
    await Promise.all([queueUrl, dlqUrl].map((QueueUrl) => sqs.send(new DeleteQueueCommand({ QueueUrl }))));
    sqs.destroy();
  });

  it('costs 1 request for a first-time message in atomic mode and 1 for a duplicate', async () => {
    // Prepare: count every request on the wire (per attempt, after the SDK's retry middleware)
    const counted = new DynamoDBClient(clientConfig());
    const requests: string[] = [];
    counted.middlewareStack.add(
      (next, context) => async (args) => {
        requests.push(context.commandName as string);
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'countRequests' },
    );
    const handler = createQueueWorker({
      schema: OrderJob,
      dedup: { store: new DedupStore({ client: counted, tableName: dedupTable }), scope: 'orders' },
      atomic: (o) => orderWrite(o, { tableName: ordersTable, totalsTableName: totalsTable, processedAt: 1 }),
      sqs,
      queueUrl,
      dlqUrl,
      logger: new Logger({ logLevel: 'SILENT' }),
      metrics: new Metrics({ namespace: 'test' }),
    });
    const body = { ...order(), orderId: randomUUID() };
    // Act
    const first = await handler(sqsEvent([sqsRecord({ body })]), testContext());
    const firstRequests = requests.splice(0);
    const duplicate = await handler(sqsEvent([sqsRecord({ body })]), testContext());
    // Assess
    expect(first.batchItemFailures).toEqual([]);
    expect(duplicate.batchItemFailures).toEqual([]);
    expect(firstRequests).toEqual(['TransactWriteItemsCommand']);
    expect(requests).toEqual(['TransactWriteItemsCommand']);
    counted.destroy();
  });
});

function order() {
  return { customerId: `c-${suffix}`, amountCents: 250, items: [{ sku: 'SKU-2', quantity: 2, unitPriceCents: 125 }] };
}
