import { Readable } from 'node:stream';
import { DynamoDBClient, PutItemCommand, TransactWriteItemsCommand } from '@aws-sdk/client-dynamodb';
import { installDynamoDbCounter, requestTotals, writeItemsOf } from '../../../bench/dynamodb-counter.ts';

/** A client whose HTTP layer answers from a list of status codes, with no network. */
function scriptedClient(statuses: number[]): DynamoDBClient {
  return new DynamoDBClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 3,
    requestHandler: {
      handle: async () => {
        const statusCode = statuses.shift() ?? 200;
        const body = statusCode === 200 ? '{}' : JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'boom' });
        return { response: { statusCode, headers: { 'content-type': 'application/x-amz-json-1.0' }, body: Readable.from([Buffer.from(body)]) } };
      },
    },
  });
}

describe('installDynamoDbCounter', () => {
  it('counts requests, HTTP attempts and items written by operation, only while started', async () => {
    // Prepare
    const counter = installDynamoDbCounter();
    const client = scriptedClient([500, 200, 200, 200]);
    const put = () => new PutItemCommand({ TableName: 't', Item: { pk: { S: 'a' } } });
    await client.send(put()); // before start: not counted (and uses up the 500 and a 200)
    // Act
    counter.start();
    await client.send(put());
    await client.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: 't', Item: { pk: { S: 'b' } } } }, { Put: { TableName: 't', Item: { pk: { S: 'c' } } } }] }));
    const counts = counter.stop();
    await client.send(put()); // after stop: not counted
    // Assess
    expect(counts).toEqual({
      PutItem: { requests: 1, attempts: 1, writeItems: 1 },
      TransactWriteItems: { requests: 1, attempts: 1, writeItems: 2 },
    });
  });

  it('counts every HTTP attempt of a retried request', async () => {
    // Prepare
    const counter = installDynamoDbCounter();
    const client = scriptedClient([500, 500, 200]);
    // Act
    counter.start();
    await client.send(new PutItemCommand({ TableName: 't', Item: { pk: { S: 'a' } } }));
    const counts = counter.stop();
    // Assess
    expect(counts.PutItem).toEqual({ requests: 1, attempts: 3, writeItems: 1 });
  });
});

describe('writeItemsOf', () => {
  it('counts each item of a transaction and of a batch write', () => {
    expect(writeItemsOf('TransactWriteItems', { TransactItems: [{}, {}, {}] })).toBe(3);
    expect(writeItemsOf('BatchWriteItem', { RequestItems: { a: [{}, {}], b: [{}] } })).toBe(3);
  });

  it('counts one item per single-item write and none per read', () => {
    expect(writeItemsOf('UpdateItem', {})).toBe(1);
    expect(writeItemsOf('GetItem', {})).toBe(0);
  });
});

describe('requestTotals', () => {
  it('prices transactional items at two write units each and plain writes at one', () => {
    // Act
    const totals = requestTotals({
      PutItem: { requests: 10, attempts: 10, writeItems: 10 },
      TransactWriteItems: { requests: 8, attempts: 9, writeItems: 24 },
      GetItem: { requests: 2, attempts: 2, writeItems: 0 },
    });
    // Assess
    expect(totals).toEqual({ requests: 20, writeRequests: 18, writeItems: 34, writeUnits: 58, attempts: 21 });
  });
});
