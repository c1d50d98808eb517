import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { EmulatorEndpoints } from '../local/emulators/index.ts';
import { toSqsRecord } from '../local/pollers/sqs-record.ts';
import type { LocalFunction } from '../local/runtime/local-function.ts';
import { LocalRuntime } from '../local/runtime/local-runtime.ts';
import type { CfnTemplate } from '../local/template/types.ts';
import { BENCH_WORKERS, type BenchWorker } from './bench-stack.ts';
import type { DynamoDbCounter, OperationCounts } from './dynamodb-counter.ts';
import { orderMessages } from './order-messages.ts';
import type { WireUsage } from './wire-usage.ts';
import { queueOutputName } from '../shared/queue/contract.ts';
import { ORDERS_OUTPUTS } from '../examples/orders/lib/orders-contract.ts';

/** What one timed run of one worker did. */
export interface QueueRun {
  worker: BenchWorker;
  messages: number;
  unique: number;
  seconds: number;
  messagesPerSecond: number;
  /** DynamoDB requests made by the handler while the run was timed. */
  counts: OperationCounts;
  /** Records the handler reported as failed (a live claim met by a copy, a transaction conflict …): they cost a visibility timeout. */
  itemFailures: number;
  batchErrors: number;
  /** Handler invocations in the timed window, and their durations as Lambda bills them (each rounded up to 1 ms). */
  invocations: number;
  billedMs: number;
  /** The function's configured memory (MiB), for GB-seconds. */
  memoryMb: number;
  /** Concurrent batches the mapping allows. */
  maxConcurrency: number;
  /** Latency-true runs: what went over the wire in the timed window (billed units), and the proxies' answers held back / late. */
  wire?: WireUsage;
  latency?: { held: number; overruns: number };
}

export interface QueueRunOptions {
  template: CfnTemplate;
  /** Where the runtime and the function send their requests: the emulators, or proxies in front of them. */
  endpoints: EmulatorEndpoints;
  counter: DynamoDbCounter;
  worker: BenchWorker;
  messages: number;
  duplicateShare: number;
  log?: (line: string) => void;
  /** Added to the function's environment (e.g. QUEUE_ENV.dedupReadFirst). */
  functionEnvironment?: Record<string, string>;
  /** Called when the clock starts (after the queue is filled) and when it stops (e.g. to turn latency on and off). */
  window?: { start(): void; stop(): void };
}

const WARM_UP_RECORDS = 20;
const FUNCTION_ENVIRONMENT = { POWERTOOLS_LOG_LEVEL: 'SILENT', POWERTOOLS_METRICS_DISABLED: 'true' };

/**
 * One timed run: a fresh runtime (new queues and tables under a new name prefix) with pollers off, the
 * handler loaded and warmed by direct invocations, the queue filled, and then the clock runs from the
 * poller's start until it has deleted every message. Only the consumer is timed, not the sending; the
 * orders table is checked afterwards, so a worker that skipped work cannot look fast.
 *
 * @example
 * const run = await measureQueueRun({ template, endpoints, counter, worker: 'sluice', messages: 1000, duplicateShare: 0.2 });
 */
