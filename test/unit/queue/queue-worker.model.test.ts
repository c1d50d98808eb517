import { assertSafe, assertSettled, MODEL_CASES, reportModelTally, runQueueModel } from '../../helpers/queue-model/queue-model.ts';
import type { ReferenceModel } from '../../helpers/queue-model/queue-model.ts';
import { CALM, QueueWorld } from '../../helpers/queue-model/queue-world.ts';

/** Sequences per (mode, keys) pair: 4 pairs × 300 = 1,200 in `npm test`. */
const RUNS = Number(process.env.SLUICE_MODEL_RUNS ?? 300);
const SEED = Number(process.env.SLUICE_MODEL_SEED ?? 20_261_212);

describe('queue worker + DedupStore against a reference model (fast-check, virtual clock)', () => {
  afterAll(() => reportModelTally('queue model'));

  it.each(MODEL_CASES)(
    '%s mode, %s keys: every message takes effect once (claim mode: again only after a crash between effect and complete) or is dead-lettered with a reason, under duplicates, crashes, lost answers, faults, timeouts, hops and replays days later',
    async (mode, keys) => {
      await runQueueModel({ mode, keys, numRuns: RUNS, seed: SEED });
    },
  );

  /** A message whose effect committed but whose every ack was lost: SQS redrives it to the DLQ after 5 receives. */
  async function committedThenRedriven(windowSeconds?: number) {
    const world = new QueueWorld('atomic', 'content', 1, windowSeconds);
    const model: ReferenceModel = { messages: [world.send('plain', 0)], commandsRun: 0 };
    for (let receive = 0; receive < 6; receive += 1) {
      await world.deliver({ ...CALM, crashBeforeAck: true });
      world.advance(60_000);
    }
    return { world, model, body: model.messages[0]!.body };
  }

  it('catches the double effect of a replay past a dedup window shorter than queue + DLQ retention (the model can fail)', async () => {
    // Prepare: the sample's 4-day window before issue 12
    const { world, model } = await committedThenRedriven(4 * 24 * 3600);
    // Act: an operator forces the replay 6 days later
    await world.replayLater(6, { force: true });
    // Assess
    await expect(assertSettled(model, world)).rejects.toThrow(/took effect 2 times/);
  });

  it('leaves such a dead letter in the DLQ when the replay is not forced', async () => {
    // Prepare
    const { world, body } = await committedThenRedriven(4 * 24 * 3600);
    // Act
    await world.replayLater(6);
    await world.drain();
    // Assess
    expect(world.stats.tooOldToReplay).toBe(1);
    expect(world.effects(body)).toBe(1);
    expect(world.deadLetters().map((d) => d.body)).toEqual([body]);
  });

  it('replays it as a counted duplicate on the DLQ\'s last day with the derived window', async () => {
    // Prepare
    const { world, model, body } = await committedThenRedriven();
    // Act
    await world.replayLater(13);
    // Assess
    await assertSettled(model, world);
    expect(world.stats.replayed).toBe(1);
    expect(world.effects(body)).toBe(1);
    assertSafe(model, world);
  });
});
