/**
 * Every error sluice throws on purpose extends {@link SluiceError}, so callers can tell ours from the
 * SDK's or the user's with one `instanceof`. `retryable` says whether trying again can help: permanent
 * errors go to the DLQ at once, retryable ones go back to the queue.
 *
 * @example
 * try { ... } catch (err) { if (err instanceof SluiceError && !err.retryable) toDlq(err.reason); }
 */
export class SluiceError extends Error {
  /** Whether a later attempt may succeed. */
  readonly retryable: boolean = false;
  /** Short machine-readable reason, used as the DLQ `sluice-reason` attribute. */
  readonly reason: string = 'error';

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The message body is not JSON. Permanent. */
export class MalformedMessageError extends SluiceError {
  override readonly reason = 'malformed';
}

/** The body parsed but does not match the pipeline's schema. Permanent. */
export class SchemaValidationError extends SluiceError {
  override readonly reason = 'schema-invalid';
  constructor(
    message: string,
    readonly issues: readonly { path: string; message: string }[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The message arrived after its `expiresAt`. Permanent. */
export class MessageExpiredError extends SluiceError {
  override readonly reason = 'expired';
}

/** A payload is larger than the service accepts (SQS 1 MiB, Kinesis 1 MiB). Refused at the producer. */
export class PayloadTooLargeError extends SluiceError {
  override readonly reason = 'payload-too-large';
}

/** Another invocation holds a live claim on this idempotency key. Retryable. */
export class ClaimInProgressError extends SluiceError {
  override readonly retryable = true;
  override readonly reason = 'in-progress';
}

/** A claim was lost (lease expired and taken over) before complete/release. Retryable. */
export class ClaimLostError extends SluiceError {
  override readonly retryable = true;
  override readonly reason = 'claim-lost';
}

/**
 * Too little of the invocation is left to claim or commit a message safely (a claim's lease ends with
 * the invocation, so a claim taken at the deadline is free for another invocation at once). Retryable:
 * the record goes back to the queue untouched.
 */
export class OutOfTimeError extends SluiceError {
  override readonly retryable = true;
  override readonly reason = 'out-of-time';
}

/**
 * A TransactWriteItems was cancelled with `TransactionConflict`: another transaction was writing one of
 * its items (a busy effect row, or the same dedup key). Retryable; the worker retries it in-process first.
 */
export class TransactionConflictError extends SluiceError {
  override readonly retryable = true;
  override readonly reason = 'transaction-conflict';
  constructor(
    message: string,
    /** Whether the dedup record's own item conflicted (another copy being committed), not only effect items. */
    readonly onDedupRecord: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Claim mode: the effect ran but its completion could not be recorded after retries. Retryable; the
 * claim is kept (never released after an effect), so no copy runs the effect again before its lease ends.
 */
export class CompletionFailedError extends SluiceError {
  override readonly retryable = true;
  override readonly reason = 'completion-failed';
}

/** `sluice-deliver-at` lies further ahead than the worker's horizon (it would hop for that long). Permanent. */
export class DeliverAtTooFarError extends SluiceError {
  override readonly reason = 'delay-too-long';
}

/** A message attribute sluice owns (deliverAt, expiresAt, dedup key) has an invalid value. Permanent. */
export class InvalidAttributeError extends SluiceError {
  override readonly reason = 'invalid-attribute';
}

/** A batch job spec failed validation; the message names the field. */
export class JobSpecError extends SluiceError {
  override readonly reason = 'invalid-job-spec';
}

/** Required configuration (an environment variable) is missing or invalid. */
export class ConfigurationError extends SluiceError {
  override readonly reason = 'configuration';
}

/**
 * Some entries of a batch send were still refused after the producer's own retries (the rest were sent);
 * `failed` names each with its code. Retryable as a whole, because most refusals are throttling or
 * internal errors; an entry refused for a sender fault (its `code`) will be refused again.
 */
export class PartialSendError extends SluiceError {
  override readonly retryable = true;
  override readonly reason = 'partial-send';
  constructor(
    message: string,
    readonly failed: readonly { id: string; code?: string; message?: string }[],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A handler ran past its function timeout. */
export class InvocationTimeoutError extends SluiceError {
  override readonly retryable = true;
  override readonly reason = 'timeout';
}

/** Whether an error is one sluice classified as permanent (never worth retrying). */
export function isPermanent(err: unknown): err is SluiceError {
  return err instanceof SluiceError && !err.retryable;
}

/** A delay (deliverAt / DelaySeconds) was asked of a FIFO queue, which has no per-message delay. Permanent. */
export class DelayUnsupportedError extends SluiceError {
  override readonly reason = 'delay-unsupported';
}

/** A batch job input record could not be parsed (policy `fail`). Names the 1-based input line. Permanent. */
export class BadRecordError extends SluiceError {
  override readonly reason = 'bad-record';
  constructor(
    message: string,
    readonly line: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** S3 refused an object (or a part of one) as too large for one request (HTTP 413, `EntityTooLarge`). Permanent. */
export class ObjectTooLargeError extends SluiceError {
  override readonly reason = 'object-too-large';
}

/** A batch aggregate outgrew its documented bound (e.g. distinct values per group). Permanent. */
export class AggregateLimitError extends SluiceError {
  override readonly reason = 'aggregate-limit';
}

/** A resource the caller named (a queue, a dead-letter queue, an execution) is not part of the app. */
export class ResourceNotFoundError extends SluiceError {
  override readonly reason = 'not-found';
}
