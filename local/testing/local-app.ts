import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand, type MessageAttributeValue } from '@aws-sdk/client-sqs';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DLQ_ATTRIBUTES } from '../../shared/envelope.ts';
import { QueueProducer, type SendOptions } from '../../shared/queue/producer.ts';
import { queueOutputName } from '../../shared/queue/contract.ts';
import { LocalRuntime, type LocalRuntimeOptions } from '../runtime/local-runtime.ts';
import { applyProcessEnvironment } from '../runtime/process-environment.ts';

/** A message read from a dead-letter queue, with the reason sluice gave it. */
export interface DeadLetter {
  readonly body: string;
  /** `sluice-reason`: malformed, schema-invalid, expired, … (absent when SQS's redrive moved it). */
  readonly reason?: string;
  /** `sluice-error`: the error message. */
  readonly error?: string;
  readonly attributes: Record<string, MessageAttributeValue>;
}

export type LocalAppOptions = LocalRuntimeOptions;

/**
 * A whole CDK app running locally for a test: emulators, resources, functions and event source
 * mappings from its synthesized template. Queues, tables and streams are named by the outputs sluice's
 * constructs offer (`Invoices` → `InvoicesQueueUrl`), whether or not the app calls `addOutputs()`.
 *
 * @example
 * const app = await startLocalApp({ app: { projectDir: '.' } });
 * try {
 *   await app.send('Invoices', { invoiceId: 'i-1', amountCents: 1200 });
 *   await app.drain();
 *   expect(await app.scan(app.output('InvoicesTableName'))).toHaveLength(1);
 * } finally {
 *   await app.stop();
 * }
 */
export class LocalApp {
  /**
   * @param runtime the running app.
   * @param release called once the runtime has stopped (what `startLocalApp` set in `process.env`).
   */
  constructor(
    readonly runtime: LocalRuntime,
    private readonly release: () => void = () => undefined,
  ) {}

  /** The stack outputs resolved to the local resources. */
  get outputs(): Record<string, string> {
    return this.runtime.outputs();
  }

  /** One output's value; throws naming the outputs there are. */
  output(name: string): string {
    const value = this.outputs[name];
    if (value === undefined) throw new Error(`no output ${name}; the app has: ${Object.keys(this.outputs).sort().join(', ')}`);
    return value;
  }

  /** The URL of a pipeline's work queue (`<name>QueueUrl`), or of a queue output named exactly `name`. */
  queueUrl(name: string): string {
    return this.outputs[queueOutputName(name, 'queueUrl')] ?? this.output(name);
  }

  /** The URL of a pipeline's dead-letter queue (`<name>DeadLetterQueueUrl`). */
  deadLetterQueueUrl(name: string): string {
    return this.output(queueOutputName(name, 'deadLetterQueueUrl'));
  }

  /** Sends JSON payloads to a pipeline's queue with sluice's attributes (`dedupKey`, `deliverAt`, `expiresAt` …). */
  async send(queue: string, payload: unknown, options: SendOptions = {}): Promise<string> {
    const producer = new QueueProducer({ client: this.runtime.clients.sqs, queueUrl: this.queueUrl(queue) });
    return (await producer.send(payload, options)).messageId;
  }

  /** Sends a body exactly as given, e.g. one that is not JSON, as a foreign producer might. */
  async sendRaw(queue: string, body: string): Promise<string> {
    const out = await this.runtime.clients.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl(queue), MessageBody: body }));
    return out.MessageId!;
  }

  /** Waits until every queue with a consumer is empty and every poller idle (default timeout 60 s). */
  drain(options: { timeoutMs?: number } = {}): Promise<void> {
    return this.runtime.drain(options);
  }

  /**
   * Receives every message of a pipeline's dead-letter queue with its reason. They stay hidden for
   * `visibilitySeconds` (default 300), so a second call in the same test does not see them again.
   */
  async deadLetters(queue: string, options: { visibilitySeconds?: number } = {}): Promise<DeadLetter[]> {
    const url = this.deadLetterQueueUrl(queue);
    const letters: DeadLetter[] = [];
    for (;;) {
      const page = await this.runtime.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageAttributeNames: ['All'], VisibilityTimeout: options.visibilitySeconds ?? 300 }),
      );
      const messages = page.Messages ?? [];
      if (messages.length === 0) return letters;
      for (const m of messages) {
        const attributes = m.MessageAttributes ?? {};
        const reason = attributes[DLQ_ATTRIBUTES.reason]?.StringValue;
        const error = attributes[DLQ_ATTRIBUTES.error]?.StringValue;
        letters.push({ body: m.Body ?? '', attributes, ...(reason ? { reason } : {}), ...(error ? { error } : {}) });
      }
    }
  }

  /** Every item of a table (by its name, or an output that holds it), unmarshalled. */
  async scan(table: string): Promise<Record<string, unknown>[]> {
    const tableName = this.outputs[table] ?? table;
    const items: Record<string, unknown>[] = [];
    let start: Record<string, never> | undefined;
    do {
      const page = await this.runtime.clients.dynamodb.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
      items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
      start = page.LastEvaluatedKey as Record<string, never> | undefined;
    } while (start);
    return items;
  }

  /** Stops the pollers, the emulators this app started and every helper process, and puts `process.env` back. */
  async stop(): Promise<void> {
    try {
      await this.runtime.stop();
    } finally {
      this.release();
    }
  }
}

/**
 * Starts a CDK app locally for a test: by default the app of the working directory (`cdk.json`) on
 * emulators of its own, stopped with the app. Given `endpoints` (emulators a jest global setup started),
 * it shares them under a name prefix of its own, so test files never share a queue.
 *
 * @example
 * const app = await startLocalApp({ app: { projectDir: '.' } });
 */
export async function startLocalApp(options: LocalAppOptions = {}): Promise<LocalApp> {
  // Powertools reads this when a metric is made, during invocations (not only as a module loads): EMF
  // lines would only clutter test output. Set for the app's lifetime, unless the caller chose a value.
  const restore = process.env.POWERTOOLS_METRICS_DISABLED === undefined ? applyProcessEnvironment({ POWERTOOLS_METRICS_DISABLED: 'true' }) : () => undefined;
  try {
    const runtime = await LocalRuntime.start({
      functionEnvironment: { POWERTOOLS_LOG_LEVEL: 'ERROR' },
      ...options,
      ...(options.endpoints ? { namePrefix: options.namePrefix ?? `t${randomUUID().slice(0, 6)}-` } : {}),
    });
    return new LocalApp(runtime, restore);
  } catch (err) {
    restore();
    throw err;
  }
}
