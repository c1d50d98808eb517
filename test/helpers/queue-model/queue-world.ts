import { AsyncLocalStorage } from 'node:async_hooks';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MessageAttributeValue, Message } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { deadLetterAgeMs, replayAttributes } from '../../../local/cli/commands/dlq/dead-letters.ts';
import { seededRandom } from '../../../local/faults/seeded-random.ts';
import { toSqsRecord } from '../../../local/pollers/sqs-record.ts';
import { lambdaContext } from '../../../local/runtime/lambda-context.ts';
import { DedupStore } from '../../../shared/dedup/store.ts';
import { DLQ_ATTRIBUTES, envelopeAttributes } from '../../../shared/envelope.ts';
import { SluiceError } from '../../../shared/errors.ts';
import { delaySecondsFor } from '../../../shared/queue/redelivery.ts';
import { createQueueWorker } from '../../../shared/queue/worker.ts';
import { ModelDynamoDb } from './model-dynamodb.ts';
import { ModelSqs } from './model-sqs.ts';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';

const WORK = 'https://sqs.us-east-1.amazonaws.com/123456789012/model';
const DLQ = 'https://sqs.us-east-1.amazonaws.com/123456789012/model-dlq';
const ARN = 'arn:aws:sqs:us-east-1:123456789012:model';
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** The sample pipeline's shape: 4-day queue, 14-day DLQ, 5 receives, 6 × the function timeout. */
export const MODEL_SETTINGS = {
  functionTimeoutMs: 6_000,
  queueRetentionMs: 4 * DAY,
  deadLetterRetentionMs: 14 * DAY,
  maxReceiveCount: 5,
} as const;
/** What QueuePipeline derives: queue retention + DLQ retention. */
export const DERIVED_WINDOW_SECONDS = (MODEL_SETTINGS.queueRetentionMs + MODEL_SETTINGS.deadLetterRetentionMs) / 1000;

/** `atomic`: effect + dedup record in one transaction; `claim`: claim → effect → complete. */
export type DedupMode = 'atomic' | 'claim';
/** `content`: keys are body hashes (or explicit keys); `message-id`: `hashContent: false`. */
export type KeyMode = 'content' | 'message-id';

/** The kinds of message a producer sends, and what must become of each. */
export type MessageKind = 'plain' | 'keyed' | 'delayed' | 'expiring' | 'big' | 'malformed' | 'poison' | 'too-far';

/** One message as the producer meant it (copies of it may be many). */
export interface LogicalMessage {
  kind: MessageKind;
  body: string;
  attributes: Record<string, MessageAttributeValue>;
  /** Epoch ms it was first sent. */
  sentAt: number;
}

/** Faults and timing of one invocation (all rates in [0, 1]). */
export interface FaultPlan {
  seed: number;
  batchSize: number;
  dynamoThrottle: number;
  dynamoLost: number;
  conflict: number;
  sqsThrottle: number;
  sqsLost: number;
  /** The poller's delete of a processed record is lost (the message comes back). */
  deleteLost: number;
  /** 1-based index of the call (DynamoDB, SQS or effect) at which the invocation dies. */
  crashAtCall?: number;
  /** The dying call applied first (e.g. the effect ran, the hop was sent) and then the invocation died. */
  crashAfterApply: boolean;
  /** Everything ran, but the invocation died before Lambda deleted anything. */
  crashBeforeAck: boolean;
  callLatencyMs: number;
  effectMs: number;
}

/** A fault-free, fast invocation: what the final drain uses. */
export const CALM: FaultPlan = {
  seed: 1,
  batchSize: 10,
  dynamoThrottle: 0,
  dynamoLost: 0,
  conflict: 0,
  sqsThrottle: 0,
  sqsLost: 0,
  deleteLost: 0,
  crashAfterApply: false,
  crashBeforeAck: false,
  callLatencyMs: 1,
  effectMs: 1,
};

