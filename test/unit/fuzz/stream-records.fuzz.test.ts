import fc from 'fast-check';
import type { KinesisStreamRecord } from 'aws-lambda';
import { MalformedMessageError, SchemaValidationError, type SluiceError } from '../../../shared/errors.ts';
import { orderEventSchema, orderRevenuePipeline } from '../../../examples/orders/lib/order-revenue-pipeline.ts';
import { processWindowBatch } from '../../../shared/stream/processor.ts';
import type { WindowPartCommit } from '../../../shared/stream/window-results.ts';
import { kinesisRecord, orderEvent, tumblingWindowEvent } from '../../helpers/kinesis-events.ts';

/** Record data no order pipeline should aggregate as is: random bytes, any JSON, order events with one field spoiled. */
const badData: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.uint8Array({ maxLength: 100 }).map((bytes) => Buffer.from(bytes).toString('latin1')),
  fc.json({ maxDepth: 3 }),
  fc
    .tuple(fc.constantFrom('type', 'orderId', 'customerId', 'category', 'amountCents', 'seq'), fc.oneof(fc.constant(null), fc.string(), fc.integer({ min: -5, max: 5 }), fc.double(), fc.boolean()))
    .map(([field, value]) => JSON.stringify({ ...orderEvent(), [field]: value })),
  fc.constantFrom('', 'null', '[]', '{}', '{"type":"order"', '\ufeff{}'),
);

/** Decides a record's fate without the processor: not JSON or not an order event → rejected; else aggregated or filtered. */
function expectedFate(data: string): 'rejected' | 'counted' {
  try {
    return orderEventSchema.safeParse(JSON.parse(data)).success ? 'counted' : 'rejected';
  } catch {
    return 'rejected';
  }
}

class RecordingReporter {
  readonly reported: { sequenceNumber: string; error: SluiceError }[] = [];
  async report(record: KinesisStreamRecord, error: SluiceError): Promise<void> {
    this.reported.push({ sequenceNumber: record.kinesis.sequenceNumber, error });
  }
}

let generated = 0;

describe('the stream order pipeline under fuzzed record data (fast-check)', () => {
  afterAll(() => {
    expect(generated).toBeGreaterThanOrEqual(1_000);
    process.stdout.write(`stream record fuzz: ${generated} generated records\n`);
  });

  it('aggregates, filters or reports every record with a permanent reason, never failing the batch or losing one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(badData, { minLength: 1, maxLength: 20 }), fc.boolean(), async (data, final) => {
        // Prepare
        generated += data.length;
        const records = data.map((d) => kinesisRecord(d));
        const failures = new RecordingReporter();
        const commits: WindowPartCommit[] = [];
        const closes: unknown[] = [];
        const results = {
          commit: async (c: WindowPartCommit) => (commits.push(c), { status: 'committed' as const }),
          close: async (c: unknown) => (closes.push(c), 'closed' as const),
        };

        // Act
        const { response, summary } = await processWindowBatch(tumblingWindowEvent(records, { final }), orderRevenuePipeline('fuzz'), {
          results,
          failures,
        });

        // Assess
        expect(response.batchItemFailures).toEqual([]);
        expect(summary.aggregated + summary.filtered + summary.rejected).toBe(records.length);
        const rejected = records.filter((_, i) => expectedFate(data[i]!) === 'rejected').map((r) => r.kinesis.sequenceNumber);
        expect(failures.reported.map((r) => r.sequenceNumber)).toEqual(rejected);
        for (const { error } of failures.reported) {
          expect(error instanceof MalformedMessageError || error instanceof SchemaValidationError).toBe(true);
          expect(error.message).toMatch(/^record \d+ /);
        }
        // Every aggregated or rejected record is in a committed part; the final invocation closes the window.
        expect(commits.reduce((n, c) => n + c.part.records + c.part.rejected, 0)).toBe(summary.aggregated + summary.rejected);
        expect(closes).toHaveLength(final ? 1 : 0);
      }),
      { numRuns: 250, seed: 20261127 },
    );
  });
});
