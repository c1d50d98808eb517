import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clientConfig } from '../../shared/aws-clients.ts';
import type { Clock } from '../../shared/clock.ts';
import { readFirst } from '../../shared/dedup/read-first.ts';
import { DedupStore } from '../../shared/dedup/store.ts';

const dedupTable = `dedup-read-first-${randomUUID().slice(0, 8)}`;
const ordersTable = `orders-read-first-${randomUUID().slice(0, 8)}`;
const dynamodb = new DynamoDBClient(clientConfig());

/** Every operation this client sends, by name. */
function countedClient(): { client: DynamoDBClient; operations: string[] } {
  const client = new DynamoDBClient(clientConfig());
  const operations: string[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      operations.push(String(context.commandName).replace(/Command$/, ''));
      return next(args);
    },
    { step: 'initialize', name: 'testOperationCounter' },
  );
  return { client, operations };
}

const clockAt = (now: number): Clock & { now(): number; set(ms: number): void } => {
  let at = now;
  return { now: () => at, set: (ms) => (at = ms) };
};
const orderPut = (orderId: string) => [{ Put: { TableName: ordersTable, Item: { orderId: { S: orderId } } } }];

beforeAll(async () => {
  for (const [TableName, key] of [[dedupTable, 'pk'], [ordersTable, 'orderId']] as const) {
    await dynamodb.send(new CreateTableCommand({ TableName, AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }], KeySchema: [{ AttributeName: key, KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
  }
});

afterAll(async () => {
  await Promise.all([dedupTable, ordersTable].map((TableName) => dynamodb.send(new DeleteTableCommand({ TableName }))));
  dynamodb.destroy();
});

describe('DedupStore.findCompleted and read-first, against DynamoDB Local', () => {
  it('finds a committed key done, and an absent key, a live claim or a record past its window not done', async () => {
    // Prepare
    const clock = clockAt(Date.now());
    const store = new DedupStore({ client: dynamodb, tableName: dedupTable, windowSeconds: 60, clock });
    const [committed, claimed, absent] = ['committed', 'claimed', 'absent'].map((name) => `test#${name}-${randomUUID()}`) as [string, string, string];
    await store.commitOnce(committed, orderPut(committed));
    await store.claim(claimed, { leaseMs: 30_000 });

    // Act
    const found = await Promise.all([committed, claimed, absent].map((key) => store.findCompleted(key)));
    clock.set(clock.now() + 62_000);
    const afterWindow = await store.findCompleted(committed);

    // Assess
    expect(found[0]).toEqual({ status: 'duplicate', completedAt: expect.any(Number) });
    expect(found.slice(1)).toEqual([undefined, undefined]);
    expect(afterWindow).toBeUndefined();
  });

  it('answers a duplicate with one GetItem instead of a refused TransactWriteItems when reading first, and commits a new key once', async () => {
    // Prepare
    const { client, operations } = countedClient();
    const store = readFirst(new DedupStore({ client, tableName: dedupTable }), 'always');
    const key = `test#${randomUUID()}`;

    // Act
    const first = await store.commitOnce(key, orderPut(key));
    const copy = await store.commitOnce(key, orderPut(key));

    // Assess
    expect([first.status, copy.status]).toEqual(['committed', 'duplicate']);
    expect(operations).toEqual(['GetItem', 'TransactWriteItems', 'GetItem']);
    client.destroy();
  });
});