/** Thrown into a dead invocation's calls: the process is gone (crash, or Lambda's timeout). */
class InvocationDied extends Error {}

class PoisonError extends SluiceError {
  override readonly reason = 'poison';
}

interface Invocation {
  id: number;
  plan: FaultPlan;
  random: () => number;
  deadline: number;
  calls: number;
  died: boolean;
  dieAfterThisCall: boolean;
}

interface ClaimEffect {
  token: string | undefined;
  invocation: Invocation;
}

const ModelJob = z.object({ kind: z.string(), id: z.string().optional(), n: z.number().optional() });

/**
 * The system under test of the model-based test: the real queue worker (createQueueWorker with a real
 * DedupStore) over an in-memory DynamoDB and SQS with their conditional-write, visibility, redrive and
 * retention semantics, driven by Lambda's poller rules, all on one virtual clock. It records what the
 * invariants need: the effects of each message (and, in claim mode, under which claim), releases after
 * an effect, completions, and which invocations died.
 */
export class QueueWorld {
  now = 1_800_000_000_000;
  readonly dynamo = new ModelDynamoDb(() => this.now);
  readonly sqs = new ModelSqs(() => this.now);
  readonly sent: LogicalMessage[] = [];
  readonly violations: string[] = [];
  /** Claim mode: the effects of each body and the claim each ran under. */
  readonly claimEffects = new Map<string, ClaimEffect[]>();
  readonly completedTokens = new Set<string>();
  /** Tokens whose completion met an injected DynamoDB fault. */
  readonly faultedCompletions = new Set<string>();
  readonly stats = { invocations: 0, died: 0, effects: 0, duplicatesSkipped: 0, hops: 0, deadLettered: 0, replayed: 0, tooOldToReplay: 0 };
  readonly #als = new AsyncLocalStorage<Invocation>();
  readonly #random: () => number;
  readonly #handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  #invocations = 0;
  #bigSequence = 0n;

