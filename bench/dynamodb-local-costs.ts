import { CreateTableCommand, DynamoDBClient, PutItemCommand, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal } from '../local/emulators/dynamodb-local.ts';
import { clientConfig } from '../shared/aws-clients.ts';
import { forEachConcurrently } from '../shared/concurrency.ts';
import { descendantCpuSeconds } from './process-cpu.ts';

// Profiling aid, not part of `npm run bench`: what each kind of write costs DynamoDB Local (wall time and
// JVM CPU per request, 50 in flight), to explain where the queue benchmark's time goes.
// Run: tsx bench/dynamodb-local-costs.ts [requests]
Object.assign(process.env, { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' });
const requests = Number(process.argv[2] ?? 2000);
const emulator = await startDynamoDbLocal();
process.env.AWS_ENDPOINT_URL_DYNAMODB = emulator.endpoint;
const client = new DynamoDBClient(clientConfig());
try {
  for (const table of ['bench-a', 'bench-b', 'bench-c']) {
    await client.send(new CreateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] }));
  }
  const put = (table: string, pk: string) => ({ TableName: table, Item: { pk: { S: pk }, status: { S: 'IN_PROGRESS' }, n: { N: '1' } } });
  const update = (table: string, pk: string) => ({ TableName: table, Key: { pk: { S: pk } }, UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } } });
  const kinds: [string, (i: number, round: string) => Promise<unknown>][] = [
    ['PutItem (conditional, new key)', (i, r) => client.send(new PutItemCommand({ ...put('bench-a', `${r}-${i}`), ConditionExpression: 'attribute_not_exists(pk)' }))],
    ['UpdateItem (ADD)', (i, r) => client.send(new UpdateItemCommand(update('bench-b', `${r}-${i % 200}`)))],
    ['TransactWriteItems, 2 items', (i, r) => client.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: put('bench-a', `${r}-t2-${i}`) }, { Update: update('bench-b', `${r}-t2-${i}`) }] }))],
    ['TransactWriteItems, 3 items', (i, r) => client.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: put('bench-a', `${r}-t3-${i}`) }, { Update: update('bench-b', `${r}-t3-${i}`) }, { Update: update('bench-c', `${r}-t3-${i}`) }] }))],
  ];
  for (const round of ['warm', 'measure']) {
    for (const [name, send] of kinds) {
      const cpuBefore = descendantCpuSeconds(process.pid);
      const started = performance.now();
      await forEachConcurrently(requests, 50, async (i) => {
        await send(i, round);
      });
      const seconds = (performance.now() - started) / 1000;
      const cpu = descendantCpuSeconds(process.pid) - cpuBefore;
      if (round === 'measure') console.log(`${name.padEnd(32)} ${(requests / seconds).toFixed(0).padStart(6)} req/s   JVM CPU ${((cpu / requests) * 1000).toFixed(2)} ms/request`);
    }
  }
} finally {
  client.destroy();
  await emulator.stop();
}
process.exit(0);
