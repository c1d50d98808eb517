import { createHash } from 'node:crypto';

/**
 * A number in [0, 1) fixed by a seed and the parts that name a decision (a message id, a receive
 * count, a fault kind). Unlike a PRNG stream it does not depend on the order in which concurrent
 * pollers ask, so the same seed injects the same faults into the same deliveries on every run.
 *
 * @example
 * if (seededChoice(7, 'crash', record.messageId, record.attributes.ApproximateReceiveCount) < 0.05) crash();
 */
export function seededChoice(seed: number, ...parts: readonly (string | number)[]): number {
  const digest = createHash('sha256').update(`${seed}\u0000${parts.join('\u0000')}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32;
}
