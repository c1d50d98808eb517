import { orderRecordFate, orderStreamWorkload } from '../../../examples/orders/demo/order-stream-traffic.ts';
import { matchesPattern } from '../../../local/event-filter.ts';
import { orderDataFilter, orderEventSchema, orderRevenuePipeline } from '../../../examples/orders/lib/order-revenue-pipeline.ts';
import { streamFilterPattern } from '../../../shared/stream/contract.ts';

/** What the real pipeline pieces (the mapping's filter, the schema, the transform) do with a record's data. */
function pipelineFate(data: string): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(data);
  } catch {
    decoded = undefined;
  }
  if (!matchesPattern(streamFilterPattern(orderDataFilter), decoded === undefined ? { partitionKey: 'k' } : { partitionKey: 'k', data: decoded })) return 'filtered';
  const parsed = orderEventSchema.safeParse(decoded);
  if (!parsed.success) return 'rejected';
  return orderRevenuePipeline('orders').transform.apply(parsed.data) === undefined ? 'dropped' : 'aggregated';
}

function dataOf(record: { data: unknown }): string {
  return record.data instanceof Uint8Array ? Buffer.from(record.data).toString('utf8') : JSON.stringify(record.data);
}

describe('orderStreamWorkload', () => {
  it('generates exactly the requested number of records, the same for the same seed', () => {
    // Act
    const first = orderStreamWorkload({ events: 2_000, seed: 9 });
    const second = orderStreamWorkload({ events: 2_000, seed: 9 });
    // Assess
    expect(first).toHaveLength(2_000);
    expect(second.map(dataOf)).toEqual(first.map(dataOf));
  });

  it('includes every fate: filtered, rejected (schema-invalid and not JSON), dropped and aggregated', () => {
    // Prepare
    const records = orderStreamWorkload({ events: 2_000, seed: 9 });
    // Act
    const fates = new Set(records.map((r) => orderRecordFate(dataOf(r)).fate));
    const notJson = records.filter((r) => r.data instanceof Uint8Array).length;
    // Assess
    expect([...fates].sort()).toEqual(['aggregated', 'dropped', 'filtered', 'rejected']);
    expect(notJson).toBeGreaterThan(0);
  });
});

describe('orderRecordFate', () => {
  it("agrees with the sample pipeline's filter, schema and transform on every generated record", () => {
    // Prepare
    const records = orderStreamWorkload({ events: 3_000, seed: 4, malformed: 30 });
    // Act
    const disagreements = records.map(dataOf).filter((data) => orderRecordFate(data).fate !== pipelineFate(data));
    // Assess
    expect(disagreements).toEqual([]);
  });
});
