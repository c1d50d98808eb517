import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { LocalRuntime } from '../../local/runtime/local-runtime.ts';
import { endpointsFromEnvironment } from '../../local/emulators/environment.ts';
import { fifoTestTemplate } from '../helpers/fifo-test-stack.ts';
import { TEST_VISIBILITY_TIMEOUT_SECONDS } from '../helpers/test-visibility.ts';

describe('FIFO queue pipeline', () => {
  it('keeps the order within each message group across a failure, and other groups unaffected', async () => {
    // Prepare
    const runtime = await LocalRuntime.start({
      template: fifoTestTemplate(),
      endpoints: endpointsFromEnvironment()!,
      namePrefix: `f${randomUUID().slice(0, 6)}-`,
      overrides: { visibilityTimeoutSeconds: TEST_VISIBILITY_TIMEOUT_SECONDS },
      functionEnvironment: { POWERTOOLS_LOG_LEVEL: 'SILENT' },
    });
    try {
      const queueUrl = runtime.output('LedgerQueueUrl');
      const entries = ['A', 'B'].flatMap((group) =>
        [1, 2, 3, 4, 5, 6].map((seq) => ({ group, seq, failOnce: group === 'A' && seq === 3 })),
      );
      // Act: interleave the groups in one batch, as a producer of two streams would.
      const interleaved = entries.filter((e) => e.group === 'A').flatMap((a, i) => [a, entries.find((b) => b.group === 'B' && b.seq === i + 1)!]);
      for (let i = 0; i < interleaved.length; i += 10) {
        await runtime.clients.sqs.send(
          new SendMessageBatchCommand({
            QueueUrl: queueUrl,
            Entries: interleaved.slice(i, i + 10).map((e, n) => ({ Id: String(n), MessageBody: JSON.stringify(e), MessageGroupId: e.group })),
          }),
        );
      }
      await runtime.drain({ timeoutMs: 60_000 });
      // Assess
      const page = await runtime.clients.dynamodb.send(new ScanCommand({ TableName: runtime.find('AWS::DynamoDB::Table', 'LedgerTable').ref }));
      const ledgers = Object.fromEntries((page.Items ?? []).map((i) => [i.group!.S!, i.seqs!.L!.map((v) => Number(v.N))]));
      expect(ledgers).toEqual({ A: [1, 2, 3, 4, 5, 6], B: [1, 2, 3, 4, 5, 6] });
      // A3 failed once; whatever else of group A shared its batch was held back with it, never run ahead.
      expect(runtime.sqsPoller(queueUrl).stats.itemFailures).toBeGreaterThanOrEqual(1);
    } finally {
      await runtime.stop();
    }
  });
});
