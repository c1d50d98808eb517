import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli-process.ts';
import { takeAll, useDevQueue } from '../helpers/dev-queue.ts';
import { fifoTestTemplate } from '../helpers/fifo-test-stack.ts';
import { sqsRecord } from '../helpers/sqs-events.ts';

interface LedgerBody {
  group: string;
  seq: number;
}

const templateFile = join(mkdtempSync(join(tmpdir(), 'sluice-fifo-')), 'FifoTest.template.json');
writeFileSync(templateFile, JSON.stringify(fifoTestTemplate()));

describe('sluice send, dlq list and dlq replay on a FIFO queue (`sluice dev --no-pollers --template`)', () => {
  const ledger = useDevQueue('Ledger', ['--no-pollers', '--template', templateFile]);

  /** Dead-letters `seqs` in one message group the way the worker does, each with its reason. */
  async function deadLetter(group: string, reasons: readonly string[]): Promise<void> {
    for (const [seq, reason] of reasons.entries()) {
      await ledger.dlq.send(sqsRecord({ body: { group, seq }, groupId: group }), { reason, error: `${reason} (test)` });
    }
  }

  /** The bodies in the Ledger queue, in order per group. */
  const ledgerBodies = async () => (await takeAll(ledger.sqs, ledger.queueUrl)).map((m) => JSON.parse(m.Body!) as LedgerBody);

  it('lists the total from the queue attributes, and says a FIFO read sees only the head of each message group', async () => {
    // Prepare: 40 dead letters in 2 groups
    await deadLetter('a', Array.from({ length: 20 }, () => 'schema-invalid'));
    await deadLetter('b', Array.from({ length: 20 }, () => 'schema-invalid'));
    // Act
    const listed = await runCli(['dlq', 'list', 'Ledger'], { stateFile: ledger.dev.stateFile });
    // Assess
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('Ledger DLQ (local): 40 messages (40 visible, 0 in flight)');
    expect(listed.stdout).toMatch(/read (\d+) of them: a FIFO queue shows only the first messages of each message group until they are deleted/);
    const read = Number(/read (\d+) of them/.exec(listed.stdout)![1]);
    expect(read).toBeGreaterThanOrEqual(2);
    expect(read).toBeLessThan(40);
  });

  it('says how many messages FIFO deduplication keeps when a send repeats a deduplication id', async () => {
    // Act: five identical bodies share one content hash, the deduplication id
    const sent = await runCli(['send', 'Ledger', '--count', '5', '--template', '{"group":"g","seq":1}', '--group', 'g'], { stateFile: ledger.dev.stateFile });
    // Assess
    expect(sent.code).toBe(0);
    expect(sent.stdout).toBe(
      'sent 5 messages to queue Ledger (local); 4 repeat the deduplication id of an earlier message of this send, so SQS keeps 1 of them (one per id within 5 minutes)\n',
    );
    expect(await ledgerBodies()).toEqual([{ group: 'g', seq: 1 }]);
  });

  it('replays every matching message it can reach and names the groups a skipped message holds, exit 3', async () => {
    // Prepare: group a is all malformed; group b starts with an expired one, so its malformed ones wait behind it
    await deadLetter('a', Array.from({ length: 10 }, () => 'malformed'));
    await deadLetter('b', ['expired', ...Array.from({ length: 9 }, () => 'malformed')]);
    // Act
    const result = await runCli(['dlq', 'replay', 'Ledger', '--filter', 'malformed', '--wait', '5'], { stateFile: ledger.dev.stateFile });
    // Assess
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('replayed 10 dead letters from the Ledger DLQ to Ledger; 10 left in the DLQ');
    expect(result.stdout).toContain('1 not matching --filter malformed');
    expect(result.stdout).toContain('9 behind the head of their FIFO message group');
    expect((await ledgerBodies()).map((m) => `${m.group}${m.seq}`)).toEqual(Array.from({ length: 10 }, (_, i) => `a${i}`));
  });
});
