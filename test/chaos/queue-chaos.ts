import { isDeepStrictEqual } from 'node:util';
import { ENTRY_METADATA_KEY } from '../../infra/sluice-function.ts';
import { endpointsFromEnvironment } from '../../local/emulators/environment.ts';
import { orderWorkload, type WorkloadMessage } from '../../examples/orders/demo/order-workload.ts';
import { sendWorkload } from '../../examples/orders/demo/send-workload.ts';
import { ORDERS_OUTPUTS } from '../../examples/orders/lib/orders-contract.ts';
import { startFaultProxy, type FaultProxy, type WireExchange, type WireFaultRule } from '../../local/faults/fault-proxy.ts';
import { queueFaultPlan, type QueueFaultRates } from '../../local/faults/queue-fault-plan.ts';
import type { LocalRuntime } from '../../local/runtime/local-runtime.ts';
import { sampleTemplate } from '../helpers/sample-app.ts';
import type { CfnTemplate } from '../../local/template/types.ts';
import { REDRIVE_REASON } from '../../local/cli/commands/dlq/dead-letters.ts';
import { replayDeadLetters } from '../../local/cli/commands/dlq/replay.ts';
import { customerTotals, drainDeadLetters, expectedTotals, startOrdersRuntime, writtenOrders } from '../helpers/orders-runtime.ts';
import { figureTable, type Figure } from './figure-table.ts';

export interface QueueChaosOptions {
  /** Unique valid orders: each must take effect exactly once. */
  readonly orders: number;
  readonly seed: number;
  /** Share of orders the producer sends twice. */
  readonly duplicateRate: number;
  /** Unparseable and schema-invalid messages, each as a share of orders. */
  readonly malformedRate: number;
  /** Messages that expire in transit, as a share of orders. */
  readonly expiredRate: number;
  readonly pollerFaults: QueueFaultRates;
  readonly dynamodbFaults: readonly WireFaultRule[];
  readonly sqsFaults: readonly WireFaultRule[];
  readonly drainTimeoutMs: number;
}

/** What a chaos run measured, message by message. */
export interface QueueChaosReport {
  readonly sent: number;
  /** Messages the producer refused before sending (never sent, so not expected downstream): 0 in a healthy run. */
  readonly refusedByProducer: number;
  readonly uniqueOrders: number;
  readonly effects: number;
  /** Orders written that should not have been (e.g. an expired one): must be 0. */
  readonly unexpectedEffects: number;
  readonly totalsMatch: boolean;
  readonly duplicatesSent: number;
  readonly duplicatesAbsorbed: number;
  readonly claimConflicts: number;
  readonly retries: number;
  readonly injected: Record<string, number>;
  readonly dlqByReason: Record<string, number>;
  /** Valid orders SQS moved to the DLQ after maxReceiveCount failed receives, replayed with `sluice dlq replay` semantics. */
  readonly redrivenAndReplayed: number;
  /** Bad messages with more than one DLQ copy (a crash between the DLQ send and the acknowledgement). */
  readonly dlqCopies: number;
  readonly unexplainedDlq: number;
  readonly lost: number;
  readonly seconds: number;
}

/** Function and queue timeouts compressed together (Lambda requires visibility ≥ function timeout), so a held claim's lease ends before the next receive. */
export const COMPRESSED_TIMEOUT_SECONDS = 5;

/** The sample template with the order worker's Timeout compressed to match the compressed visibility timeout. */
export async function chaosTemplate(): Promise<CfnTemplate> {
  const template = structuredClone(await sampleTemplate());
  for (const resource of Object.values(template.Resources)) {
    if (resource.Type === 'AWS::Lambda::Function' && resource.Metadata?.[ENTRY_METADATA_KEY] === 'examples/orders/functions/order-worker.ts') {
      if (resource.Properties) resource.Properties.Timeout = COMPRESSED_TIMEOUT_SECONDS;
    }
  }
  return template;
}

