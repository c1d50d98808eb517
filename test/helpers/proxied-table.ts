import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { clientConfig } from '../../shared/aws-clients.ts';
import { startFaultProxy, type FaultProxy } from '../../local/faults/fault-proxy.ts';

/** A DynamoDB Local table (key `pk`) reached both directly and through a fault proxy. */
export interface ProxiedTable {
  /** Talks to DynamoDB Local itself: to see what really happened. */
  readonly direct: DynamoDBClient;
  readonly proxy: FaultProxy;
  /** Talks through the proxy: what the code under test uses. */
  readonly viaProxy: DynamoDBClient;
  /** Deletes the table and stops the proxy and both clients. */
  stop(): Promise<void>;
}

/**
 * Creates `table` on DynamoDB Local (`AWS_ENDPOINT_URL_DYNAMODB`) and starts a fault proxy in front of it.
 *
 * @example
 * const proxied = await startProxiedTable(`fault-proxy-${randomUUID().slice(0, 8)}`, 3);
 * proxied.proxy.setRules([{ operations: ['PutItem'], throttleRate: 1 }]);
 * await proxied.stop();
 */
export async function startProxiedTable(table: string, seed: number): Promise<ProxiedTable> {
  const direct = new DynamoDBClient(clientConfig());
  await direct.send(new CreateTableCommand({ TableName: table, AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }));
  const proxy = await startFaultProxy({ target: process.env.AWS_ENDPOINT_URL_DYNAMODB!, service: 'dynamodb', seed });
  const viaProxy = new DynamoDBClient({ ...clientConfig(), endpoint: proxy.endpoint });
  return {
    direct,
    proxy,
    viaProxy,
    stop: async () => {
      viaProxy.destroy();
      await proxy.stop();
      await direct.send(new DeleteTableCommand({ TableName: table }));
      direct.destroy();
    },
  };
}
