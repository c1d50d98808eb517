import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { AttributeType } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { DedupTable } from '../infra/dedup-table.ts';
import { QueuePipeline } from '../infra/queue-pipeline.ts';
import { secureTable } from '../infra/secure-defaults.ts';
import type { CfnTemplate } from '../local/template/types.ts';
import { ORDERS_OUTPUTS, ordersWorkerEnvironment } from '../examples/orders/lib/orders-contract.ts';

/** A worker the queue benchmarks run: its pipeline's construct id, entry, effect size and environment. */
export interface BenchWorkerDefinition {
  readonly id: string;
  readonly entry: string;
  /** Items the effect writes per message (besides the dedup record). */
  readonly effectItems: 1 | 2;
  readonly label: string;
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * The workers the queue benchmarks compare. The headline pair writes the sample's two-item effect
 * (the order and its customer's totals); the `-one` variants write only the order, the effect of one item.
 */
export const BENCH_WORKERS = {
  sluice: { id: 'Sluice', entry: 'examples/orders/functions/order-worker.ts', effectItems: 2, label: 'sluice (atomic)' },
  powertools: { id: 'Powertools', entry: 'bench/baselines/powertools-order-worker.ts', effectItems: 2, label: 'Powertools' },
  'sluice-one': { id: 'SluiceOne', entry: 'bench/workers/order-put-worker.ts', effectItems: 1, label: 'sluice (atomic)' },
  'sluice-one-claim': { id: 'SluiceOneClaim', entry: 'bench/workers/order-put-claim-worker.ts', effectItems: 1, label: 'sluice (claim)' },
  'powertools-one': { id: 'PowertoolsOne', entry: 'bench/baselines/powertools-order-worker.ts', effectItems: 1, label: 'Powertools', environment: { BENCH_EFFECT: 'order' } },
} as const satisfies Record<string, BenchWorkerDefinition>;
export type BenchWorker = keyof typeof BENCH_WORKERS;

/** Mapping settings of a benchmark pipeline. */
export interface BenchPipelineSettings {
  /** Concurrent batches (the mapping's MaximumConcurrency; AWS's minimum is 2). */
  readonly maxConcurrency: number;
}

/**
 * One order pipeline: batch 10, no batching window, its own dedup, orders and totals tables, so no run
 * sees another's items.
 */
function addOrderPipeline(stack: Stack, worker: BenchWorker, settings: BenchPipelineSettings): void {
  const definition: BenchWorkerDefinition = BENCH_WORKERS[worker];
  const { id, entry } = definition;
  const dedupTable = new DedupTable(stack, `${id}Dedup`);
  const ordersTable = secureTable(stack, `${id}OrdersTable`, { partitionKey: { name: 'orderId', type: AttributeType.STRING } });
  const totalsTable = secureTable(stack, `${id}TotalsTable`, { partitionKey: { name: 'customerId', type: AttributeType.STRING } });
  const pipeline = new QueuePipeline(stack, id, {
    entry,
    dedupTable,
    batchSize: 10,
    maxConcurrency: settings.maxConcurrency,
    functionProps: {
      environment: { ...ordersWorkerEnvironment({ ordersTable: ordersTable.tableName, totalsTable: totalsTable.tableName }), ...definition.environment },
    },
  });
  ordersTable.grant(pipeline.consumer, 'dynamodb:PutItem');
  totalsTable.grant(pipeline.consumer, 'dynamodb:UpdateItem');
  pipeline.addOutputs();
  new CfnOutput(stack, `${id}${ORDERS_OUTPUTS.ordersTable}`, { value: ordersTable.tableName });
  new CfnOutput(stack, `${id}${ORDERS_OUTPUTS.dedupTable}`, { value: dedupTable.tableName });
}

const templates = new Map<string, CfnTemplate>();

/**
 * Synthesizes (once per worker and settings) a stack holding one worker's pipeline, without bundling:
 * the local runtime runs the TypeScript entry. One pipeline per template keeps each run's setup to the
 * tables and queues it uses.
 *
 * @example
 * const runtime = await LocalRuntime.start({ template: benchTemplate('sluice'), endpoints, pollers: false });
 */
export function benchTemplate(worker: BenchWorker, settings: BenchPipelineSettings = { maxConcurrency: 5 }): CfnTemplate {
  const cacheKey = `${worker}:${settings.maxConcurrency}`;
  const cached = templates.get(cacheKey);
  if (cached) return cached;
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new (class extends Stack {
    constructor(scope: Construct, stackId: string) {
      super(scope, stackId);
      addOrderPipeline(this, worker, settings);
    }
  })(app, 'SluiceBench');
  const template = app.synth().getStackByName(stack.stackName).template as CfnTemplate;
  templates.set(cacheKey, template);
  return template;
}
