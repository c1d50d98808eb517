import { randomUUID } from 'node:crypto';
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../shared/aws-clients.ts';
import { startFaultProxy, type FaultProxy } from '../../local/faults/fault-proxy.ts';
import { startProxiedTable, type ProxiedTable } from '../helpers/proxied-table.ts';

const table = `fault-proxy-${randomUUID().slice(0, 8)}`;
let proxied: ProxiedTable;
let direct: DynamoDBClient;
let dynamodbProxy: FaultProxy;
let viaProxy: DynamoDBClient;

beforeAll(async () => {
  proxied = await startProxiedTable(table, 3);
  ({ direct, proxy: dynamodbProxy, viaProxy } = proxied);
});

afterAll(async () => {
  await proxied?.stop();
});

const put = (pk: string) => new PutItemCommand({ TableName: table, Item: { pk: { S: pk } } });

describe('the fault proxy speaks each service\'s real errors, so the SDK treats them as on AWS', () => {
  it('throttles DynamoDB with ProvisionedThroughputExceededException / ThrottlingException, which the SDK retries before giving up', async () => {
    // Prepare
    dynamodbProxy.setRules([{ operations: ['PutItem'], throttleRate: 1 }]);

    // Act
    const errors = [await viaProxy.send(put('a')).catch((e: unknown) => e), await viaProxy.send(put('b')).catch((e: unknown) => e)] as (Error & { $metadata: { attempts?: number }; $retryable?: { throttling?: boolean } })[];
    dynamodbProxy.setRules(undefined);

    // Assess
    expect(errors.map((e) => e.name).sort()).toEqual(['ProvisionedThroughputExceededException', 'ThrottlingException']);
    for (const error of errors) expect(error.$metadata.attempts).toBe(3);
    expect(await direct.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'a' } } }))).not.toHaveProperty('Item');
  });

  it('loses a response after the write happened: the client sees a 500, the item is there', async () => {
    // Prepare
    dynamodbProxy.setRules([{ operations: ['PutItem'], lostResponseRate: 1 }]);

    // Act
    const error = (await viaProxy.send(put('lost')).catch((e: unknown) => e)) as Error & { $metadata: { httpStatusCode?: number } };
    dynamodbProxy.setRules(undefined);

    // Assess
    expect(error.$metadata.httpStatusCode).toBe(500);
    expect((await direct.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'lost' } } }))).Item).toEqual({ pk: { S: 'lost' } });
  });

  it('resets connections during an outage and forwards again after it', async () => {
    // Act: the proxy goes down at once and stays down, half a second at a time, until the put (with the
    // SDK's retries) has given up: on a busy machine it may reach the proxy later than any fixed outage ends.
    const duringPut: { settled?: boolean } = {};
    const outage = (async () => {
      do await dynamodbProxy.outage(500);
      while (!duringPut.settled);
    })();
    const during = await viaProxy.send(put('during')).catch((e: unknown) => e as Error);
    duringPut.settled = true;
    await outage;
    const after = await viaProxy.send(put('after'));

    // Assess
    expect(during).toBeInstanceOf(Error);
    expect(dynamodbProxy.stats.refused).toBeGreaterThan(0);
    expect(after.$metadata.httpStatusCode).toBe(200);
  });

  it('throttles SQS with RequestThrottled, recognised by the SDK', async () => {
    // Prepare
    const sqsProxy = await startFaultProxy({ target: process.env.AWS_ENDPOINT_URL_SQS!, service: 'sqs', seed: 4 });
    const sqs = new SQSClient({ ...clientConfig({ service: 'sqs' }), endpoint: sqsProxy.endpoint, maxAttempts: 1 });
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `fault-proxy-${randomUUID().slice(0, 8)}` }));
    try {
      sqsProxy.setRules([{ operations: ['GetQueueAttributes'], throttleRate: 1 }]);

      // Act
      const error = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] })).catch((e: unknown) => e)) as Error;

      // Assess
      expect(error.name).toBe('RequestThrottled');
      expect(sqsProxy.stats.throttled).toBe(1);
    } finally {
      sqsProxy.setRules(undefined);
      await sqs.send(new DeleteQueueCommand({ QueueUrl }));
      sqs.destroy();
      await sqsProxy.stop();
    }
  });
});
