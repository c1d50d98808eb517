import {
  DLQ_ATTRIBUTES,
  ENVELOPE_ATTRIBUTES,
  MAX_ERROR_LENGTH,
  deadLetterAttributes,
  envelopeAttributes,
  hopAttributes,
  readEnvelope,
  sqsAttributeText,
  toSendAttributes,
} from '../../../shared/envelope.ts';
import { InvalidAttributeError } from '../../../shared/errors.ts';
import { numberAttribute, stringAttribute } from '../../helpers/sqs-events.ts';

const info = { reason: 'expired', error: 'too late', sourceMessageId: 'm-1', failedAt: 1_700_000_000_000 };

describe('readEnvelope', () => {
  it('reads the dedup key, deliverAt, expiresAt and hops', () => {
    // Act
    const envelope = readEnvelope({
      [ENVELOPE_ATTRIBUTES.dedupKey]: stringAttribute('order-1'),
      [ENVELOPE_ATTRIBUTES.deliverAt]: numberAttribute(1_700_000_900_000),
      [ENVELOPE_ATTRIBUTES.expiresAt]: numberAttribute(1_700_001_000_000),
      [ENVELOPE_ATTRIBUTES.hops]: numberAttribute(3),
    });
    // Assess
    expect(envelope).toEqual({ dedupKey: 'order-1', deliverAt: 1_700_000_900_000, expiresAt: 1_700_001_000_000, hops: 3 });
  });

  it('defaults to no metadata and zero hops', () => {
    expect(readEnvelope(undefined)).toEqual({ hops: 0 });
  });

  it.each([
    ['deliverAt not a number', { [ENVELOPE_ATTRIBUTES.deliverAt]: numberAttribute('soon') }],
    ['expiresAt fractional', { [ENVELOPE_ATTRIBUTES.expiresAt]: numberAttribute('1.5') }],
    ['expiresAt negative', { [ENVELOPE_ATTRIBUTES.expiresAt]: numberAttribute(-1) }],
    ['hops empty', { [ENVELOPE_ATTRIBUTES.hops]: numberAttribute('') }],
    ['deliverAt in hexadecimal', { [ENVELOPE_ATTRIBUTES.deliverAt]: numberAttribute('0x10') }],
    ['expiresAt in exponent notation', { [ENVELOPE_ATTRIBUTES.expiresAt]: numberAttribute('1e3') }],
    ['hops with padding', { [ENVELOPE_ATTRIBUTES.hops]: numberAttribute(' 2 ') }],
    ['dedup key empty', { [ENVELOPE_ATTRIBUTES.dedupKey]: stringAttribute('') }],
    ['dedup key too long', { [ENVELOPE_ATTRIBUTES.dedupKey]: stringAttribute('k'.repeat(1025)) }],
  ])('rejects %s with InvalidAttributeError', (_case, attributes) => {
    expect(() => readEnvelope(attributes)).toThrow(InvalidAttributeError);
  });
});

describe('envelopeAttributes', () => {
  it('writes times and hops as Number and the dedup key as String', () => {
    expect(envelopeAttributes({ dedupKey: 'k', deliverAt: 5, expiresAt: 6, hops: 0 })).toEqual({
      [ENVELOPE_ATTRIBUTES.dedupKey]: { DataType: 'String', StringValue: 'k' },
      [ENVELOPE_ATTRIBUTES.deliverAt]: { DataType: 'Number', StringValue: '5' },
      [ENVELOPE_ATTRIBUTES.expiresAt]: { DataType: 'Number', StringValue: '6' },
      [ENVELOPE_ATTRIBUTES.hops]: { DataType: 'Number', StringValue: '0' },
    });
  });

  it('round-trips through readEnvelope', () => {
    // Prepare
    const sent = envelopeAttributes({ dedupKey: 'k', deliverAt: 5, expiresAt: 6, hops: 2 });
    const received = Object.fromEntries(
      Object.entries(sent).map(([name, v]) => [name, { dataType: v.DataType ?? '', stringValue: v.StringValue }]),
    );
    // Act & Assess
    expect(readEnvelope(received)).toEqual({ dedupKey: 'k', deliverAt: 5, expiresAt: 6, hops: 2 });
  });
});

describe('toSendAttributes', () => {
  it('converts the Lambda event shape to the SDK shape, decoding binary values', () => {
    // Act
    const attributes = toSendAttributes({
      text: stringAttribute('hi'),
      blob: { dataType: 'Binary', binaryValue: Buffer.from([1, 2, 3]).toString('base64') },
    });
    // Assess
    expect(attributes.text).toEqual({ DataType: 'String', StringValue: 'hi' });
    expect(Buffer.from(attributes.blob?.BinaryValue ?? [])).toEqual(Buffer.from([1, 2, 3]));
  });
});

