/**
 * The `sluice send` command shown as an example (in `sluice dev`'s banner and `sluice send --help`): ten
 * orders the Orders sample's schema accepts (examples/orders/lib/order-schema.ts: the amount is the sum
 * of the lines), so trying it shows orders processed, not dead-lettered.
 *
 * @example
 * console.log(`try: ${EXAMPLE_SEND}`);
 */
export const EXAMPLE_SEND =
  `sluice send Orders --count 10 --template '{"orderId":"o-{{i}}","customerId":"c-1","amountCents":998,"items":[{"sku":"SKU-1","quantity":2,"unitPriceCents":499}]}'`;
