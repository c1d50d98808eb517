import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../../local/runtime/until.ts';
import { commandLine, descendantPids, isRunning, runCli, startDev, type DevProcess } from '../helpers/cli-process.ts';

const validOrder = '{"orderId":"cli-{{i}}","customerId":"c-{{i}}","amountCents":500,"items":[{"sku":"a","quantity":1,"unitPriceCents":500}]}';

interface StatusJson {
  queues: { name: string; visible: number; inFlight: number; delayed: number; deadLetters?: number }[];
  streams: { name: string; shards: number; status: string }[];
}

async function status(stateFile: string): Promise<StatusJson> {
  const { code, stdout, stderr } = await runCli(['status', '--json'], { stateFile });
  if (code !== 0) throw new Error(`sluice status failed (${code}): ${stderr}`);
  return JSON.parse(stdout) as StatusJson;
}

/** Polls `sluice status` until the Orders queue is empty and its DLQ holds `deadLetters`; gives up only when the queue stops moving. */
async function waitForOrders(stateFile: string, deadLetters: number): Promise<StatusJson> {
  let current: StatusJson | undefined;
  const orders = () => current?.queues.find((q) => q.name === 'Orders');
  await until(
    async () => {
      current = await status(stateFile);
      const queue = orders()!;
      return queue.visible + queue.inFlight + queue.delayed === 0 && queue.deadLetters === deadLetters;
    },
    { what: () => `Orders to settle: ${JSON.stringify(orders())}`, stallMs: 60_000, progress: () => JSON.stringify(orders()), intervalMs: 250 },
  );
  return current!;
}

