import type { Message, MessageAttributeValue, SQSClient } from '@aws-sdk/client-sqs';

/** One message as the model SQS keeps it. */
export interface StoredMessage {
  messageId: string;
  body: string;
  attributes: Record<string, MessageAttributeValue>;
  /** Enqueue time (SentTimestamp): retention counts from it; a standard queue's redrive keeps it. */
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  /** Only the latest receipt deletes (an older one "succeeds" and deletes nothing, as SQS may). */
  receipt?: string;
}

export interface ModelQueueSettings {
  retentionMs: number;
  visibilityTimeoutMs: number;
  /** Redrive to `deadLetterQueue` once a message was received this many times. */
  maxReceiveCount?: number;
  deadLetterQueue?: string;
}

/** What a fault hook decides for one SendMessage: fail before it applies, or apply and lose the answer. */
export type SqsFault = 'throttle' | 'lost' | undefined;

/**
 * In-memory standard SQS queues for the model test: SendMessage as the worker calls it (validated as
 * SQS validates: at most 10 attributes, non-empty values, only the characters SQS accepts, delay ≤ 900 s,
 * 1 MiB), and receive / delete / redrive / retention as Lambda's poller and SQS do them, on a virtual clock.
 * Messages leave only by delete, redrive, or retention (counted in `expired`: the model asserts none).
 */
export class ModelSqs {
  readonly queues = new Map<string, { settings: ModelQueueSettings; messages: StoredMessage[] }>();
  readonly expired: StoredMessage[] = [];
  fault: (input: Record<string, unknown>) => SqsFault = () => undefined;
  before: (operation: string, input: Record<string, unknown>) => void = () => undefined;
  #sequence = 0;

  constructor(private readonly now: () => number) {}

  get client(): SQSClient {
    return this as unknown as SQSClient;
  }

  createQueue(url: string, settings: ModelQueueSettings): void {
    this.queues.set(url, { settings, messages: [] });
  }

  messages(url: string): StoredMessage[] {
    this.#expire(url);
    return this.#queue(url).messages;
  }

  /** SendMessage, as the SDK command reaches the client. */
  async send(command: { constructor: { name: string }; input: Record<string, unknown> }): Promise<Record<string, unknown>> {
    const operation = command.constructor.name.replace(/Command$/, '');
    if (operation !== 'SendMessage') throw new Error(`model SQS: ${operation} is not modelled`);
    const input = command.input;
    this.before(operation, input);
    const fault = this.fault(input);
    if (fault === 'throttle') throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    const messageId = this.enqueue(
      input.QueueUrl as string,
      input.MessageBody as string,
      (input.MessageAttributes ?? {}) as Record<string, MessageAttributeValue>,
      (input.DelaySeconds as number | undefined) ?? 0,
    );
    if (fault === 'lost') throw Object.assign(new Error('socket hang up (the message was sent)'), { name: 'TimeoutError' });
    return { MessageId: messageId };
  }

  /** Validates and stores a message; returns its new id. */
  enqueue(url: string, body: string, attributes: Record<string, MessageAttributeValue>, delaySeconds = 0, sentAt = this.now()): string {
    const queue = this.#queue(url);
    validateMessage(body, attributes, delaySeconds);
    const messageId = `msg-${++this.#sequence}`;
    queue.messages.push({ messageId, body, attributes: structuredClone(attributes), sentAt, visibleAt: this.now() + delaySeconds * 1000, receiveCount: 0 });
    return messageId;
  }

