import type { SQSRecord } from 'aws-lambda';
import { checkDedupScope, dedupRecordKey, idempotencyKey } from '../dedup/key.ts';
import type { Envelope } from '../envelope.ts';
import { ConfigurationError, MalformedMessageError } from '../errors.ts';
import { commitAtomically, DEFAULT_TIME_MARGIN_MS, keyedSerial, runClaimed } from './dedup-effects.ts';
import type { GuardedOutcome, TimeBudget } from './dedup-effects.ts';
import type { DedupOptions, InvocationInfo, MessageEffect, MessageMeta, MessageOutcome, ProcessingLimits } from './message-processor.ts';

/**
 * Runs an effect and turns a permanent failure into a dead letter (outcome `dead-lettered`); a retryable
 * failure rejects, so the record goes back to the queue.
 */
export type SettleEffect = (record: SQSRecord, effect: () => Promise<MessageOutcome>) => Promise<MessageOutcome>;

/**
 * How the effect of a valid message runs, chosen once when a processor is built (see {@link effectMode}):
 * without dedup, claimed (claim → `handle` → complete) or atomic (the effect's writes commit with the dedup record).
 */
export interface EffectMode<T> {
  /**
   * The id a delay hop's copy must carry in `sluice-origin-id`: with dedup keyed on the message id
   * (`hashContent: false`) and no explicit key, the id its dedup record is keyed on; else none.
   */
  readonly hopOriginId: (envelope: Envelope, messageId: string) => string | undefined;
  /** Runs the effect of one message whose payload passed the schema. */
  readonly run: (payload: T, meta: MessageMeta, invocation: InvocationInfo) => Promise<MessageOutcome>;
}

/** What {@link effectMode} needs: the effect, the dedup settings and the timing limits of a processor. */
export type EffectModeOptions<T> = MessageEffect<T> & Pick<ProcessingLimits, 'timeMarginMs' | 'retryTiming'> & { dedup?: DedupOptions };

const NO_EFFECT = 'a message processor needs an effect: give handle or atomic';

/** The dedup-guarded effect of one message, given its dedup key and time budget. */
type Guard<T> = (key: string, payload: T, meta: MessageMeta, budget: TimeBudget) => Promise<MessageOutcome>;

/**
 * Picks the effect mode of a processor from its options, once: the per-message path then runs the mode
 * it was given with no branching on `dedup`, `handle` or `atomic`.
 *
 * @throws ConfigurationError when `atomic` comes without `dedup`, when neither `handle` nor `atomic` is
 *   given, or when the dedup scope holds a `#`.
 * @example
 * const mode = effectMode({ atomic: (order) => orderWrites(order), dedup: { store, scope: 'orders' } }, settle);
 * const outcome = await mode.run(order, meta, { fifo: false, remainingTimeMs: () => context.getRemainingTimeInMillis() });
 */
export function effectMode<T>(options: EffectModeOptions<T>, settle: SettleEffect): EffectMode<T> {
  const { dedup, handle, atomic } = options;
  if (!dedup) {
    if (atomic) throw new ConfigurationError('atomic mode needs dedup: the effect commits with the dedup record');
    if (!handle) throw new ConfigurationError(NO_EFFECT);
    return withoutDedup(handle, settle);
  }
  checkDedupScope(dedup.scope);
  const limits = { marginMs: options.timeMarginMs ?? DEFAULT_TIME_MARGIN_MS, timing: options.retryTiming ?? {} };
  const { store } = dedup;
  let guard: Guard<T>;
  if (atomic) {
    // One TransactWriteItems holds the effect and the dedup record: no claim, nothing to release.
    guard = async (key, payload, meta, budget) => outcomeOf(await commitAtomically(store, key, await atomic(payload, meta), budget, limits.timing));
  } else if (handle) {
    guard = async (key, payload, meta, budget) => outcomeOf(await runClaimed(store, key, budget, () => handle(payload, meta), limits.timing));
  } else {
    throw new ConfigurationError(NO_EFFECT);
  }
  return guarded(dedup, limits, guard, settle);
}

/** No dedup: `handle` runs on every delivery (at-least-once). */
function withoutDedup<T>(handle: (payload: T, meta: MessageMeta) => Promise<void>, settle: SettleEffect): EffectMode<T> {
  return {
    hopOriginId: () => undefined,
    run: (payload, meta) =>
      settle(meta.record, async () => {
        await handle(payload, meta);
        return { kind: 'processed' };
      }),
  };
}

/** Dedup on: the message's key is stamped on `meta`, and copies of one key take turns (see keyedSerial). */
function guarded<T>(dedup: DedupOptions, limits: { marginMs: number }, guard: Guard<T>, settle: SettleEffect): EffectMode<T> {
  const keysOnMessageId = dedup.hashContent === false;
  const serial = keyedSerial();
  return {
    hopOriginId: (envelope, messageId) => (keysOnMessageId && envelope.dedupKey === undefined ? (envelope.originId ?? messageId) : undefined),
    run: (payload, meta, invocation) => {
      const { envelope, record } = meta;
      let idempotency: ReturnType<typeof idempotencyKey>;
      try {
        idempotency = idempotencyKey({
          explicitKey: envelope.dedupKey,
          // The body as sent, not the schema's output: keys the schema strips (zod drops `__proto__` even from
          // a loose object) or values it coerces (dates, big integers) must not merge distinct messages into one.
          body: keysOnMessageId ? undefined : record.body,
          messageId: envelope.originId ?? record.messageId,
        });
      } catch (err) {
        // JSON.parse accepted the body, so this cannot happen; were it to, retrying would not help.
        const malformed = new MalformedMessageError(`body cannot be canonicalized: ${(err as Error).message}`, { cause: err });
        return settle(record, () => Promise.reject(malformed));
      }
      const dedupKey = dedupRecordKey(dedup.scope, idempotency.key);
      meta.dedupKey = dedupKey;
      meta.dedupKeySource = idempotency.source;
      const budget = { remainingTimeMs: invocation.remainingTimeMs, marginMs: limits.marginMs };
      return serial(dedupKey, () => settle(record, () => guard(dedupKey, payload, meta, budget)));
    },
  };
}

function outcomeOf(guarded: GuardedOutcome): MessageOutcome {
  if (guarded.status === 'duplicate') return { kind: 'duplicate' };
  return guarded.claimLost ? { kind: 'processed', claimLost: true } : { kind: 'processed' };
}
