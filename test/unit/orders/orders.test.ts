import { orderWrite } from '../../../examples/orders/lib/order-effect.ts';
import { OrderJob } from '../../../examples/orders/lib/order-schema.ts';

const order = {
  orderId: 'o-1',
  customerId: 'c-1',
  amountCents: 1_098,
  items: [
    { sku: 'SKU-1', quantity: 2, unitPriceCents: 499 },
    { sku: 'SKU-2', quantity: 1, unitPriceCents: 100 },
  ],
};

describe('OrderJob', () => {
  it('accepts a well-formed order', () => {
    expect(OrderJob.parse(order)).toEqual(order);
  });

  it.each([
    ['a negative amount', { ...order, amountCents: -1 }],
    ['a fractional amount', { ...order, amountCents: 10.5 }],
    ['an amount that is not the sum of the lines', { ...order, amountCents: 1_000 }],
    ['no items', { ...order, items: [], amountCents: 0 }],
    ['more than 50 items', { ...order, items: Array.from({ length: 51 }, () => ({ sku: 'S', quantity: 1, unitPriceCents: 0 })), amountCents: 0 }],
    ['a missing customerId', { ...order, customerId: undefined }],
  ])('rejects %s', (_case, candidate) => {
    expect(OrderJob.safeParse(candidate).success).toBe(false);
  });
});

describe('orderWrite', () => {
  it("adds the order to its customer's totals and puts it into the orders table, keyed by orderId", () => {
    // Act
    const effect = orderWrite(OrderJob.parse(order), { tableName: 'orders', totalsTableName: 'totals', processedAt: 1_700_000_000_000 });
    // Assess
    expect(effect).toEqual([
      {
        Update: {
          TableName: 'totals',
          Key: { customerId: { S: 'c-1' } },
          UpdateExpression: 'ADD orderCount :one, totalCents :amount',
          ExpressionAttributeValues: { ':one': { N: '1' }, ':amount': { N: '1098' } },
        },
      },
      {
        Put: {
          TableName: 'orders',
          Item: {
            orderId: { S: 'o-1' },
            customerId: { S: 'c-1' },
            amountCents: { N: '1098' },
            items: {
              L: [
                { M: { sku: { S: 'SKU-1' }, quantity: { N: '2' }, unitPriceCents: { N: '499' } } },
                { M: { sku: { S: 'SKU-2' }, quantity: { N: '1' }, unitPriceCents: { N: '100' } } },
              ],
            },
            processedAt: { N: '1700000000000' },
          },
        },
      },
    ]);
  });
});