export async function measureQueueRun(options: QueueRunOptions): Promise<QueueRun> {
  const { id } = BENCH_WORKERS[options.worker];
  const runId = randomUUID().slice(0, 6);
  const runtime = await LocalRuntime.start({
    template: options.template,
    endpoints: options.endpoints,
    namePrefix: `b${runId}-`,
    pollers: false,
    // Copies never meet a live claim (see orderMessages), so this only bounds a surprise.
    overrides: { visibilityTimeoutSeconds: 10 },
    functionEnvironment: { ...FUNCTION_ENVIRONMENT, ...options.functionEnvironment },
    ...(options.log ? { log: options.log } : {}),
  });
  try {
    const queueUrl = runtime.output(queueOutputName(id, 'queueUrl'));
    const mapping = runtime.sqsMappings.find((m) => m.source.ref === queueUrl);
    const fn = mapping && runtime.functions.get(mapping.functionLogicalId);
    if (!mapping || !fn) throw new Error(`no event source mapping for ${id}`);
    const poller = runtime.sqsPoller(queueUrl);
    const queueArn = mapping.source.attributes.Arn!;
    const invocations = timeInvocations(fn);

    for (let batch = 0; batch < WARM_UP_RECORDS / 10; batch++) {
      const warm = orderMessages({ count: 10, duplicateShare: 0, runId: `warm-${runId}-${batch}` }).bodies;
      await fn.invoke({ Records: warm.map((body) => syntheticRecord(body, queueArn, runtime.region)) });
    }
    const { bodies, unique } = orderMessages({ count: options.messages, duplicateShare: options.duplicateShare, runId });
    await sendAll(runtime.clients.sqs, queueUrl, bodies);

    options.counter.start();
    options.window?.start();
    invocations.reset();
    const started = performance.now();
    poller.start();
    const deadline = Date.now() + Math.max(120_000, options.messages * 50);
    while (poller.stats.deleted < bodies.length) {
      if (Date.now() > deadline) throw new Error(`${id}: ${poller.stats.deleted} of ${bodies.length} messages done before the deadline`);
      await new Promise((r) => setTimeout(r, 5));
    }
    const seconds = (performance.now() - started) / 1000;
    const counts = options.counter.stop();
    options.window?.stop();
    const invoked = invocations.read();
    await runtime.stopPollers();

    const written = await countItems(runtime, runtime.output(`${id}${ORDERS_OUTPUTS.ordersTable}`));
    if (written !== unique + WARM_UP_RECORDS) throw new Error(`${id}: ${written} orders written, expected ${unique + WARM_UP_RECORDS}`);
    return {
      worker: options.worker,
      messages: bodies.length,
      unique,
      seconds,
      messagesPerSecond: bodies.length / seconds,
      counts,
      itemFailures: poller.stats.itemFailures,
      batchErrors: poller.stats.batchErrors,
      invocations: invoked.count,
      billedMs: invoked.billedMs,
      memoryMb: fn.memoryLimitInMB,
      maxConcurrency: maxConcurrencyOf(options.template),
    };
  } finally {
    await runtime.stop();
  }
}

/**
 * Times every invocation of a function as Lambda bills it (per invocation, rounded up to 1 ms). The
 * poller calls `fn.invoke` on the same object, so wrapping the method sees each batch.
 */
function timeInvocations(fn: LocalFunction): { reset(): void; read(): { count: number; billedMs: number } } {
  let count = 0;
  let billedMs = 0;
  const invoke = fn.invoke.bind(fn);
  Object.assign(fn, {
    invoke: async (event: unknown) => {
      const started = performance.now();
      try {
        return await invoke(event);
      } finally {
        count += 1;
        billedMs += Math.ceil(performance.now() - started);
      }
    },
  });
  return {
    reset() {
      count = 0;
      billedMs = 0;
    },
    read: () => ({ count, billedMs }),
  };
}

/** The MaximumConcurrency of the template's (one) SQS event source mapping. */
function maxConcurrencyOf(template: CfnTemplate): number {
  const mapping = Object.values(template.Resources).find((resource) => resource.Type === 'AWS::Lambda::EventSourceMapping');
  return Number((mapping?.Properties as { ScalingConfig?: { MaximumConcurrency?: number } } | undefined)?.ScalingConfig?.MaximumConcurrency ?? 0);
}

/** A record as the poller would build it, for warm-up invocations that never touch the queue. */
function syntheticRecord(body: string, queueArn: string, region: string): SQSRecord {
  const now = String(Date.now());
  return toSqsRecord(
    {
      MessageId: randomUUID(),
      ReceiptHandle: randomUUID(),
      Body: body,
      Attributes: { ApproximateReceiveCount: '1', SentTimestamp: now, ApproximateFirstReceiveTimestamp: now, SenderId: 'bench' },
    },
    queueArn,
    region,
  );
}

async function sendAll(sqs: SQSClient, queueUrl: string, bodies: readonly string[]): Promise<void> {
  const chunks: string[][] = [];
  for (let i = 0; i < bodies.length; i += 10) chunks.push(bodies.slice(i, i + 10));
  // A few batches in flight, in order overall: copies must stay behind their originals.
  for (let i = 0; i < chunks.length; i += 8) {
    await Promise.all(
      chunks.slice(i, i + 8).map(async (chunk) => {
        const out = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: chunk.map((body, n) => ({ Id: String(n), MessageBody: body })) }));
        if ((out.Failed ?? []).length > 0) throw new Error(`send failed: ${JSON.stringify(out.Failed)}`);
      }),
    );
  }
}

async function countItems(runtime: LocalRuntime, tableName: string): Promise<number> {
  let count = 0;
  let start: Record<string, never> | undefined;
  do {
    const page = await runtime.clients.dynamodb.send(new ScanCommand({ TableName: tableName, Select: 'COUNT', ExclusiveStartKey: start }));
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start);
  return count;
}