describe('sluice CLI against a running `sluice dev` (queues, DLQ list, status, shutdown)', () => {
  let dev: DevProcess;
  const files = mkdtempSync(join(tmpdir(), 'sluice-cli-input-'));

  beforeAll(async () => {
    dev = await startDev();
  });

  afterAll(async () => {
    await dev?.stop();
  });

  it('prints endpoints for the AWS CLI and the resolved stack outputs once ready', () => {
    // Assess
    expect(dev.output.stdout).toContain(`export AWS_ENDPOINT_URL_SQS=${dev.state.endpoints.sqs}`);
    expect(dev.output.stdout).toContain(`OrdersQueueUrl`);
    // The sample stack: Orders and the batch request queue on SQS, OrderStream on Kinesis.
    expect(dev.output.stdout).toMatch(/^sluice dev: ready in [\d.]+ s: \d+ functions, 3 event source mappings \(2 SQS, 1 Kinesis\) running$/m);
    expect(dev.state.outputs.OrdersQueueUrl).toContain(dev.state.endpoints.sqs);
    expect(dev.state.pid).toBe(dev.child.pid);
  });

  it('sends generated orders that the consumer processes, and reports the queues and streams in status', async () => {
    // Act
    const sent = await runCli(['send', 'Orders', '--count', '25', '--template', validOrder, '--dedup-key', 'cli-{{i}}'], { stateFile: dev.stateFile });
    // Assess
    expect(sent).toMatchObject({ code: 0, stdout: 'sent 25 messages to queue Orders (local)\n' });
    const settled = await waitForOrders(dev.stateFile, 0);
    expect(settled.streams).toEqual([{ name: 'OrderStream', status: 'ACTIVE', shards: 4 }]);
    const table = await runCli(['status'], { stateFile: dev.stateFile });
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^Orders\s+0\s+0\s+0\s+0\s+n\/a$/m);
    expect(table.stdout).toMatch(/^OrderStream\s+ACTIVE\s+4\s+n\/a$/m);
    // The live status line refreshes on its own schedule, which a busy machine can hold back: wait for it.
    const settledLine = /Orders 0 visible · 0 in flight · 0 delayed · DLQ 0 \| 25 messages handled/;
    await until(() => settledLine.test(dev.output.stderr), { what: 'the live status line to show the settled queue', stallMs: 60_000 }).catch(() => undefined);
    expect(dev.output.stderr).toMatch(settledLine);
  });

  it('sends JSON Lines records to a stream', async () => {
    // Prepare
    const file = join(files, 'events.jsonl');
    writeFileSync(file, '{"type":"order","category":"books","amountCents":100}\n\n{"type":"cart","category":"toys"}\n');
    // Act
    const sent = await runCli(['send', 'OrderStream', '--file', file, '--partition-key', 'c-{{i}}'], { stateFile: dev.stateFile });
    // Assess
    expect(sent).toMatchObject({ code: 0, stdout: 'sent 2 records to stream OrderStream (local)\n' });
    // The mapping's filter keeps the order (the consumer then rejects it: no orderId) and drops the cart event.
    const deadline = Date.now() + 30_000;
    while (!/ · 1 stream records\n/.test(dev.output.stderr) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(dev.output.stderr).toMatch(/\| \d+ messages handled · 1 stream records\n/);
  });

  it('groups more than ten dead letters by reason without consuming them', async () => {
    // Prepare: the worker dead-letters schema-invalid orders at once, with sluice-reason
    const sent = await runCli(['send', 'Orders', '--count', '14', '--template', '{"orderId":"invalid-{{i}}"}'], { stateFile: dev.stateFile });
    expect(sent.code).toBe(0);
    await waitForOrders(dev.stateFile, 14);
    // Act
    const listed = await runCli(['dlq', 'list', 'Orders'], { stateFile: dev.stateFile });
    const again = await runCli(['dlq', 'list', 'Orders', '--json'], { stateFile: dev.stateFile });
    // Assess
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('Orders DLQ (local): 14 messages');
    expect(listed.stdout).toMatch(/^schema-invalid\s+14\s+\{"orderId":"invalid-\d+"\}\s+body does not match the schema/m);
    expect(JSON.parse(again.stdout)).toMatchObject({ queue: 'Orders', total: 14, reasons: [{ reason: 'schema-invalid', count: 14 }] });
    const after = await status(dev.stateFile);
    expect(after.queues.find((q) => q.name === 'Orders')!.deadLetters).toBe(14);
  });

  it('dead-letters with its reason a schema-invalid order of the largest size `send` accepts', async () => {
    // Prepare: the size limit send names for a body alone, then an invalid order of exactly that size
    // whose validation error (150 issues) fills the longest sluice-error the DLQ keeps
    const atCap = join(files, 'at-cap.jsonl');
    writeFileSync(atCap, `"${'x'.repeat(1_048_576 - 2)}"\n`);
    const refused = await runCli(['send', 'Orders', '--file', atCap], { stateFile: dev.stateFile });
    expect(refused.code).toBe(2);
    const fits = Number(/at most ([\d,]+) bytes fit/.exec(refused.stderr)?.[1]?.replaceAll(',', ''));
    const invalid = { orderId: 'big-1', customerId: 'c-1', amountCents: 1, items: Array.from({ length: 50 }, () => ({ sku: '', quantity: 0, unitPriceCents: -1 })), pad: '' };
    invalid.pad = 'x'.repeat(fits - Buffer.byteLength(JSON.stringify(invalid)));
    const largest = join(files, 'largest-invalid.jsonl');
    writeFileSync(largest, `${JSON.stringify(invalid)}\n`);
    expect(Buffer.byteLength(JSON.stringify(invalid))).toBe(fits);
    // Act
    const sent = await runCli(['send', 'Orders', '--file', largest], { stateFile: dev.stateFile });
    // Assess: dead-lettered at once with its reason, not retried until the redrive policy moves it
    expect(sent).toMatchObject({ code: 0, stdout: 'sent 1 message to queue Orders (local)\n' });
    await waitForOrders(dev.stateFile, 15);
    const listed = await runCli(['dlq', 'list', 'Orders', '--json'], { stateFile: dev.stateFile });
    expect(JSON.parse(listed.stdout)).toMatchObject({ total: 15, reasons: [{ reason: 'schema-invalid', count: 15 }] });
  });

  it('reports each bad line of a JSON Lines file with its number, sends nothing and exits 2', async () => {
    // Prepare
    const file = join(files, 'orders.jsonl');
    writeFileSync(file, '{"orderId":"x"}\nnot json\n{"orderId":\n');
    // Act
    const result = await runCli(['send', 'Orders', '--file', file], { stateFile: dev.stateFile });
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('sluice send: 2 of 3 messages are invalid; nothing was sent');
    expect(result.stderr).toContain(`${file}:2: not valid JSON`);
    expect(result.stderr).toContain(`${file}:3: not valid JSON`);
  });

  it.each([
    [['send', 'Nope', '--count', '1', '--template', '{}'], /^sluice send: unknown queue or stream "Nope": expected one of (\w+, )*Orders, (\w+, )*OrderStream(, \w+)*\n$/],
    [['dlq', 'list', 'OrderStreamFailure'], /^sluice dlq list: queue "OrderStreamFailure" has no dead-letter queue output: expected one of (\w+, )*Orders(, \w+)*\n$/],
    [['send', 'OrderStream', '--count', '1', '--template', '{}', '--delay', '5'], /^sluice send: --delay, --ttl, --dedup-key and --group apply to queues, not streams\n$/],
    [['send', 'Orders', '--count', '2'], /^sluice send: --count needs --template <T>: a JSON message with \{\{i\}\}, \{\{now\}\}, \{\{uuid\}\} placeholders, or @file.json\n$/],
    [['send', 'Orders', '--count', '0', '--template', '{}'], /^sluice send: option '--count <N>' argument '0' is invalid\. expected an integer from 1 to 1000000, got "0" \(usage: sluice send \[options\] <name>\)\n$/],
    [['send', 'Orders', '--file', 'x.jsonl', '--count', '2'], /^sluice send: give either --file <F.jsonl> or --count <N> with --template <T>\n$/],
    [['status', '--bogus'], /^sluice status: unknown option '--bogus' \(usage: sluice status \[options\]\)\n$/],
  ])('rejects %j with one line naming what is expected, exit 2', async (args, message) => {
    // Act
    const result = await runCli(args, { stateFile: dev.stateFile });
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('rejects an invalid batch job spec with exit 2, naming every bad field', async () => {
    // Prepare
    const file = join(files, 'job.json');
    writeFileSync(file, JSON.stringify({ jobId: 'bad id', input: [], partition: { key: 'k' }, sort: { key: 'k' }, groupBy: 'k', aggregates: [{ op: 'count' }], output: { bucket: 'bkt' } }));
    // Act
    const result = await runCli(['batch', 'start', file], { stateFile: dev.stateFile });
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^sluice batch start: ${file}: invalid batch job spec: jobId: letters, digits, .*; partition: give exactly one of \`count\` or \`ranges\`\n$`));
  });

  it('prints help for every command with exit 0', async () => {
    // Act
    const results = await Promise.all([[], ['init'], ['send'], ['dlq'], ['dlq', 'list'], ['dlq', 'replay'], ['status'], ['dev'], ['batch', 'start'], ['batch', 'status']].map((path) => runCli([...path, '--help'])));
    // Assess
    for (const result of results) {
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/^Usage: sluice/);
    }
    expect(results[0]!.stdout).toMatch(/init[\s\S]*dev[\s\S]*send[\s\S]*batch[\s\S]*dlq[\s\S]*status/);
  });

  it('stops every emulator and child process on Ctrl-C and removes its state file', async () => {
    // Prepare
    const children = descendantPids(dev.child.pid!);
    const commands = children.map(commandLine);
    expect(commands.some((c) => c.includes('DynamoDBLocal'))).toBe(true);
    expect(commands.some((c) => c.includes('main.js'))).toBe(true);
    // Act
    const result = await dev.stop();
    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('sluice dev: stopped');
    expect(children.filter(isRunning)).toEqual([]);
    expect(existsSync(dev.stateFile)).toBe(false);
    const afterStop = await runCli(['status'], { stateFile: dev.stateFile });
    expect(afterStop.code).toBe(1);
    expect(afterStop.stderr).toMatch(/^sluice status: error: no running `sluice dev` found .*start one with `sluice dev`/);
  });
});
