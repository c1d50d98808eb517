import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { PurgeQueueCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { OrderJob } from '../../examples/orders/lib/order-schema.ts';
import { expandTemplate } from '../../local/cli/commands/send-input.ts';
import { clientConfig } from '../../shared/aws-clients.ts';
import { queueDepth } from '../../shared/queue/queue-depth.ts';
import { runCli, startDev, type DevProcess } from '../helpers/cli-process.ts';

const order = (i: number) => JSON.stringify({ orderId: `o-${i}`, customerId: 'c-1', amountCents: 100, items: [{ sku: 's', quantity: 1, unitPriceCents: 100 }] });

/** The `--template '…'` of an example command line in some text. */
function exampleTemplate(text: string): unknown {
  const match = /--template '([^']+)'/.exec(text);
  if (!match) throw new Error(`no --template example in:\n${text}`);
  return JSON.parse(match[1]!);
}

describe('sluice send against `sluice dev --no-pollers` (nothing consumes: what arrives can be counted)', () => {
  let dev: DevProcess;
  let sqs: SQSClient;
  let kinesis: KinesisClient;
  let ordersUrl: string;
  let streamName: string;
  const files = mkdtempSync(join(tmpdir(), 'sluice-send-'));

  async function ordersDepth(): Promise<number> {
    const depth = await queueDepth(sqs, ordersUrl);
    return depth.visible + depth.inFlight + depth.delayed;
  }

  /** Records in the stream since it was created (all shards, from TRIM_HORIZON). */
  async function streamRecords(): Promise<number> {
    const shards = (await kinesis.send(new ListShardsCommand({ StreamName: streamName }))).Shards ?? [];
    let count = 0;
    for (const shard of shards) {
      let iterator = (await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator;
      for (;;) {
        const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator!, Limit: 10_000 }));
        count += out.Records?.length ?? 0;
        if (!out.Records?.length || !out.NextShardIterator) break;
        iterator = out.NextShardIterator;
      }
    }
    return count;
  }

  function file(name: string, text: string | Buffer): string {
    const path = join(files, name);
    writeFileSync(path, text);
    return path;
  }

  beforeAll(async () => {
    dev = await startDev(['--no-pollers']);
    ordersUrl = dev.state.outputs.OrdersQueueUrl!;
    streamName = dev.state.outputs.OrderStreamStreamName!;
    sqs = new SQSClient({ ...clientConfig({ service: 'sqs' }), endpoint: dev.state.endpoints.sqs });
    kinesis = new KinesisClient({ ...clientConfig(), endpoint: dev.state.endpoints.kinesis });
  });

  afterAll(async () => {
    sqs?.destroy();
    kinesis?.destroy();
    await dev?.stop();
  });

  beforeEach(async () => {
    await sqs.send(new PurgeQueueCommand({ QueueUrl: ordersUrl }));
  });

  describe('checks every message before the first is sent', () => {
    it('refuses a file with a character SQS does not accept, naming its line, and sends nothing (exit 2)', async () => {
      // Prepare: line 7 holds U+FFFF, which SQS refuses in a body
      const lines = Array.from({ length: 25 }, (_, i) => (i === 6 ? '{"orderId":"\uffff"}' : order(i + 1)));
      const path = file('bad-char.jsonl', lines.join('\n'));
      // Act
      const result = await runCli(['send', 'Orders', '--file', path], { stateFile: dev.stateFile });
      // Assess
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`${path}:7: the body holds U+FFFF`);
      expect(result.stderr).toContain('nothing was sent');
      expect(await ordersDepth()).toBe(0);
    });

    it('reports the exact count sent and the line SQS refused, with its reason', async () => {
      // Prepare: the queue's MaximumMessageSize (1,024 B to 1 MiB, set per queue) is below SQS's cap, which the
      // checks use, so only the service itself refuses line 7
      const lines = Array.from({ length: 25 }, (_, i) => (i === 6 ? JSON.stringify({ orderId: 'big', pad: 'x'.repeat(3_000) }) : order(i + 1)));
      const path = file('refused.jsonl', lines.join('\n'));
      await sqs.send(new SetQueueAttributesCommand({ QueueUrl: ordersUrl, Attributes: { MaximumMessageSize: '2048' } }));
      try {
        // Act
        const result = await runCli(['send', 'Orders', '--file', path], { stateFile: dev.stateFile });
        // Assess
        expect(result.code).toBe(1);
        const sent = Number(/sent (\d+) of 25 messages/.exec(result.stderr)?.[1]);
        expect(sent).toBe(await ordersDepth());
        expect(result.stderr).toContain(`${path}:7: refused by SQS: InvalidParameterValue: One or more parameters are invalid. Reason: Message must be shorter than 2048 bytes.`);
      } finally {
        await sqs.send(new SetQueueAttributesCommand({ QueueUrl: ordersUrl, Attributes: { MaximumMessageSize: '1048576' } }));
      }
    });

    it('refuses a stream send whose partition key gets too long at message 1000, before putting any record (exit 2)', async () => {
      // Prepare: 'x' × 253 + {{i}} is 256 characters up to i = 999, 257 at i = 1000
      const before = await streamRecords();
      // Act
      const result = await runCli(['send', 'OrderStream', '--count', '1000', '--template', '{"type":"cart"}', '--partition-key', `${'x'.repeat(253)}{{i}}`], { stateFile: dev.stateFile });
      // Assess
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('message 1000: the partition key is 257 characters; Kinesis accepts 1 to 256');
      expect(result.stderr).toContain('nothing was sent');
      expect(await streamRecords()).toBe(before);
    });
  });

  describe('exits 2 on bad input', () => {
    it.each([
      ['a body over 1 MiB', () => ['send', 'Orders', '--file', file('big.jsonl', `{"pad":"${'x'.repeat(1_048_576)}"}\n`)], /big\.jsonl:1: message line-1 is 1,048,586 bytes/],
      ['an empty --dedup-key', () => ['send', 'Orders', '--count', '1', '--template', '{}', '--dedup-key', ''], /option '--dedup-key <K>' argument '' is invalid\. expected a non-empty text/],
      ['a stream record over 1 MiB', () => ['send', 'OrderStream', '--file', file('big-record.jsonl', `"${'x'.repeat(1_048_576)}"\n`)], /big-record\.jsonl:1: the record is 1,048,6\d\d bytes/],
      ['an empty partition key', () => ['send', 'OrderStream', '--count', '1', '--template', '{}', '--partition-key', ''], /option '--partition-key <P>' argument '' is invalid\. expected a non-empty text/],
      ['a --delay in exponent form', () => ['send', 'Orders', '--count', '1', '--template', '{}', '--delay', '1e3'], /option '--delay <S>' argument '1e3' is invalid/],
    ])('%s', async (_, args, message) => {
      // Act
      const result = await runCli(args(), { stateFile: dev.stateFile });
      // Assess
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(await ordersDepth()).toBe(0);
    });
  });

  describe('reads files as editors write them', () => {
    it('strips a byte order mark', async () => {
      // Prepare
      const path = file('bom.jsonl', `\ufeff${order(1)}\n${order(2)}\n`);
      // Act
      const result = await runCli(['send', 'Orders', '--file', path], { stateFile: dev.stateFile });
      // Assess
      expect(result).toMatchObject({ code: 0, stdout: 'sent 2 messages to queue Orders (local)\n' });
      expect(await ordersDepth()).toBe(2);
    });

    it('reads CR-only line endings as line breaks', async () => {
      // Prepare
      const path = file('cr.jsonl', `${order(1)}\r${order(2)}\r${order(3)}\r`);
      // Act
      const result = await runCli(['send', 'Orders', '--file', path], { stateFile: dev.stateFile });
      // Assess
      expect(result).toMatchObject({ code: 0, stdout: 'sent 3 messages to queue Orders (local)\n' });
    });

    it('reports the first 10 bad lines and how many more, not one line per bad line', async () => {
      // Prepare
      const path = file('many-bad.jsonl', Array.from({ length: 30 }, () => 'not json').join('\n'));
      // Act
      const result = await runCli(['send', 'Orders', '--file', path], { stateFile: dev.stateFile });
      // Assess
      expect(result.code).toBe(2);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(12);
      expect(result.stderr).toContain('30 of 30 messages are invalid; nothing was sent');
      expect(result.stderr).toContain(`${path}:10: not valid JSON`);
      expect(result.stderr).toContain('… and 20 more');
    });
  });

  describe('the size left for dead-lettering', () => {
    it('refuses a body that leaves no room for the DLQ attributes, saying how much fits, and sends one that fits', async () => {
      // Prepare: exactly SQS's cap (no attributes: the body alone is 1 MiB)
      const atCap = file('at-cap.jsonl', `"${'x'.repeat(1_048_576 - 2)}"\n`);
      // Act
      const refused = await runCli(['send', 'Orders', '--file', atCap], { stateFile: dev.stateFile });
      // Assess
      expect(refused.code).toBe(2);
      const fits = Number(/at most ([\d,]+) bytes fit/.exec(refused.stderr)?.[1]?.replaceAll(',', ''));
      expect(fits).toBeGreaterThan(1_040_000);
      expect(fits).toBeLessThan(1_048_576);
      expect(refused.stderr).toContain('room to dead-letter it');
      // Act: the largest body that fits
      const largest = await runCli(['send', 'Orders', '--file', file('largest.jsonl', `"${'x'.repeat(fits - 2)}"\n`)], { stateFile: dev.stateFile });
      // Assess
      expect(largest).toMatchObject({ code: 0, stdout: 'sent 1 message to queue Orders (local)\n' });
    });
  });

  describe('streams its input: memory stays flat whatever the size (a 48 MB heap for 30 MB of messages)', () => {
    const heap = { NODE_OPTIONS: '--max-old-space-size=48' };
    const pad = 'x'.repeat(500_000);

    it('sends a 30 MB JSON Lines file', async () => {
      // Prepare
      const path = file('large.jsonl', Array.from({ length: 60 }, (_, i) => JSON.stringify({ orderId: `o-${i + 1}`, pad })).join('\n'));
      // Act
      const result = await runCli(['send', 'Orders', '--file', path], { stateFile: dev.stateFile, env: heap, timeoutMs: 300_000 });
      // Assess
      expect(result).toMatchObject({ code: 0, stdout: 'sent 60 messages to queue Orders (local)\n' });
      expect(await ordersDepth()).toBe(60);
    }, 300_000);

    it('sends 30 MB of generated messages', async () => {
      // Prepare
      const template = file('large-template.json', JSON.stringify({ orderId: 'o-{{i}}', pad }));
      // Act
      const result = await runCli(['send', 'Orders', '--count', '60', '--template', `@${template}`], { stateFile: dev.stateFile, env: heap, timeoutMs: 300_000 });
      // Assess
      expect(result).toMatchObject({ code: 0, stdout: 'sent 60 messages to queue Orders (local)\n' });
      expect(await ordersDepth()).toBe(60);
    }, 300_000);
  });

  it('shows a progress bar on stderr for a long send, even without a terminal (as in CI logs)', async () => {
    // Act
    const result = await runCli(['send', 'Orders', '--count', '10000', '--template', '{"orderId":"o-{{i}}"}'], { stateFile: dev.stateFile });
    // Assess
    expect(result).toMatchObject({ code: 0, stdout: 'sent 10,000 messages to queue Orders (local)\n' });
    expect(result.stderr).toMatch(/^send +\[[░█]+\] 0% \| 0\/10000 \| starting$/m);
    expect(await ordersDepth()).toBe(10_000);
  });

  it('shows an example body in `send --help` and the `sluice dev` banner that passes the sample schema', async () => {
    // Act
    const help = await runCli(['send', '--help']);
    // Assess
    for (const text of [help.stdout, dev.output.stdout]) {
      const example = expandTemplate(exampleTemplate(text), { i: 1, now: 0 });
      expect(OrderJob.safeParse(example)).toMatchObject({ success: true });
    }
  });
});
