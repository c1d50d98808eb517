import { MalformedMessageError, SchemaValidationError } from '../../../shared/errors.ts';
import { decodeRecordData, validatePayload } from '../../../shared/stream/decode.ts';
import { orderEventSchema } from '../../../examples/orders/lib/order-revenue-pipeline.ts';
import { kinesisRecord, orderEvent } from '../../helpers/kinesis-events.ts';

describe('decodeRecordData', () => {
  it('decodes base64 JSON data', () => {
    // Prepare
    const record = kinesisRecord({ hello: 'wörld' });
    // Act
    const payload = decodeRecordData(record);
    // Assess
    expect(payload).toEqual({ hello: 'wörld' });
  });

  it.each([['plain text', 'not json'], ['truncated JSON', '{"a":'], ['binary', '\u0000\u00ff']])(
    'rejects %s as a permanent malformed-record error naming the sequence number',
    (_name, bytes) => {
      // Prepare
      const record = kinesisRecord(bytes);
      // Act
      const decode = () => decodeRecordData(record);
      // Assess
      expect(decode).toThrow(MalformedMessageError);
      expect(decode).toThrow(record.kinesis.sequenceNumber);
    },
  );
});

describe('validatePayload', () => {
  it('returns the typed event when it matches the schema', () => {
    // Prepare
    const order = orderEvent({ amountCents: 250 });
    // Act
    const validated = validatePayload(orderEventSchema, order, '1');
    // Assess
    expect(validated).toEqual(order);
  });

  it('lists every failing path of a mismatch', () => {
    // Prepare
    const payload = { ...orderEvent(), amountCents: -1, category: '' };
    // Act
    let error: unknown;
    try {
      validatePayload(orderEventSchema, payload, '42');
    } catch (err) {
      error = err;
    }
    // Assess
    expect(error).toBeInstanceOf(SchemaValidationError);
    expect((error as SchemaValidationError).issues.map((i) => i.path).sort()).toEqual(['amountCents', 'category']);
  });
});