  constructor(
    readonly mode: DedupMode,
    readonly keys: KeyMode,
    seed: number,
    readonly windowSeconds: number = DERIVED_WINDOW_SECONDS,
  ) {
    this.#random = seededRandom(seed);
    this.sqs.createQueue(WORK, {
      retentionMs: MODEL_SETTINGS.queueRetentionMs,
      visibilityTimeoutMs: 6 * MODEL_SETTINGS.functionTimeoutMs,
      maxReceiveCount: MODEL_SETTINGS.maxReceiveCount,
      deadLetterQueue: DLQ,
    });
    this.sqs.createQueue(DLQ, { retentionMs: MODEL_SETTINGS.deadLetterRetentionMs, visibilityTimeoutMs: 30_000 });
    this.#wireFaults();
    const store = new DedupStore({ client: this.dynamo.client, tableName: 'dedup', windowSeconds, clock: { now: () => this.now } });
    const effect =
      mode === 'atomic'
        ? {
            atomic: async (job: z.infer<typeof ModelJob>, meta: { record: { body: string } }) => {
              if (job.kind === 'poison') throw poison();
              return [
                {
                  Update: {
                    TableName: 'effects',
                    Key: { id: { S: meta.record.body } },
                    UpdateExpression: 'ADD applied :one',
                    ExpressionAttributeValues: { ':one': { N: '1' } },
                  },
                },
              ];
            },
          }
        : { handle: (job: z.infer<typeof ModelJob>, meta: { record: { body: string }; dedupKey?: string }) => this.#claimEffect(job, meta) };
    this.#handler = createQueueWorker({
      schema: ModelJob,
      ...effect,
      dedup: { store, scope: 'model', hashContent: keys === 'content' },
      sqs: this.sqs.client,
      queueUrl: WORK,
      dlqUrl: DLQ,
      fifo: false,
      clock: { now: () => this.now },
      retryTiming: { sleep: async (ms: number) => this.#sleep(ms), random: () => this.#random() },
      logger: new Logger({ logLevel: 'SILENT' }),
      // Concurrent invocations share it, so one may publish the other's metrics and warn about an empty store.
      metrics: new Metrics({ namespace: 'model', logger: new Logger({ logLevel: 'SILENT' }) }),
    } as never) as unknown as (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;
  }

  // ——— the producer ———

  /** Sends a new message of `kind`; `lead` is the deliverAt / expiresAt distance where the kind has one. */
  send(kind: MessageKind, leadMs: number): LogicalMessage {
    const index = this.sent.length;
    const id = `m-${index}`;
    const body =
      kind === 'malformed'
        ? `[1,😀 ${id}`
        : kind === 'big'
          ? `{"kind":"big","n":${(2n ** 53n + this.#bigSequence++).toString()}}`
          : JSON.stringify({ kind, id });
    const envelope =
      kind === 'keyed'
        ? { dedupKey: `key-${id}` }
        : kind === 'delayed'
          ? { deliverAt: this.now + leadMs }
          : kind === 'expiring'
            ? { expiresAt: this.now + leadMs }
            : kind === 'too-far'
              ? // Ten years: no run's replays (at most 40 × 13 days) bring it within the 30-day horizon.
                { deliverAt: this.now + 3_650 * DAY }
              : {};
    const message: LogicalMessage = { kind, body, attributes: envelopeAttributes(envelope), sentAt: this.now };
    this.sent.push(message);
    this.#enqueue(message);
    return message;
  }

  /** The producer sends a message again (its retry after a lost answer): the same body and attributes. */
  sendAgain(message: LogicalMessage): void {
    this.#enqueue(message);
  }

  /** Whether a re-send is the same message to this worker (else it is a new message, with a new id). */
  duplicable(message: LogicalMessage): boolean {
    return this.keys === 'content' || message.attributes['sluice-dedup-key'] !== undefined;
  }

  #enqueue(message: LogicalMessage): void {
    const deliverAt = Number(message.attributes['sluice-deliver-at']?.StringValue ?? 0);
    this.sqs.enqueue(WORK, message.body, message.attributes, deliverAt > this.now ? delaySecondsFor(deliverAt - this.now) : 0);
  }

  // ——— Lambda's poller ———

  /** One batch, received and handled under `plan`. */
  async deliver(plan: FaultPlan): Promise<void> {
    const batch = this.sqs.receive(WORK, plan.batchSize);
    if (batch.length > 0) await this.#invoke(batch, plan);
  }

