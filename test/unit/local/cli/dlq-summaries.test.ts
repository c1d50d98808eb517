import type { SQSClient } from '@aws-sdk/client-sqs';
import { HeldMessages } from '../../../../local/cli/commands/dlq/held-messages.ts';
import { listHeading } from '../../../../local/cli/commands/dlq/list-summary.ts';
import type { ReplayResult } from '../../../../local/cli/commands/dlq/replay.ts';
import { REPLAY_EXIT, replaySummary } from '../../../../local/cli/commands/dlq/replay-summary.ts';

function replayResult(overrides: Partial<ReplayResult> = {}): ReplayResult {
  return { replayed: 0, interrupted: false, filteredOut: 0, newer: 0, tooOld: 0, unreplayable: [], timedOut: false, fifo: false, reasons: new Map(), ...overrides };
}

describe('dlq replay summary', () => {
  it('exits 0 when all that is left is what --filter excludes', () => {
    // Act
    const summary = replaySummary(replayResult({ replayed: 4, filteredOut: 2, reasons: new Map([['malformed', 4], ['expired', 2]]), unreached: { visible: 0, inFlight: 0, delayed: 0 } }), {
      queue: 'Orders',
      left: 2,
      filter: 'malformed',
    });
    // Assess
    expect(summary).toEqual({ text: 'replayed 4 dead letters from the Orders DLQ to Orders; 2 left in the DLQ (--filter malformed)\n  2 not matching --filter malformed', exitCode: 0 });
  });

  it('says how many dead letters are older than the dedup window and exits 0: they are left on purpose (issue 12, defect 2)', () => {
    // Act
    const summary = replaySummary(replayResult({ replayed: 3, tooOld: 2, unreached: { visible: 0, inFlight: 0, delayed: 0 } }), { queue: 'Orders', left: 2 });
    // Assess
    expect(summary).toEqual({
      text: "replayed 3 dead letters from the Orders DLQ to Orders; 2 left in the DLQ\n  2 older than the queue's dedup window: replayed, one whose effect already ran would run again (--force replays them anyway)",
      exitCode: 0,
    });
  });

  it('names the first 10 unreplayable dead letters, counts the rest, and exits 3', () => {
    // Prepare
    const unreplayable = Array.from({ length: 12 }, (_, i) => ({ messageId: `m-${i}`, problem: 'bad' }));
    // Act
    const summary = replaySummary(replayResult({ unreplayable }), { queue: 'Orders', left: 12 });
    // Assess
    expect(summary.exitCode).toBe(REPLAY_EXIT.incomplete);
    expect(summary.text.split('\n')).toEqual(['replayed 0 dead letters from the Orders DLQ to Orders; 12 left in the DLQ', '  12 cannot be replayed:', ...unreplayable.slice(0, 10).map((u) => `    ${u.messageId}: bad`), '    … and 2 more']);
  });

  it('says why messages could not be reached: another reader, a FIFO group head, a delay', () => {
    // Act
    const summary = replaySummary(replayResult({ fifo: true, unreached: { visible: 9, inFlight: 2, delayed: 1 } }), { queue: 'Ledger', left: 12 });
    // Assess
    expect(summary.exitCode).toBe(REPLAY_EXIT.incomplete);
    expect(summary.text).toContain('  2 held by another reader');
    expect(summary.text).toContain('  9 behind the head of their FIFO message group');
    expect(summary.text).toContain('  1 delayed: not visible yet');
  });

  it('hints at the reasons there are when --filter matches none, without a "did you mean" when none is close', () => {
    // Act
    const summary = replaySummary(replayResult({ filteredOut: 3, reasons: new Map([['expired', 1], ['redrive', 2]]) }), { queue: 'Orders', left: 3, filter: 'timeout' });
    // Assess
    expect(summary.hint).toBe('no dead letter has the reason "timeout" (reasons: redrive 2, expired 1)');
  });

  it('exits 130 when interrupted and 1 when an error stopped it', () => {
    // Assess
    expect(replaySummary(replayResult({ interrupted: true }), { queue: 'Orders', left: 3 }).exitCode).toBe(130);
    expect(replaySummary(replayResult({ error: new Error('AccessDenied') }), { queue: 'Orders', left: 3 }).exitCode).toBe(1);
  });
});

describe('dlq list heading', () => {
  it('says nothing more when it read every message', () => {
    // Assess
    expect(listHeading('Orders', 'local', { depth: { visible: 10, inFlight: 0, delayed: 0 }, read: 10, max: 10, fifo: false })).toBe('Orders DLQ (local): 10 messages (10 visible, 0 in flight)');
  });

  it('gives every reason it read fewer than the DLQ holds', () => {
    // Act
    const heading = listHeading('Orders', 'aws', { depth: { visible: 30, inFlight: 5, delayed: 2 }, read: 10, max: 10, fifo: true });
    // Assess
    expect(heading.split('\n')[1]).toBe(
      'read 10 of them: stopped at --max 10; 5 in flight are held by another reader (or a replay) until its visibility timeout ends; 2 are delayed: not visible yet',
    );
  });
});

describe('held messages', () => {
  it('tells the caller a message is no longer its own when SQS says another reader received it', async () => {
    // Prepare: a hold already past half its time, and SQS refusing the extension
    const sqs = { send: async () => Promise.reject(Object.assign(new Error('not in flight'), { name: 'MessageNotInflight' })) } as unknown as SQSClient;
    const held = new HeldMessages(sqs, 'https://sqs/q', 0.001);
    held.hold({ MessageId: 'm-1', ReceiptHandle: 'r-1' });
    await new Promise((r) => setTimeout(r, 5));
    // Act
    const ours = await held.confirm('m-1');
    // Assess
    expect(ours).toBe(false);
    expect(held.has('m-1')).toBe(false);
    await held.releaseAll();
  });
});
