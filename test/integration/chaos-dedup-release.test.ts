import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { clientConfig } from '../../shared/aws-clients.ts';
import { DedupStore } from '../../shared/dedup/store.ts';
import { startFaultProxy, type FaultProxy } from '../../local/faults/fault-proxy.ts';

const suffix = randomUUID().slice(0, 8);
const dedupTable = `dedup-release-${suffix}`;
const totalsTable = `totals-release-${suffix}`;
const direct = new DynamoDBClient(clientConfig());
let proxy: FaultProxy;
let throughProxy: DynamoDBClient;

async function createTable(name: string, key: string) {
  await direct.send(
    new CreateTableCommand({ TableName: name, AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }], KeySchema: [{ AttributeName: key, KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }),
  );
}

const addOne = (customerId: string) => [
  { Update: { TableName: totalsTable, Key: { customerId: { S: customerId } }, UpdateExpression: 'ADD orderCount :one', ExpressionAttributeValues: { ':one': { N: '1' } } } },
];

beforeAll(async () => {
  await Promise.all([createTable(dedupTable, 'pk'), createTable(totalsTable, 'customerId')]);
  proxy = await startFaultProxy({ target: process.env.AWS_ENDPOINT_URL_DYNAMODB!, service: 'dynamodb', seed: 1 });
  throughProxy = new DynamoDBClient({ ...clientConfig(), endpoint: proxy.endpoint });
});

afterAll(async () => {
  throughProxy.destroy();
  await proxy.stop();
  await Promise.all([dedupTable, totalsTable].map((TableName) => direct.send(new DeleteTableCommand({ TableName }))));
  direct.destroy();
});

describe('dedup under a lost transaction response (found by the chaos suite)', () => {
  it('keeps a committed key COMPLETED when the worker releases it after the SDK gave up on a transaction that did commit', async () => {
    // Prepare: every TransactWriteItems commits but its answer is lost, so the SDK's retries all fail too.
    const store = new DedupStore({ client: throughProxy, tableName: dedupTable });
    const key = `orders#${randomUUID()}`;
    const claim = await store.claim(key, { leaseMs: 30_000 });
    if (claim.status !== 'claimed') throw new Error('expected a fresh claim');
    proxy.setRules([{ operations: ['TransactWriteItems'], lostResponseRate: 1 }]);

    // Act: what the message processor does when completeWith throws a retryable error.
    await expect(store.completeWith(key, claim.token, addOne('c-1'))).rejects.toThrow();
    proxy.setRules(undefined);
    await store.release(key, claim.token).catch(() => undefined);
    const redelivery = await store.claim(key, { leaseMs: 30_000 });

    // Assess: the effect happened once, so the redelivery must be a duplicate.
    expect(proxy.stats.lostResponses).toBeGreaterThan(0);
    const { Item: totals } = await direct.send(new GetItemCommand({ TableName: totalsTable, Key: { customerId: { S: 'c-1' } }, ConsistentRead: true }));
    expect(totals?.orderCount?.N).toBe('1');
    expect(redelivery.status).toBe('duplicate');
  });
});
