import fc from 'fast-check';
import { CALM, QueueWorld } from './queue-world.ts';
import type { DedupMode, FaultPlan, KeyMode, LogicalMessage, MessageKind } from './queue-world.ts';

/**
 * The reference model: the messages the producer meant to send and what must become of each kind.
 * The model-based test drives the real worker (QueueWorld) with random command sequences and holds it
 * to this model after every command and, after a final fault-free drain and DLQ replay, at the end.
 */
export interface ReferenceModel {
  messages: LogicalMessage[];
  commandsRun: number;
}

/** What must become of each kind of message by the end. */
const EXPECTED: Record<MessageKind, { effect: 'once' | 'never' | 'once-or-dead-lettered'; reason?: string }> = {
  plain: { effect: 'once' },
  keyed: { effect: 'once' },
  delayed: { effect: 'once' },
  big: { effect: 'once' },
  expiring: { effect: 'once-or-dead-lettered', reason: 'expired' },
  malformed: { effect: 'never', reason: 'malformed' },
  poison: { effect: 'never', reason: 'poison' },
  'too-far': { effect: 'never', reason: 'delay-too-long' },
};

/** A producer's own retries re-send within this long; a copy sent after the dedup window is a new message by contract. */
const PRODUCER_RETRY_MS = 3_600_000;

type Command = fc.AsyncCommand<ReferenceModel, QueueWorld, false>;

class Send implements Command {
  constructor(
    readonly kind: MessageKind,
    readonly leadMs: number,
  ) {}
  check = () => true;
  async run(model: ReferenceModel, world: QueueWorld) {
    model.messages.push(world.send(this.kind, this.leadMs));
    assertSafe(model, world);
  }
  toString = () => `send(${this.kind}, ${this.leadMs} ms)`;
}

class SendAgain implements Command {
  constructor(readonly pick: number) {}
  check = (model: Readonly<ReferenceModel>) => model.messages.length > 0;
  async run(model: ReferenceModel, world: QueueWorld) {
    const message = model.messages[this.pick % model.messages.length]!;
    // A re-send is a copy only to a worker that can recognise it; to one keyed on message ids it is a new message.
    if (world.duplicable(message) && world.now - message.sentAt <= PRODUCER_RETRY_MS) world.sendAgain(message);
    assertSafe(model, world);
  }
  toString = () => `sendAgain(#${this.pick})`;
}

class Deliver implements Command {
  constructor(readonly plan: FaultPlan) {}
  check = () => true;
  async run(model: ReferenceModel, world: QueueWorld) {
    await world.deliver(this.plan);
    assertSafe(model, world);
  }
  toString = () => `deliver(${describePlan(this.plan)})`;
}

class DeliverConcurrently implements Command {
  constructor(
    readonly first: FaultPlan,
    readonly second: FaultPlan,
    readonly copies: number,
  ) {}
  check = () => true;
  async run(model: ReferenceModel, world: QueueWorld) {
    await world.deliverConcurrently(this.first, this.second, this.copies);
    assertSafe(model, world);
  }
  toString = () => `deliverConcurrently(${describePlan(this.first)} | ${describePlan(this.second)}, ${this.copies} copies)`;
}

class Advance implements Command {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(model: ReferenceModel, world: QueueWorld) {
    world.advance(this.ms);
    assertSafe(model, world);
  }
  toString = () => `advance(${this.ms} ms)`;
}

class ReplayLater implements Command {
  constructor(readonly days: number) {}
  check = () => true;
  async run(model: ReferenceModel, world: QueueWorld) {
    await world.replayLater(this.days);
    assertSafe(model, world);
  }
  toString = () => `replayDlqAfter(${this.days} days)`;
}

function describePlan(plan: FaultPlan): string {
  const faults = Object.entries(plan).filter(([name, value]) => name !== 'seed' && value !== undefined && value !== false && value !== CALM[name as keyof FaultPlan]);
  return faults.map(([name, value]) => `${name}=${String(value)}`).join(' ') || 'calm';
}

const plan: fc.Arbitrary<FaultPlan> = fc.record({
  seed: fc.integer(),
  batchSize: fc.integer({ min: 1, max: 10 }),
  dynamoThrottle: fc.constantFrom(0, 0, 0.05, 0.3),
  dynamoLost: fc.constantFrom(0, 0, 0.05, 0.2),
  conflict: fc.constantFrom(0, 0, 0.3),
  sqsThrottle: fc.constantFrom(0, 0, 0.1),
  sqsLost: fc.constantFrom(0, 0, 0.1),
  deleteLost: fc.constantFrom(0, 0, 0.3),
  crashAtCall: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined, freq: 2 }),
  crashAfterApply: fc.boolean(),
  crashBeforeAck: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
  callLatencyMs: fc.constantFrom(1, 5, 300),
  effectMs: fc.constantFrom(1, 50, 2_000),
});

const kind = fc.oneof(
  { arbitrary: fc.constant<MessageKind>('plain'), weight: 3 },
  { arbitrary: fc.constantFrom<MessageKind>('keyed', 'big', 'expiring', 'malformed', 'poison', 'too-far'), weight: 3 },
  { arbitrary: fc.constant<MessageKind>('delayed'), weight: 2 },
);