  /**
   * ReceiveMessage for Lambda's poller: up to `max` visible messages, hidden for the visibility timeout,
   * receive count + 1. A message already received `maxReceiveCount` times moves to the dead-letter queue
   * instead (same id, same enqueue time, as a standard queue's redrive does).
   */
  receive(url: string, max: number): Message[] {
    const queue = this.#queue(url);
    this.#expire(url);
    const now = this.now();
    const received: Message[] = [];
    for (const message of [...queue.messages].sort((a, b) => a.visibleAt - b.visibleAt)) {
      if (received.length >= max || message.visibleAt > now) continue;
      const { maxReceiveCount, deadLetterQueue } = queue.settings;
      if (maxReceiveCount !== undefined && deadLetterQueue && message.receiveCount >= maxReceiveCount) {
        queue.messages.splice(queue.messages.indexOf(message), 1);
        this.#queue(deadLetterQueue).messages.push({ ...message, visibleAt: now, receiveCount: 0, receipt: undefined });
        continue;
      }
      received.push(this.#deliver(message, queue.settings));
    }
    return received;
  }

  /** SQS's at-least-once: delivers a message again though it is in flight (a new receipt). */
  receiveAgain(url: string, messageId: string): Message | undefined {
    const queue = this.#queue(url);
    const message = queue.messages.find((m) => m.messageId === messageId);
    return message ? this.#deliver(message, queue.settings) : undefined;
  }

  /** DeleteMessage: only the latest receipt deletes. */
  delete(url: string, receipt: string): void {
    const queue = this.#queue(url);
    const index = queue.messages.findIndex((m) => m.receipt === receipt);
    if (index >= 0) queue.messages.splice(index, 1);
  }

  /** The next time a message of `url` becomes visible, if any. */
  nextVisibleAt(url: string): number | undefined {
    const times = this.messages(url).map((m) => m.visibleAt);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  #deliver(message: StoredMessage, settings: ModelQueueSettings): Message {
    message.receiveCount += 1;
    message.visibleAt = this.now() + settings.visibilityTimeoutMs;
    message.receipt = `receipt-${++this.#sequence}`;
    return {
      MessageId: message.messageId,
      ReceiptHandle: message.receipt,
      Body: message.body,
      MessageAttributes: structuredClone(message.attributes),
      Attributes: { ApproximateReceiveCount: String(message.receiveCount), SentTimestamp: String(message.sentAt) },
    };
  }

  #expire(url: string): void {
    const queue = this.#queue(url);
    const now = this.now();
    const kept = queue.messages.filter((m) => now - m.sentAt <= queue.settings.retentionMs);
    if (kept.length !== queue.messages.length) {
      this.expired.push(...queue.messages.filter((m) => !kept.includes(m)));
      queue.messages = kept;
    }
  }

  #queue(url: string) {
    const queue = this.queues.get(url);
    if (!queue) throw Object.assign(new Error(`The specified queue does not exist: ${url}`), { name: 'QueueDoesNotExist' });
    return queue;
  }
}

/** SQS's checks on a sent message (SendMessage API reference: attribute and body constraints). */
function validateMessage(body: string, attributes: Record<string, MessageAttributeValue>, delaySeconds: number): void {
  const refuse = (message: string) => {
    throw Object.assign(new Error(message), { name: 'InvalidParameterValue' });
  };
  if (!Number.isInteger(delaySeconds) || delaySeconds < 0 || delaySeconds > 900) refuse(`DelaySeconds ${delaySeconds} is out of range`);
  if (Object.keys(attributes).length > 10) refuse('Number of message attributes exceeds the limit of 10');
  if (!sqsText(body)) refuse('Invalid characters found in the message body');
  let size = Buffer.byteLength(body);
  for (const [name, value] of Object.entries(attributes)) {
    if (value.StringValue !== undefined && (value.StringValue === '' || !sqsText(value.StringValue))) {
      refuse(`Message attribute ${name} has an empty value or characters SQS does not accept`);
    }
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType ?? '') + Buffer.byteLength(value.StringValue ?? '');
  }
  if (size > 1_048_576) refuse('Message must be shorter than 1048576 bytes');
}

/** #x9 | #xA | #xD | #x20–#xD7FF | #xE000–#xFFFD | #x10000–#x10FFFF, checked code point by code point. */
function sqsText(text: string): boolean {
  for (const char of text) {
    const c = char.codePointAt(0)!;
    const ok = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
    if (!ok) return false;
  }
  return true;
}
