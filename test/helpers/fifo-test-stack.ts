import { App, Duration, Stack } from 'aws-cdk-lib';
import { AttributeType } from 'aws-cdk-lib/aws-dynamodb';
import { DedupTable } from '../../infra/dedup-table.ts';
import { QueuePipeline } from '../../infra/queue-pipeline.ts';
import { secureTable } from '../../infra/secure-defaults.ts';
import type { CfnTemplate } from '../../local/template/types.ts';

/** A FIFO QueuePipeline feeding test/helpers/functions/fifo-ledger-worker.ts, synthesized like the sample stack. */
export function fifoTestTemplate(): CfnTemplate {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'FifoTest');
  const dedupTable = new DedupTable(stack, 'Dedup');
  const ledger = secureTable(stack, 'LedgerTable', { partitionKey: { name: 'group', type: AttributeType.STRING } });
  const pipeline = new QueuePipeline(stack, 'Ledger', {
    entry: 'test/helpers/functions/fifo-ledger-worker.ts',
    fifo: true,
    contentBasedDeduplication: true,
    dedupTable,
    batchSize: 10,
    functionProps: { timeout: Duration.seconds(10), environment: { LEDGER_TABLE_NAME: ledger.tableName } },
  });
  ledger.grant(pipeline.consumer, 'dynamodb:UpdateItem');
  pipeline.addOutputs();
  return app.synth().getStackByName('FifoTest').template as CfnTemplate;
}
