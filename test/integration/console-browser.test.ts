import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { jest } from '@jest/globals';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Page } from 'playwright-core';
import { clientConfig } from '../../shared/aws-clients.ts';
import { generateOrders, jobSpecInput } from '../helpers/batch-records.ts';
import { CHROMIUM_INSTALL_HINT, eventually, findChromium, launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { startDev, type DevProcess } from '../helpers/cli-process.ts';

jest.setTimeout(300_000);

const chromiumPath = findChromium();
const inCi = Boolean(process.env.CI);
if (!chromiumPath && !inCi) process.stderr.write(`console browser test skipped: ${CHROMIUM_INSTALL_HINT}\n`);

/** Screenshots go to SLUICE_SCREENSHOT_DIR (`npm run docs:screenshots` sets docs/console), else a temp dir. */
const screenshotDir = process.env.SLUICE_SCREENSHOT_DIR ? resolve(process.env.SLUICE_SCREENSHOT_DIR) : mkdtempSync(join(tmpdir(), 'sluice-console-shots-'));
const PARTITIONS = 4;
const validOrder = (i: number) => ({ orderId: `web-${i}`, customerId: `c-${i % 3}`, amountCents: 500 + i, items: [{ sku: 'a', quantity: 1, unitPriceCents: 500 + i }] });
const streamEvents = [
  ...Array.from({ length: 12 }, (_, i) => ({ type: 'order', orderId: `so-${i}`, customerId: `c-${i % 4}`, category: i % 2 ? 'books' : 'games', amountCents: 100 + i })),
  ...Array.from({ length: 3 }, (_, i) => ({ type: 'order', orderId: `no-customer-${i}`, category: 'books', amountCents: 100 })),
  ...Array.from({ length: 4 }, (_, i) => ({ type: 'cart', orderId: `cart-${i}`, customerId: 'c-1', category: 'toys', amountCents: 0 })),
];

async function text(page: Page, selector: string): Promise<string | undefined> {
  const locator = page.locator(selector);
  return (await locator.count()) > 0 ? ((await locator.first().textContent()) ?? undefined) : undefined;
}

async function shoot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

(chromiumPath || inCi ? describe : describe.skip)('the sluice dev console, in a real browser, on the Orders sample', () => {
  let dev: DevProcess;
  let browser: TestBrowser;
  let page: Page;
  let sqs: SQSClient;
  let consoleUrl: string;
  let token: string;

  beforeAll(async () => {
    if (!chromiumPath) throw new Error(CHROMIUM_INSTALL_HINT);
    dev = await startDev();
    consoleUrl = /^console: (http:\/\/\S+)/m.exec(dev.output.stdout)![1]!;
    token = /^console token: (\S+)$/m.exec(dev.output.stdout)![1]!;
    const region = { region: dev.state.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    sqs = new SQSClient({ ...region, endpoint: dev.state.endpoints.sqs });
    // Stream records first: their one-minute window has to end before it is committed.
    const kinesis = new KinesisClient({ ...region, endpoint: dev.state.endpoints.kinesis, requestHandler: new NodeHttpHandler() });
    try {
      await kinesis.send(
        new PutRecordsCommand({
          StreamName: dev.state.outputs.OrderStreamStreamName!,
          Records: streamEvents.map((event, i) => ({ PartitionKey: `p-${i}`, Data: Buffer.from(JSON.stringify(event)) })),
        }),
      );
    } finally {
      kinesis.destroy();
    }
    browser = await launchBrowser(chromiumPath);
    page = browser.page;
  });

  afterAll(async () => {
    await browser?.close();
    sqs?.destroy();
    await dev?.stop();
  });

  it('shows each queue with visible / in flight / delayed / DLQ depths, live, and the DLQ grouped by reason with sample bodies', async () => {
    // Prepare: good orders, two delayed for 15 minutes, and bad ones (unparseable, schema-invalid).
    const orders = dev.state.outputs.OrdersQueueUrl!;
    await page.goto(`${consoleUrl}#queues`);
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: orders, Entries: Array.from({ length: 6 }, (_, i) => ({ Id: `ok${i}`, MessageBody: JSON.stringify(validOrder(i)) })) }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: orders, Entries: [0, 1].map((i) => ({ Id: `later${i}`, MessageBody: JSON.stringify(validOrder(100 + i)), DelaySeconds: 900 })) }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: orders, Entries: [0, 1, 2].map((i) => ({ Id: `bad${i}`, MessageBody: `{not json ${i}` })) }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: orders, Entries: [0, 1].map((i) => ({ Id: `invalid${i}`, MessageBody: JSON.stringify({ orderId: `invalid-${i}` }) })) }));

    // Act: the page, already open, updates by itself.
    const row = 'tr[data-queue="Orders"]';
    const depths = async () => Promise.all(['visible', 'in-flight', 'delayed', 'dlq'].map((field) => text(page, `${row} td[data-field="${field}"]`)));
    const settled = await eventually(async () => {
      const now = await depths();
      // The groups are read again at most every 5 s: wait until they count all 5.
      const groups = await Promise.all(['malformed', 'schema-invalid'].map((reason) => text(page, `[data-dlq="Orders"] tr[data-reason="${reason}"] td[data-field="count"]`)));
      return now.join(' ') === '0 0 2 5' && groups.join(' ') === '3 2' ? now : undefined;
    }, 60_000, 'Orders at 0 visible, 0 in flight, 2 delayed, 5 in the DLQ, grouped');

    // Assess
    expect(settled).toEqual(['0', '0', '2', '5']);
    expect(await page.locator('tr[data-queue]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-queue')))).toEqual(['BatchRequest', 'Orders', 'OrderStreamFailure']);
    const malformed = '[data-dlq="Orders"] tr[data-reason="malformed"]';
    expect(await text(page, `${malformed} td[data-field="count"]`)).toBe('3');
    expect(await text(page, `${malformed} td[data-field="sample-body"]`)).toMatch(/^\{not json \d$/);
    expect(await text(page, `${malformed} td[data-field="sample-error"]`)).toContain('body is not JSON');
    expect(await text(page, '[data-dlq="Orders"] tr[data-reason="schema-invalid"] td[data-field="count"]')).toBe('2');
    expect(await text(page, '[data-dlq="Orders"] tr[data-reason="schema-invalid"] td[data-field="sample-body"]')).toMatch(/^\{"orderId":"invalid-\d"\}$/);
    await shoot(page, 'queues');
  });

  it('replays one reason from the page only after confirmation with the terminal token, sending the messages back to the queue', async () => {
    // Prepare
    const consumer = 'tr[data-queue="Orders"] td:last-child';
    const receivedBefore = Number(/([\d,]+) received/.exec((await text(page, consumer)) ?? '')![1]!.replace(/,/g, ''));
    await page.locator('[data-dlq="Orders"] tr[data-reason="malformed"] button[data-action="replay-reason"]').click();
    await page.locator('#replay-dialog').waitFor({ state: 'visible' });
    expect(await text(page, '#replay-what')).toBe('Replay the 3 dead letters with reason “malformed” from Orders DLQ back to Orders?');

    // Act: a wrong token first, then the one `sluice dev` printed.
    await page.fill('#replay-token', 'not-the-token');
    await page.click('#replay-confirm');
    const refused = await eventually(async () => ((await text(page, '#replay-result'))?.startsWith('not replayed') ? text(page, '#replay-result') : undefined), 30_000, 'refusal');
    await page.fill('#replay-token', token);
    await page.click('#replay-confirm');
    const done = await eventually(async () => ((await text(page, '#replay-result'))?.startsWith('replayed') ? text(page, '#replay-result') : undefined), 60_000, 'replay result');
    await page.click('#replay-cancel');

    // Assess: the consumer received them again (malformed, they return to the DLQ).
    expect(refused).toBe('not replayed: this action needs the console token `sluice dev` printed in its terminal');
    // Left: the 2 schema-invalid ones, and those of the 3 that failed again before the replay ended.
    expect(done).toMatch(/^replayed 3 dead letters from the Orders DLQ to Orders; [2-5] left in the DLQ \(--filter malformed\)\n {2}2 not matching --filter malformed/);
    await eventually(
      async () => {
        const received = Number(/([\d,]+) received/.exec((await text(page, consumer)) ?? '')?.[1]?.replace(/,/g, '') ?? '0');
        return received >= receivedBefore + 3 && (await text(page, 'tr[data-queue="Orders"] td[data-field="dlq"]')) === '5' ? true : undefined;
      },
      60_000,
      'replayed dead letters received by the consumer and dead-lettered again',
    );
  });

  it("draws the batch job's execution as a graph whose states and Map iterations reach SUCCEEDED, live", async () => {
    // Prepare: an input in the batch bucket, then the job request on the request queue (as a client sends it).
    const bucket = dev.state.outputs.BatchBucketName!;
    const s3 = new S3Client({ ...clientConfig({ service: 's3' }), region: dev.state.region, endpoint: dev.state.endpoints.s3, forcePathStyle: true });
    try {
      const body = [...generateOrders(3_000, 7)].map((r) => JSON.stringify(r)).join('\n');
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'inputs/console.jsonl', Body: body }));
    } finally {
      s3.destroy();
    }
    const spec = jobSpecInput({ jobId: 'console-job', input: { format: 'jsonl', s3: { bucket, key: 'inputs/console.jsonl' } }, partition: { key: 'customer', count: PARTITIONS }, output: { bucket, prefix: 'results/' } });
    await page.goto(`${consoleUrl}#state-machines`);

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: dev.state.outputs.BatchRequestQueueUrl!, MessageBody: JSON.stringify(spec) }));
    const graphStatuses = () => page.locator('#execution [data-status]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-status')));
    await eventually(async () => ((await text(page, '#execution [data-field="execution-status"]')) === 'SUCCEEDED' ? true : undefined), 120_000, 'execution SUCCEEDED', graphStatuses);

    // Assess: the graph's states, the Map's iterations (one per partition), each with its status and duration.
    expect(await text(page, '#execution h2')).toContain('console-job');
    const status = (state: string) => page.locator(`#execution g[data-state="${state}"]`).getAttribute('data-status');
    for (const state of ['Split', 'ProcessPartitions', 'ProcessPartition', 'Reduce']) expect(await status(state)).toBe('SUCCEEDED');
    for (const state of ['RecordFailure', 'JobFailed', 'ProcessPartitionsDistributed']) expect(await status(state)).toBe('NOT_STARTED');
    const iterations = await page.locator('#execution [data-map="ProcessPartitions"] [data-iteration]').evaluateAll((chips) => chips.map((c) => [c.getAttribute('data-status'), c.textContent]));
    expect(iterations).toHaveLength(PARTITIONS);
    for (const [iterationStatus, label] of iterations) {
      expect(iterationStatus).toBe('SUCCEEDED');
      expect(label).toMatch(/^#\d succeeded · [\d.]+ (ms|s)$/);
    }
    expect(await text(page, '#execution g[data-state="Reduce"] text.detail')).toMatch(/^succeeded · [\d.]+ (ms|s)$/);
    await shoot(page, 'state-machines');
  });

  it('lists the functions with their invocations, errors, timeouts and last log lines', async () => {
    // Act
    await page.goto(`${consoleUrl}#functions`);
    const worker = 'tr[data-function^="OrdersConsumer"]';
    await page.locator(worker).waitFor();

    // Assess: every template function is listed; the worker ran, the batch functions ran once per task.
    const ids = await page.locator('tr[data-function]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-function')!.replace(/[0-9A-F]{8}$/, '')));
    expect(ids).toEqual(['BatchProcessPartition', 'BatchReduce', 'BatchRequestsConsumer', 'BatchSplit', 'OrdersConsumer', 'OrderStreamConsumer']);
    expect(Number(await text(page, `${worker} td[data-field="invocations"]`))).toBeGreaterThan(0);
    expect(await text(page, 'tr[data-function^="BatchProcessPartition"] td[data-field="invocations"]')).toBe(String(PARTITIONS));
    expect(await text(page, 'tr[data-function^="BatchReduce"] td[data-field="errors"]')).toBe('0');
    await page.locator(`${worker} details summary`).click();
    await shoot(page, 'functions');
  });

  it("shows the stream's shards, what its mapping read, filtered and processed, the rejected records in its failure queue and the windows, closed", async () => {
    // Act: the records' parts are committed as they are processed; their window closes at the next minute boundary.
    await page.goto(`${consoleUrl}#streams`);
    const card = '[data-stream="OrderStream"]';
    const windows = `${card} [data-field="windows"]`;
    const windowRecords = async () => (await page.locator(`${windows} td[data-field="records"]`).allTextContents()).reduce((sum, n) => sum + Number(n.replace(/,/g, '')), 0);
    const windowStates = async () => new Set(await page.locator(`${windows} td[data-field="state"]`).allTextContents());
    await eventually(async () => ((await windowRecords()) === 12 && [...(await windowStates())].join() === 'closed' ? true : undefined), 180_000, '12 records in closed windows', async () => [await windowRecords(), ...(await windowStates())]);

    // Assess
    expect(await page.locator(`${card} [data-field="shards"] .chip`).count()).toBe(4);
    const mapping = `${card} tr[data-mapping]`;
    expect(await text(page, `${mapping} td[data-field="read"]`)).toBe(String(streamEvents.length));
    expect(await text(page, `${mapping} td[data-field="filtered"]`)).toBe('4');
    expect(await text(page, `${mapping} td[data-field="processed"]`)).toBe('15');
    expect(await text(page, `${card} [data-field="rejected"]`)).toBe('rejected by the function (committed windows): 3');
    expect(await text(page, `${card} [data-failure-queue="OrderStreamFailure"] p`)).toBe('OrderStreamFailure: 3 messages');
    expect(await text(page, `${card} [data-failure-queue="OrderStreamFailure"] pre`)).toContain('"reason":"schema-invalid"');
    const results = (await page.locator(`${windows} .chip`).allTextContents()).join(' ');
    expect(results).toMatch(/books: \d+ · Σ [\d,]+/);
    expect(results).toMatch(/games: \d+ · Σ [\d,]+/);
    await shoot(page, 'streams');
  });
});