describe('hopAttributes', () => {
  it('keeps every original attribute and sets the hop counter', () => {
    // Act
    const { attributes, hopsRecorded } = hopAttributes(
      { [ENVELOPE_ATTRIBUTES.hops]: numberAttribute(1), tenant: stringAttribute('t-1') },
      2,
    );
    // Assess
    expect(hopsRecorded).toBe(true);
    expect(attributes).toEqual({
      [ENVELOPE_ATTRIBUTES.hops]: { DataType: 'Number', StringValue: '2' },
      tenant: { DataType: 'String', StringValue: 't-1' },
    });
  });

  it('leaves the counter out rather than dropping a user attribute when 10 are taken', () => {
    // Prepare
    const ten = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, stringAttribute(String(i))]));
    // Act
    const { attributes, hopsRecorded } = hopAttributes(ten, 1);
    // Assess
    expect(hopsRecorded).toBe(false);
    expect(Object.keys(attributes).sort()).toEqual(Object.keys(ten).sort());
  });

  it('records the origin id of a message keyed on its id, keeping one already there', () => {
    // Act
    const first = hopAttributes({}, 1, 'm-1');
    const later = hopAttributes({ [ENVELOPE_ATTRIBUTES.originId]: stringAttribute('m-0') }, 2, 'm-1');
    // Assess
    expect(first.attributes[ENVELOPE_ATTRIBUTES.originId]).toEqual({ DataType: 'String', StringValue: 'm-1' });
    expect(later.attributes[ENVELOPE_ATTRIBUTES.originId]).toEqual({ DataType: 'String', StringValue: 'm-0' });
  });

  it('gives the last free attribute to the origin id (dedup needs it) before the hop counter (it only counts)', () => {
    // Prepare
    const nine = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`a${i}`, stringAttribute(String(i))]));
    // Act
    const { attributes, hopsRecorded, originRecorded } = hopAttributes(nine, 1, 'm-1');
    // Assess
    expect(originRecorded).toBe(true);
    expect(hopsRecorded).toBe(false);
    expect(Object.keys(attributes)).toHaveLength(10);
  });
});

describe('readEnvelope: origin id', () => {
  it('takes the source message id of a dead letter moved back by SQS\'s move task as its origin', () => {
    expect(readEnvelope({ [DLQ_ATTRIBUTES.sourceMessageId]: stringAttribute('m-0') }).originId).toBe('m-0');
    expect(readEnvelope({ [DLQ_ATTRIBUTES.sourceMessageId]: stringAttribute('m-0'), [ENVELOPE_ATTRIBUTES.originId]: stringAttribute('m-first') }).originId).toBe('m-first');
  });

  it('reads sluice-origin-id and refuses an empty one', () => {
    expect(readEnvelope({ [ENVELOPE_ATTRIBUTES.originId]: stringAttribute('m-1') }).originId).toBe('m-1');
    expect(() => readEnvelope({ [ENVELOPE_ATTRIBUTES.originId]: stringAttribute('') })).toThrow(InvalidAttributeError);
  });
});

describe('sqsAttributeText', () => {
  it('replaces lone surrogates and characters SQS refuses, keeping well-formed pairs', () => {
    expect(sqsAttributeText('a\ud83db \u0000\u0008\ufffe 😀\t\n', 100)).toBe('a\ufffdb \ufffd\ufffd\ufffd 😀\t\n');
  });

  it('never ends a cut text with half a surrogate pair', () => {
    for (let max = 2; max < 12; max += 1) {
      const text = sqsAttributeText('😀'.repeat(10), max);
      expect(text.isWellFormed()).toBe(true);
      expect(text.length).toBeLessThanOrEqual(max);
      expect(text.endsWith('…')).toBe(true);
    }
  });

  it('gives a dead letter a non-empty reason and error whatever the error said', () => {
    const attributes = deadLetterAttributes({}, { ...info, reason: '', error: '' });
    expect(attributes[DLQ_ATTRIBUTES.reason]?.StringValue).toBe('error');
    expect(attributes[DLQ_ATTRIBUTES.error]?.StringValue).toBe('error');
  });
});

describe('deadLetterAttributes', () => {
  it('adds reason, error, source message id and failure time beside all original attributes', () => {
    // Act
    const attributes = deadLetterAttributes(
      { tenant: stringAttribute('t-1'), [ENVELOPE_ATTRIBUTES.expiresAt]: numberAttribute(10) },
      info,
    );
    // Assess
    expect(attributes).toEqual({
      [DLQ_ATTRIBUTES.reason]: { DataType: 'String', StringValue: 'expired' },
      [DLQ_ATTRIBUTES.error]: { DataType: 'String', StringValue: 'too late' },
      [DLQ_ATTRIBUTES.sourceMessageId]: { DataType: 'String', StringValue: 'm-1' },
      [DLQ_ATTRIBUTES.failedAt]: { DataType: 'Number', StringValue: '1700000000000' },
      tenant: { DataType: 'String', StringValue: 't-1' },
      [ENVELOPE_ATTRIBUTES.expiresAt]: { DataType: 'Number', StringValue: '10' },
    });
  });

  it('truncates a long error text', () => {
    // Act
    const attributes = deadLetterAttributes({}, { ...info, error: 'x'.repeat(5_000) });
    // Assess
    expect(attributes[DLQ_ATTRIBUTES.error]?.StringValue).toHaveLength(MAX_ERROR_LENGTH);
  });

  it('stays within 10 attributes, keeping sluice attributes first and packing the rest into one overflow attribute', () => {
    // Prepare
    const original = {
      ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`user-${i}`, stringAttribute(`v${i}`)])),
      [ENVELOPE_ATTRIBUTES.dedupKey]: stringAttribute('k'),
      [ENVELOPE_ATTRIBUTES.expiresAt]: numberAttribute(10),
    };
    // Act
    const attributes = deadLetterAttributes(original, info);
    // Assess
    expect(Object.keys(attributes)).toHaveLength(10);
    expect(attributes[ENVELOPE_ATTRIBUTES.dedupKey]?.StringValue).toBe('k');
    expect(attributes[ENVELOPE_ATTRIBUTES.expiresAt]?.StringValue).toBe('10');
    expect(attributes['user-0']?.StringValue).toBe('v0');
    expect(attributes['user-2']?.StringValue).toBe('v2');
    const overflow = JSON.parse(attributes[DLQ_ATTRIBUTES.overflow]?.StringValue ?? '{}') as Record<string, { stringValue: string }>;
    expect(Object.keys(overflow)).toEqual(['user-3', 'user-4', 'user-5', 'user-6', 'user-7']);
    expect(overflow['user-7']?.stringValue).toBe('v7');
  });
});
