import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so two bodies that differ only in key order hash alike.
 * Arrays keep their order (order is data there).
 *
 * @example
 * canonicalJson({ b: 1, a: [2, { d: 1, c: 0 }] }); // '{"a":[2,{"c":0,"d":1}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const source = value as Record<string, unknown>;
    // fromEntries defines own properties, so a "__proto__" key in the body stays data.
    return Object.fromEntries(Object.keys(source).sort().map((key) => [key, sortKeys(source[key])]));
  }
  return value;
}

/**
 * Hex SHA-256 of the canonical JSON of a payload.
 *
 * @example
 * contentHash({ orderId: 'o-1' }) === contentHash(JSON.parse('{"orderId":"o-1"}')); // true
 */
export function contentHash(payload: unknown): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('hex');
}

/** Where an idempotency key came from (logged and useful in tests). */
export type IdempotencyKeySource = 'attribute' | 'content-hash' | 'message-id';

/**
 * The idempotency key of a message: the producer's explicit dedup key, else a hash of the canonical
 * body, else (last resort, e.g. content hashing turned off) the SQS message id, which only absorbs
 * redeliveries of the very same message.
 *
 * @example
 * idempotencyKey({ explicitKey: undefined, payload: { orderId: 'o-1' }, messageId: 'm-1' });
 * // { key: '5f1c…', source: 'content-hash' }
 */
export function idempotencyKey(input: {
  explicitKey?: string | undefined;
  /** The parsed body; `undefined` skips content hashing. */
  payload?: unknown;
  messageId: string;
}): { key: string; source: IdempotencyKeySource } {
  if (input.explicitKey !== undefined && input.explicitKey !== '') return { key: input.explicitKey, source: 'attribute' };
  if (input.payload !== undefined) return { key: contentHash(input.payload), source: 'content-hash' };
  return { key: input.messageId, source: 'message-id' };
}

/**
 * The dedup table key: `scope#idempotencyKey`. The scope keeps pipelines that share a table apart.
 *
 * @example
 * dedupRecordKey('orders', 'o-1'); // 'orders#o-1'
 */
export function dedupRecordKey(scope: string, key: string): string {
  return `${scope}#${key}`;
}