/** Random command sequences over the events the issue lists. */
export const queueCommands = fc.commands<ReferenceModel, QueueWorld, false>(
  [
    ...Array.from({ length: 3 }, () => fc.tuple(kind, fc.integer({ min: 1_000, max: 2 * 3_600_000 })).map(([k, lead]) => new Send(k, lead))),
    fc.nat().map((pick) => new SendAgain(pick)),
    ...Array.from({ length: 3 }, () => plan.map((p) => new Deliver(p))),
    fc.tuple(plan, plan, fc.integer({ min: 1, max: 5 })).map(([a, b, copies]) => new DeliverConcurrently(a, b, copies)),
    fc.constantFrom(1_000, 36_000, 15 * 60_000, 2 * 3_600_000).map((ms) => new Advance(ms)),
    fc.integer({ min: 0, max: 13 }).map((days) => new ReplayLater(days)),
  ],
  { maxCommands: 40, size: 'large' },
);

/** The invariants that hold after every command. */
export function assertSafe(model: ReferenceModel, world: QueueWorld): void {
  model.commandsRun += 1;
  if (world.violations.length > 0) throw new Error(world.violations.join('; '));
  for (const message of model.messages) {
    const effects = world.effects(message.body);
    const allowed = world.mode === 'atomic' ? 1 : 1 + world.excusedRepeats(message.body);
    if (effects > allowed) {
      throw new Error(`${message.kind} message ${message.body} took effect ${effects} times (at most ${allowed}: ${world.mode} mode)`);
    }
  }
}

/**
 * The end of a run: a fault-free drain, an operator's DLQ replay, another drain; then every message
 * took effect (exactly once in atomic mode) or sits in the DLQ with its reason, nothing expired in SQS,
 * and every dead letter carries a reason.
 */
export async function assertSettled(model: ReferenceModel, world: QueueWorld): Promise<void> {
  await world.drain();
  world.replayDeadLetters();
  await world.drain();
  assertSafe(model, world);
  if (world.sqs.expired.length > 0) throw new Error(`${world.sqs.expired.length} messages expired in SQS unprocessed`);
  const deadLetters = world.deadLetters();
  const unexplained = deadLetters.filter((d) => !d.reason);
  if (unexplained.length > 0) throw new Error(`${unexplained.length} dead letters have no sluice-reason: ${unexplained.map((d) => d.body).join(', ')}`);
  for (const message of model.messages) {
    const expected = EXPECTED[message.kind];
    const effects = world.effects(message.body);
    const deadLettered = deadLetters.some((d) => d.body === message.body && d.reason === expected.reason);
    const ok =
      expected.effect === 'once' ? effects >= 1 : expected.effect === 'never' ? effects === 0 && deadLettered : effects >= 1 || deadLettered;
    if (!ok) throw new Error(`${message.kind} message ${message.body}: ${effects} effects, ${deadLettered ? '' : 'not '}in the DLQ as ${expected.reason ?? '-'}`);
  }
}

/** Counts across a model run, for the report line. */
export const modelTally = { sequences: 0, commands: 0, messages: 0, invocations: 0, died: 0, replayed: 0 };

/** Every (dedup mode, key mode) pair the model runs. */
export const MODEL_CASES: readonly [DedupMode, KeyMode][] = [
  ['atomic', 'content'],
  ['atomic', 'message-id'],
  ['claim', 'content'],
  ['claim', 'message-id'],
];

/**
 * Writes the counts of the run so far, so the figures in the docs come from a run.
 *
 * @example
 * afterAll(() => reportModelTally('queue model'));
 */
export function reportModelTally(label: string): void {
  process.stdout.write(
    `${label}: ${modelTally.sequences} sequences, ${modelTally.commands} commands, ${modelTally.messages} messages, ` +
      `${modelTally.invocations} invocations (${modelTally.died} died or timed out), ${modelTally.replayed} dead letters replayed\n`,
  );
}

/**
 * One fast-check property over both dedup modes' worlds: `numRuns` sequences per (mode, keys) pair.
 *
 * @example
 * await runQueueModel({ mode: 'atomic', keys: 'content', numRuns: 300, seed: 1 });
 */
export async function runQueueModel(options: { mode: DedupMode; keys: KeyMode; numRuns: number; seed: number; windowSeconds?: number }): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fc.integer(), queueCommands, async (worldSeed, commands) => {
      const world = new QueueWorld(options.mode, options.keys, worldSeed, options.windowSeconds);
      const model: ReferenceModel = { messages: [], commandsRun: 0 };
      await fc.asyncModelRun(() => ({ model, real: world }), commands);
      await assertSettled(model, world);
      modelTally.sequences += 1;
      modelTally.commands += model.commandsRun - 1;
      modelTally.messages += model.messages.length;
      modelTally.invocations += world.stats.invocations;
      modelTally.died += world.stats.died;
      modelTally.replayed += world.stats.replayed;
    }),
    { numRuns: options.numRuns, seed: options.seed },
  );
}
