import { ChangeMessageVisibilityBatchCommand, ReceiveMessageCommand, SendMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import { runCli, spawnCli } from '../helpers/cli-process.ts';
import { messageCount, takeAll, useDevQueue } from '../helpers/dev-queue.ts';
import { sqsRecord, stringAttribute } from '../helpers/sqs-events.ts';

const idOf = (m: Message) => (JSON.parse(m.Body!) as { orderId: string }).orderId;

/** Receives every visible message and keeps it hidden for `seconds`, as a second operator's tool would. */
async function holdAll(sqs: SQSClient, queueUrl: string, seconds: number): Promise<Message[]> {
  const held: Message[] = [];
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: seconds, MessageAttributeNames: ['All'] }));
    if (!out.Messages?.length) return held;
    held.push(...out.Messages);
  }
}

async function release(sqs: SQSClient, queueUrl: string, messages: readonly Message[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 10) {
    const entries = messages.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: 0 }));
    await sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
}

describe('sluice dlq list and replay on a messy dead-letter queue (`sluice dev --no-pollers`)', () => {
  const orders = useDevQueue('Orders');

  /** Dead-letters `count` orders the way the worker does (DeadLetterQueue). */
  async function deadLetter(count: number, reason: string, prefix: string): Promise<void> {
    for (let i = 0; i < count; i += 1) {
      const record = sqsRecord({ body: { orderId: `${prefix}-${i}` }, attributes: { 'sluice-dedup-key': stringAttribute(`${prefix}-${i}`) } });
      await orders.dlq.send(record, { reason, error: `${reason} (test)` });
    }
  }

  describe('replay', () => {
    it('skips a dead letter whose overflow attributes are not JSON, replays every good one behind it, and names it', async () => {
      // Prepare: the bad one first, at the head of the queue
      const bad = await orders.sqs.send(
        new SendMessageCommand({
          QueueUrl: orders.deadLetterUrl,
          MessageBody: '{"orderId":"bad"}',
          MessageAttributes: {
            'sluice-reason': { DataType: 'String', StringValue: 'transient' },
            'sluice-overflow-attributes': { DataType: 'String', StringValue: '{not json' },
          },
        }),
      );
      await deadLetter(9, 'transient', 'g');
      // Act
      const first = await runCli(['dlq', 'replay', 'Orders'], { stateFile: orders.dev.stateFile });
      const second = await runCli(['dlq', 'replay', 'Orders'], { stateFile: orders.dev.stateFile });
      // Assess
      expect(first.code).toBe(3);
      expect(first.stdout).toContain('replayed 9 dead letters from the Orders DLQ to Orders; 1 left in the DLQ');
      expect(first.stdout).toContain(`1 cannot be replayed: ${bad.MessageId}: sluice-overflow-attributes is not valid JSON`);
      expect((await takeAll(orders.sqs, orders.queueUrl)).map(idOf).sort()).toEqual(Array.from({ length: 9 }, (_, i) => `g-${i}`));
      expect(second.code).toBe(3);
      expect(second.stdout).toContain('replayed 0 dead letters from the Orders DLQ to Orders; 1 left in the DLQ');
      expect((await takeAll(orders.sqs, orders.deadLetterUrl)).map(idOf)).toEqual(['bad']);
    });

    it('keeps its batch hidden through --rate waits, so another reader never gets a message it replays', async () => {
      // Prepare: one batch of 10 that takes longer to replay (10 s at 1/s) than its visibility timeout (3 s)
      await deadLetter(10, 'transient', 'r');
      const replay = spawnCli(['dlq', 'replay', 'Orders', '--rate', '1/s', '--visibility-timeout', '3'], { stateFile: orders.dev.stateFile });
      const other: Message[] = [];
      while ((await messageCount(orders.sqs, orders.queueUrl)) === 0 && replay.child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      // Act: once the replay holds the batch, a second reader polls the DLQ for as long as the replay runs, and keeps what it gets
      while (replay.child.exitCode === null) {
        const out = await orders.sqs.send(new ReceiveMessageCommand({ QueueUrl: orders.deadLetterUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 120, MessageAttributeNames: ['All'] }));
        other.push(...(out.Messages ?? []));
        await new Promise((r) => setTimeout(r, 100));
      }
      const result = await replay.exited;
      // Assess: every dead letter is in exactly one place, never replayed and held by the other reader at once
      const replayed = (await takeAll(orders.sqs, orders.queueUrl)).map(idOf);
      const otherIds = other.map(idOf);
      expect(replayed.filter((id) => otherIds.includes(id))).toEqual([]);
      expect([...replayed, ...otherIds].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `r-${i}`).sort());
      expect(result.stdout).toContain(`replayed ${replayed.length} dead letter`);
      await release(orders.sqs, orders.deadLetterUrl, other);
    });

    it('waits for dead letters another reader holds for a while, then replays them all', async () => {
      // Prepare
      await deadLetter(20, 'transient', 'w');
      await holdAll(orders.sqs, orders.deadLetterUrl, 3);
      // Act
      const result = await runCli(['dlq', 'replay', 'Orders'], { stateFile: orders.dev.stateFile });
      // Assess
      expect(result).toMatchObject({ code: 0, stdout: 'replayed 20 dead letters from the Orders DLQ to Orders; 0 left in the DLQ\n' });
      expect(await messageCount(orders.sqs, orders.queueUrl)).toBe(20);
    });

    it('stops after --wait with exit 3 when another reader keeps the dead letters, and says so', async () => {
      // Prepare
      await deadLetter(20, 'transient', 'h');
      const held = await holdAll(orders.sqs, orders.deadLetterUrl, 600);
      // Act
      const result = await runCli(['dlq', 'replay', 'Orders', '--wait', '1'], { stateFile: orders.dev.stateFile });
      // Assess
      expect(result.code).toBe(3);
      expect(result.stdout).toContain('replayed 0 dead letters from the Orders DLQ to Orders; 20 left in the DLQ');
      expect(result.stdout).toMatch(/20 held by another reader/);
      await release(orders.sqs, orders.deadLetterUrl, held);
    });

    it('says which reasons there are when --filter matches none of them (e.g. the wrong case)', async () => {
      // Prepare
      await deadLetter(3, 'malformed', 'f');
      // Act
      const result = await runCli(['dlq', 'replay', 'Orders', '--filter', 'Malformed'], { stateFile: orders.dev.stateFile });
      // Assess
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('replayed 0 dead letters from the Orders DLQ to Orders; 3 left in the DLQ');
      expect(result.stderr).toContain('no dead letter has the reason "Malformed"; did you mean "malformed"? (reasons: malformed 3)');
    });
  });

  describe('list', () => {
    it('counts dead letters another reader holds from the queue attributes instead of calling the DLQ empty', async () => {
      // Prepare
      await deadLetter(20, 'malformed', 'x');
      const held = await holdAll(orders.sqs, orders.deadLetterUrl, 600);
      // Act
      const listed = await runCli(['dlq', 'list', 'Orders'], { stateFile: orders.dev.stateFile });
      const json = await runCli(['dlq', 'list', 'Orders', '--json'], { stateFile: orders.dev.stateFile });
      // Assess
      expect(listed.code).toBe(0);
      expect(listed.stdout).not.toContain('empty');
      expect(listed.stdout).toContain('Orders DLQ (local): 20 messages (0 visible, 20 in flight)');
      expect(listed.stdout).toContain('read 0 of them: 20 in flight are held by another reader');
      expect(JSON.parse(json.stdout)).toMatchObject({ queue: 'Orders', total: 20, visible: 0, inFlight: 20, read: 0, reasons: [] });
      await release(orders.sqs, orders.deadLetterUrl, held);
    });

    it('does not claim it stopped at --max when the DLQ holds exactly --max messages', async () => {
      // Prepare
      await deadLetter(10, 'expired', 'm');
      // Act
      const listed = await runCli(['dlq', 'list', 'Orders', '--max', '10'], { stateFile: orders.dev.stateFile });
      const capped = await runCli(['dlq', 'list', 'Orders', '--max', '4'], { stateFile: orders.dev.stateFile });
      // Assess
      expect(listed.code).toBe(0);
      expect(listed.stdout).toContain('Orders DLQ (local): 10 messages (10 visible, 0 in flight)\n');
      expect(listed.stdout).not.toContain('--max');
      expect(capped.stdout).toContain('read 4 of them: stopped at --max 4');
    });

    it('says in its help that reading a dead letter counts as a receive', async () => {
      // Act
      const help = await runCli(['dlq', 'list', '--help']);
      // Assess
      expect(help.stdout).not.toContain('without consuming');
      expect(help.stdout.replace(/\s+/g, ' ')).toContain('ApproximateReceiveCount');
    });
  });
});