/** Counts dedup outcomes from the worker's own DynamoDB traffic, independently of its logs and metrics. */
function dedupObserver(dedupTable: () => string | undefined) {
  const counts = { duplicates: 0, conflicts: 0 };
  const observe = (exchange: WireExchange) => {
    if (exchange.fault !== 'none' || !exchange.requestBody.includes(`"TableName":"${dedupTable()}"`)) return;
    if (exchange.operation === 'GetItem' && exchange.status === 200) {
      // Read-first: the worker found the record COMPLETED before writing, and skips the message.
      const found = (JSON.parse(exchange.responseBody) as { Item?: { status?: { S?: string } } }).Item;
      if (found?.status?.S === 'COMPLETED') counts.duplicates += 1;
      return;
    }
    if (exchange.status !== 400) return;
    let item: { status?: { S?: string } } | undefined;
    if (exchange.operation === 'PutItem' && exchange.responseBody.includes('ConditionalCheckFailed')) {
      // Claim mode: the claim's conditional PutItem was refused.
      item = (JSON.parse(exchange.responseBody) as { Item?: typeof item }).Item;
    } else if (exchange.operation === 'TransactWriteItems') {
      // Atomic mode: the dedup record is the transaction's last item; its cancellation reason says why.
      const reasons = (JSON.parse(exchange.responseBody) as { CancellationReasons?: { Code?: string; Item?: typeof item }[] }).CancellationReasons ?? [];
      const dedupReason = reasons[reasons.length - 1];
      if (dedupReason?.Code !== 'ConditionalCheckFailed' && !reasons.some((r) => r.Code === 'TransactionConflict')) return;
      item = dedupReason?.Code === 'ConditionalCheckFailed' ? dedupReason.Item : undefined;
    } else return;
    if (item?.status?.S === 'COMPLETED') counts.duplicates += 1;
    else counts.conflicts += 1;
  };
  return { counts, observe };
}

/** Matches each DLQ entry to the bad message it came from; what matches nothing is unexplained. */
function explainDeadLetters(messages: readonly WorkloadMessage[], dead: readonly { body: string; reason?: string }[]) {
  const expected = new Map<string, string>();
  for (const m of messages) {
    if (m.expected === 'effect' || m.expected === 'duplicate') continue;
    expected.set(m.raw ?? JSON.stringify(m.order), m.expected);
  }
  const seen = new Map<string, number>();
  let unexplained = 0;
  const byReason: Record<string, number> = {};
  for (const entry of dead) {
    const reason = entry.reason ?? 'redrive (maxReceiveCount)';
    byReason[reason] = (byReason[reason] ?? 0) + 1;
    if (expected.get(entry.body) === entry.reason) seen.set(entry.body, (seen.get(entry.body) ?? 0) + 1);
    else unexplained += 1;
  }
  const missing = [...expected.keys()].filter((body) => !seen.has(body)).length;
  const copies = [...seen.values()].reduce((sum, n) => sum + n - 1, 0);
  return { byReason, unexplained, missing, copies };
}

/**
 * One chaos run of the Orders queue pipeline: the sample template on the local runtime, its DynamoDB and
 * SQS traffic through fault proxies (throttling, bursts, lost responses), the poller injecting duplicate
 * deliveries, crashes before the acknowledgement and timeouts, then an accounting of every message.
 *
 * @example
 * const report = await runQueueChaos({ orders: 1_000, seed: 7, ... });
 * expect(report.lost).toBe(0);
 */
