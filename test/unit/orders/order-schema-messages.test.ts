import { OrderJob } from '../../../examples/orders/lib/order-schema.ts';
import { SchemaValidationError } from '../../../shared/errors.ts';
import { validateWithSchema } from '../../../shared/schema.ts';

// This file must not import classic zod: importing it loads zod's English messages for every schema in
// the process, which would hide a `zod/mini` schema that forgot its locale.
describe('the sample order schema (zod/mini)', () => {
  it.each([
    [
      'an empty order id and a zero quantity',
      { orderId: '', customerId: 'c-1', amountCents: 1, items: [{ sku: 'S', quantity: 0, unitPriceCents: 5 }] },
      'orderId: Too small: expected string to have >=1 characters; items.0.quantity: Too small: expected number to be >=1; amountCents: amountCents must equal the sum of quantity × unitPriceCents',
    ],
    [
      'wrong types',
      { orderId: 1, customerId: 'c-1', amountCents: '5', items: [] },
      'orderId: Invalid input: expected string, received number; amountCents: Invalid input: expected number, received string; items: Too small: expected array to have >=1 items',
    ],
    ['a body that is not an object', 'order', '(root): Invalid input: expected object, received string'],
  ])('names each problem of %s in words, as classic zod does, for the DLQ reason', async (_case, body, expected) => {
    // Act
    const error = await validateWithSchema(OrderJob, body, 'body').then(
      () => undefined,
      (err: unknown) => err,
    );

    // Assess
    expect(error).toBeInstanceOf(SchemaValidationError);
    expect((error as SchemaValidationError).message).toBe(`body does not match the schema: ${expected}`);
  });
});
