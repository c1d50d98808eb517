import { randomUUID } from 'node:crypto';
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { FaultProxy } from '../../local/faults/fault-proxy.ts';
import { startProxiedTable, type ProxiedTable } from '../helpers/proxied-table.ts';

const table = `latency-proxy-${randomUUID().slice(0, 8)}`;
let proxied: ProxiedTable;
let proxy: FaultProxy;
let viaProxy: DynamoDBClient;

beforeAll(async () => {
  proxied = await startProxiedTable(table, 9);
  ({ proxy, viaProxy } = proxied);
});

afterAll(async () => {
  await proxied?.stop();
});

const put = (pk: string) => viaProxy.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk } } }));

describe('the fault proxy\'s request latency (the benchmark\'s AWS-like round trips)', () => {
  it('answers no earlier than the latency of the operation, and as fast as the emulator once latency is off', async () => {
    // Prepare: a fixed 150 ms for PutItem (p50 = p99), nothing for other operations.
    proxy.setLatency({ byOperation: { PutItem: { p50Ms: 150, p99Ms: 150 } } });
    const before = { ...proxy.stats };

    // Act
    const started = performance.now();
    await Promise.all([put('a'), put('b'), put('c')]);
    const elapsed = performance.now() - started;
    proxy.setLatency(undefined);
    await put('d');

    // Assess: the three calls overlap (a latency, not a queue) and each was held back, or overran it.
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(proxy.stats.delayed + proxy.stats.latencyOverruns - before.delayed - before.latencyOverruns).toBe(3);
    expect(proxy.stats.forwarded - before.forwarded).toBe(4);
  });
});