  /** Two invocations at once; the second gets copies of some of the first's messages (SQS at-least-once). */
  async deliverConcurrently(first: FaultPlan, second: FaultPlan, copies: number): Promise<void> {
    const batch = this.sqs.receive(WORK, first.batchSize);
    if (batch.length === 0) return;
    const again = batch.slice(0, copies).flatMap((m) => this.sqs.receiveAgain(WORK, m.MessageId!) ?? []);
    await Promise.all([this.#invoke(batch, first), again.length > 0 ? this.#invoke(again, second) : Promise.resolve()]);
  }

  async #invoke(messages: Message[], plan: FaultPlan): Promise<void> {
    const invocation: Invocation = {
      id: ++this.#invocations,
      plan,
      random: seededRandom(plan.seed),
      deadline: this.now + MODEL_SETTINGS.functionTimeoutMs,
      calls: 0,
      died: false,
      dieAfterThisCall: false,
    };
    this.stats.invocations += 1;
    const context: Context = {
      ...lambdaContext({ functionName: 'model', functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:model', memoryLimitInMB: 512, deadline: 0 }),
      getRemainingTimeInMillis: () => Math.max(0, invocation.deadline - this.now),
    };
    const event: SQSEvent = { Records: messages.map((m) => toSqsRecord(m, ARN, 'us-east-1')) };
    let response: SQSBatchResponse | undefined;
    try {
      response = await this.#als.run(invocation, () => this.#handler(event, context));
    } catch (err) {
      if (!(err instanceof InvocationDied)) this.violations.push(`the worker threw instead of reporting failures: ${(err as Error).message}`);
    }
    // Lambda deletes nothing of a batch whose invocation died, timed out or threw.
    if (invocation.died || this.now >= invocation.deadline || plan.crashBeforeAck || !response) {
      this.stats.died += 1;
      invocation.died = true;
      return;
    }
    const ids = new Set(messages.map((m) => m.MessageId));
    const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    if ([...failed].some((id) => !ids.has(id))) this.violations.push('a batch item failure names a record not in the batch');
    for (const message of messages) {
      if (!failed.has(message.MessageId!) && invocation.random() >= plan.deleteLost) this.sqs.delete(WORK, message.ReceiptHandle!);
    }
  }

  // ——— time and operators ———

  /** Moves the clock (DynamoDB's TTL deletes some expired records on the way). */
  advance(ms: number): void {
    this.now += ms;
    this.dynamo.sweepExpired(() => this.#random() < 0.5);
  }

  /** Delivers, fault-free, until the work queue is empty (moving the clock to each next visibility). */
  async drain(maxRounds = 5_000): Promise<void> {
    for (let round = 0; round < maxRounds; round += 1) {
      const next = this.sqs.nextVisibleAt(WORK);
      if (next === undefined) return;
      if (next > this.now) this.advance(next - this.now);
      await this.deliver({ ...CALM, seed: round });
    }
    throw new Error(`the work queue did not drain in ${maxRounds} rounds: ${this.sqs.messages(WORK).length} messages left`);
  }

  /**
   * `sluice dlq replay` as the CLI runs it message by message: dead letters older than the dedup window
   * stay (unless `force`, as `--force` does), the others go back with their replay attributes.
   */
  replayDeadLetters(options: { force?: boolean } = {}): void {
    for (const stored of [...this.sqs.messages(DLQ)]) {
      const message: Message = { MessageId: stored.messageId, Body: stored.body, MessageAttributes: stored.attributes, Attributes: { SentTimestamp: String(stored.sentAt) } };
      if (!options.force && (deadLetterAgeMs(message, this.now) ?? 0) > this.windowSeconds * 1000) {
        this.stats.tooOldToReplay += 1;
        continue;
      }
      this.sqs.enqueue(WORK, stored.body, replayAttributes(message));
      this.sqs.messages(DLQ).splice(this.sqs.messages(DLQ).indexOf(stored), 1);
      this.stats.replayed += 1;
    }
  }

  /** The scenario: the queue drains, days pass, an operator replays the DLQ. */
  async replayLater(days: number, options: { force?: boolean } = {}): Promise<void> {
    await this.drain();
    this.advance(days * DAY);
    this.replayDeadLetters(options);
  }

  // ——— what the invariants read ———

  /** Effects that ran for a body. */
  effects(body: string): number {
    if (this.mode === 'claim') return this.claimEffects.get(body)?.length ?? 0;
    return Number(this.dynamo.table('effects').get(body)?.applied?.N ?? 0);
  }

  /** Claim mode: effects that may repeat — their claim never completed because the invocation died or DynamoDB failed it. */
  excusedRepeats(body: string): number {
    return (this.claimEffects.get(body) ?? []).filter(
      (effect) =>
        !(effect.token && this.completedTokens.has(effect.token)) &&
        (effect.invocation.died || this.now >= effect.invocation.deadline || (effect.token !== undefined && this.faultedCompletions.has(effect.token))),
    ).length;
  }

  deadLetters(): { body: string; reason: string | undefined; error: string | undefined }[] {
    return this.sqs.messages(DLQ).map((m) => ({
      body: m.body,
      reason: m.attributes[DLQ_ATTRIBUTES.reason]?.StringValue,
      error: m.attributes[DLQ_ATTRIBUTES.error]?.StringValue,
    }));
  }

  workLeft(): number {
    return this.sqs.messages(WORK).length;
  }

  // ——— the model's hooks into the fakes ———

  #wireFaults(): void {
    this.dynamo.before = (operation, input) => {
      this.#call();
      const token = (input.ExpressionAttributeValues as Record<string, { S?: string }> | undefined)?.[':token']?.S;
      if (operation === 'DeleteItem' && token && [...this.claimEffects.values()].flat().some((e) => e.token === token)) {
        this.violations.push(`a claim was released after its effect ran (token ${token})`);
      }
    };
    this.dynamo.fault = (operation, input) => {
      const invocation = this.#als.getStore();
      if (!invocation) return undefined;
      const { plan, random } = invocation;
      const fault = random() < plan.dynamoThrottle ? 'throttle' : random() < plan.dynamoLost ? 'lost' : operation === 'TransactWriteItems' && random() < plan.conflict ? 'conflict' : undefined;
      const token = (input.ExpressionAttributeValues as Record<string, { S?: string }> | undefined)?.[':token']?.S;
      if (fault && operation === 'UpdateItem' && token) this.faultedCompletions.add(token);
      return fault;
    };
    this.dynamo.after = (operation, input) => {
      const values = input.ExpressionAttributeValues as Record<string, { S?: string }> | undefined;
      if (operation === 'UpdateItem' && values?.[':completed'] && values[':token']?.S) this.completedTokens.add(values[':token'].S);
      this.#afterCall();
    };
    this.sqs.before = () => this.#call();
    this.sqs.fault = (input) => {
      const invocation = this.#als.getStore();
      if (!invocation) return undefined;
      const fault = invocation.random() < invocation.plan.sqsThrottle ? 'throttle' : invocation.random() < invocation.plan.sqsLost ? 'lost' : undefined;
      if (input.QueueUrl === WORK && fault !== 'throttle') this.stats.hops += 1;
      if (input.QueueUrl === DLQ && fault !== 'throttle') this.stats.deadLettered += 1;
      return fault;
    };
  }

  /** Every call of an invocation: the clock moves, a dead invocation stays dead, the planned crash happens. */
  #call(latencyMs?: number): void {
    const invocation = this.#als.getStore();
    if (!invocation) return;
    if (invocation.died) throw new InvocationDied('the invocation is gone');
    this.now += latencyMs ?? invocation.plan.callLatencyMs;
    if (this.now >= invocation.deadline) {
      invocation.died = true;
      throw new InvocationDied('Task timed out');
    }
    invocation.calls += 1;
    if (invocation.calls === invocation.plan.crashAtCall) {
      if (!invocation.plan.crashAfterApply) {
        invocation.died = true;
        throw new InvocationDied('crashed');
      }
      invocation.dieAfterThisCall = true;
    }
  }

  #afterCall(): void {
    const invocation = this.#als.getStore();
    if (invocation?.dieAfterThisCall) {
      invocation.dieAfterThisCall = false;
      invocation.died = true;
      throw new InvocationDied('crashed after the call applied');
    }
  }

  async #sleep(ms: number): Promise<void> {
    const invocation = this.#als.getStore();
    if (invocation && !invocation.died) this.now += ms;
  }

  async #claimEffect(job: z.infer<typeof ModelJob>, meta: { record: { body: string }; dedupKey?: string }): Promise<void> {
    this.#call(this.#als.getStore()?.plan.effectMs);
    if (job.kind === 'poison') throw poison();
    const invocation = this.#als.getStore()!;
    const token = meta.dedupKey ? this.dynamo.table('dedup').get(meta.dedupKey)?.owner?.S : undefined;
    const effects = this.claimEffects.get(meta.record.body) ?? [];
    effects.push({ token, invocation });
    this.claimEffects.set(meta.record.body, effects);
    this.stats.effects += 1;
    this.#afterCall();
  }
}

/** A permanent handler error whose text V8 would cut mid-emoji and that holds a character SQS refuses. */
function poison(): PoisonError {
  return new PoisonError(`${'x'.repeat(998)}😀 cannot be processed \u0000 ever`);
}
