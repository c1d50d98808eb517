import { SendMessageCommand, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import fc from 'fast-check';
import { ENVELOPE_ATTRIBUTES } from '../../shared/envelope.ts';
import type { OrderJob } from '../../examples/orders/lib/order-schema.ts';
import { badBody, expectedBodyFate } from '../unit/fuzz/bad-input.ts';
import { drainDeadLetters, startOrdersRuntime, writtenOrders } from '../helpers/orders-runtime.ts';

const MESSAGES = 300;

/** A sluice attribute whose value is never a non-negative integer (or, for the dedup key, too long). */
const badSluiceAttribute = fc.oneof(
  fc.tuple(fc.constantFrom(ENVELOPE_ATTRIBUTES.deliverAt, ENVELOPE_ATTRIBUTES.expiresAt, ENVELOPE_ATTRIBUTES.hops), fc.constantFrom('-1', '1.5', 'soon', '1e400', 'NaN', '')),
  fc.tuple(fc.constant(ENVELOPE_ATTRIBUTES.dedupKey), fc.string({ minLength: 1_025, maxLength: 1_100 })),
);

/** What must become of a message, decided without the worker: attributes first, then JSON, then the schema. */
function expectedFate(body: string, badAttribute: boolean): 'invalid-attribute' | ReturnType<typeof expectedBodyFate> {
  return badAttribute ? 'invalid-attribute' : expectedBodyFate(body);
}

describe('the Orders pipeline under fuzzed bad input, through the local runtime', () => {
  it(`processes, dead-letters with its reason, or sees SQS refuse each of ${MESSAGES} generated messages, and loses none`, async () => {
    // Prepare
    const runtime = await startOrdersRuntime();
    const inputs = fc.sample(fc.tuple(badBody, fc.option(badSluiceAttribute, { nil: undefined, freq: 2 })), { numRuns: MESSAGES, seed: 20261125 });
    try {
      // Act
      const accepted: { body: string; fate: ReturnType<typeof expectedFate> }[] = [];
      const refused: string[] = [];
      for (const [body, attribute] of inputs) {
        const attributes: Record<string, MessageAttributeValue> = attribute ? { [attribute[0]]: { DataType: 'String', StringValue: attribute[1] } } : {};
        try {
          await runtime.clients.sqs.send(new SendMessageCommand({ QueueUrl: runtime.output('OrdersQueueUrl'), MessageBody: body, MessageAttributes: attributes }));
          accepted.push({ body, fate: expectedFate(body, attribute !== undefined) });
        } catch (err) {
          refused.push((err as Error).name);
        }
      }
      await runtime.drain({ timeoutMs: 120_000 });

      // Assess: SQS refuses only what its API forbids, with a named error
      process.stdout.write(`runtime fuzz: ${inputs.length} generated, ${accepted.length} accepted by SQS, ${refused.length} refused (${[...new Set(refused)].join(', ')})\n`);
      expect(accepted.length).toBeGreaterThan(MESSAGES / 2);
      for (const name of refused) expect(name).toMatch(/^(AWS\.SimpleQueueService\.)?(InvalidMessageContents|MissingParameter|InvalidParameterValue|InvalidAttributeValue|InvalidAttributeName)$/);
      // Assess: every bad message is in the DLQ once with the predicted reason; every valid order took effect
      const dead = await drainDeadLetters(runtime, runtime.output('OrdersDeadLetterQueueUrl'));
      const deadKeys = dead.map((d) => `${d.reason}\u0000${d.body}`).sort();
      const expectedDead = accepted.filter((a) => a.fate !== 'effect').map((a) => `${a.fate}\u0000${a.body}`).sort();
      expect(deadKeys).toEqual(expectedDead);
      const validIds = new Set(accepted.filter((a) => a.fate === 'effect').map((a) => (JSON.parse(a.body) as OrderJob).orderId));
      expect(await writtenOrders(runtime)).toEqual(validIds);
    } finally {
      await runtime.stop();
    }
  }, 300_000);
});
