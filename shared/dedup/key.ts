import { createHash } from 'node:crypto';
import { ConfigurationError } from '../errors.ts';
import { canonicalJsonText } from './canonical-json.ts';

/** Separates the scope from the idempotency key in a dedup record key; a scope may not contain it. */
export const DEDUP_SCOPE_SEPARATOR = '#';

/**
 * The RFC 8785 canonical form of a value as `JSON.stringify` would send it (`toJSON` applied, so a
 * `Date` is its ISO string; `undefined` members dropped), so it matches the canonical form of the body
 * a producer sends. See {@link canonicalJsonText} for the rules.
 *
 * @throws TypeError for values JSON cannot carry (a `bigint`, a cycle).
 * @example
 * canonicalJson({ b: 1, a: [2, { d: 1, c: 0 }], '10': 0, '9': 0 }); // '{"10":0,"9":0,"a":[2,{"c":0,"d":1}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw new TypeError(`${typeof value} has no JSON form`);
  return canonicalJsonText(text);
}

/**
 * Hex SHA-256 of the canonical form of a message body (JSON text): what a sluice consumer keys a message
 * on when it has no explicit dedup key. Any language can reproduce it with an RFC 8785 library, for
 * bodies whose numbers stay within ±2^53 (see {@link canonicalJsonText} for the one extension).
 *
 * @throws SyntaxError when `body` is not JSON.
 * @example
 * bodyContentHash('{"b":2,"a":1}') === bodyContentHash('{ "a": 1.0, "b": 2 }'); // true
 */
export function bodyContentHash(body: string): string {
  return createHash('sha256').update(canonicalJsonText(body)).digest('hex');
}

/**
 * Hex SHA-256 of the canonical form of a payload as it would be sent: equal to
 * `bodyContentHash(JSON.stringify(payload))`.
 *
 * @example
 * contentHash({ orderId: 'o-1' }) === bodyContentHash('{"orderId":"o-1"}'); // true
 */
export function contentHash(payload: unknown): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('hex');
}

/** Where an idempotency key came from (logged and useful in tests). */
export type IdempotencyKeySource = 'attribute' | 'content-hash' | 'message-id';

/**
 * The idempotency key of a message: the producer's explicit dedup key, else a hash of the canonical
 * body text (never of a schema's output: coercions and stripped keys must not merge distinct messages),
 * else (last resort, e.g. content hashing turned off) the message id, which only absorbs copies that
 * carry it (redeliveries, and sluice's hop and DLQ copies through `sluice-origin-id`).
 *
 * @throws SyntaxError when `body` is given and is not JSON.
 * @example
 * idempotencyKey({ explicitKey: undefined, body: '{"orderId":"o-1"}', messageId: 'm-1' });
 * // { key: '5f1c…', source: 'content-hash' }
 */
export function idempotencyKey(input: {
  explicitKey?: string | undefined;
  /** The raw message body (JSON text); `undefined` skips content hashing. */
  body?: string | undefined;
  messageId: string;
}): { key: string; source: IdempotencyKeySource } {
  if (input.explicitKey !== undefined && input.explicitKey !== '') return { key: input.explicitKey, source: 'attribute' };
  if (input.body !== undefined) return { key: bodyContentHash(input.body), source: 'content-hash' };
  return { key: input.messageId, source: 'message-id' };
}

/**
 * Checks a dedup scope: 1–255 characters without `#`, so `scope#key` splits one way only (the key, which
 * comes with the message, may hold any character).
 *
 * @throws ConfigurationError naming the scope.
 * @example
 * checkDedupScope('orders'); // ok
 * checkDedupScope('a#b'); // throws
 */
export function checkDedupScope(scope: string): void {
  if (scope.length === 0 || scope.length > 255 || scope.includes(DEDUP_SCOPE_SEPARATOR)) {
    throw new ConfigurationError(`dedup scope must be 1–255 characters without "${DEDUP_SCOPE_SEPARATOR}", got ${JSON.stringify(scope)}`);
  }
}

/**
 * The dedup table key: `scope#idempotencyKey`. The scope keeps pipelines that share a table apart, and
 * as it holds no `#`, the first `#` always ends it: `a` + `b#c` and `a#b` + `c` cannot meet.
 *
 * @throws ConfigurationError when the scope is not valid (see {@link checkDedupScope}).
 * @example
 * dedupRecordKey('orders', 'o-1'); // 'orders#o-1'
 */
export function dedupRecordKey(scope: string, key: string): string {
  checkDedupScope(scope);
  return `${scope}${DEDUP_SCOPE_SEPARATOR}${key}`;
}
