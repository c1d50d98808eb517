import { ChangeMessageVisibilityBatchCommand, ChangeMessageVisibilityCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';

interface Hold {
  handle: string;
  /** Epoch ms until which SQS keeps the message from other readers, as far as we know. */
  hiddenUntil: number;
}

/** Error codes of a receipt handle that no longer holds its message: another reader received it since, or it is gone. */
const LOST_HOLD = new Set(['ReceiptHandleIsInvalid', 'MessageNotInflight']);

/**
 * Received messages this process keeps hidden from other readers, for as long as it needs them: each was
 * received with `visibilityTimeout` seconds, and every third of that the whole set is extended again
 * (ChangeMessageVisibilityBatch), so a long `--rate` wait never lets a message reappear while it waits its
 * turn. The timeout itself only bounds how long a killed process leaves its messages hidden. A hold SQS
 * says is lost (another reader received the message since) is dropped, and {@link confirm} tells the
 * caller before it acts on a message it no longer owns.
 *
 * @example
 * const held = new HeldMessages(sqs, dlqUrl, 30);
 * for (const message of await receiveBatch(sqs, dlqUrl, 30, 0)) held.hold(message);
 * if (await held.confirm(id)) { …send…; await deleteMessage(held.receiptHandle(id)); held.forget(id); }
 * await held.releaseAll();
 */
export class HeldMessages {
  readonly #sqs: SQSClient;
  readonly #queueUrl: string;
  readonly #timeoutMs: number;
  readonly #visibilityTimeout: number;
  readonly #holds = new Map<string, Hold>();
  #timer: NodeJS.Timeout | undefined;
  #extending: Promise<void> | undefined;

  constructor(sqs: SQSClient, queueUrl: string, visibilityTimeoutSeconds: number) {
    this.#sqs = sqs;
    this.#queueUrl = queueUrl;
    this.#visibilityTimeout = visibilityTimeoutSeconds;
    this.#timeoutMs = visibilityTimeoutSeconds * 1000;
  }

  /** Messages held now. */
  get size(): number {
    return this.#holds.size;
  }

  has(messageId: string): boolean {
    return this.#holds.has(messageId);
  }

  /** The receipt handle of the latest receive of a held message. */
  receiptHandle(messageId: string): string | undefined {
    return this.#holds.get(messageId)?.handle;
  }

  /** Starts holding a message just received (or takes its new receipt handle when it was received again). */
  hold(message: Message): void {
    this.#holds.set(message.MessageId!, { handle: message.ReceiptHandle!, hiddenUntil: Date.now() + this.#timeoutMs });
    this.#timer ??= setInterval(() => void this.#extendInBackground(), Math.max(100, this.#timeoutMs / 3)).unref();
  }

  /** Stops tracking a message (deleted, or given up). */
  forget(messageId: string): void {
    this.#holds.delete(messageId);
  }

  /**
   * Whether the message is still ours to act on: extends its hold first when less than half of it is left
   * (a stalled process); false, and forgotten, when another reader has received it since.
   */
  async confirm(messageId: string): Promise<boolean> {
    const hold = this.#holds.get(messageId);
    if (!hold) return false;
    if (hold.hiddenUntil - Date.now() > this.#timeoutMs / 2) return true;
    try {
      const extendedAt = Date.now();
      await this.#sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.#queueUrl, ReceiptHandle: hold.handle, VisibilityTimeout: this.#visibilityTimeout }));
      hold.hiddenUntil = extendedAt + this.#timeoutMs;
      return true;
    } catch (err) {
      if (!LOST_HOLD.has((err as Error).name)) throw err;
      this.#holds.delete(messageId);
      return false;
    }
  }

  /** Extends every hold by the visibility timeout; holds SQS reports lost are dropped. */
  async extendAll(): Promise<void> {
    await this.#changeAll(this.#visibilityTimeout);
  }

  /** Stops extending and makes every held message visible again at once (ChangeMessageVisibility 0). */
  async releaseAll(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#extending;
    await this.#changeAll(0);
    this.#holds.clear();
  }

  async #extendInBackground(): Promise<void> {
    if (this.#extending) return;
    // A failed round is not fatal: confirm() checks the one message about to be acted on.
    this.#extending = this.extendAll().catch(() => undefined);
    await this.#extending;
    this.#extending = undefined;
  }

  async #changeAll(visibilityTimeout: number): Promise<void> {
    const entries = [...this.#holds.entries()];
    for (let i = 0; i < entries.length; i += 10) {
      const chunk = entries.slice(i, i + 10);
      const changedAt = Date.now();
      const out = await this.#sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.#queueUrl,
          Entries: chunk.map(([, hold], j) => ({ Id: String(j), ReceiptHandle: hold.handle, VisibilityTimeout: visibilityTimeout })),
        }),
      );
      for (const ok of out.Successful ?? []) {
        const [, hold] = chunk[Number(ok.Id)]!;
        hold.hiddenUntil = changedAt + visibilityTimeout * 1000;
      }
      for (const failed of out.Failed ?? []) {
        const [id, hold] = chunk[Number(failed.Id)]!;
        // Unless the message was received again meanwhile: then its new hold stands.
        if (LOST_HOLD.has(failed.Code ?? '') && this.#holds.get(id) === hold) this.#holds.delete(id);
      }
    }
  }
}
