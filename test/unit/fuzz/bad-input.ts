import fc from 'fast-check';
import type { SQSMessageAttribute, SQSMessageAttributes } from 'aws-lambda';
import { ENVELOPE_ATTRIBUTES } from '../../../shared/envelope.ts';
import { OrderJob } from '../../../examples/orders/lib/order-schema.ts';

/**
 * The oracle of the bad-input tests: what must become of an order body, decided without the worker's code
 * (JSON first, then the schema).
 *
 * @example
 * expect(outcomeOf(record)).toBe(expectedBodyFate(record.body));
 */
export function expectedBodyFate(body: string): 'effect' | 'malformed' | 'schema-invalid' {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'malformed';
  }
  return OrderJob.safeParse(json).success ? 'effect' : 'schema-invalid';
}

/** A valid order, so mutations of it are bad in one place at a time. */
export const validOrder = { orderId: 'o-1', customerId: 'c-1', amountCents: 998, items: [{ sku: 'SKU-1', quantity: 2, unitPriceCents: 499 }] };

/** Values JSON can hold that no schema field of an order accepts everywhere. */
const oddValue = fc.oneof(
  fc.constant(null),
  fc.constant(''),
  fc.constant(-1),
  fc.constant(1.5),
  fc.constant(1e308),
  fc.constant(Number.MAX_SAFE_INTEGER + 2),
  fc.string(),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

/**
 * Bodies no order pipeline should accept: random text (often not JSON), JSON of any shape, truncated
 * JSON, orders with one field replaced, removed or its amount off by some cents, prototype-pollution keys,
 * very deep nesting.
 *
 * @example
 * fc.assert(fc.property(badBody, (body) => ...));
 */
export const badBody: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.json({ maxDepth: 3 }),
  fc.json({ maxDepth: 2 }).map((json) => json.slice(0, Math.max(0, json.length - 1))),
  fc.tuple(fc.constantFrom('orderId', 'customerId', 'amountCents', 'items'), oddValue).map(([field, value]) => JSON.stringify({ ...validOrder, [field]: value })),
  fc.constantFrom('orderId', 'customerId', 'amountCents', 'items').map((field) => JSON.stringify({ ...validOrder, [field]: undefined })),
  fc.integer({ min: 1, max: 1_000 }).map((off) => JSON.stringify({ ...validOrder, amountCents: validOrder.amountCents + off })),
  fc.tuple(fc.constantFrom('sku', 'quantity', 'unitPriceCents'), oddValue).map(([field, value]) => JSON.stringify({ ...validOrder, items: [{ ...validOrder.items[0], [field]: value }] })),
  fc.constant('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
  fc.integer({ min: 100, max: 5_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.constantFrom('', ' ', 'null', 'true', '0', '"order"', '[]', '{}', '\u0000', '\ufeff{}', 'NaN', '{"orderId": "o-1", '),
);

function attribute(dataType: string, stringValue: string): SQSMessageAttribute {
  return { dataType, stringValue, stringListValues: [], binaryListValues: [] };
}

const oddNumberText = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', ' ', '-1', '1.5', 'NaN', 'Infinity', '1e400', '0x10', '9007199254740993', '١٢٣'),
  fc.double().map(String),
  fc.bigInt().map(String),
);

/**
 * Message attributes with sluice's own attributes set to values out of range or of the wrong type,
 * beside random user attributes; each may also be left out.
 *
 * @example
 * fc.assert(fc.property(badAttributes, (attributes) => ...));
 */
export const badAttributes: fc.Arbitrary<SQSMessageAttributes> = fc
  .record(
    {
      deliverAt: fc.tuple(fc.constantFrom('Number', 'String', 'Binary', 'Number.custom'), oddNumberText),
      expiresAt: fc.tuple(fc.constantFrom('Number', 'String'), oddNumberText),
      hops: fc.tuple(fc.constantFrom('Number', 'String'), oddNumberText),
      dedupKey: fc.oneof(fc.constant(''), fc.string({ unit: 'binary', maxLength: 50 }), fc.string({ minLength: 1_025, maxLength: 1_100 })),
      extra: fc.dictionary(fc.string({ minLength: 1, maxLength: 20 }), fc.string({ maxLength: 20 }), { maxKeys: 4 }),
    },
    { requiredKeys: [] },
  )
  .map((a) => {
    const attributes: SQSMessageAttributes = {};
    for (const [name, value] of Object.entries(a.extra ?? {})) attributes[name] = attribute('String', value);
    if (a.deliverAt) attributes[ENVELOPE_ATTRIBUTES.deliverAt] = attribute(...a.deliverAt);
    if (a.expiresAt) attributes[ENVELOPE_ATTRIBUTES.expiresAt] = attribute(...a.expiresAt);
    if (a.hops) attributes[ENVELOPE_ATTRIBUTES.hops] = attribute(...a.hops);
    if (a.dedupKey !== undefined) attributes[ENVELOPE_ATTRIBUTES.dedupKey] = attribute('String', a.dedupKey);
    return attributes;
  });
