import type { KinesisStreamRecord } from 'aws-lambda';
import { MalformedMessageError } from '../errors.ts';
import { validateWithSchemaSync, type Schema } from '../schema.ts';

/**
 * Decodes a Kinesis record's data: base64 → UTF-8 → JSON. Bad data is a permanent failure
 * ({@link MalformedMessageError}): retrying the same bytes can never succeed.
 *
 * @example
 * const payload = decodeRecordData(record); // unknown JSON
 */
export function decodeRecordData(record: KinesisStreamRecord): unknown {
  const text = Buffer.from(record.kinesis.data, 'base64').toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new MalformedMessageError(`record ${record.kinesis.sequenceNumber} is not JSON`, { cause: err });
  }
}

/**
 * Validates a decoded payload with a (synchronous) Standard Schema; a mismatch is a permanent
 * {@link SchemaValidationError} naming each failing path.
 *
 * @example
 * const order = validatePayload(orderEventSchema, decodeRecordData(record), record.kinesis.sequenceNumber);
 */
export function validatePayload<T>(schema: Schema<T>, payload: unknown, sequenceNumber: string): T {
  return validateWithSchemaSync(schema, payload, `record ${sequenceNumber}`);
}
