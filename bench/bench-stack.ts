import { App, CfnOutput, Stack } from 'aws-cdk-lib';
import { AttributeType } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { DedupTable } from '../infra/dedup-table.ts';
import { QueuePipeline } from '../infra/queue-pipeline.ts';
import { secureTable } from '../infra/secure-defaults.ts';
import type { CfnTemplate } from '../local/template/types.ts';

/** The two workers the queue benchmark compares, by the construct id of their pipeline. */
export const BENCH_WORKERS = {
  sluice: { id: 'Sluice', entry: 'examples/orders/functions/order-worker.ts' },
  powertools: { id: 'Powertools', entry: 'bench/baselines/powertools-order-worker.ts' },
} as const;
export type BenchWorker = keyof typeof BENCH_WORKERS;

/**
 * One order pipeline per worker, identical but for the entry: same queue settings, same mapping
 * (batch 10, 5 concurrent batches, no batching window), each with its own dedup, orders and totals tables
 * so neither sees the other's items.
 */
function addOrderPipeline(stack: Stack, worker: BenchWorker): void {
  const { id, entry } = BENCH_WORKERS[worker];
  const dedupTable = new DedupTable(stack, `${id}Dedup`);
  const ordersTable = secureTable(stack, `${id}OrdersTable`, { partitionKey: { name: 'orderId', type: AttributeType.STRING } });
  const totalsTable = secureTable(stack, `${id}TotalsTable`, { partitionKey: { name: 'customerId', type: AttributeType.STRING } });
  const pipeline = new QueuePipeline(stack, id, {
    entry,
    dedupTable,
    batchSize: 10,
    maxConcurrency: 5,
    functionProps: { environment: { ORDERS_TABLE_NAME: ordersTable.tableName, CUSTOMER_TOTALS_TABLE_NAME: totalsTable.tableName } },
  });
  ordersTable.grant(pipeline.consumer, 'dynamodb:PutItem');
  totalsTable.grant(pipeline.consumer, 'dynamodb:UpdateItem');
  pipeline.addOutputs();
  new CfnOutput(stack, `${id}OrdersTableName`, { value: ordersTable.tableName });
  new CfnOutput(stack, `${id}DedupTableName`, { value: dedupTable.tableName });
}

class BenchStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    addOrderPipeline(this, 'sluice');
    addOrderPipeline(this, 'powertools');
  }
}

/**
 * Synthesizes the benchmark stack without bundling (the local runtime runs the TypeScript entries).
 *
 * @example
 * const runtime = await LocalRuntime.start({ template: benchTemplate(), endpoints, pollers: false });
 */
export function benchTemplate(): CfnTemplate {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  new BenchStack(app, 'SluiceBench');
  return app.synth().getStackByName('SluiceBench').template as CfnTemplate;
}
