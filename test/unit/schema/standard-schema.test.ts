import type { StandardSchemaV1 } from '@standard-schema/spec';
import { DLQ_ATTRIBUTES } from '../../../shared/envelope.ts';
import { ConfigurationError } from '../../../shared/errors.ts';
import { createQueueWorker } from '../../../shared/queue/worker.ts';
import { validateWithSchemaSync } from '../../../shared/schema.ts';
import { sqsEvent, sqsRecord, testContext } from '../../helpers/sqs-events.ts';
import { quietWorkerWiring, TEST_DLQ_URL as DLQ_URL } from '../queue/quiet-worker.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';


/** A Standard Schema written by hand, as any library other than zod would expose one. */
function positiveCount(options: { async?: boolean } = {}): StandardSchemaV1<unknown, { count: number }> {
  const validate = (value: unknown): StandardSchemaV1.Result<{ count: number }> => {
    const count = (value as { count?: unknown } | null)?.count;
    if (typeof count === 'number' && count > 0) return { value: { count } };
    return { issues: [{ message: 'must be a positive number', path: [{ key: 'count' }] }] };
  };
  return { '~standard': { version: 1, vendor: 'hand-written', validate: options.async ? async (value) => validate(value) : validate } };
}

function worker(schema: StandardSchemaV1<unknown, { count: number }>) {
  const { sqs, wiring } = quietWorkerWiring();
  const handled: number[] = [];
  const handler = createQueueWorker({
    schema,
    handle: async (payload) => {
      handled.push(payload.count);
    },
    ...wiring,
  });
  return { sqs, handled, handler };
}

describe('Standard Schema: any validation library', () => {
  it.each([
    ['synchronous', positiveCount()],
    ['asynchronous', positiveCount({ async: true })],
  ])('runs a worker on a hand-written %s Standard Schema and dead-letters what it refuses with its path and message', async (_kind, schema) => {
    // Prepare
    const { sqs, handled, handler } = worker(schema);
    const records = [sqsRecord({ body: { count: 3 } }), sqsRecord({ body: { count: -1 } })];

    // Act
    const response = await handler(sqsEvent(records), testContext());

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(handled).toEqual([3]);
    const attributes = sqs.to(DLQ_URL)[0]?.input.MessageAttributes as Record<string, { StringValue: string }>;
    expect(attributes[DLQ_ATTRIBUTES.reason]?.StringValue).toBe('schema-invalid');
    expect(attributes[DLQ_ATTRIBUTES.error]?.StringValue).toBe('body does not match the schema: count: must be a positive number');
  });

  it('refuses an asynchronous schema where validation cannot wait, instead of passing an unvalidated value on', () => {
    // Act
    const validate = () => validateWithSchemaSync(positiveCount({ async: true }), { count: 1 }, 'payload p-1');

    // Assess
    expect(validate).toThrow(ConfigurationError);
    expect(validate).toThrow(/payload p-1: the schema validates asynchronously/);
  });
});