export async function runQueueChaos(options: QueueChaosOptions): Promise<QueueChaosReport> {
  const started = Date.now();
  const endpoints = endpointsFromEnvironment()!;
  let dedupTable: string | undefined;
  const observer = dedupObserver(() => dedupTable);
  const proxies: FaultProxy[] = [];
  let runtime: LocalRuntime | undefined;
  try {
    const dynamodb = await startFaultProxy({ target: endpoints.dynamodb, service: 'dynamodb', seed: options.seed, onExchange: observer.observe });
    proxies.push(dynamodb);
    const sqs = await startFaultProxy({ target: endpoints.sqs, service: 'sqs', seed: options.seed + 1 });
    proxies.push(sqs);
    runtime = await startOrdersRuntime({
      template: await chaosTemplate(),
      endpoints: { ...endpoints, dynamodb: dynamodb.endpoint, sqs: sqs.endpoint },
      overrides: { visibilityTimeoutSeconds: COMPRESSED_TIMEOUT_SECONDS },
      sqsFaults: queueFaultPlan({ seed: options.seed, rates: options.pollerFaults }),
    });
    dedupTable = runtime.output(ORDERS_OUTPUTS.dedupTable);
    // Faults start once the resources exist: provisioning is not what is under test.
    dynamodb.setRules(options.dynamodbFaults);
    sqs.setRules(options.sqsFaults);

    const workload = orderWorkload({ orders: options.orders, seed: options.seed, duplicateRate: options.duplicateRate, malformedRate: options.malformedRate, expiredRate: options.expiredRate });
    // One batch at a time, as a plain producer would send; expiring messages are stamped as they go out.
    const { accepted: messages, refused } = await sendWorkload(runtime.clients.sqs, runtime.output('OrdersQueueUrl'), workload, { concurrency: 1 });
    await runtime.drain({ timeoutMs: options.drainTimeoutMs });

    // Checks read the emulators as they are.
    dynamodb.setRules(undefined);
    sqs.setRules(undefined);
    // The runbook (docs/operations.md): messages SQS redrove after maxReceiveCount are replayed once the
    // faults are gone; dedup turns any that had already taken effect into duplicates.
    const replay = await replayRedrivenOrders(runtime, options.drainTimeoutMs);
    const written = await writtenOrders(runtime);
    const expectedIds = new Set(messages.filter((m) => m.expected === 'effect').map((m) => m.order!.orderId));
    const dead = await drainDeadLetters(runtime, runtime.output('OrdersDeadLetterQueueUrl'));
    const dlq = explainDeadLetters(messages, dead);
    const stats = runtime.sqsMappings.find((m) => m.source.ref === runtime!.output('OrdersQueueUrl'))!.poller.stats;
    const missingEffects = [...expectedIds].filter((id) => !written.has(id)).length;
    return {
      sent: messages.length,
      uniqueOrders: expectedIds.size,
      effects: written.size,
      unexpectedEffects: [...written].filter((id) => !expectedIds.has(id)).length,
      refusedByProducer: refused.length,
      totalsMatch: isDeepStrictEqual(Object.fromEntries(await customerTotals(runtime)), Object.fromEntries(expectedTotals(messages))),
      duplicatesSent: messages.filter((m) => m.expected === 'duplicate').length,
      duplicatesAbsorbed: observer.counts.duplicates,
      claimConflicts: observer.counts.conflicts,
      retries: stats.received - messages.length - stats.injectedDuplicates - replay.replayed,
      injected: {
        'duplicate deliveries': stats.injectedDuplicates,
        'crashes before ack': stats.injectedCrashes,
        'invocation timeouts': stats.injectedTimeouts,
        'DynamoDB throttled': dynamodb.stats.throttled,
        'DynamoDB lost responses': dynamodb.stats.lostResponses,
        'SQS throttled': sqs.stats.throttled,
        'SQS lost responses': sqs.stats.lostResponses,
      },
      dlqByReason: dlq.byReason,
      redrivenAndReplayed: replay.replayed,
      dlqCopies: dlq.copies,
      unexplainedDlq: dlq.unexplained,
      lost: missingEffects + dlq.missing,
      seconds: Math.round((Date.now() - started) / 1000),
    };
  } finally {
    await runtime?.stop();
    for (const proxy of proxies) await proxy.stop();
  }
}

/**
 * The figure table of a run, for the terminal.
 *
 * @example
 * process.stdout.write(chaosTable('queue chaos', report));
 */
export function chaosTable(title: string, report: QueueChaosReport): string {
  const rows: Figure[] = [
    ['messages sent', report.sent],
    ['refused by the producer (not sent)', report.refusedByProducer],
    ['unique orders expected', report.uniqueOrders],
    ['effects (orders written)', report.effects],
    ['effects that should not have happened', report.unexpectedEffects],
    ['per-customer totals = independent sum', report.totalsMatch ? 'yes' : 'NO'],
    ['duplicates sent by the producer', report.duplicatesSent],
    ['duplicates absorbed (dedup record found COMPLETED)', report.duplicatesAbsorbed],
    ['claim conflicts (live claim elsewhere, retried)', report.claimConflicts],
    ['retries (redeliveries)', report.retries],
    ...Object.entries(report.injected).map(([k, v]): Figure => [`injected: ${k}`, v]),
    ...Object.entries(report.dlqByReason).map(([k, v]): Figure => [`in DLQ: ${k}`, v]),
    ['redriven after maxReceiveCount, then replayed', report.redrivenAndReplayed],
    ['DLQ copies of one bad message (explained)', report.dlqCopies],
    ['DLQ entries unexplained', report.unexplainedDlq],
    ['lost', report.lost],
    ['seconds', report.seconds],
  ];
  return figureTable(title, rows);
}

/**
 * The runbook step (docs/operations.md) after faults: replays the Orders messages SQS redrove after
 * maxReceiveCount, then waits for the pipeline to drain; dedup turns any that took effect into duplicates.
 *
 * @example
 * const { replayed } = await replayRedrivenOrders(runtime, 60_000);
 */
export async function replayRedrivenOrders(runtime: LocalRuntime, drainTimeoutMs: number) {
  const replay = await replayDeadLetters({
    sqs: runtime.clients.sqs,
    deadLetterUrl: runtime.output('OrdersDeadLetterQueueUrl'),
    sourceUrl: runtime.output('OrdersQueueUrl'),
    filter: REDRIVE_REASON,
    waitTimeSeconds: 0,
  });
  await runtime.drain({ timeoutMs: drainTimeoutMs });
  return replay;
}
