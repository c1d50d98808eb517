import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { clientConfig } from '../../../shared/aws-clients.ts';
import { requireEnv } from '../../../shared/config.ts';
import { DedupStore } from '../../../shared/dedup/store.ts';
import { queueWorkerEnv } from '../../../shared/queue/config.ts';
import { createQueueWorker } from '../../../shared/queue/worker.ts';

// A FIFO test worker: appends each message's `seq` to its group's ledger (atomically with the dedup
// record), and fails a message marked `failOnce` on its first delivery, so ordering across a failure shows.
const LedgerEntry = z.object({ group: z.string(), seq: z.int(), failOnce: z.boolean().optional() });
const config = queueWorkerEnv();
const ledgerTable = requireEnv('LEDGER_TABLE_NAME');
const dynamodb = new DynamoDBClient(clientConfig());

export const handler = createQueueWorker({
  schema: LedgerEntry,
  dedup: { store: new DedupStore({ client: dynamodb, tableName: config.dedupTable, windowSeconds: config.dedupWindowSeconds }), scope: config.dedupScope },
  atomic: (entry, meta) => {
    if (entry.failOnce && meta.receiveCount === 1) throw new Error(`transient failure of ${entry.group}/${entry.seq}`);
    return [
      {
        Update: {
          TableName: ledgerTable,
          Key: { group: { S: entry.group } },
          UpdateExpression: 'SET seqs = list_append(if_not_exists(seqs, :empty), :seq)',
          ExpressionAttributeValues: { ':empty': { L: [] }, ':seq': { L: [{ N: String(entry.seq) }] } },
        },
      },
    ];
  },
  sqs: new SQSClient(clientConfig({ service: 'sqs' })),
  queueUrl: config.queueUrl,
  dlqUrl: config.dlqUrl,
});
