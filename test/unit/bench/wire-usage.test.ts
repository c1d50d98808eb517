import { costPerMillion } from '../../../bench/cost.ts';
import { modelThroughput } from '../../../bench/latency-model.ts';
import type { QueueRun } from '../../../bench/queue-benchmark.ts';
import { dynamoDbUnits, itemSize, wireUsage } from '../../../bench/wire-usage.ts';

const exchange = (operation: string, request: unknown, status = 200, response: unknown = {}) => ({
  operation,
  requestBody: JSON.stringify(request),
  status,
  responseBody: JSON.stringify(response),
  fault: 'none' as const,
});

describe('what a DynamoDB request is billed (bench/wire-usage.ts)', () => {
  it('sizes an item by its names and values, lists and maps included', () => {
    // Act
    const size = itemSize({ orderId: { S: 'o-1' }, amountCents: { N: '1250' }, items: { L: [{ M: { sku: { S: 'SKU-1' } } }] } });

    // Assess: 7+3, 11+3, 5+(3+1+(3+3+5+1))
    expect(size).toBe(10 + 14 + 21);
  });

  it.each([
    ['PutItem of a small item', 'PutItem', { Item: { pk: { S: 'a' } } }, { writeUnits: 1, readUnits: 0 }],
    ['PutItem of a 2.5 KB item', 'PutItem', { Item: { pk: { S: 'a' }, body: { S: 'x'.repeat(2500) } } }, { writeUnits: 3, readUnits: 0 }],
    ['a three-item transaction', 'TransactWriteItems', { TransactItems: [{ Put: { Item: { pk: { S: 'a' } } } }, { Update: {} }, { ConditionCheck: {} }] }, { writeUnits: 6, readUnits: 0 }],
    ['an eventually consistent GetItem', 'GetItem', { Key: {} }, { writeUnits: 0, readUnits: 0.5 }],
    ['a strongly consistent GetItem', 'GetItem', { Key: {}, ConsistentRead: true }, { writeUnits: 0, readUnits: 1 }],
  ])('bills %s', (_case, operation, request, units) => {
    // Act
    const billed = dynamoDbUnits(operation, request);

    // Assess
    expect(billed).toEqual(units);
  });

  it('counts refused conditional writes and cancelled transactions at full price, only while started, and empty receives apart', () => {
    // Prepare
    const usage = wireUsage();
    const cancelled = { __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException', message: 'Transaction cancelled' };
    usage.dynamodb(exchange('PutItem', { Item: { pk: { S: 'before' } } }));

    // Act
    usage.start();
    usage.dynamodb(exchange('TransactWriteItems', { TransactItems: [{ Put: { Item: { pk: { S: 'a' } } } }, { Update: {} }] }, 400, cancelled));
    usage.dynamodb(exchange('PutItem', { Item: { pk: { S: 'b' } } }, 400, { __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException' }));
    usage.sqs(exchange('ReceiveMessage', {}, 200, { Messages: [{}, {}] }));
    usage.sqs(exchange('ReceiveMessage', {}, 200, {}));
    const seen = usage.stop();
    usage.dynamodb(exchange('PutItem', { Item: { pk: { S: 'after' } } }));

    // Assess
    expect(seen.dynamodb.TransactWriteItems).toEqual({ requests: 1, refused: 1, writeUnits: 4, readUnits: 0 });
    expect(seen.dynamodb.PutItem).toEqual({ requests: 1, refused: 1, writeUnits: 1, readUnits: 0 });
    expect(seen.sqs.ReceiveMessage).toEqual({ requests: 2, empty: 1, messages: 2 });
  });
});

describe('costPerMillion (bench/cost.ts)', () => {
  it('prices the measured units on demand: DynamoDB units, Lambda GB-seconds and requests, SQS requests without empty receives plus the sends', () => {
    // Prepare: 1,000 messages, 6 WRU each, 100 invocations of 50 ms at 512 MiB, 100 receives + 100 deletes (+ 7 empty receives).
    const run = {
      worker: 'sluice',
      messages: 1000,
      invocations: 100,
      billedMs: 5000,
      memoryMb: 512,
      wire: {
        dynamodb: { TransactWriteItems: { requests: 1000, refused: 0, writeUnits: 6000, readUnits: 0 } },
        sqs: { ReceiveMessage: { requests: 107, empty: 7, messages: 1000 }, DeleteMessageBatch: { requests: 100, empty: 0, messages: 0 } },
      },
    } as unknown as QueueRun;

    // Act
    const cost = costPerMillion([run]);

    // Assess
    expect(cost.dynamodb).toBeCloseTo(3.75, 6);
    expect(cost.lambda).toBeCloseTo((2.5 / 1000) * 13.3334 + 0.1 * 0.2, 6);
    expect(cost.sqsRequests).toBeCloseTo(0.3, 6);
    expect(cost.sqs).toBeCloseTo(0.12, 6);
    expect(cost.total).toBeCloseTo(cost.dynamodb + cost.lambda + cost.sqs, 9);
  });

  it('refuses to price a run that did not go through the proxies', () => {
    // Act
    const price = () => costPerMillion([{ worker: 'sluice', messages: 10 } as unknown as QueueRun]);

    // Assess
    expect(price).toThrow(/no wire usage/);
  });
});

describe('modelThroughput (bench/latency-model.ts)', () => {
  const run = (dynamodb: Record<string, number>) =>
    ({
      messages: 100,
      wire: { dynamodb: Object.fromEntries(Object.entries(dynamodb).map(([op, requests]) => [op, { requests, refused: 0, writeUnits: 0, readUnits: 0 }])), sqs: {} },
    }) as unknown as QueueRun;
  const fixed = { dynamodb: { byOperation: { TransactWriteItems: { p50Ms: 30, p99Ms: 30 } }, default: { p50Ms: 10, p99Ms: 10 } }, sqs: { default: { p50Ms: 5, p99Ms: 5 } } };

  it('adds each message\'s calls in turn and the mapping\'s receive and delete around the batch', () => {
    // Act: one transaction per message against a put, a transaction and an update.
    const one = modelThroughput([run({ TransactWriteItems: 100 })], fixed);
    const three = modelThroughput([run({ PutItem: 100, TransactWriteItems: 100, UpdateItem: 100 })], fixed);

    // Assess: 5 + 30 + 5 ms and 5 + 50 + 5 ms per batch of 10.
    expect(one.batchMs).toBeCloseTo(40, 6);
    expect(three.batchMs).toBeCloseTo(60, 6);
    expect(one.messagesPerSecondPerBatch).toBeCloseTo(250, 6);
  });

  it('makes an operation seen 0.8 times per message in 80 % of the messages, so a batch waits for its slowest message', () => {
    // Act
    const model = modelThroughput([run({ PutItem: 100, TransactWriteItems: 80 })], fixed);

    // Assess: with 10 messages a batch almost always holds one that makes both calls.
    expect(model.batchMs).toBeCloseTo(50, 6);
  });
});
