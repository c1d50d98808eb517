import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType } from 'aws-cdk-lib/aws-dynamodb';
import { BatchJob } from './batch-job.ts';
import type { Construct } from 'constructs';
import { DedupTable } from './dedup-table.ts';
import { QueuePipeline } from './queue-pipeline.ts';
import { secureTable } from './secure-defaults.ts';
import { StreamPipeline } from './stream-pipeline.ts';

/**
 * The sample stack: composes sluice's constructs into working pipelines.
 * Each pipeline section below is self-contained; constructs live in their own files.
 *
 * @example
 * new SluiceStack(app, 'Sluice');
 */
export class SluiceStack extends Stack {
  /** Dedup records of every pipeline in the stack (pipelines keep apart by dedup scope). */
  readonly dedupTable: DedupTable;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    // Shared by every pipeline (issue #2).
    this.dedupTable = new DedupTable(this, 'Dedup');
    new CfnOutput(this, 'DedupTableName', { value: this.dedupTable.tableName, description: 'sluice dedup table' });
    // Queue pipeline: order jobs (issue #2).
    this.addOrdersQueuePipeline();
    // ---- Batch job: partition → sort → aggregate → reduce over a Step Functions Map (issue #3) ----
    // Job specs sent to the request queue start one execution each (dedup + execution name = jobId).
    new BatchJob(this, 'Batch', { dedupTable: this.dedupTable, maxConcurrency: 10 }).addOutputs();
    // ---- end of batch job ----
    // Stream pipeline (issue #4).
    // ---- Stream pipeline: order revenue per category per minute (issue #4) ----
    // Orders (and cart events, filtered out by the mapping) on a 4-shard stream; the consumer commits
    // each minute's count and revenue per category once per shard. The filter is the sample pipeline's
    // `orderFilterPattern` (shared/stream/order-pipeline.ts; test/infra/stream-pipeline.test.ts keeps them equal).
    new StreamPipeline(this, 'OrderStream', {
      entry: 'functions/stream-order-aggregator.ts',
      pipelineName: 'order-revenue',
      shardCount: 4,
      batchSize: 500,
      tumblingWindow: Duration.minutes(1),
      dataFilter: { type: ['order'] },
    }).addOutputs();
    // ---- end of stream pipeline ----
  }

  // ---- Queue pipeline: order jobs (issue #2) ------------------------------------------------------
  /**
   * Orders arrive on an SQS queue; the worker writes each order once to the orders table and adds it
   * to its customer's totals, in one transaction with the dedup record.
   */
  private addOrdersQueuePipeline(): void {
    const ordersTable = secureTable(this, 'OrdersTable', { partitionKey: { name: 'orderId', type: AttributeType.STRING } });
    const totalsTable = secureTable(this, 'CustomerTotalsTable', { partitionKey: { name: 'customerId', type: AttributeType.STRING } });
    const orders = new QueuePipeline(this, 'Orders', {
      entry: 'functions/order-worker.ts',
      dedupTable: this.dedupTable,
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(1),
      maxConcurrency: 5,
      maxReceiveCount: 5,
      environment: { ORDERS_TABLE_NAME: ordersTable.tableName, CUSTOMER_TOTALS_TABLE_NAME: totalsTable.tableName },
    });
    // The worker only puts orders and updates totals, inside a TransactWriteItems with its dedup record.
    ordersTable.grant(orders.consumer, 'dynamodb:PutItem');
    totalsTable.grant(orders.consumer, 'dynamodb:UpdateItem');
    orders.addOutputs();
    new CfnOutput(this, 'OrdersTableName', { value: ordersTable.tableName, description: 'orders written by the worker' });
    new CfnOutput(this, 'CustomerTotalsTableName', { value: totalsTable.tableName, description: 'per-customer order count and total' });
  }
  // ---- end of queue pipeline ----------------------------------------------------------------------
}
