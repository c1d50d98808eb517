import { GetQueueAttributesCommand, PurgeQueueCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { clientConfig } from '../../shared/aws-clients.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { DeadLetterQueue } from '../../shared/queue/dead-letter.ts';
import { replayDeadLetters } from '../../local/cli/commands/dlq/replay.ts';
import { until } from '../../local/runtime/until.ts';
import { runCli, spawnCli, startDev, type DevProcess } from '../helpers/cli-process.ts';
import { takeAll } from '../helpers/dev-queue.ts';
import { sqsRecord, stringAttribute } from '../helpers/sqs-events.ts';

async function depth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const out = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  return Number(out.Attributes!.ApproximateNumberOfMessages) + Number(out.Attributes!.ApproximateNumberOfMessagesNotVisible);
}

const idOf = (m: Message) => (JSON.parse(m.Body!) as { orderId: string }).orderId;

describe('sluice dlq replay against `sluice dev --no-pollers` (nothing consumes, so every message can be counted)', () => {
  let dev: DevProcess;
  let sqs: SQSClient;
  let dlq: DeadLetterQueue;
  let ordersUrl: string;
  let deadLetterUrl: string;

  /** Dead-letters `count` orders the way the worker does (DeadLetterQueue), with a dedup key attribute. */
  async function deadLetter(count: number, reason: string, prefix: string): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      const record = sqsRecord({ body: { orderId: `${prefix}-${i}` }, attributes: { 'sluice-dedup-key': stringAttribute(`${prefix}-${i}`) } });
      await dlq.send(record, { reason, error: `${reason} (test)` });
    }
  }

  beforeAll(async () => {
    dev = await startDev(['--no-pollers']);
    ordersUrl = dev.state.outputs.OrdersQueueUrl!;
    deadLetterUrl = dev.state.outputs.OrdersDeadLetterQueueUrl!;
    sqs = new SQSClient({ ...clientConfig({ service: 'sqs' }), endpoint: dev.state.endpoints.sqs });
    dlq = new DeadLetterQueue({ client: sqs, queueUrl: deadLetterUrl });
  });

  afterAll(async () => {
    sqs?.destroy();
    await dev?.stop();
  });

  beforeEach(async () => {
    await sqs.send(new PurgeQueueCommand({ QueueUrl: ordersUrl }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl: deadLetterUrl }));
  });

  it('replays only the reason asked for, with the original attributes and without sluice DLQ attributes', async () => {
    // Prepare
    await deadLetter(4, 'malformed', 'm');
    await deadLetter(2, 'expired', 'e');
    // Act
    const result = await runCli(['dlq', 'replay', 'Orders', '--filter', 'malformed'], { stateFile: dev.stateFile });
    // Assess
    expect(result).toMatchObject({ code: 0, stdout: 'replayed 4 dead letters from the Orders DLQ to Orders; 2 left in the DLQ (--filter malformed)\n  2 not matching --filter malformed\n' });
    const replayed = await takeAll(sqs, ordersUrl);
    expect(replayed.map(idOf).sort()).toEqual(['m-0', 'm-1', 'm-2', 'm-3']);
    for (const message of replayed) {
      expect(Object.keys(message.MessageAttributes ?? {})).toEqual(['sluice-dedup-key']);
      expect(message.MessageAttributes!['sluice-dedup-key']!.StringValue).toBe(idOf(message));
    }
    expect((await takeAll(sqs, deadLetterUrl)).map(idOf).sort()).toEqual(['e-0', 'e-1']);
  });

  it('loses nothing when interrupted with Ctrl-C mid-replay, and a second run moves the rest', async () => {
    // Prepare
    await deadLetter(30, 'transient', 't');
    // At 5/s the replay needs 6 s for all 30: ample time to interrupt it after the first few, even on a busy machine.
    const replay = spawnCli(['dlq', 'replay', 'Orders', '--rate', '5/s'], { stateFile: dev.stateFile });
    let moved = 0;
    // The CLI starts in about half a second on an idle machine; the wait allows for a much slower one.
    await until(async () => (moved = await depth(sqs, ordersUrl)) >= 3, { what: 'the replay to move its first messages', stallMs: 120_000, progress: () => moved, intervalMs: 50 });
    // Act
    replay.child.kill('SIGINT');
    const interrupted = await replay.exited;
    // Assess
    expect(interrupted.code).toBe(130);
    expect(interrupted.stdout).toMatch(/^replayed \d+ dead letters from the Orders DLQ to Orders \(interrupted\); \d+ left in the DLQ\n$/);
    moved = await depth(sqs, ordersUrl);
    const left = await depth(sqs, deadLetterUrl);
    expect(moved).toBeGreaterThanOrEqual(3);
    expect(moved).toBeLessThan(30);
    expect(moved + left).toBe(30);
    // Act: run it again to the end
    const resumed = await runCli(['dlq', 'replay', 'Orders'], { stateFile: dev.stateFile });
    // Assess
    expect(resumed).toMatchObject({ code: 0, stdout: `replayed ${left} dead letters from the Orders DLQ to Orders; 0 left in the DLQ\n` });
    const all = (await takeAll(sqs, ordersUrl)).map(idOf);
    expect(all).toHaveLength(30);
    expect(new Set(all).size).toBe(30);
  });

  it('leaves dead letters older than the Orders dedup window (by their SentTimestamp) and replays the rest with their origin id (issue 12, defects 2 and 9)', async () => {
    // Prepare: dead letters without an explicit dedup key, as a worker keyed on message ids sees them
    const records = [sqsRecord({ body: { orderId: 'w-0' } }), sqsRecord({ body: { orderId: 'w-1' } })];
    for (const record of records) await dlq.send(record, { reason: 'transient', error: 'transient (test)' });
    const windowMs = Number(dev.state.outputs.OrdersDedupWindowSeconds) * 1000;
    const replay = (clock: Clock) => replayDeadLetters({ sqs, deadLetterUrl, sourceUrl: ordersUrl, waitTimeSeconds: 0, maxAgeMs: windowMs, clock });
    // Act: as if a day past the window
    const late = await replay({ now: () => Date.now() + windowMs + 86_400_000 });
    // Assess
    expect(windowMs).toBe(18 * 86_400_000);
    expect(late).toMatchObject({ replayed: 0, tooOld: 2 });
    expect(await depth(sqs, deadLetterUrl)).toBe(2);
    // Act: within the window
    const inTime = await replay(systemClock);
    // Assess
    expect(inTime).toMatchObject({ replayed: 2, tooOld: 0 });
    const replayed = await takeAll(sqs, ordersUrl);
    const originOf = new Map(replayed.map((m) => [idOf(m), m.MessageAttributes?.['sluice-origin-id']?.StringValue]));
    expect(originOf).toEqual(new Map(records.map((r) => [(JSON.parse(r.body) as { orderId: string }).orderId, r.messageId])));
  });

  it.each([
    [['dlq', 'replay', 'Orders', '--rate', 'fast'], /^sluice dlq replay: option '--rate <N\/s>' argument 'fast' is invalid\. expected messages per second like 10 or 10\/s, got "fast" \(usage: sluice dlq replay \[options\] <queue>\)\n$/],
    [['dlq', 'replay'], /^sluice dlq replay: missing required argument 'queue' \(usage: sluice dlq replay \[options\] <queue>\)\n$/],
    [['dlq', 'replay', 'Orders', '--target', 'moon'], /^sluice dlq replay: option '--target <target>' argument 'moon' is invalid\. Allowed choices are local, localstack, aws\. \(usage: .*\)\n$/],
  ])('rejects %j with exit 2 and one line saying what is expected', async (args, message) => {
    // Act
    const result = await runCli(args, { stateFile: dev.stateFile });
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
