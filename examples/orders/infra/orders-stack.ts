import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { BatchJob, DedupTable, grantTableActions, QueuePipeline, secureTable, StreamPipeline } from 'sluice/cdk';
import { orderDataFilter } from '../lib/order-revenue-pipeline.ts';
import { ORDERS_OUTPUTS, ordersWorkerEnvironment } from '../lib/orders-contract.ts';

/** Handler entries beside this file, so the app synthesizes from the repository root and from its own folder alike. */
const entry = (name: string) => fileURLToPath(new URL(`../functions/${name}`, import.meta.url));

/**
 * The Orders sample: sluice's constructs composed into three working pipelines, through the public API
 * only, as a team would use them in its own app.
 *
 * @example
 * new OrdersStack(app, 'Sluice');
 */
export class OrdersStack extends Stack {
  /** Dedup records of every pipeline in the stack (pipelines keep apart by dedup scope). */
  readonly dedupTable: DedupTable;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    this.dedupTable = new DedupTable(this, 'Dedup');
    new CfnOutput(this, ORDERS_OUTPUTS.dedupTable, { value: this.dedupTable.tableName, description: 'sluice dedup table' });
    this.addOrdersQueuePipeline();
    // Batch job: partition → sort → aggregate → reduce over a Step Functions Map. Job specs sent to the
    // request queue start one execution each (dedup + execution name = jobId).
    new BatchJob(this, 'Batch', { dedupTable: this.dedupTable, maxConcurrency: 10 }).addOutputs();
    // Stream pipeline: orders (and cart events, which the mapping's filter skips) on a 4-shard stream;
    // the consumer commits each minute's count and revenue per category once per shard.
    new StreamPipeline(this, 'OrderStream', {
      entry: entry('stream-order-aggregator.ts'),
      pipelineName: 'order-revenue',
      shardCount: 4,
      batchSize: 500,
      tumblingWindow: Duration.minutes(1),
      dataFilter: orderDataFilter,
    }).addOutputs();
  }

  /**
   * Orders arrive on an SQS queue; the worker writes each order once to the orders table and adds it
   * to its customer's totals, in one transaction with the dedup record.
   */
  private addOrdersQueuePipeline(): void {
    const ordersTable = secureTable(this, 'OrdersTable', { partitionKey: { name: 'orderId', type: AttributeType.STRING } });
    const totalsTable = secureTable(this, 'CustomerTotalsTable', { partitionKey: { name: 'customerId', type: AttributeType.STRING } });
    const orders = new QueuePipeline(this, 'Orders', {
      entry: entry('order-worker.ts'),
      dedupTable: this.dedupTable,
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(1),
      maxConcurrency: 5,
      maxReceiveCount: 5,
      functionProps: { environment: ordersWorkerEnvironment({ ordersTable: ordersTable.tableName, totalsTable: totalsTable.tableName }) },
    });
    // The worker only puts orders and updates totals, inside a TransactWriteItems with its dedup record.
    grantTableActions(ordersTable, orders.consumer, 'dynamodb:PutItem');
    grantTableActions(totalsTable, orders.consumer, 'dynamodb:UpdateItem');
    orders.addOutputs();
    new CfnOutput(this, ORDERS_OUTPUTS.ordersTable, { value: ordersTable.tableName, description: 'orders written by the worker' });
    new CfnOutput(this, ORDERS_OUTPUTS.totalsTable, { value: totalsTable.tableName, description: 'per-customer order count and total' });
  }
}
