import fc from 'fast-check';
import type { BatchRecord } from '../../shared/batch/fields.ts';
import type { JobSpecInput } from '../../shared/batch/job-spec.ts';
import { orderAggregates } from '../../examples/orders/demo/batch-orders.ts';

/** fast-check: order-like records with a small key space so groups and ties are frequent. */
export const orderRecord = (): fc.Arbitrary<BatchRecord> =>
  fc.record({
    region: fc.constantFrom('eu', 'us', 'ap', 'sa'),
    customer: fc.integer({ min: 0, max: 20 }).map((n) => `c-${n}`),
    amount: fc.integer({ min: -1_000, max: 1_000_000 }),
    day: fc.integer({ min: 1, max: 5 }),
  });

/** Generated orders: the demo's generator, shared so tests and `npm start` run the same data. */
export { generateOrders } from '../../examples/orders/demo/batch-orders.ts';

/** A valid job spec with sensible defaults; override any field. */
export function jobSpecInput(overrides: Partial<JobSpecInput> = {}): JobSpecInput {
  return {
    jobId: 'job-1',
    input: { format: 'jsonl', s3: { bucket: 'in-bucket', key: 'orders.jsonl' } },
    partition: { key: 'customer', count: 4 },
    sort: { key: 'amount', direction: 'asc' },
    groupBy: 'region',
    aggregates: orderAggregates(3),
    output: { bucket: 'out-bucket', prefix: 'results/' },
    badRecordPolicy: 'fail',
    ...overrides,
  };
}
